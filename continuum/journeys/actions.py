"""Recording journey events: every action that is a step of a survivor's path calls this."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from continuum.audit import log as audit
from continuum.journeys.models import EventKind, JourneyEvent


def journey_record(
    *,
    case_id: uuid.UUID,
    kind: EventKind,
    actor: Any = None,
    person_id: uuid.UUID | None = None,
    occurred_at: dt.datetime | None = None,
    data: dict[str, Any] | None = None,
) -> JourneyEvent:
    """Append one event. `data` holds codes and ids only; the agency is the actor's. A system
    actor (a job, continuum/access/system.py) has no user row: the event names it in `data`
    under "system_actor", as its audit row does."""
    membership = getattr(actor, "membership", None) if actor is not None else None
    values = dict(data or {})
    name = audit.system_name(actor)
    if name is not None:
        values[audit.SYSTEM_ACTOR_KEY] = name
    return JourneyEvent.objects.create(
        case_id=case_id,
        person_id=person_id,
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        agency_id=membership.agency_id if membership is not None else None,
        actor=actor if getattr(actor, "pk", None) else None,
        data=values,
    )
