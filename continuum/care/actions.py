"""Writes of the services network: each one transaction with its audit row (codes only) and,
where the step is one of the survivor's journey, its journey event.

A service referral moves only along these edges (anything else is refused and changes nothing):

    proposed → sent                                   service_referral_send (consent in force)
    sent → accepted | declined (reason) | waitlisted  service_referral_answer
    waitlisted → accepted                             service_referral_answer
    accepted → started                                service_referral_start
    started → completed                               service_referral_close
    accepted | waitlisted | started → ended (reason)  service_referral_close

An accepted or started referral holds one place of the service's capacity (`in_use`); a
waitlisted one counts on the service's waitlist. Every change of a service's row, these included,
moves its version on, so that an edit of the directory made meanwhile is refused as stale.

The directory: `provider_service_add` (a coordinator) and `provider_service_update` (a
coordinator, or a provider's staff for their own services' capacity, eligibility and contacts).

Reminders: `referral_reminders_record` writes a `ReferralReminder` for each referral that waits
too long at its stage (models.WAIT_LIMITS), once per referral and stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from continuum.access import policy
from continuum.access.models import Consent
from continuum.access.system import SystemActor
from continuum.audit import log as audit
from continuum.care.models import (
    WAIT_LIMITS,
    WAITING_SINCE,
    Answer,
    DeclineReason,
    EndReason,
    Outcome,
    ProviderService,
    ReferralReminder,
    ReferralStatus,
    ServiceReferral,
    UnmetNeed,
    UnmetReason,
)
from continuum.care.selectors import eligible_services as eligible_services
from continuum.care.selectors import overdue_referrals
from continuum.cases.models import Case, CaseParticipant, ParticipantRole
from continuum.core import locking
from continuum.core.codes import ServiceType
from continuum.core.locking import StaleEdit, check_version, save_new_version, update_if_version
from continuum.core.validation import PLACES_ABOVE_CAPACITY, check_whole_number
from continuum.journeys.actions import journey_record
from continuum.journeys.models import EventKind
from continuum.org.models import Agency, AgencyKind, Region, User
from continuum.people.models import Person

# The statuses in which a referral holds a place of the service's capacity.
HOLDS_A_PLACE = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.STARTED})
# The statuses in which a referral meets a need: the provider has taken the survivor.
TAKEN = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.STARTED, ReferralStatus.COMPLETED})


# --- helpers -------------------------------------------------------------------------------------


def _require_survivor(case: Case, survivor: Person) -> None:
    if not CaseParticipant.objects.filter(case=case, person=survivor, role=ParticipantRole.SURVIVOR).exists():
        raise ValidationError({"survivor": _("This person is not a survivor in this case.")})


def _lock_referral(referral: ServiceReferral, expected_version: int) -> ServiceReferral:
    """The referral's row, locked until the transaction ends and read again after the lock, so
    that what is checked next is what another transaction committed last; StaleEdit when it is
    no longer at the version the editor opened."""
    return locking.locked(
        ServiceReferral.objects, referral.pk, expected_version, seen={"status": referral.status}
    )


def _lock_service(service_id: int) -> ProviderService:
    # Always locked after the referral (the same order everywhere, so no deadlock).
    return ProviderService.objects.select_for_update().get(pk=service_id)


def _refuse_transition(locked: ServiceReferral, to: str) -> ValidationError:
    return ValidationError(
        _("A referral that is %(current)s cannot become %(target)s.")
        % {"current": ReferralStatus(locked.status).label, "target": ReferralStatus(to).label},
        code="illegal_transition",
    )


def _save(row: ServiceReferral | ProviderService, fields: list[str]) -> None:
    """Save the locked row's `fields` and move its version on."""
    save_new_version(row, fields)


def _audit_transition(
    actor: User, locked: ServiceReferral, previous: str, fields: list[str], **detail: Any
) -> None:
    audit.record(
        actor=actor,
        action="update",
        obj=locked,
        case_id=locked.case_id,
        fields=["status", *fields],
        detail={"from": previous, "to": locked.status, **{k: v for k, v in detail.items() if v != ""}},
    )


