"""Writes of the justice app: each one transaction with one audit row (codes only) and, where the
journey has a step for it, one journey event (a disposition that ends a prosecution adds the
prosecution's step after the charge's).

These actions read and write nothing of the services network (care, intake, screening): a
survivor's services never depend on cooperation with an investigation. Journey events carry no
person: a suspect is not on a survivor's journey, and the survivor's part is not recorded here.
Each action asks the access policy with its `actor=` first (`policy.require`), so a page, an
import and the API get the same answer: a refusal is a 404 (`policy.Denied`) with its audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuum.access import policy
from continuum.audit import log
from continuum.cases.models import Case, CaseParticipant, ParticipantRole, Relationship
from continuum.core import locking
from continuum.core.htcds import PerpetratorRole
from continuum.core.locking import StaleEdit, save_new_version
from continuum.core.validation import check_moments
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
from continuum.org.models import Agency, AgencyKind, User
from continuum.people.models import Person

INVESTIGATING_KINDS = frozenset({AgencyKind.LAW_ENFORCEMENT, AgencyKind.PROSECUTION})
ARRESTING_KINDS = frozenset({AgencyKind.LAW_ENFORCEMENT})
PROSECUTING_KINDS = frozenset({AgencyKind.PROSECUTION})
NAME_MAX = 100
ALIASES_MAX = 10
SENTENCE_SUMMARY_MAX = 200


def _check_agency(agency: Agency, kinds: frozenset[str], what: str) -> None:
    if agency.kind not in kinds:
        raise ValidationError(f"That agency cannot {what}.", code="wrong_agency_kind")


@policy.atomic_action
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
    policy.require(actor, "investigation.open", case=case)
    check_moments(opened_at=opened_at)
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


def _stale_investigation(stale: StaleEdit, seen_status: str | None) -> StaleEdit:
    """The stale edit with the statuses as labels for the page."""
    current: Investigation = stale.current
    changed: dict[str, tuple[Any, Any]] = {}
    if seen_status is not None and seen_status != current.status:
        seen_label = (
            InvestigationStatus(seen_status).label
            if seen_status in InvestigationStatus.values
            else seen_status
        )
        changed["status"] = (seen_label, current.get_status_display())
    return StaleEdit(current, changed)


@policy.atomic_action
def investigation_status_set(
    *,
    actor: User,
    investigation: Investigation,
    status: str,
    expected_version: int,
    seen_status: str | None = None,
    at: dt.datetime | None = None,
) -> Investigation:
    """Set an investigation open, suspended or closed, if nobody changed it since
    `expected_version`; otherwise StaleEdit naming what differs from the status the editor had
    seen. The row is locked first: two people saving at once cannot both win.

    A closed investigation stays closed (open a new one instead). Closing records when, and the
    journey's INVESTIGATION_CLOSED step; suspending and resuming have no journey step of their own.
    ValidationError when the status is unknown or unchanged, or the closing time is before the
    opening or in the future. Only the investigating agency's own staff (policy
    `investigation.update`).
    """
    policy.require(actor, "investigation.update", investigation)
    check_moments(at=at)
    if status not in InvestigationStatus.values:
        raise ValidationError(_("Choose open, suspended or closed."), code="unknown_status")
    try:
        current = locking.locked(Investigation.objects, investigation.pk, expected_version)
    except StaleEdit as stale:
        raise _stale_investigation(stale, seen_status) from None
    if current.status == InvestigationStatus.CLOSED:
        raise ValidationError(_("The investigation is closed already."), code="closed")
    if status == current.status:
        raise ValidationError(
            _("The investigation is %(status)s already.") % {"status": current.get_status_display().lower()},
            code="unchanged",
        )
    now = timezone.now()
    closed_at: dt.datetime | None = None
    if status == InvestigationStatus.CLOSED:
        closed_at = at or now
        if closed_at < current.opened_at:
            raise ValidationError(_("An investigation cannot close before it opened."), code="bad_date")
        if closed_at > now:
            raise ValidationError(_("An investigation cannot close in the future."), code="bad_date")
    previous = current.status
    current.status = status
    current.closed_at = closed_at
    save_new_version(current, ["status", "closed_at"])
    log.record(
        actor=actor,
        action="update",
        obj=current,
        fields=["status", "closed_at"] if closed_at is not None else ["status"],
        detail={"status": status, "previous": previous},
    )
    if closed_at is not None:
        journey_record(
            case_id=current.case_id,
            kind=EventKind.INVESTIGATION_CLOSED,
            actor=actor,
            occurred_at=closed_at,
            data={"investigation": str(current.pk), "kind": current.kind},
        )
    return current


def investigation_close(
    *,
    actor: User,
    investigation: Investigation,
    closed_at: dt.datetime | None = None,
    expected_version: int,
) -> Investigation:
    """Close an open or suspended investigation (ValidationError when it is closed already)."""
    policy.require(actor, "investigation.update", investigation)
    check_moments(closed_at=closed_at)
    return investigation_status_set(
        actor=actor,
        investigation=investigation,
        status=InvestigationStatus.CLOSED,
        expected_version=expected_version,
        at=closed_at,
    )


@policy.atomic_action
def suspect_add(
    *,
    actor: User,
    case: Case,
    first_name: str = "",
    last_name: str = "",
    aliases: Iterable[str] = (),
    relationship: str = Relationship.UNKNOWN,
    perpetrator_roles: Iterable[str] = (),
) -> CaseParticipant:
    """Add a suspect to a case: a new person known by a name or an alias (as much as is known),
    taking part in the case as a suspect, with their relationship to the survivor and their roles
    in the trafficking (HTCDS per_RoleInProcess). Sex and labor trafficking alike.

    ValidationError when there is neither a name nor an alias, a name or alias is too long or an
    alias holds a comma, or the relationship or a role is not in its code list. The audit row and
    the SUSPECT_IDENTIFIED step hold codes and ids only, never a name.
    """
    policy.require(actor, "investigation.add_suspect", case=case)
    first, last = first_name.strip(), last_name.strip()
    known_as = list(dict.fromkeys(a.strip() for a in aliases if a.strip()))
    if not (first or last or known_as):
        raise ValidationError(
            _("Give the suspect's name or an alias, as far as it is known."), code="no_name"
        )
    if any(len(text) > NAME_MAX for text in (first, last, *known_as)):
        raise ValidationError(
            _("Names and aliases have at most %(n)d characters.") % {"n": NAME_MAX}, code="too_long"
        )
    if len(known_as) > ALIASES_MAX or any("," in alias for alias in known_as):
        raise ValidationError(
            _("Give at most %(n)d aliases, separated by commas.") % {"n": ALIASES_MAX}, code="bad_alias"
        )
    if relationship not in Relationship.values:
        raise ValidationError(
            _("Choose how the suspect is related to the survivor."), code="unknown_relationship"
        )
    roles = list(dict.fromkeys(perpetrator_roles))
    if any(role not in PerpetratorRole.values for role in roles):
        raise ValidationError(_("Choose the suspect's roles from the list."), code="unknown_role")
    person = Person.objects.create(first_name=first, last_name=last, aliases=known_as)
    participant = CaseParticipant.objects.create(
        case=case,
        person=person,
        role=ParticipantRole.SUSPECT,
        relationship_to_survivor=relationship,
        perpetrator_roles=roles,
    )
    recorded = [
        name for name, value in (("first_name", first), ("last_name", last), ("aliases", known_as)) if value
    ]
    log.record(
        actor=actor,
        action="create",
        obj=participant,
        fields=["person", "role", "relationship_to_survivor", "perpetrator_roles", *recorded],
        detail={
            "person": str(person.pk),
            "role": ParticipantRole.SUSPECT.value,
            "relationship": relationship,
            "perpetrator_roles": roles,
        },
    )
    journey_record(
        case_id=case.pk,
        kind=EventKind.SUSPECT_IDENTIFIED,
        actor=actor,
        data={"participant": participant.pk, "relationship": relationship, "perpetrator_roles": roles},
    )
    return participant


@policy.atomic_action
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
    policy.require(actor, "arrest.record", case=investigation.case)
    check_moments(arrested_at=arrested_at)
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


@policy.atomic_action
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
    policy.require(actor, "charge.file", case=arrest.investigation.case)
    check_moments(filed_at=filed_at)
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


@policy.atomic_action
def prosecution_open(
    *,
    actor: User,
    case: Case,
    agency: Agency,
    charges: Iterable[Charge],
    opened_at: dt.datetime | None = None,
) -> Prosecution:
    """Open a prosecution of charges of `case` by a state's attorney's office.

    ValidationError when the agency does not prosecute, no charge is given, a charge belongs to
    another case, or a charge is prosecuted or disposed already.
    """
    policy.require(actor, "prosecution.open", case=case)
    check_moments(opened_at=opened_at)
    _check_agency(agency, PROSECUTING_KINDS, "prosecute")
    chosen = list(charges)
    if not chosen:
        raise ValidationError(_("A prosecution needs at least one charge."), code="no_charges")
    ids = {c.pk for c in chosen}
    found = list(Charge.objects.select_for_update().filter(pk__in=ids, arrest__investigation__case=case))
    if len(found) != len(ids):
        raise ValidationError(_("Every charge must be one of this case's."), code="charge_of_other_case")
    if Prosecution.objects.filter(charges__in=ids).exists():
        raise ValidationError(_("A charge is being prosecuted already."), code="charge_prosecuted")
    if Disposition.objects.filter(charge__in=ids).exists():
        raise ValidationError(_("A charge has a disposition already."), code="disposed")
    prosecution = Prosecution.objects.create(case=case, agency=agency, opened_at=opened_at or timezone.now())
    prosecution.charges.set(found)
    charge_ids = sorted(str(i) for i in ids)
    log.record(
        actor=actor,
        action="create",
        obj=prosecution,
        fields=["agency", "charges", "status", "opened_at"],
        detail={"agency": agency.pk, "charges": charge_ids},
    )
    journey_record(
        case_id=case.pk,
        kind=EventKind.PROSECUTION_OPENED,
        actor=actor,
        occurred_at=prosecution.opened_at,
        data={"prosecution": str(prosecution.pk), "charges": charge_ids},
    )
    return prosecution


@policy.atomic_action
def disposition_record(
    *,
    actor: User,
    charge: Charge,
    outcome: str,
    decided_at: dt.datetime | None = None,
    sentence_summary: str = "",
) -> Disposition:
    """Record how a charge ended (the CHARGE_DISPOSED step); a prosecution whose charges are then
    all disposed becomes disposed (the PROSECUTION_DISPOSED step, after the charge's).

    ValidationError when the outcome is unknown, the charge has a disposition already, the date
    is in the future or before the charge was filed, or the sentence summary is longer than 200
    characters.
    """
    policy.require(actor, "disposition.record", case=charge.arrest.investigation.case)
    check_moments(decided_at=decided_at)
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose an outcome from the list."), code="unknown_outcome")
    summary = sentence_summary.strip()
    if len(summary) > SENTENCE_SUMMARY_MAX:
        raise ValidationError(
            _("The sentence summary is too long (%(n)d characters at most).") % {"n": SENTENCE_SUMMARY_MAX},
            code="too_long",
        )
    now = timezone.now()
    moment = decided_at or now
    if timezone.is_naive(moment) or moment > now:
        raise ValidationError(_("A disposition cannot be dated in the future."), code="bad_date")
    locked = Charge.objects.select_for_update().get(pk=charge.pk)
    if timezone.localdate(moment) < timezone.localdate(locked.filed_at):
        raise ValidationError(_("A charge cannot be disposed before it was filed."), code="bad_date")
    if Disposition.objects.filter(charge=locked).exists():
        raise ValidationError(_("This charge has a disposition already."), code="disposed")
    try:
        with transaction.atomic():
            disposition = Disposition.objects.create(
                charge=locked, outcome=outcome, decided_at=moment, sentence_summary=summary
            )
    except IntegrityError:  # someone disposed of it at the same moment
        raise ValidationError(_("This charge has a disposition already."), code="disposed") from None
    case_id = Investigation.objects.values_list("case_id", flat=True).get(arrests__charges=locked)
    disposed: list[tuple[Prosecution, list[str]]] = []
    for prosecution in Prosecution.objects.select_for_update().filter(
        charges=locked, status=ProsecutionStatus.PENDING
    ):
        if not prosecution.charges.filter(dispositions__isnull=True).exists():
            # Follows from the charges (no editor's version to check); moves the version on.
            prosecution.status = ProsecutionStatus.DISPOSED
            save_new_version(prosecution, ["status"])
            outcomes = sorted(
                set(
                    Disposition.objects.filter(charge__prosecutions=prosecution).values_list(
                        "outcome", flat=True
                    )
                )
            )
            disposed.append((prosecution, outcomes))
    log.record(
        actor=actor,
        action="create",
        obj=disposition,
        case_id=case_id,
        fields=["charge", "outcome", "decided_at", "sentence_summary"],
        detail={
            "outcome": outcome,
            "statute": locked.statute,
            "prosecutions_disposed": [str(p.pk) for p, _outcomes in disposed],
        },
    )
    journey_record(
        case_id=case_id,
        kind=EventKind.CHARGE_DISPOSED,
        actor=actor,
        occurred_at=disposition.decided_at,
        data={"charge": str(locked.pk), "statute": locked.statute, "outcome": outcome},
    )
    for prosecution, outcomes in disposed:
        journey_record(
            case_id=case_id,
            kind=EventKind.PROSECUTION_DISPOSED,
            actor=actor,
            occurred_at=disposition.decided_at,
            data={"prosecution": str(prosecution.pk), "outcomes": outcomes},
        )
    return disposition
