"""The services network: a directory of providers' services, closed-loop service referrals, and
the needs no provider could take (SPEC.md C6)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from continuum.access.models import Agency, AgencyKind, Region
from continuum.cases.models import Case
from continuum.core.codes import ServiceType
from continuum.core.htcds import Gender
from continuum.core.models import TimeStamped, Versioned
from continuum.core.sensitivity import Sensitivity
from continuum.people.models import Person


class ProviderService(TimeStamped):
    """One service a provider agency offers, whom it can take, and how full it is.

    Eligibility lists that are empty mean "no limit": any gender, any language, and the agency's
    own region when no region is named.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="services")
    service_type = models.CharField(max_length=32, choices=ServiceType.choices)
    # The programme's own name when an agency offers one type in several ways ("Youth shelter").
    name = models.CharField(max_length=120, blank=True)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    genders = models.JSONField(default=list, blank=True)  # HTCDS Gender values; empty = all
    languages = models.JSONField(default=list, blank=True)  # ISO 639-1 codes; empty = any
    regions = models.ManyToManyField(Region, blank=True, related_name="provider_services")
    capacity = models.PositiveIntegerField(default=0)
    in_use = models.PositiveIntegerField(default=0)
    waitlist = models.PositiveIntegerField(default=0)
    # The provider's intake desk (staff contacts, not a survivor's).
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(max_length=254, blank=True)
    active = models.BooleanField(default=True)

    SENSITIVITY: ClassVar[dict[str, Sensitivity]] = {
        **TimeStamped.BASE_SENSITIVITY,
        "id": Sensitivity.PUBLIC,
        "agency": Sensitivity.PUBLIC,
        "service_type": Sensitivity.PUBLIC,
        "name": Sensitivity.PUBLIC,
        "min_age": Sensitivity.PUBLIC,
        "max_age": Sensitivity.PUBLIC,
        "genders": Sensitivity.PUBLIC,
        "languages": Sensitivity.PUBLIC,
        "capacity": Sensitivity.CASE_FACT,
        "in_use": Sensitivity.CASE_FACT,
        "waitlist": Sensitivity.CASE_FACT,
        "contact_phone": Sensitivity.CASE_FACT,
        "contact_email": Sensitivity.CASE_FACT,
        "active": Sensitivity.PUBLIC,
    }

    class Meta:
        ordering = ["agency__name", "service_type"]
        indexes = [models.Index(fields=["service_type", "active"], name="service_type_active")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="provider_service_age_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} at {self.agency_id}"

    @property
    def has_room(self) -> bool:
        return self.in_use < self.capacity

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.agency_id is not None and self.agency.kind != AgencyKind.SERVICE_PROVIDER:
            errors["agency"] = gettext("Only service providers offer services in the directory.")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = gettext("The oldest age taken must not be below the youngest.")
        if not isinstance(self.genders, list) or not set(self.genders) <= set(Gender.values):
            errors["genders"] = gettext("Choose genders from the HTCDS list.")
        if not isinstance(self.languages, list) or not all(
            isinstance(code, str) and len(code) == 2 and code.isalpha() and code.islower()
            for code in self.languages
        ):
            errors["languages"] = gettext("Give languages as two-letter ISO 639-1 codes.")
        if errors:
            raise ValidationError(errors)


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", gettext("Proposed")
    SENT = "sent", gettext("Sent")
    ACCEPTED = "accepted", gettext("Accepted")
    DECLINED = "declined", gettext("Declined")
    WAITLISTED = "waitlisted", gettext("Waitlisted")
    STARTED = "started", gettext("Started")
    COMPLETED = "completed", gettext("Completed")
    ENDED = "ended", gettext("Ended")


class Answer(models.TextChoices):
    """A provider's answer to a sent referral."""

    ACCEPT = "accept", _("Accept")
    DECLINE = "decline", _("Decline")
    WAITLIST = "waitlist", _("Waitlist")


class Outcome(models.TextChoices):
    """How a referral's loop is closed."""

    COMPLETED = "completed", _("Completed")
    ENDED = "ended", _("Ended")


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    LANGUAGE_NOT_SERVED = "language_not_served", _("Language not served")
    SAFETY_CONCERN = "safety_concern", _("Safety concern")
    SURVIVOR_DECLINED = "survivor_declined", _("The survivor declined")
    UNABLE_TO_CONTACT = "unable_to_contact", _("Unable to contact the survivor")
    OTHER = "other", _("Other")


class EndReason(models.TextChoices):
    SURVIVOR_WITHDREW = "survivor_withdrew", _("The survivor withdrew")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    MOVED_AWAY = "moved_away", _("Moved out of the area")
    NOT_ELIGIBLE = "not_eligible", _("No longer eligible")
    SAFETY_CONCERN = "safety_concern", _("Safety concern")
    TRANSFERRED = "transferred", _("Transferred to another provider")
    OTHER = "other", _("Other")


class ServiceReferral(Versioned):
    """A survivor referred to one provider's service, followed until the loop is closed:
    proposed → sent → accepted / declined / waitlisted → started → completed / ended."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="service_referrals")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="service_referrals")
    service = models.ForeignKey(ProviderService, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.PROPOSED)
    # A DeclineReason when declined, an EndReason when ended; a code, never free text.
    reason = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    SENSITIVITY: ClassVar[dict[str, Sensitivity]] = {
        **Versioned.BASE_SENSITIVITY,
        "case": Sensitivity.PUBLIC,
        "survivor": Sensitivity.PUBLIC,
        "service": Sensitivity.CASE_FACT,
        "status": Sensitivity.CASE_FACT,
        "reason": Sensitivity.CASE_FACT,
        "sent_at": Sensitivity.CASE_FACT,
        "answered_at": Sensitivity.CASE_FACT,
        "accepted_at": Sensitivity.CASE_FACT,
        "started_at": Sensitivity.CASE_FACT,
        "closed_at": Sensitivity.CASE_FACT,
        "created_by": Sensitivity.CASE_FACT,
        "answered_by": Sensitivity.CASE_FACT,
    }

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="service_referral_case"),
            models.Index(fields=["service", "status"], name="service_referral_service"),
        ]

    def __str__(self) -> str:
        return f"Service referral {self.id} ({self.status})"


class UnmetReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No provider has capacity")
    NO_ELIGIBLE_PROVIDER = "no_eligible_provider", _("No eligible provider")
    LANGUAGE_NOT_SERVED = "language_not_served", _("The survivor's language is not served")
    WAITLIST_TOO_LONG = "waitlist_too_long", _("The waitlist is too long")
    OTHER = "other", _("Other")


class UnmetNeed(Versioned):
    """A need no provider could take, by type and region, open until a referral meets it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="unmet_needs")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="unmet_needs")
    service_type = models.CharField(max_length=32, choices=ServiceType.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="unmet_needs")
    reason = models.CharField(max_length=32, choices=UnmetReason.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    met_by_referral = models.ForeignKey(
        ServiceReferral, null=True, blank=True, on_delete=models.PROTECT, related_name="met_needs"
    )

    SENSITIVITY: ClassVar[dict[str, Sensitivity]] = {
        **Versioned.BASE_SENSITIVITY,
        "case": Sensitivity.PUBLIC,
        "survivor": Sensitivity.PUBLIC,
        "service_type": Sensitivity.CASE_FACT,
        "region": Sensitivity.PUBLIC,
        "reason": Sensitivity.CASE_FACT,
        "recorded_by": Sensitivity.CASE_FACT,
        "recorded_at": Sensitivity.CASE_FACT,
        "met_at": Sensitivity.CASE_FACT,
        "met_by_referral": Sensitivity.CASE_FACT,
    }

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["met_at", "service_type", "region"], name="unmet_open_type_region")]
        constraints = [
            # The same need of the same survivor is open once, even when two people record it at once.
            models.UniqueConstraint(
                fields=["case", "survivor", "service_type"],
                condition=models.Q(met_at__isnull=True),
                name="unmet_need_open_once",
            )
        ]

    def __str__(self) -> str:
        return f"Unmet {self.service_type} need {self.id}"