def _journey(actor: User, locked: ServiceReferral, kind: EventKind, at: dt.datetime, **data: Any) -> None:
    journey_record(
        case_id=locked.case_id,
        kind=kind,
        actor=actor,
        person_id=locked.survivor_id,
        occurred_at=at,
        data={"referral": str(locked.pk), **data},
    )


def _consent_missing(referral: ServiceReferral, agency_name: str, now: dt.datetime) -> str | None:
    """None when a consent in force lets the provider's agency receive the referral; else what is
    missing, said plainly."""
    consents = list(
        Consent.objects.filter(
            case_id=referral.case_id, survivor_id=referral.survivor_id, agency_id=referral.service.agency_id
        ).order_by("-granted_at")
    )
    if any(c.in_force(now) for c in consents):
        return None
    if not consents:
        return _(
            "The survivor has not consented to sharing this case with %(agency)s. "
            "Record their consent before sending the referral."
        ) % {"agency": agency_name}
    latest = consents[0]
    if latest.revoked_at is not None:
        why = _("the survivor revoked it")
    elif latest.expires_at <= now:
        why = _("it expired on %(day)s") % {"day": timezone.localdate(latest.expires_at).isoformat()}
    else:
        why = _("it takes effect only on %(day)s") % {
            "day": timezone.localdate(latest.granted_at).isoformat()
        }
    return _(
        "The survivor's consent for %(agency)s is not in force (%(why)s). "
        "Record a new consent before sending the referral."
    ) % {"agency": agency_name, "why": why}


# --- service referrals ---------------------------------------------------------------------------


@policy.atomic_action
def service_referral_propose(
    *, actor: User, case: Case, survivor: Person, service: ProviderService
) -> ServiceReferral:
    """Propose a referral of a survivor of the case to one service; nothing reaches the provider
    until it is sent."""
    policy.require(actor, "service_referral.propose", case=case)
    _require_survivor(case, survivor)
    if not service.active or service.agency.kind != AgencyKind.SERVICE_PROVIDER:
        raise ValidationError({"service": _("This service does not take referrals.")})
    referral = ServiceReferral.objects.create(
        case=case, survivor=survivor, service=service, status=ReferralStatus.PROPOSED, created_by=actor
    )
    audit.record(
        actor=actor,
        action="create",
        obj=referral,
        case_id=case.pk,
        fields=["survivor", "service", "status"],
        detail={"service_type": service.service_type, "agency": service.agency_id},
    )
    return referral


@policy.atomic_action
def service_referral_send(
    *, actor: User, referral: ServiceReferral, expected_version: int
) -> ServiceReferral:
    """Send a proposed referral to the provider: refused unless a consent of the survivor for the
    provider's agency is in force in this case."""
    policy.require(actor, "service_referral.send", referral)
    locked = _lock_referral(referral, expected_version)
    if locked.status != ReferralStatus.PROPOSED:
        raise _refuse_transition(locked, ReferralStatus.SENT)
    service = ProviderService.objects.select_related("agency").get(pk=locked.service_id)
    now = timezone.now()
    missing = _consent_missing(locked, service.agency.name, now)
    if missing is not None:
        raise ValidationError(missing, code="no_consent")
    previous = locked.status
    locked.status = ReferralStatus.SENT
    locked.sent_at = now
    _save(locked, ["status", "sent_at"])
    _audit_transition(actor, locked, previous, ["sent_at"])
    _journey(
        actor,
        locked,
        EventKind.SERVICE_REFERRAL_SENT,
        now,
        service_type=service.service_type,
        agency=service.agency_id,
    )
    return locked


