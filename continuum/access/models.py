"""What decides access to a case beyond its own columns: consent, court orders, break-glass, and the
indexed grants derived from them and from the rows other apps register (continuum/access/grants.py)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models

from continuum.core.models import TimeStamped
from continuum.core.sensitivity import FieldCategories, InfoCategory, SystemCategory
from continuum.org.models import Agency, User

if TYPE_CHECKING:
    from continuum.org.models import User


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", "Signed on paper"
    ELECTRONIC = "electronic", "Signed electronically"
    VERBAL_RECORDED = "verbal_recorded", "Given verbally, recorded by staff"


class SignerRelationship(models.TextChoices):
    SELF = "self", "The survivor"
    PARENT = "parent", "Parent"
    GUARDIAN = "guardian", "Legal guardian"
    DCF = "dcf", "Child-welfare agency as guardian"


class Consent(TimeStamped):
    """A survivor's consent that one receiving agency may see some categories of their information
    in one case, until a mandatory expiry; revocable at once. Never a condition of services."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents_given")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="consents_received")
    categories = models.JSONField(default=list)
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="consents_recorded")
    # Who signed: the survivor, or a parent/guardian on a minor's behalf (never a suspect in the case).
    signed_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents_signed")
    signer_relationship = models.CharField(max_length=16, choices=SignerRelationship.choices)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revocation_method = models.CharField(max_length=20, choices=ConsentMethod.choices, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "survivor": InfoCategory.CASE_FACTS,
        "agency": InfoCategory.CASE_FACTS,
        "categories": InfoCategory.CASE_FACTS,
        "method": InfoCategory.CASE_FACTS,
        "granted_at": InfoCategory.CASE_FACTS,
        "expires_at": InfoCategory.CASE_FACTS,
        "recorded_by": InfoCategory.CASE_FACTS,
        "signed_by": InfoCategory.CASE_FACTS,
        "signer_relationship": InfoCategory.CASE_FACTS,
        "revoked_at": InfoCategory.CASE_FACTS,
        "revoked_by": InfoCategory.CASE_FACTS,
        "revocation_method": InfoCategory.CASE_FACTS,
    }

    class Meta:
        indexes = [models.Index(fields=["agency", "case", "expires_at"], name="consent_agency_case")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")), name="consent_expires"
            )
        ]

    def __str__(self) -> str:
        return f"Consent for {self.agency_id} on {self.case_id}"

    def in_force(self, at: datetime.datetime) -> bool:
        return self.revoked_at is None and self.granted_at <= at < self.expires_at


