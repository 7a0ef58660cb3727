"""Writes of intake: referrals, turning a tip into a referral and a referral into a case. Each is
one transaction with its audit row and journey events."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from continuum.access import grants, policy
from continuum.audit import log as audit
from continuum.cases.models import (
    REFERENCE_BITS,
    Case,
    CaseParticipant,
    Exploitation,
    ParticipantRole,
    ReferralSource,
    new_reference,
)
from continuum.coordination.models import CaseTeamMember, TeamRole
from continuum.core.htcds import TraffickingStatus
from continuum.core.locking import check_version, save_new_version
from continuum.core.validation import (
    check_date,
    check_datetime,
    check_text,
    check_whole_number,
    soon,
    today,
)
from continuum.intake.models import Tip
from continuum.intake.referrals import Referral, ReferralStatus
from continuum.journeys.actions import journey_record
from continuum.journeys.models import EventKind
from continuum.org.models import Agency, AgencyKind, ApiToken, Region, User
from continuum.people.models import Person

REFERRAL_FIELDS = (
    "source",
    "referring_agency",
    "referrer_name",
    "referrer_contact",
    "received_at",
    "what_is_known",
    "recruitment_channel",
    "recruitment_apps",
    "suspected_kind",
    "survivor_first_name",
    "survivor_last_name",
    "survivor_birth_date",
    "survivor_age",
    "survivor_language",
)


# The referral's text fields and their limits (the model's, and the API's for what is known).
REFERRAL_TEXT_LIMITS = {
    "referrer_name": 120,
    "referrer_contact": 120,
    "what_is_known": 20_000,
    "survivor_first_name": 100,
    "survivor_last_name": 100,
    "survivor_language": 8,
}


def _check_referral_values(values: dict[str, Any]) -> None:
    """Strict types and bounds, whoever calls: text is text, times are within sane bounds."""
    for name, limit in REFERRAL_TEXT_LIMITS.items():
        if name in values:
            check_text(values[name], max_length=limit, field=name)
    check_datetime(values.get("received_at"), latest=soon(), field="received_at")
    check_date(values.get("survivor_birth_date"), latest=today(), field="survivor_birth_date")
    if values.get("survivor_age") is not None:
        check_whole_number(values["survivor_age"], minimum=0, maximum=120, field="survivor_age")


@policy.atomic_action
def referral_create(*, actor: User | ApiToken, region: Region, **values: Any) -> Referral:
    """Record a referral, from the intake form (`actor` the intake staff member) or an agency
    system (`actor` its token: policy.yaml `scopes.api` must map one of its scopes to
    `referral.create`). Unknown fields are refused. A token's referral has no creator; its audit
    row names no user, only the token's prefix (never its secret)."""
    policy.require(actor, "referral.create")
    user = actor if isinstance(actor, User) else None
    unknown = set(values) - set(REFERRAL_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields are not part of a referral: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    _check_referral_values(values)
    if not str(values.get("what_is_known", "")).strip():
        raise ValidationError({"what_is_known": _("Say what is known, even briefly.")})
    referral = Referral(region=region, created_by=user, **values)
    referral.full_clean(exclude=["tip", "case", "created_by"])
    referral.save()
    detail: dict[str, Any] = {"source": referral.source, "agency": referral.referring_agency_id}
    if isinstance(actor, ApiToken):
        detail["token"] = actor.prefix  # an agency system's token prefix, never its secret
    audit.record(actor=user, action="create", obj=referral, fields=sorted(values), detail=detail)
    return referral


@policy.atomic_action
def tip_to_referral(*, actor: User, tip: Tip, region: Region) -> Referral:
    """Intake staff take up a public tip: it becomes a community referral of a region."""
    policy.require(actor, "tip.take_up", tip)
    locked = Tip.objects.select_for_update().get(pk=tip.pk)
    if locked.status != "new":
        raise ValidationError(_("This tip was already taken up."))
    text = locked.what_happened
    for addition in locked.additions.order_by("received_at", "id"):
        text += "\n\n" + addition.text
    if locked.where:
        text += "\n\n" + locked.where
    referral = Referral.objects.create(
        region=region,
        source=ReferralSource.COMMUNITY,
        received_at=locked.received_at,
        what_is_known=text,
        suspected_kind=locked.trafficking_kind
        if locked.trafficking_kind in {"sex", "labor", "both"}
        else "not_sure",
        survivor_language=locked.language,
        tip=locked,
        created_by=actor,
    )
    locked.status = "converted"
    locked.save(update_fields=["status"])
    audit.record(actor=actor, action="create", obj=referral, detail={"from_tip": str(locked.pk)})
    return referral


@policy.atomic_action
def referral_to_case(*, actor: User, referral: Referral, expected_version: int) -> Case:
    """Open a case from a referral: the survivor as a person, the case led by the region's
    taskforce, the opener on its team, and the journey from the first contact on. Refused when
    it was handled already, or changed since the opener read it at `expected_version` (StaleEdit)."""
    policy.require(actor, "referral.open_case", referral)
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != ReferralStatus.NEW:
        raise ValidationError(_("This referral was already handled."))
    check_version(locked, expected_version, seen={"status": referral.status})
    taskforce = (
        Agency.objects.filter(region_id=locked.region_id, kind=AgencyKind.TASKFORCE).order_by("name").first()
    )
    if taskforce is None:
        raise ValidationError(_("The region has no taskforce to lead the case."))
    now = timezone.now()
    survivor = Person.objects.create(
        first_name=locked.survivor_first_name,
        last_name=locked.survivor_last_name,
        birth_date=locked.survivor_birth_date,
        primary_language=locked.survivor_language,
    )
    case = Case.objects.create(
        reference=_unique_reference(),
        region_id=locked.region_id,
        lead_agency=taskforce,
        owner=actor,
        referral_source=locked.source,
        referring_agency=locked.referring_agency,
        incoming_referral_date=locked.received_at.date(),
        opened_on=timezone.localdate(now),
    )
    CaseParticipant.objects.create(
        case=case,
        person=survivor,
        role=ParticipantRole.SURVIVOR,
        trafficking_status=TraffickingStatus.POSSIBLE_VICTIM_OF_TRAFFICKING,
    )
    Exploitation.objects.create(
        case=case,
        survivor=survivor,
        stated_age=locked.survivor_age if locked.survivor_birth_date is None else None,
        recruitment_apps=list(locked.recruitment_apps),
    )
    membership = getattr(actor, "membership", None)
    if membership is not None:
        member = CaseTeamMember.objects.create(
            case=case,
            user=actor,
            agency_id=membership.agency_id,
            team_role=TeamRole.COORDINATOR if membership.role == "coordinator" else TeamRole.OTHER,
            added_by=actor,
        )
        grants.refresh(member)
    locked.case = case
    locked.status = ReferralStatus.CONVERTED
    save_new_version(locked, ["case", "status"])
    if locked.tip_id is not None:
        journey_record(
            case_id=case.pk,
            kind=EventKind.TIP_RECEIVED,
            person_id=survivor.pk,
            occurred_at=locked.tip.received_at if locked.tip else locked.received_at,
        )
    journey_record(
        case_id=case.pk,
        kind=EventKind.REFERRAL_RECEIVED,
        person_id=survivor.pk,
        occurred_at=locked.received_at,
        data={"source": locked.source},
    )
    journey_record(
        case_id=case.pk, kind=EventKind.CASE_OPENED, actor=actor, person_id=survivor.pk, occurred_at=now
    )
    audit.record(actor=actor, action="create", obj=case, detail={"referral": str(locked.pk)})
    return case


def _unique_reference() -> str:
    for _attempt in range(5):
        reference = new_reference(secrets.randbits(REFERENCE_BITS))
        if not Case.objects.filter(reference=reference).exists():
            return reference
    return f"CT-{uuid.uuid4().hex[:12].upper()}"  # pragma: no cover - 60 random bits do not collide


def age_or_birth_date_problem(age: int | None, birth_date: dt.date | None) -> str | None:
    """Age is stored once: a date of birth or a stated age, never both."""
    if age is not None and birth_date is not None:
        return _("Give the date of birth or the age, not both.")
    return None
