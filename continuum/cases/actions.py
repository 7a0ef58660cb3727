"""Writes on cases with consequences: each one transaction with its audit row and journey event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuum.access.models import Agency, User
from continuum.audit import log as audit
from continuum.cases.models import Case, CaseNote, CourtOrder, Task, TaskKind
from continuum.core.sensitivity import InfoCategory
from continuum.journeys.actions import journey_record
from continuum.journeys.models import EventKind

TELL_SURVIVOR_WITHIN = dt.timedelta(days=7)


@transaction.atomic
def court_order_record(
    *,
    actor: User,
    case: Case,
    agency: Agency,
    categories: Iterable[str],
    docket_reference: str,
    issued_on: dt.date,
    expires_at: dt.datetime,
) -> CourtOrder:
    """A court order opening categories of a case to an agency: the minimum fields, an audit row,
    and a task for the case's lead agency to tell the survivor within seven days."""
    chosen = sorted(set(categories))
    errors: dict[str, str] = {}
    if not chosen or not set(chosen) <= set(InfoCategory.values):
        errors["categories"] = _("Choose the categories the order covers.")
    if InfoCategory.PRIVILEGED_NOTES in chosen:
        errors["categories"] = _("Privileged advocate notes are never opened by this system.")
    if expires_at <= timezone.now():
        errors["expires_at"] = _("The order must end in the future.")
    reference = docket_reference.strip()
    if not reference or len(reference) > 64:
        errors["docket_reference"] = _("Give the docket number (at most 64 characters).")
    if errors:
        raise ValidationError(errors)
    order = CourtOrder.objects.create(
        case=case,
        agency=agency,
        categories=chosen,
        docket_reference=reference,
        issued_on=issued_on,
        expires_at=expires_at,
        recorded_by=actor,
    )
    Task.objects.create(
        case=case,
        kind=TaskKind.TELL_SURVIVOR_OF_COURT_ORDER,
        agency=case.lead_agency,
        due_at=timezone.now() + TELL_SURVIVOR_WITHIN,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="court_order",
        obj=order,
        case_id=case.pk,
        fields=["categories", "agency"],
        detail={"agency": agency.pk, "categories": chosen},
        flagged=True,
    )
    journey_record(
        case_id=case.pk, kind=EventKind.COURT_ORDER_RECORDED, actor=actor, data={"agency": agency.pk}
    )
    return order


@transaction.atomic
def note_add(*, actor: User, case: Case, body: str, privileged: bool = True) -> CaseNote:
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write the note first.")})
    note = CaseNote.objects.create(case=case, author=actor, privileged=privileged, body=text)
    audit.record(actor=actor, action="create", obj=note, case_id=case.pk, fields=["body"])
    return note
