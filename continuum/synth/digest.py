"""A digest of everything the generator writes: equal digests mean identical data, ids included."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from django.db import models

from continuum.access.models import Consent
from continuum.care.models import ProviderService, ServiceReferral, UnmetNeed
from continuum.cases.models import (
    Case,
    CaseNote,
    CaseParticipant,
    Exploitation,
    MandatedReport,
    TraffickingLocation,
)
from continuum.coordination.models import CaseTeamMember, Task
from continuum.intake.models import Tip
from continuum.intake.referrals import Referral
from continuum.journeys.models import JourneyEvent
from continuum.justice.models import Arrest, Charge, Disposition, Investigation, Prosecution
from continuum.org.models import Agency, Membership, Region, Town, User
from continuum.people.models import Person

DIGESTED: tuple[type[models.Model], ...] = (
    Region,
    Town,
    Agency,
    User,
    Membership,
    ProviderService,
    Person,
    Case,
    CaseParticipant,
    Exploitation,
    TraffickingLocation,
    JourneyEvent,
    CaseTeamMember,
    MandatedReport,
    Consent,
    CaseNote,
    ServiceReferral,
    UnmetNeed,
    Investigation,
    Arrest,
    Charge,
    Prosecution,
    Prosecution.charges.through,
    Disposition,
    # The open work, from the third random stream (added last: the tables above are unchanged).
    Task,
    Tip,
    Referral,
)
# Salted or clock-dependent by nature: a password hash differs on every run by design.
SKIPPED = {"password", "last_login"}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def data_digest() -> dict[str, str]:
    """sha256 per table and overall, over every row in primary-key order."""
    result: dict[str, str] = {}
    overall = hashlib.sha256()
    for model in DIGESTED:
        names = [f.attname for f in model._meta.concrete_fields if f.name not in SKIPPED]
        table = hashlib.sha256()
        for row in model._default_manager.order_by("pk").values_list(*names).iterator(chunk_size=5000):
            table.update(json.dumps([_plain(v) for v in row], sort_keys=True, default=str).encode())
            table.update(b"\n")
        result[model._meta.label] = table.hexdigest()
        overall.update(f"{model._meta.label}:{result[model._meta.label]}\n".encode())
    result["all"] = overall.hexdigest()
    return result
