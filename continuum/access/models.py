"""Who works where: regions, towns, agencies, staff accounts and their one membership."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models

from continuum.core.htcds import OrgType
from continuum.core.models import TimeStamped
from continuum.core.sensitivity import Sensitivity


class Region(TimeStamped):
    """A taskforce region; regions roll up to the state."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)

    SENSITIVITY: ClassVar[dict[str, Sensitivity]] = {
        **TimeStamped.BASE_SENSITIVITY,
        "id": Sensitivity.PUBLIC,
        "code": Sensitivity.PUBLIC,
        "name": Sensitivity.PUBLIC,
    }

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Town(TimeStamped):
    name = models.CharField(max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="towns")

    SENSITIVITY: ClassVar[dict[str, Sensitivity]] = {
        **TimeStamped.BASE_SENSITIVITY,
        "id": Sensitivity.PUBLIC,
        "name": Sensitivity.PUBLIC,
        "region": Sensitivity.PUBLIC,
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

    SENSITIVITY: ClassVar[dict[str, Sensitivity]] = {
        **TimeStamped.BASE_SENSITIVITY,
        "id": Sensitivity.PUBLIC,
        "name": Sensitivity.PUBLIC,
        "kind": Sensitivity.PUBLIC,
        "org_type": Sensitivity.PUBLIC,
        "region": Sensitivity.PUBLIC,
        "town": Sensitivity.PUBLIC,
        "labor_partner": Sensitivity.PUBLIC,
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

    SENSITIVITY: ClassVar[dict[str, Sensitivity]] = {
        "id": Sensitivity.PUBLIC,
        "password": Sensitivity.PRIVILEGED,
        "last_login": Sensitivity.CASE_FACT,
        "is_superuser": Sensitivity.PUBLIC,
        "username": Sensitivity.PUBLIC,
        "first_name": Sensitivity.CASE_FACT,
        "last_name": Sensitivity.CASE_FACT,
        "email": Sensitivity.CASE_FACT,
        "is_staff": Sensitivity.PUBLIC,
        "is_active": Sensitivity.PUBLIC,
        "date_joined": Sensitivity.CASE_FACT,
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

    SENSITIVITY: ClassVar[dict[str, Sensitivity]] = {
        **TimeStamped.BASE_SENSITIVITY,
        "id": Sensitivity.PUBLIC,
        "user": Sensitivity.PUBLIC,
        "agency": Sensitivity.PUBLIC,
        "role": Sensitivity.PUBLIC,
        "active": Sensitivity.PUBLIC,
    }

    def __str__(self) -> str:
        return f"{self.user.username} ({self.role}, {self.agency.name})"
