"""Writes that change who may see what: consent, break-glass. Each is one transaction with its
audit row and journey event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from continuum.access import grants, policy, registry
from continuum.access.models import BreakGlassGrant, Consent, CourtOrder
from continuum.access.registry import CaseRoot
from continuum.audit import log as audit
from continuum.core.sensitivity import InfoCategory
from continuum.core.validation import check_moments
from continuum.journeys.actions import journey_record
from continuum.journeys.models import EventKind
from continuum.org.models import Agency, User
from continuum.people.models import Person

CONSENT_LONGEST = dt.timedelta(days=366 * 2)
BREAK_GLASS_MINUTES = 60
# Participant roles, as the case app names them (continuum/cases/models.py ParticipantRole).
SURVIVOR, SUSPECT = "survivor", "suspect"
SIGNERS_FOR_ANOTHER = frozenset({"guardian"})


@policy.atomic_action
def consent_record(
    *,
    actor: User,
    case: CaseRoot,
    survivor: Person,
    agency: Agency,
    categories: Iterable[str],
    method: str,
    expires_at: dt.datetime,
    signed_by: Person,
    signer_relationship: str,
    granted_at: dt.datetime | None = None,
) -> Consent:
    """Record the survivor's consent that `agency` may see `categories` of their information in
    `case` until `expires_at`. Refused: no expiry or one too far away, an unknown category, a
    survivor not of this case, a signer who is not the survivor or their guardian in this case,
    and above all a signer who is a suspect in the case."""
    policy.require(actor, "consent.record", case=case)
    check_moments(expires_at=expires_at, granted_at=granted_at)
    now = timezone.now()
    granted = granted_at or now
    chosen = sorted(set(categories))
    errors: dict[str, str] = {}
    if not chosen or not set(chosen) <= set(InfoCategory.values):
        errors["categories"] = _("Choose at least one category of information.")
    if expires_at <= granted:
        errors["expires_at"] = _("Consent needs an expiry date in the future.")
    elif expires_at - granted > CONSENT_LONGEST:
        errors["expires_at"] = _("Consent can be given for two years at the most; it can be renewed.")
    roles = case.participant_roles(survivor, signed_by)
    if (survivor.pk, SURVIVOR) not in roles:
        errors["survivor"] = _("This person is not a survivor in this case.")
    if (signed_by.pk, SUSPECT) in roles:
        errors["signed_by"] = _("A suspect in the case can never sign consent on the survivor's behalf.")
    elif signed_by.pk != survivor.pk and not any(
        (signed_by.pk, role) in roles for role in SIGNERS_FOR_ANOTHER
    ):
        errors["signed_by"] = _(
            "Consent is signed by the survivor or by their parent or guardian in this case."
        )
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        case_id=case.pk,
        survivor=survivor,
        agency=agency,
        categories=chosen,
        method=method,
        granted_at=granted,
        expires_at=expires_at,
        recorded_by=actor,
        signed_by=signed_by,
        signer_relationship=signer_relationship,
    )
    grants.refresh(consent)
    audit.record(
        actor=actor,
        action="consent_grant",
        obj=consent,
        case_id=case.pk,
        fields=["categories", "expires_at", "agency"],
        detail={"agency": agency.pk, "categories": chosen},
    )
    journey_record(
        case_id=case.pk,
        kind=EventKind.CONSENT_RECORDED,
        actor=actor,
        person_id=survivor.pk,
        data={"agency": agency.pk, "categories": chosen},
    )
    return consent


@policy.atomic_action
def consent_revoke(*, actor: User, consent: Consent, method: str) -> Consent:
    """Revoke at once: the very next request of the receiving agency is denied."""
    policy.require(actor, "consent.revoke", consent)
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("This consent was already revoked."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revocation_method = method
    locked.save(update_fields=["revoked_at", "revoked_by", "revocation_method"])
    grants.refresh(locked)
    audit.record(
        actor=actor,
        action="consent_revoke",
        obj=locked,
        case_id=locked.case_id,
        fields=["revoked_at"],
        detail={"agency": locked.agency_id},
    )
    journey_record(
        case_id=locked.case_id,
        kind=EventKind.CONSENT_REVOKED,
        actor=actor,
        person_id=locked.survivor_id,
        data={"agency": locked.agency_id},
    )
    return locked


@policy.atomic_action
def break_glass_start(*, actor: User, case: CaseRoot, reason: str) -> BreakGlassGrant:
    """An administrator's emergency access to one case for 60 minutes, flagged for review."""
    policy.require(actor, "break_glass.start", case=case)  # policy.yaml: administrators, on any case
    text = reason.strip()
    if len(text) < 20:
        raise ValidationError(
            {"reason": _("Say why in at least 20 characters; a second administrator reviews it.")}
        )
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        user=actor,
        case_id=case.pk,
        reason=text[:500],
        started_at=now,
        expires_at=now + dt.timedelta(minutes=BREAK_GLASS_MINUTES),
    )
    grants.refresh(grant)
    audit.record(
        actor=actor, action="break_glass_start", obj=grant, case_id=case.pk, fields=["reason"], flagged=True
    )
    return grant


@policy.atomic_action
def break_glass_review(*, actor: User, grant: BreakGlassGrant, outcome: str) -> BreakGlassGrant:
    """A second administrator reviews a break-glass grant (never the one who used it)."""
    locked = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if locked.user_id == actor.pk:
        # Said plainly to the one who used it; the policy's rule (`someone_else`) refuses it too.
        raise ValidationError(_("A second administrator must review this, not the one who used it."))
    policy.require(actor, "break_glass.review", locked)
    if locked.reviewed_at is not None:
        raise ValidationError(_("This break-glass access was already reviewed."))
    if outcome not in {"justified", "unjustified"}:
        raise ValidationError(_("Choose justified or unjustified."))
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_outcome = outcome
    locked.save(update_fields=["reviewed_by", "reviewed_at", "review_outcome"])
    audit.record(
        actor=actor,
        action="break_glass_review",
        obj=locked,
        case_id=locked.case_id,
        detail={"outcome": outcome, "grant": locked.pk},
    )
    return locked


@policy.atomic_action
def court_order_record(
    *,
    actor: User,
    case: CaseRoot,
    agency: Agency,
    categories: Iterable[str],
    docket_reference: str,
    issued_on: dt.date,
    expires_at: dt.datetime,
) -> CourtOrder:
    """A court order opening categories of a case to an agency: the minimum fields, an audit row,
    and a task for the case's lead agency to tell the survivor within seven days."""
    policy.require(actor, "court_order.record", case=case)
    check_moments(issued_on=issued_on, expires_at=expires_at)
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
        case_id=case.pk,
        agency=agency,
        categories=chosen,
        docket_reference=reference,
        issued_on=issued_on,
        expires_at=expires_at,
        recorded_by=actor,
    )
    grants.refresh(order)
    # The task to tell the survivor (coordination registers it: continuum/access/registry.py).
    registry.court_order_recorded(order=order, case=case, actor=actor)
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