@policy.atomic_action
def service_referral_answer(
    *,
    actor: User,
    referral: ServiceReferral,
    answer: str,
    reason: str = "",
    expected_version: int,
) -> ServiceReferral:
    """The provider's answer to a sent referral: accept, decline (with a reason) or waitlist; a
    waitlisted referral can later be accepted. Accepting takes a place of the service's capacity
    and is refused when the service is full. A referral is accepted once only: the row is locked
    and its status read again after the lock, so of two people accepting at the same moment one
    succeeds and the other is told it was already answered."""
    policy.require(actor, "service_referral.answer", referral)
    if answer not in Answer.values:
        raise ValidationError({"answer": _("Answer with accept, decline or waitlist.")})
    target = {
        Answer.ACCEPT: ReferralStatus.ACCEPTED,
        Answer.DECLINE: ReferralStatus.DECLINED,
        Answer.WAITLIST: ReferralStatus.WAITLISTED,
    }[Answer(answer)]
    if target == ReferralStatus.DECLINED:
        if reason not in DeclineReason.values:
            raise ValidationError({"reason": _("Say why the referral is declined.")})
    elif reason:
        raise ValidationError({"reason": _("A reason is given only when declining.")})
    locked = _lock_referral(referral, expected_version)
    allowed_from = (
        {ReferralStatus.SENT, ReferralStatus.WAITLISTED}
        if target == ReferralStatus.ACCEPTED
        else {ReferralStatus.SENT}
    )
    if locked.status not in allowed_from:
        raise _refuse_transition(locked, target)
    previous = locked.status
    now = timezone.now()
    if target == ReferralStatus.ACCEPTED:
        service = _lock_service(locked.service_id)
        if target == ReferralStatus.ACCEPTED and not service.has_room:
            raise ValidationError(
                _("The service is full (%(in_use)s of %(capacity)s places taken). Waitlist or decline.")
                % {"in_use": service.in_use, "capacity": service.capacity},
                code="full",
            )
        service.in_use += 1
        if previous == ReferralStatus.WAITLISTED:
            service.waitlist = max(0, service.waitlist - 1)
        _save(service, ["in_use", "waitlist"])
        locked.accepted_at = now
    elif target == ReferralStatus.WAITLISTED:
        service = _lock_service(locked.service_id)
        service.waitlist += 1
        _save(service, ["waitlist"])
    locked.status = target
    locked.reason = reason
    locked.answered_at = now
    locked.answered_by = actor
    _save(locked, ["status", "reason", "answered_at", "answered_by", "accepted_at"])
    _audit_transition(actor, locked, previous, ["reason", "answered_at", "answered_by"], reason=reason)
    if target == ReferralStatus.ACCEPTED:
        _journey(actor, locked, EventKind.SERVICE_REFERRAL_ACCEPTED, now)
    elif target == ReferralStatus.DECLINED:
        _journey(actor, locked, EventKind.SERVICE_REFERRAL_DECLINED, now, reason=reason)
    else:
        _journey(actor, locked, EventKind.SERVICE_REFERRAL_WAITLISTED, now)
    return locked


@policy.atomic_action
def service_referral_start(
    *, actor: User, referral: ServiceReferral, expected_version: int
) -> ServiceReferral:
    """The survivor began receiving the accepted service (the provider says so)."""
    policy.require(actor, "service_referral.start", referral)
    locked = _lock_referral(referral, expected_version)
    if locked.status != ReferralStatus.ACCEPTED:
        raise _refuse_transition(locked, ReferralStatus.STARTED)
    previous = locked.status
    now = timezone.now()
    locked.status = ReferralStatus.STARTED
    locked.started_at = now
    _save(locked, ["status", "started_at"])
    _audit_transition(actor, locked, previous, ["started_at"])
    _journey(actor, locked, EventKind.SERVICE_STARTED, now)
    return locked


@policy.atomic_action
def service_referral_close(
    *,
    actor: User,
    referral: ServiceReferral,
    outcome: str,
    reason: str = "",
    expected_version: int,
) -> ServiceReferral:
    """Close the loop: a started service completed, or a referral ended (with a reason) after it
    was accepted, waitlisted or started. Its place in the service (or on its waitlist) is freed."""
    policy.require(actor, "service_referral.close", referral)
    if outcome == Outcome.COMPLETED:
        if reason:
            raise ValidationError({"reason": _("A reason is given only when the service ended early.")})
        target, allowed_from = ReferralStatus.COMPLETED, {ReferralStatus.STARTED}
    elif outcome == Outcome.ENDED:
        if reason not in EndReason.values:
            raise ValidationError({"reason": _("Say why the service ended.")})
        target = ReferralStatus.ENDED
        allowed_from = {ReferralStatus.ACCEPTED, ReferralStatus.WAITLISTED, ReferralStatus.STARTED}
    else:
        raise ValidationError({"outcome": _("Close with completed or ended.")})
    locked = _lock_referral(referral, expected_version)
    if locked.status not in allowed_from:
        raise _refuse_transition(locked, target)
    previous = locked.status
    now = timezone.now()
    service = _lock_service(locked.service_id)
    if previous in HOLDS_A_PLACE:
        service.in_use = max(0, service.in_use - 1)
    else:
        service.waitlist = max(0, service.waitlist - 1)
    _save(service, ["in_use", "waitlist"])
    locked.status = target
    locked.reason = reason
    locked.closed_at = now
    _save(locked, ["status", "reason", "closed_at"])
    _audit_transition(actor, locked, previous, ["reason", "closed_at"], reason=reason)
    if target == ReferralStatus.COMPLETED:
        _journey(actor, locked, EventKind.SERVICE_COMPLETED, now)
    else:
        _journey(actor, locked, EventKind.SERVICE_ENDED, now, reason=reason)
    return locked


