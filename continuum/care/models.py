"""The services network: a directory of providers' services, closed-loop service referrals, and
the needs no provider could take (SPEC.md C6)."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from continuum.cases.models import Case
from continuum.core.codes import ServiceType
from continuum.core.htcds import Gender
from continuum.core.models import Versioned
from continuum.core.sensitivity import FieldCategories, InfoCategory, SystemCategory
from continuum.org.models import Agency, AgencyKind, Region
from continuum.people.models import Person

# The ISO 639-1 language codes (two letters), the only languages a service can name.
_ISO_639_1_CODES = """
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia
id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo
lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl
ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk
tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())


class ProviderService(Versioned):
    """One service a provider agency offers, whom it can take, and how full it is.

    Eligibility lists that are empty mean "no limit": any gender, any language, and the agency's
    own region when no region is named. Versioned: coordinators and the provider's staff keep it
    up to date, and a stale edit is refused (SECURITY.md 19). Its id stays a number: directory
    entries are reference data, and the synthetic world numbers them.
    """

    id = models.BigAutoField(  # type: ignore[assignment]  # a number, not Versioned's UUID
        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
    )
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

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "created_at": SystemCategory.SYSTEM,
        "updated_at": SystemCategory.SYSTEM,
        "id": SystemCategory.SYSTEM,
        "version": SystemCategory.SYSTEM,
        "agency": SystemCategory.SYSTEM,
        "service_type": SystemCategory.SYSTEM,
        "name": SystemCategory.SYSTEM,
        "min_age": SystemCategory.SYSTEM,
        "max_age": SystemCategory.SYSTEM,
        "genders": SystemCategory.SYSTEM,
        "languages": SystemCategory.SYSTEM,
        "capacity": SystemCategory.SYSTEM,
        "in_use": SystemCategory.SYSTEM,
        "waitlist": SystemCategory.SYSTEM,
        "contact_phone": SystemCategory.SYSTEM,
        "contact_email": SystemCategory.SYSTEM,
        "active": SystemCategory.SYSTEM,
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
            isinstance(code, str) and code in ISO_639_1 for code in self.languages
        ):
            errors["languages"] = gettext("Give languages as two-letter ISO 639-1 codes (en, es, pt...).")
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

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "case": InfoCategory.CASE_FACTS,
        "survivor": InfoCategory.CASE_FACTS,
        "service": InfoCategory.CASE_FACTS,
        "status": InfoCategory.CASE_FACTS,
        "reason": InfoCategory.CASE_FACTS,
        "sent_at": InfoCategory.CASE_FACTS,
        "answered_at": InfoCategory.CASE_FACTS,
        "accepted_at": InfoCategory.CASE_FACTS,
        "started_at": InfoCategory.CASE_FACTS,
        "closed_at": InfoCategory.CASE_FACTS,
        "created_by": InfoCategory.CASE_FACTS,
        "answered_by": InfoCategory.CASE_FACTS,
    }
    # What a provider's staff see of a referral sent to their organisation (policy.yaml
    # `referral_view`; docs/security.md): only what the referral needs.
    REFERRAL_VIEW: ClassVar[frozenset[str]] = frozenset(
        {
            "id",
            "version",
            "status",
            "reason",
            "sent_at",
            "answered_at",
            "accepted_at",
            "started_at",
            "closed_at",
            "service",
        }
    )

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

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "case": InfoCategory.CASE_FACTS,
        "survivor": InfoCategory.CASE_FACTS,
        "service_type": InfoCategory.CASE_FACTS,
        "region": InfoCategory.CASE_FACTS,
        "reason": InfoCategory.CASE_FACTS,
        "recorded_by": InfoCategory.CASE_FACTS,
        "recorded_at": InfoCategory.CASE_FACTS,
        "met_at": InfoCategory.CASE_FACTS,
        "met_by_referral": InfoCategory.CASE_FACTS,
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


class ReminderStage(models.TextChoices):
    """The stages at which a referral can wait too long; each is the referral status it waits in."""

    SENT = "sent", _("Sent and not answered")
    WAITLISTED = "waitlisted", _("Waitlisted")
    ACCEPTED = "accepted", _("Accepted and not started")


# How long a referral may wait at each stage before it is overdue, and the moment the wait is
# counted from. Data, not logic: change a number here (and docs/architecture.md) to change the
# rule; the overdue marks, the `continuum care_reminders` command and oversight all read it.
WAIT_LIMITS: dict[str, dt.timedelta] = {
    ReminderStage.SENT: dt.timedelta(days=2),
    ReminderStage.WAITLISTED: dt.timedelta(days=14),
    ReminderStage.ACCEPTED: dt.timedelta(days=7),
}
WAITING_SINCE: dict[str, str] = {
    ReminderStage.SENT: "sent_at",
    ReminderStage.WAITLISTED: "answered_at",  # the answer that waitlisted it
    ReminderStage.ACCEPTED: "accepted_at",
}


class ReferralReminder(models.Model):
    """A referral waited too long at one stage: written once per referral and stage by the
    `continuum care_reminders` command. It is open while the referral is still at that stage
    (its status equals the stage) and resolved the moment the referral moves on."""

    referral = models.ForeignKey(ServiceReferral, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=16, choices=ReminderStage.choices)
    due_at = models.DateTimeField()  # when the wait became too long
    created_at = models.DateTimeField()

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "id": InfoCategory.CASE_FACTS,
        "referral": InfoCategory.CASE_FACTS,
        "stage": InfoCategory.CASE_FACTS,
        "due_at": InfoCategory.CASE_FACTS,
        "created_at": InfoCategory.CASE_FACTS,
    }

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "stage"], name="referral_reminder_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"Reminder {self.stage} for {self.referral_id}"

    @property
    def is_open(self) -> bool:
        return self.referral.status == self.stage
