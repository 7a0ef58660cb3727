"""Writes of the justice app: each one transaction with one audit row (codes only) and, where the
journey has a step for it, one journey event.

These actions read and write nothing of the services network (care, intake, screening): a
survivor's services never depend on cooperation with an investigation. Journey events carry no
person: a suspect is not on a survivor's journey, and the survivor's part is not recorded here.
Permission checks belong to the callers (views and the API go through the access policy).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from continuum.access.models import Agency, AgencyKind, User
from continuum.audit import log
from continuum.cases.models import Case, CaseParticipant, ParticipantRole
from continuum.journeys.actions import journey_record
from continuum.journeys.models import EventKind
from continuum.justice import statutes
from continuum.justice.models import (
    Arrest,
    Charge,
    Disposition,
    Investigation,
    InvestigationKind,
    InvestigationStatus,
    Outcome,
    Prosecution,
    ProsecutionStatus,
)
from continuum.people.models import Person

INVESTIGATING_KINDS = frozenset({AgencyKind.LAW_ENFORCEMENT, AgencyKind.PROSECUTION})
ARRESTING_KINDS = frozenset({AgencyKind.LAW_ENFORCEMENT})
PROSECUTING_KINDS = frozenset({AgencyKind.PROSECUTION})


def _bump(obj: Investigation | Prosecution, expected_version: int | None) -> None:
    """Optimistic locking: a stale edit (another one was saved since it was read) is refused."""
    if expected_version is not None and obj.version != expected_version:
        raise ValidationError("Someone else changed this record; reload it and try again.", code="stale")
    obj.version += 1


def _check_agency(agency: Agency, kinds: frozenset[str], what: str) -> None:
    if agency.kind not in kinds:
        raise ValidationError(f"That agency cannot {what}.", code="wrong_agency_kind")


@transaction.atomic
def investigation_open(
    *,
    actor: User,
    case: Case,
    agency: Agency,
    kind: str,
    lead: User | None = None,
    opened_at: dt.datetime | None = None,
) -> Investigation:
    """Open an investigation of `case` by a law-enforcement (or prosecution) agency.

    ValidationError when the agency cannot investigate, the kind is unknown, or the lead is not a
    member of the agency.
    """
    _check_agency(agency, INVESTIGATING_KINDS, "investigate")
    if kind not in InvestigationKind.values:
        raise ValidationError("Unknown kind of trafficking.", code="unknown_kind")
    if lead is not None:
        membership = getattr(lead, "membership", None)
        if membership is None or membership.agency_id != agency.pk:
            raise ValidationError("The lead must be a member of the investigating agency.", code="bad_lead")
    investigation = Investigation.objects.create(
        case=case,
        agency=agency,
        lead=lead,
        kind=kind,
        status=InvestigationStatus.OPEN,
        opened_at=opened_at or timezone.now(),
    )
    log.record(
        actor=actor,
        action="create",
        obj=investigation,
        fields=["agency", "lead", "status", "kind", "opened_at"],
        detail={"kind": kind, "agency": agency.pk},
    )
    journey_record(
        case_id=case.pk,
        kind=EventKind.INVESTIGATION_OPENED,
        actor=actor,
        occurred_at=investigation.opened_at,
        data={"investigation": str(investigation.pk), "kind": kind},
    )
    return investigation


@transaction.atomic
def investigation_close(
    *,
    actor: User,
    investigation: Investigation,
    closed_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Investigation:
    """Close an open or suspended investigation (ValidationError when it is closed already)."""
    locked = Investigation.objects.select_for_update().get(pk=investigation.pk)
    if locked.status == InvestigationStatus.CLOSED:
        raise ValidationError("The investigation is closed already.", code="closed")
    moment = closed_at or timezone.now()
    if moment < locked.opened_at:
        raise ValidationError("An investigation cannot close before it opened.", code="bad_date")
    _bump(locked, expected_version)
    locked.status = InvestigationStatus.CLOSED
    locked.closed_at = moment
    locked.save(update_fields=["status", "closed_at", "version", "updated_at"])
    log.record(
        actor=actor,
        action="update",
        obj=locked,
        fields=["status", "closed_at"],
        detail={"status": InvestigationStatus.CLOSED.value},
    )
    # The journey has no "investigation closed" step (continuum.journeys.models.EventKind).
    return locked


@transaction.atomic
def arrest_record(
    *,
    actor: User,
    investigation: Investigation,
    suspect: Person,
    agency: Agency,
    arrested_at: dt.datetime | None = None,
) -> Arrest:
    """Record an arrest of a person who is a suspect in the investigation's case.

    ValidationError when the person is not a suspect of that case, the agency cannot arrest, or
    the investigation is closed.
    """
    if not CaseParticipant.objects.filter(
        case_id=investigation.case_id, person=suspect, role=ParticipantRole.SUSPECT
    ).exists():
        raise ValidationError("Only a suspect in this case can be arrested here.", code="not_a_suspect")
    _check_agency(agency, ARRESTING_KINDS, "make an arrest")
    if investigation.status == InvestigationStatus.CLOSED:
        raise ValidationError("The investigation is closed.", code="closed")
    arrest = Arrest.objects.create(
        investigation=investigation,
        suspect=suspect,
        agency=agency,
        arrested_at=arrested_at or timezone.now(),
    )
    log.record(
        actor=actor,
        action="create",
        obj=arrest,
        case_id=investigation.case_id,
        fields=["investigation", "suspect", "arrested_at", "agency"],
        detail={"investigation": str(investigation.pk), "agency": agency.pk},
    )
    journey_record(
        case_id=investigation.case_id,
        kind=EventKind.ARREST_MADE,
        actor=actor,
        occurred_at=arrest.arrested_at,
        data={"arrest": str(arrest.pk), "investigation": str(investigation.pk)},
    )
    return arrest


@transaction.atomic
def charge_file(
    *,
    actor: User,
    arrest: Arrest,
    statute: str,
    counts: int = 1,
    filed_at: dt.datetime | None = None,
) -> Charge:
    """File a charge under a statute of the reference table; its class comes from the table.

    ValidationError when the section is not in the table or counts is not from 1 to 999.
    """
    try:
        found = statutes.statute(statute)
    except LookupError:
        raise ValidationError("That statute is not in the reference table.", code="unknown_statute") from None
    if isinstance(counts, bool) or not isinstance(counts, int) or not 1 <= counts <= 999:
        raise ValidationError("A charge has from 1 to 999 counts.", code="bad_counts")
    charge = Charge.objects.create(
        arrest=arrest,
        statute=found.section,
        offense_level=found.level,
        counts=counts,
        filed_at=filed_at or timezone.now(),
    )
    case_id = Investigation.objects.values_list("case_id", flat=True).get(pk=arrest.investigation_id)
    log.record(
        actor=actor,
        action="create",
        obj=charge,
        case_id=case_id,
        fields=["arrest", "statute", "offense_level", "counts", "filed_at"],
        detail={"statute": found.section, "level": found.level.value, "counts": counts},
    )
    journey_record(
        case_id=case_id,
        kind=EventKind.CHARGE_FILED,
        actor=actor,
        occurred_at=charge.filed_at,
        data={"charge": str(charge.pk), "statute": found.section, "level": found.level.value},
    )
    return charge


@transaction.atomic
def prosecution_open(
    *,
    actor: User,
    case: Case,
    agency: Agency,
    charges: Iterable[Charge],
    opened_at: dt.datetime | None = None,
) -> Prosecution:
    """Open a prosecution of charges of `case` by a state's attorney's office.

    ValidationError when the agency does not prosecute, no charge is given, or a charge belongs to
    another case.
    """
    _check_agency(agency, PROSECUTING_KINDS, "prosecute")
    chosen = list(charges)
    if not chosen:
        raise ValidationError("A prosecution needs at least one charge.", code="no_charges")
    ids = {c.pk for c in chosen}
    if Charge.objects.filter(pk__in=ids, arrest__investigation__case=case).count() != len(ids):
        raise ValidationError("Every charge must be one of this case's.", code="charge_of_other_case")
    prosecution = Prosecution.objects.create(case=case, agency=agency, opened_at=opened_at or timezone.now())
    prosecution.charges.set(chosen)
    log.record(
        actor=actor,
        action="create",
        obj=prosecution,
        fields=["agency", "charges", "status", "opened_at"],
        detail={"agency": agency.pk, "charges": sorted(str(i) for i in ids)},
    )
    # The journey has no "prosecution opened" step; its disposition is (PROSECUTION_DISPOSED).
    return prosecution


@transaction.atomic
def disposition_record(
    *,
    actor: User,
    charge: Charge,
    outcome: str,
    decided_at: dt.datetime | None = None,
    sentence_summary: str = "",
) -> Disposition:
    """Record how a charge ended; a prosecution whose charges are all disposed becomes disposed.

    ValidationError when the outcome is unknown, the charge has a disposition already, or the
    sentence summary is longer than 200 characters.
    """
    if outcome not in Outcome.values:
        raise ValidationError("Unknown outcome.", code="unknown_outcome")
    if len(sentence_summary) > 200:
        raise ValidationError("The sentence summary is too long (200 characters at most).", code="too_long")
    if Disposition.objects.filter(charge=charge).exists():
        raise ValidationError("This charge has a disposition already.", code="disposed")
    disposition = Disposition.objects.create(
        charge=charge,
        outcome=outcome,
        decided_at=decided_at or timezone.now(),
        sentence_summary=sentence_summary.strip(),
    )
    case_id = Investigation.objects.values_list("case_id", flat=True).get(arrests__charges=charge)
    disposed: list[Any] = []
    for prosecution in Prosecution.objects.select_for_update().filter(
        charges=charge, status=ProsecutionStatus.PENDING
    ):
        if not prosecution.charges.filter(dispositions__isnull=True).exists():
            _bump(prosecution, None)
            prosecution.status = ProsecutionStatus.DISPOSED
            prosecution.save(update_fields=["status", "version", "updated_at"])
            disposed.append(str(prosecution.pk))
    log.record(
        actor=actor,
        action="create",
        obj=disposition,
        case_id=case_id,
        fields=["charge", "outcome", "decided_at", "sentence_summary"],
        detail={"outcome": outcome, "statute": charge.statute, "prosecutions_disposed": disposed},
    )
    journey_record(
        case_id=case_id,
        kind=EventKind.PROSECUTION_DISPOSED,
        actor=actor,
        occurred_at=disposition.decided_at,
        data={"charge": str(charge.pk), "outcome": outcome},
    )
    return disposition