# --- unmet needs ---------------------------------------------------------------------------------


@policy.atomic_action
def unmet_need_record(
    *,
    actor: User,
    case: Case,
    survivor: Person,
    service_type: str,
    reason: str,
    region: Region | None = None,
) -> UnmetNeed:
    """Record that no provider can take a survivor's need (in the case's region unless another
    is named). The need stays open until a referral meets it; it is open once at a time."""
    policy.require(actor, "unmet_need.record", case=case)
    errors: dict[str, str] = {}
    if service_type not in ServiceType.values:
        errors["service_type"] = _("Choose the type of service needed.")
    if reason not in UnmetReason.values:
        errors["reason"] = _("Say why no provider can take the need.")
    if errors:
        raise ValidationError(errors)
    _require_survivor(case, survivor)
    where = region if region is not None else case.region
    open_already = ValidationError(
        {"service_type": _("This need is already recorded for the survivor and is still open.")},
        code="duplicate",
    )
    if UnmetNeed.objects.filter(
        case=case, survivor=survivor, service_type=service_type, met_at__isnull=True
    ).exists():
        raise open_already
    now = timezone.now()
    try:
        with transaction.atomic():
            need = UnmetNeed.objects.create(
                case=case,
                survivor=survivor,
                service_type=service_type,
                region=where,
                reason=reason,
                recorded_by=actor,
                recorded_at=now,
            )
    except IntegrityError:
        # Someone recorded the same need at the same moment.
        raise open_already from None
    audit.record(
        actor=actor,
        action="create",
        obj=need,
        case_id=case.pk,
        fields=["service_type", "region", "reason"],
        detail={"service_type": service_type, "reason": reason, "region": where.pk},
    )
    journey_record(
        case_id=case.pk,
        kind=EventKind.UNMET_NEED_RECORDED,
        actor=actor,
        person_id=survivor.pk,
        occurred_at=now,
        data={"need": str(need.pk), "service_type": service_type, "reason": reason, "region": where.pk},
    )
    return need


@policy.atomic_action
def unmet_need_meet(
    *, actor: User, need: UnmetNeed, referral: ServiceReferral, expected_version: int
) -> UnmetNeed:
    """Close an unmet need with the referral that met it: one of the same survivor in the same
    case, for the same type of service, that the provider has taken."""
    policy.require(actor, "unmet_need.meet", need)
    locked = UnmetNeed.objects.select_for_update().get(pk=need.pk)
    if locked.met_at is not None:
        raise ValidationError(_("This need is already met."), code="already_met")
    check_version(locked, expected_version, seen={"met_at": need.met_at})
    taken = ServiceReferral.objects.select_related("service").get(pk=referral.pk)
    if taken.case_id != locked.case_id or taken.survivor_id != locked.survivor_id:
        raise ValidationError({"referral": _("The referral is for another survivor or case.")})
    if taken.service.service_type != locked.service_type:
        raise ValidationError({"referral": _("The referral is for another type of service.")})
    if taken.status not in TAKEN:
        raise ValidationError({"referral": _("The referral must be accepted by the provider first.")})
    locked.met_at = timezone.now()
    locked.met_by_referral = taken
    save_new_version(locked, ["met_at", "met_by_referral"])
    audit.record(
        actor=actor,
        action="update",
        obj=locked,
        case_id=locked.case_id,
        fields=["met_at", "met_by_referral"],
        detail={"referral": str(taken.pk)},
    )
    _journey(actor, taken, EventKind.UNMET_NEED_MET, locked.met_at or timezone.now(), need=str(locked.pk))
    return locked


