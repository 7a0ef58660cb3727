"""Who works where: regions, towns, agencies, staff accounts and their one membership."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models

from continuum.core.htcds import OrgType
from continuum.core.models import TimeStamped
from continuum.core.sensitivity import FieldCategories, InfoCategory, SystemCategory


class Region(TimeStamped):
    """A taskforce region; regions roll up to the state."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "created_at": SystemCategory.SYSTEM,
        "updated_at": SystemCategory.SYSTEM,
        "id": SystemCategory.REFERENCE,
        "code": SystemCategory.REFERENCE,
        "name": SystemCategory.REFERENCE,
    }

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Town(TimeStamped):
    name = models.CharField(max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="towns")

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "created_at": SystemCategory.SYSTEM,
        "updated_at": SystemCategory.SYSTEM,
        "id": SystemCategory.REFERENCE,
        "name": SystemCategory.REFERENCE,
        "region": SystemCategory.REFERENCE,
    }

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="town_name_unique")]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    """What an agency does in the response (Continuum's own list; HTCDS has org_Type beside it)."""

    TASKFORCE = "taskforce", "Human trafficking recovery taskforce"
    HOTLINE = "hotline", "Hotline"
    CHILD_WELFARE = "child_welfare", "Child welfare (DCF)"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    PROSECUTION = "prosecution", "Prosecution (state's attorney)"
    ADVOCACY = "advocacy", "Victim advocacy"
    SERVICE_PROVIDER = "service_provider", "Service provider"
    STATE_OVERSIGHT = "state_oversight", "Statewide oversight"
    SYSTEM = "system", "System administration"


class Agency(TimeStamped):
    """An organisation whose staff use Continuum (HTCDS Organization)."""

    name = models.CharField(max_length=200, unique=True)  # org_Name
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    org_type = models.CharField(max_length=40, choices=OrgType.choices)  # org_Type
    # Statewide agencies (the state's child-welfare agency, oversight, the hotline) have no region.
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies"
    )
    town = models.ForeignKey(Town, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Partners of a region's labor-trafficking response (routing adds them to labor cases).
    labor_partner = models.BooleanField(default=False)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "created_at": SystemCategory.SYSTEM,
        "updated_at": SystemCategory.SYSTEM,
        "id": SystemCategory.REFERENCE,
        "name": SystemCategory.REFERENCE,
        "kind": SystemCategory.REFERENCE,
        "org_type": SystemCategory.REFERENCE,
        "region": SystemCategory.REFERENCE,
        "town": SystemCategory.REFERENCE,
        "labor_partner": SystemCategory.REFERENCE,
    }

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """The roles of SPEC.md ("Users and roles"); `public` is the anonymous visitor, not a member."""

    INTAKE = "intake", "Intake"
    COORDINATOR = "coordinator", "Taskforce coordinator"
    ADVOCATE = "advocate", "Victim advocate"
    CHILD_WELFARE = "child_welfare", "Child-welfare caseworker"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement investigator"
    PROSECUTOR = "prosecutor", "Prosecutor"
    PROVIDER = "provider", "Service provider staff"
    ANALYST = "analyst", "Statewide analyst"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    """A staff account. Names and e-mail are the staff member's own, not a survivor's."""

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "id": SystemCategory.SYSTEM,
        "password": SystemCategory.CREDENTIAL,
        "last_login": SystemCategory.SYSTEM,
        "is_superuser": SystemCategory.SYSTEM,
        "username": SystemCategory.SYSTEM,
        "first_name": SystemCategory.SYSTEM,
        "last_name": SystemCategory.SYSTEM,
        "email": SystemCategory.SYSTEM,
        "is_staff": SystemCategory.SYSTEM,
        "is_active": SystemCategory.SYSTEM,
        "date_joined": SystemCategory.SYSTEM,
    }

    @property
    def role(self) -> str | None:
        membership = getattr(self, "membership", None)
        return membership.role if membership is not None and membership.active else None


class Membership(TimeStamped):
    """Every staff user belongs to exactly one agency, with one role there."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(max_length=32, choices=Role.choices)
    active = models.BooleanField(default=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "created_at": SystemCategory.SYSTEM,
        "updated_at": SystemCategory.SYSTEM,
        "id": SystemCategory.SYSTEM,
        "user": SystemCategory.SYSTEM,
        "agency": SystemCategory.SYSTEM,
        "role": SystemCategory.SYSTEM,
        "active": SystemCategory.SYSTEM,
    }

    def __str__(self) -> str:
        return f"{self.user.username} ({self.role}, {self.agency.name})"


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


class ApiToken(TimeStamped):
    """A token for one agency's system: stored hashed, scoped, expiring, revocable (SECURITY.md 11).

    The secret is shown once, when made (`continuum token create`); only its SHA-256 is kept.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "created_at": SystemCategory.SYSTEM,
        "updated_at": SystemCategory.SYSTEM,
        "id": SystemCategory.SYSTEM,
        "agency": SystemCategory.SYSTEM,
        "name": SystemCategory.SYSTEM,
        "prefix": SystemCategory.SYSTEM,
        "secret_hash": SystemCategory.CREDENTIAL,
        "scopes": SystemCategory.SYSTEM,
        "expires_at": SystemCategory.SYSTEM,
        "revoked_at": SystemCategory.SYSTEM,
        "last_used_at": SystemCategory.SYSTEM,
    }

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"


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
            # one case's relationships (the case page), and deleting a case's grants
            models.Index(fields=["case", "relationship"], name="grant_case_rel"),
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
