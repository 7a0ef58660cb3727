"""A screening's result: the determination, the elements found and the instrument version used."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from continuum.core.models import Versioned
from continuum.core.sensitivity import FieldCategories, InfoCategory


class ScreeningOutcome(models.TextChoices):
    TRAFFICKING_INDICATED = "trafficking_indicated", "Trafficking indicated"
    AT_RISK = "at_risk", "At risk"
    NOT_INDICATED = "not_indicated", "Not indicated"
    INSUFFICIENT_INFORMATION = "insufficient_information", "Insufficient information"


class ScreenedType(models.TextChoices):
    SEX = "sex", "Sex trafficking"
    LABOR = "labor", "Labor trafficking"
    BOTH = "both", "Sex and labor trafficking"


class ScreeningResult(Versioned):
    """One screening of one survivor in one case, written by `screening_record` and never edited.

    `answers` holds answer codes only (option ids, yes / no / unknown, an age in years): the
    instruments have no free-text questions, and a date of birth is not kept here.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="screenings")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="screenings")
    instrument_name = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    result = models.CharField(max_length=32, choices=ScreeningOutcome.choices)
    trafficking_type = models.CharField(max_length=8, choices=ScreenedType.choices, blank=True)
    minor = models.BooleanField(null=True, blank=True)
    elements = models.JSONField(default=list, blank=True)
    follow_up = models.BooleanField(default=False)
    answers = models.JSONField(default=dict, blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField(default=timezone.now)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "case": InfoCategory.CASE_FACTS,
        "person": InfoCategory.CASE_FACTS,
        "instrument_name": InfoCategory.CASE_FACTS,
        "instrument_version": InfoCategory.CASE_FACTS,
        "result": InfoCategory.CASE_FACTS,
        "trafficking_type": InfoCategory.CASE_FACTS,
        "minor": InfoCategory.CASE_FACTS,
        "elements": InfoCategory.CASE_FACTS,
        "follow_up": InfoCategory.CASE_FACTS,
        "answers": InfoCategory.EXPLOITATION,
        "screened_by": InfoCategory.CASE_FACTS,
        "screened_at": InfoCategory.CASE_FACTS,
    }

    class Meta:
        ordering = ["-screened_at"]
        indexes = [
            models.Index(fields=["case", "-screened_at"]),
            models.Index(fields=["result", "screened_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.result} ({self.instrument_name} {self.instrument_version})"
