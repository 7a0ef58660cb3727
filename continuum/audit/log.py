"""Writing the audit log: `record()` appends one row in the caller's transaction.

It takes no lock on any shared row: the id comes from the database's sequence, and the row is
chained later by the sequencer (continuum.audit.sequencer), so concurrent requests never queue
on the audit log. Only ids, codes and field names are accepted; anything that could be a
person's details (a name, free text, a date of birth) is refused with ValueError before anything
is written.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from continuum.audit.models import AuditEvent, Outcome

NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")
CODE_RE = re.compile(r"^[A-Za-z0-9_.:-]{0,64}$")
ACTION_RE = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
OBJECT_TYPE_RE = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)?$")

# --- validation: codes and names only -----------------------------------------------------------


def _check_code(value: Any, what: str) -> None:
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, str) and CODE_RE.match(value):
        return
    raise ValueError(f"audit {what} must be a code, an id or a number, not free text")


def _clean_fields(fields: Iterable[str]) -> list[str]:
    if isinstance(fields, str | bytes):
        raise ValueError("audit fields must be a list of field names, not one string")
    names = list(fields)
    for name in names:
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise ValueError("audit fields must be field names (lowercase letters, digits, underscores)")
    return names


def _clean_detail(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    if detail is None:
        return {}
    if not isinstance(detail, Mapping):
        raise ValueError("audit detail must be a mapping")
    cleaned: dict[str, Any] = {}
    for key, value in detail.items():
        if not isinstance(key, str) or not NAME_RE.match(key):
            raise ValueError("audit detail keys must be names (lowercase letters, digits, underscores)")
        if isinstance(value, list | tuple):
            for item in value:
                _check_code(item, f"detail value of {key!r}")
            cleaned[key] = list(value)
        else:
            _check_code(value, f"detail value of {key!r}")
            cleaned[key] = value
    return cleaned


def _clean_case_id(case_id: uuid.UUID | str | None) -> uuid.UUID | None:
    if case_id is None or isinstance(case_id, uuid.UUID):
        return case_id
    if isinstance(case_id, str):
        try:
            return uuid.UUID(case_id)
        except ValueError:
            raise ValueError("audit case_id must be a UUID") from None
    raise ValueError("audit case_id must be a UUID")


# The detail key that names a system actor (continuum/access/system.py); only this module writes it.
SYSTEM_ACTOR_KEY = "system_actor"
SYSTEM_ROLE = "system"


def system_name(actor: Any) -> str | None:
    """The name of a system actor (a background job, continuum/access/system.py SystemActor: this
    layer sits below access and recognises it by its `is_system` mark), or None for anyone else."""
    if actor is None or getattr(actor, "is_system", False) is not True:
        return None
    name = getattr(actor, "name", None)
    if not isinstance(name, str) or not CODE_RE.match(name) or not name:
        raise ValueError("audit system actor must have a name that is a code")
    return name


def _with_system_actor(actor: Any, detail: dict[str, Any]) -> dict[str, Any]:
    """The row's detail, naming the system actor when a job acts (the detail is sealed with the
    row, continuum/audit/chain.py, so a sealed row cannot be re-attributed)."""
    if SYSTEM_ACTOR_KEY in detail:
        raise ValueError(f"audit detail key {SYSTEM_ACTOR_KEY!r} is reserved for the system actor")
    name = system_name(actor)
    return {**detail, SYSTEM_ACTOR_KEY: name} if name is not None else detail


def _actor_columns(actor: Any) -> tuple[int | None, int | None, str]:
    """(actor_id, agency_id, role) of a User; (None, None, "system") of a system actor;
    (None, None, "") of AnonymousUser or None."""
    if system_name(actor) is not None:
        return None, None, SYSTEM_ROLE
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, None, ""
    actor_id = actor.pk
    if not isinstance(actor_id, int):
        raise ValueError("audit actor must be a saved user")
    # The reverse one-to-one raises a subclass of AttributeError when the user has no membership.
    membership = getattr(actor, "membership", None)
    if membership is None:
        return actor_id, None, ""
    return actor_id, membership.agency_id, str(membership.role or "")


def _object_columns(
    obj: models.Model | None, object_type: str, object_id: str, case_id: uuid.UUID | None
) -> tuple[str, str, uuid.UUID | None]:
    if obj is not None:
        if obj.pk is None:
            raise ValueError("audit obj must be saved (it has no primary key)")
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        if case_id is None:
            if obj._meta.label == "cases.Case":
                case_id = _clean_case_id(obj.pk)
            else:
                case_id = _clean_case_id(getattr(obj, "case_id", None))
    if not isinstance(object_type, str) or len(object_type) > 64 or not OBJECT_TYPE_RE.match(object_type):
        raise ValueError("audit object_type must be a model label such as 'cases.Case'")
    if not isinstance(object_id, str) or not CODE_RE.match(object_id):
        raise ValueError("audit object_id must be an id")
    return object_type, object_id, case_id


# --- writing ------------------------------------------------------------------------------------


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    case_id: uuid.UUID | str | None = None,
    fields: Iterable[str] = (),
    outcome: str = "allowed",
    detail: Mapping[str, Any] | None = None,
    flagged: bool = False,
) -> AuditEvent:
    """Append one row to the audit log, in the caller's transaction (a savepoint inside it).

    Only an INSERT: no lock is taken on any shared row, so concurrent requests do not wait for
    each other here. The row is sealed into the chain later (continuum.audit.sequencer.seal).

    `actor` is a User, a system actor (a job: no user id, role "system", its name in the detail
    under "system_actor"), an AnonymousUser or None. Field names, detail keys and detail values are
    checked to be names and codes before anything is written (ValueError otherwise).
    """
    if not isinstance(action, str) or not ACTION_RE.match(action):
        raise ValueError("audit action must be a code such as 'view' or 'login_failed'")
    if outcome not in Outcome.values:
        raise ValueError("audit outcome must be 'allowed' or 'denied'")
    if not isinstance(flagged, bool):
        raise ValueError("audit flagged must be a bool")
    names = _clean_fields(fields)
    cleaned_detail = _with_system_actor(actor, _clean_detail(detail))
    clean_case = _clean_case_id(case_id)
    object_type, object_id, clean_case = _object_columns(obj, object_type, object_id, clean_case)
    actor_id, agency_id, role = _actor_columns(actor)

    event = AuditEvent(
        at=timezone.now(),
        actor_id=actor_id,
        agency_id=agency_id,
        role=role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=clean_case,
        fields=names,
        outcome=outcome,
        detail=cleaned_detail,
        flagged=flagged,
    )
    event._checked_by_record = True  # type: ignore[attr-defined]
    with transaction.atomic():
        event.save(force_insert=True)
    return event


def record_cases(
    *,
    actor: Any,
    action: str,
    case_ids: Iterable[uuid.UUID | str],
    fields: Iterable[str] = (),
    flagged: bool = False,
) -> list[AuditEvent]:
    """Append one row per case, naming it (`cases.Case`, its id, `case_id`), in one INSERT: how a
    list audits the cases it shows, so that its number of queries does not grow with the page.

    Each row is checked as `record()` checks one (action, field names, the case id as a UUID);
    the rows carry no detail but a system actor's name, so no list of ids ever reaches `detail`.
    Only an INSERT, like `record()`: no lock on a shared row; the sequencer chains the rows later."""
    if not isinstance(action, str) or not ACTION_RE.match(action):
        raise ValueError("audit action must be a code such as 'view' or 'login_failed'")
    if not isinstance(flagged, bool):
        raise ValueError("audit flagged must be a bool")
    names = _clean_fields(fields)
    actor_id, agency_id, role = _actor_columns(actor)
    detail = _with_system_actor(actor, {})
    at = timezone.now()
    events = []
    for case_id in dict.fromkeys(_clean_case_id(c) for c in case_ids):  # each case once, in order
        if case_id is None:
            raise ValueError("audit case_id must be a UUID")
        event = AuditEvent(
            at=at,
            actor_id=actor_id,
            agency_id=agency_id,
            role=role,
            action=action,
            object_type="cases.Case",
            object_id=str(case_id),
            case_id=case_id,
            fields=names,
            outcome=Outcome.ALLOWED,
            detail=dict(detail),
            flagged=flagged,
        )
        event._checked_by_record = True  # type: ignore[attr-defined]
        events.append(event)
    if not events:
        return []
    with transaction.atomic():
        # The queryset refuses bulk_create to everyone else; this module is the one that writes.
        return models.QuerySet.bulk_create(AuditEvent.objects.all(), events)