class BreakGlassGrant(TimeStamped):
    """An administrator's emergency access to one case: a reason, a fresh second factor, 60
    minutes, flagged until a second administrator reviews it."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="break_glass_grants")
    reason = models.CharField(max_length=500)
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=16, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "created_at": SystemCategory.SYSTEM,
        "updated_at": SystemCategory.SYSTEM,
        "id": SystemCategory.SYSTEM,
        "user": SystemCategory.SYSTEM,
        "case": SystemCategory.SYSTEM,
        # Free text written by staff, kept away from anyone but administrators.
        "reason": InfoCategory.IDENTITY,
        "started_at": SystemCategory.SYSTEM,
        "expires_at": SystemCategory.SYSTEM,
        "reviewed_by": SystemCategory.SYSTEM,
        "reviewed_at": SystemCategory.SYSTEM,
        "review_outcome": SystemCategory.SYSTEM,
    }

    class Meta:
        indexes = [models.Index(fields=["user", "case", "expires_at"], name="breakglass_user_case")]

    def __str__(self) -> str:
        return f"Break-glass {self.id}"


class GrantRelationship(models.TextChoices):
    """The relationships with a case that come from rows of their own (policy.yaml names them)."""

    CASE_TEAM = "case_team", "On the case team"
    AGENCY_ON_TEAM = "agency_on_team", "Agency on the case team"
    MANDATED_REPORT = "mandated_report", "Mandated report to the agency"
    CONSENT = "consent", "Consent naming the agency"
    COURT_ORDER = "court_order", "Court order naming the agency"
    BREAK_GLASS = "break_glass", "Break-glass access"


class GrantSource(models.TextChoices):
    """The kind of row a grant comes from (with `source_id`, its provenance)."""

    TEAM_MEMBER = "team_member", "Case team member"
    MANDATED_REPORT = "mandated_report", "Mandated report"
    CONSENT = "consent", "Consent"
    COURT_ORDER = "court_order", "Court order"
    BREAK_GLASS = "break_glass", "Break-glass grant"


class CaseGrant(models.Model):
    """One relationship a user or an agency has with a case, derived from one source row and kept
    by the actions that change that row, in the same transaction (continuum/access/grants.py).

    The policy reads this table instead of the source rows, so a restricted list is one indexed
    semi-join. A grant is in force while `valid_from <= now < valid_until` (an empty bound is
    open), so consent and court-order expiry and the 60 minutes of break-glass need no job; a
    removed team member or a revoked consent has no grant at all. `continuum access grants
    --check` compares the table with the source rows; `--rebuild` recomputes it."""

    # Derived rows: the source rows hold the foreign keys; these are not checked again by the
    # database (a bulk rebuild would check millions of them), and deleting a case, user or
    # agency through Django still deletes its grants.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    relationship = models.CharField(max_length=16, choices=GrantRelationship.choices)
    user = models.ForeignKey(
        User, null=True, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    agency = models.ForeignKey(
        Agency, null=True, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    valid_from = models.DateTimeField(null=True)
    valid_until = models.DateTimeField(null=True)
    source = models.CharField(max_length=16, choices=GrantSource.choices)
    source_id = models.BigIntegerField()

    # Access metadata derived from the source rows: never shown through the case policy.
    FIELD_CATEGORIES: ClassVar[FieldCategories] = dict.fromkeys(
        ("id", "case", "relationship", "user", "agency", "valid_from", "valid_until", "source", "source_id"),
        SystemCategory.SYSTEM,
    )

    class Meta:
        indexes = [
            # "the cases where user U has relationship R now" (team, break-glass)
            models.Index(
                fields=["user", "relationship", "case", "valid_from", "valid_until"],
                condition=models.Q(user__isnull=False),
                name="grant_user_rel_case",
            ),
            # "the cases where agency A has relationship R now" (agency on team, report, consent, order)
            models.Index(
                fields=["agency", "relationship", "case", "valid_from", "valid_until"],
                condition=models.Q(agency__isnull=False),
                name="grant_agency_rel_case",
            ),
            # one case's relationships (the case page), deleting a case's grants, and a list's
            # capped count: the holder and the time bounds are in the index, so a merge of the
            # cases with the grants in case order reads the index alone (an advocate's list holds
            # grants of two holders, their agency's and their own, which no holder index orders
            # by case).
            models.Index(
                fields=["case", "relationship", "agency", "user", "valid_from", "valid_until"],
                name="grant_case_holder",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id", "relationship"], name="grant_one_per_source"
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(agency__isnull=False),
                name="grant_has_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relationship} on {self.case_id}"


class CourtOrder(TimeStamped):
    """A court order that opens categories of a case to an agency: logged with the minimum fields,
    with a task to tell the survivor (SECURITY.md 5)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="court_orders")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="court_orders")
    categories = models.JSONField(default=list)
    docket_reference = models.CharField(max_length=64)
    issued_on = models.DateField()
    expires_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    survivor_told_at = models.DateTimeField(null=True, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "agency": InfoCategory.CASE_FACTS,
        "categories": InfoCategory.CASE_FACTS,
        "docket_reference": InfoCategory.CASE_FACTS,
        "issued_on": InfoCategory.CASE_FACTS,
        "expires_at": InfoCategory.CASE_FACTS,
        "recorded_by": InfoCategory.CASE_FACTS,
        "survivor_told_at": InfoCategory.CASE_FACTS,
    }

    def __str__(self) -> str:
        return f"Court order {self.docket_reference}"
