"""Referrals to the taskforce: from law enforcement, providers, the community, the hotline, the
survivor themself, or a public tip that intake staff took up. A referral becomes a case."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from continuum.cases.models import ReferralSource
from continuum.core.crypto import EncryptedTextField
from continuum.core.models import Versioned
from continuum.core.sensitivity import FieldCategories, InfoCategory
from continuum.org.models import Agency, Region


class RecruitmentChannel(models.TextChoices):
    """How the person was recruited, as the referrer knows it (HTCDS vic_MethodOfRecruitment is finer)."""

    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "An online app or website"
    FAMILY = "family", "Through family"
    EMPLOYER = "employer", "Through an employer or job offer"
    INTIMATE_PARTNER = "intimate_partner", "Through an intimate partner"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class SuspectedKind(models.TextChoices):
    SEX = "sex", "Sex trafficking"
    LABOR = "labor", "Labor trafficking"
    BOTH = "both", "Both"
    NOT_SURE = "not_sure", "Not sure"


class ReferralStatus(models.TextChoices):
    NEW = "new", "New"
    CONVERTED = "converted", "Opened as a case"
    DECLINED = "declined", "Declined"


class Referral(Versioned):
    """What reached the taskforce about someone who may be trafficked, before it is a case."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField(max_length=32, choices=ReferralSource.choices)
    referring_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referrer_name = models.CharField(max_length=120, blank=True)
    referrer_contact = models.CharField(max_length=120, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    what_is_known = EncryptedTextField()
    recruitment_channel = models.CharField(
        max_length=20, choices=RecruitmentChannel.choices, default=RecruitmentChannel.UNKNOWN
    )
    recruitment_apps = models.JSONField(default=list, blank=True)  # HTCDS vic_RecruitmentWebsitesAndApps
    suspected_kind = models.CharField(
        max_length=10, choices=SuspectedKind.choices, default=SuspectedKind.NOT_SURE
    )
    survivor_first_name = models.CharField(max_length=100, blank=True)
    survivor_last_name = models.CharField(max_length=100, blank=True)
    survivor_birth_date = models.DateField(null=True, blank=True)
    survivor_age = models.PositiveSmallIntegerField(null=True, blank=True)
    survivor_language = models.CharField(max_length=8, blank=True)
    tip = models.OneToOneField(
        "intake.Tip", null=True, blank=True, on_delete=models.PROTECT, related_name="referral"
    )
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="referral"
    )
    status = models.CharField(max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.NEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "region": InfoCategory.CASE_FACTS,
        "source": InfoCategory.CASE_FACTS,
        "referring_agency": InfoCategory.CASE_FACTS,
        "referrer_name": InfoCategory.CASE_FACTS,
        "referrer_contact": InfoCategory.CASE_FACTS,
        "received_at": InfoCategory.CASE_FACTS,
        "what_is_known": InfoCategory.EXPLOITATION,
        "recruitment_channel": InfoCategory.CASE_FACTS,
        "recruitment_apps": InfoCategory.CASE_FACTS,
        "suspected_kind": InfoCategory.CASE_FACTS,
        "survivor_first_name": InfoCategory.IDENTITY,
        "survivor_last_name": InfoCategory.IDENTITY,
        "survivor_birth_date": InfoCategory.IDENTITY,
        "survivor_age": InfoCategory.CASE_FACTS,
        "survivor_language": InfoCategory.CASE_FACTS,
        "tip": InfoCategory.CASE_FACTS,
        "case": InfoCategory.CASE_FACTS,
        "status": InfoCategory.CASE_FACTS,
        "created_by": InfoCategory.CASE_FACTS,
    }

    class Meta:
        app_label = "intake"
        indexes = [models.Index(fields=["region", "status", "received_at"], name="referral_queue")]

    def __str__(self) -> str:
        return f"Referral {self.id}"