# --- the provider directory ----------------------------------------------------------------------

# What a provider's staff keep up to date for their own services; saying what a service is
# (its type and name) and adding one is curating the directory (policy.yaml `directory_curate`).
SERVICE_KEPT_BY_PROVIDER = (
    "min_age",
    "max_age",
    "genders",
    "languages",
    "regions",
    "capacity",
    "in_use",
    "waitlist",
    "contact_phone",
    "contact_email",
    "active",
)
SERVICE_DESCRIBED = ("service_type", "name")
SERVICE_EDITABLE = (*SERVICE_DESCRIBED, *SERVICE_KEPT_BY_PROVIDER)


def service_values(service: ProviderService) -> dict[str, Any]:
    """The editable fields of a service as plain values (regions as sorted ids), to compare what
    an editor saw with what is stored now."""
    values = {name: getattr(service, name) for name in SERVICE_EDITABLE if name != "regions"}
    values["regions"] = sorted(region.pk for region in service.regions.all()) if service.pk else []
    return values


def _plain(name: str, value: Any) -> Any:
    if name == "regions":
        return sorted(getattr(region, "pk", region) for region in value)
    if name in {"genders", "languages"} and isinstance(value, list | tuple):
        return list(value)
    return value


def _check_editable(actor: User, names: Iterable[str], service: ProviderService | None = None) -> None:
    """Only known fields; what a service is (agency, type, name...) only by those who curate the
    directory entry (policy.yaml `service.curate`; adding one is curating it)."""
    names = set(names)
    if unknown := names - set(SERVICE_EDITABLE):
        raise ValidationError(
            _("These fields cannot be changed here: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    curates = service is None or policy.allows(actor, "service.curate", service)
    if not curates and (barred := names - set(SERVICE_KEPT_BY_PROVIDER)):
        raise ValidationError(
            _("Only the taskforce coordinator changes these fields: %(names)s")
            % {"names": ", ".join(sorted(barred))}
        )


def _validate(service: ProviderService) -> None:
    # The fields' own checks (numbers, lengths, choices, e-mail) and ProviderService.clean (ages,
    # HTCDS genders, ISO 639-1 languages); the database constraints stay the last line.
    service.full_clean(validate_constraints=False)
    for name in ("capacity", "in_use", "waitlist"):
        check_whole_number(getattr(service, name), minimum=0, field=name)
    if service.in_use > service.capacity:
        raise ValidationError({"in_use": PLACES_ABOVE_CAPACITY})


@policy.atomic_action
def provider_service_add(*, actor: User, agency: Agency, values: dict[str, Any]) -> ProviderService:
    """Add a service of a provider agency to the directory (a coordinator curating it)."""
    policy.require(actor, "service.create")
    _check_editable(actor, values)
    plain = {name: _plain(name, value) for name, value in values.items()}
    regions = plain.pop("regions", [])
    service = ProviderService(agency=agency, **plain)
    _validate(service)
    service.save()
    if regions:
        service.regions.set(regions)
    audit.record(actor=actor, action="create", obj=service, fields=sorted({"agency", *values}))
    return service


@policy.atomic_action
def provider_service_update(
    *,
    actor: User,
    service: ProviderService,
    expected_version: int,
    changes: dict[str, Any],
    seen: dict[str, Any] | None = None,
) -> ProviderService:
    """Change a directory entry if nobody changed it since `expected_version`; otherwise StaleEdit
    naming what differs from what the editor had `seen`, and nothing is saved. Invalid values are
    refused whole (ValidationError). Nothing that actually changes: nothing written."""
    policy.require(actor, "service.edit", service)
    _check_editable(actor, changes, service)
    locked = ProviderService.objects.select_for_update().get(pk=service.pk)
    before = service_values(locked)
    if locked.version != expected_version:
        raise StaleEdit(locked, _differences(seen or {}, before))
    after = {**before, **{name: _plain(name, value) for name, value in changes.items()}}
    changed = sorted(name for name in changes if after[name] != before[name])
    if not changed:
        return locked
    columns = {name: after[name] for name in changed if name != "regions"}
    for name, value in columns.items():
        setattr(locked, name, value)
    _validate(locked)
    # One conditional UPDATE: two people saving at the same moment cannot both win, on a
    # database without row locks too.
    try:
        update_if_version(ProviderService.objects, locked.pk, expected_version, **columns)
    except StaleEdit as stale:
        raise StaleEdit(stale.current, _differences(seen or {}, service_values(stale.current))) from None
    if "regions" in changed:
        locked.regions.set(after["regions"])
    audit.record(actor=actor, action="update", obj=locked, fields=changed)
    locked.refresh_from_db()
    return locked


def _differences(seen: dict[str, Any], now: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        name: (seen[name], now[name])
        for name in SERVICE_EDITABLE
        if name in seen and _plain(name, seen[name]) != now[name]
    }


# --- reminders for referrals that wait too long --------------------------------------------------


# The operation a reminder is: policy.yaml `system` gives it to the job's system actor, and the
# role rules to those who work on a case's services (declared in CareConfig.ready).
REMIND = "service_referral.remind"


@policy.atomic_action
def referral_reminder_record(
    *, actor: User | SystemActor, referral: ServiceReferral, now: dt.datetime
) -> ReferralReminder | None:
    """Remind that a referral waits too long at its present stage: one reminder, one journey
    event (SERVICE_REFERRAL_OVERDUE) and one audit row, once per referral and stage. None, and
    nothing written, when it is not overdue at `now` or was reminded of at this stage already.

    `actor` is the job's system actor (policy.yaml `system` must let it `service_referral.remind`)
    or a user whom the role rules let remind of this referral (those who work on the case's
    services); anyone else is refused with policy.Denied (a 404, with its audit row) and nothing
    else is written."""
    policy.require(actor, REMIND, referral)
    locked = ServiceReferral.objects.select_for_update().get(pk=referral.pk)
    stage = locked.status
    since = getattr(locked, WAITING_SINCE[stage]) if stage in WAIT_LIMITS else None
    if since is None or since + WAIT_LIMITS[stage] > now:
        return None
    due_at = since + WAIT_LIMITS[stage]
    try:
        with transaction.atomic():
            reminder = ReferralReminder.objects.create(
                referral=locked, stage=stage, due_at=due_at, created_at=now
            )
    except IntegrityError:
        return None  # reminded already (perhaps by a run at the same moment)
    audit.record(
        actor=actor,
        action="create",
        obj=reminder,
        case_id=locked.case_id,
        fields=["referral", "stage", "due_at"],
        detail={"referral": str(locked.pk), "stage": stage},
    )
    journey_record(
        case_id=locked.case_id,
        kind=EventKind.SERVICE_REFERRAL_OVERDUE,
        actor=actor,
        person_id=locked.survivor_id,
        occurred_at=due_at,
        data={"referral": str(locked.pk), "stage": stage},
    )
    return reminder


def referral_reminders_record(*, actor: User | SystemActor, now: dt.datetime) -> list[ReferralReminder]:
    """A reminder for every referral that waits too long at `now` and has none for its stage yet,
    each in its own transaction (with its journey event and audit row). Running it again creates
    nothing more. The hourly job and `continuum care_reminders` call this as the system actor
    "care.reminders"; an actor that may not remind is refused (policy.Denied, with its audit
    row), nothing else written. A user (whose role may remind at all) reminds only of the
    referrals the policy lets them remind of."""
    if isinstance(actor, SystemActor) or "remind" not in policy.operations_of(actor, "service_referral"):
        # A system actor may remind of every referral or of none (policy.yaml `system`); a user
        # whose role has no rule for reminding is refused here, before anything is read.
        policy.require(actor, REMIND)
    reminded = ReferralReminder.objects.filter(referral=OuterRef("pk"), stage=OuterRef("status"))
    due = list(policy.restrict(actor, REMIND, overdue_referrals(now=now).exclude(Exists(reminded))))
    created = [referral_reminder_record(actor=actor, referral=referral, now=now) for referral in due]
    return [reminder for reminder in created if reminder is not None]
