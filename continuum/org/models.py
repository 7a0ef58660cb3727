"""Who works where: regions, towns, agencies, staff accounts, their one membership, and the API
tokens of agencies' systems. The bottom layer above core: it imports no other app."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models

from continuum.core.htcds import OrgType
from continuum.core.models import TimeStamped
from continuum.core.sensitivity import FieldCategories, SystemCategory


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
