"""Investigations, arrests, charges, prosecutions and dispositions, for sex and labor trafficking alike.

Written only by continuum.justice.actions. Nothing here is read by the services network: a
survivor's services never depend on cooperation with an investigation.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from continuum.cases.models import Case
from continuum.core.models import Versioned
from continuum.core.sensitivity import FieldCategories, InfoCategory
from continuum.justice.statutes import FELONY_CLASS, OffenseLevel, validate_section
from continuum.org.models import Agency
from continuum.people.models import Person


class InvestigationStatus(models.TextChoices):
    OPEN = "open", "Open"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"


class InvestigationKind(models.TextChoices):
    SEX = "sex", "Sex trafficking"
    LABOR = "labor", "Labor trafficking"
    BOTH = "both", "Sex and labor trafficking"


class Investigation(Versioned):
    """A law-enforcement investigation of one case, by one agency, with a lead investigator."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="investigations")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="investigations")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=InvestigationStatus.choices, default=InvestigationStatus.OPEN
    )
    kind = models.CharField(max_length=8, choices=InvestigationKind.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "case": InfoCategory.CASE_FACTS,
        "agency": InfoCategory.JUSTICE,
        "lead": InfoCategory.JUSTICE,
        "status": InfoCategory.JUSTICE,
        "kind": InfoCategory.JUSTICE,
        "opened_at": InfoCategory.JUSTICE,
        "closed_at": InfoCategory.JUSTICE,
    }

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["case", "-opened_at"], name="investigation_case_opened")]

    def __str__(self) -> str:
        return f"Investigation {self.pk}"


class Arrest(Versioned):
    """The arrest of a person who is a suspect in the investigation's case."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="arrests")
    suspect = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="arrests")
    arrested_at = models.DateTimeField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="arrests")

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "investigation": InfoCategory.JUSTICE,
        "suspect": InfoCategory.JUSTICE,
        "arrested_at": InfoCategory.JUSTICE,
        "agency": InfoCategory.JUSTICE,
    }

    class Meta:
        ordering = ["arrested_at"]
        indexes = [models.Index(fields=["arrested_at"], name="arrest_arrested_at")]

    def __str__(self) -> str:
        return f"Arrest {self.pk}"


class Charge(Versioned):
    """One charge of an arrest under a statute of the reference table (continuum.justice.statutes).

    `offense_level` is copied from the table when the charge is filed, never typed in.
    """

    arrest = models.ForeignKey(Arrest, on_delete=models.CASCADE, related_name="charges")
    statute = models.CharField(max_length=16, validators=[validate_section])
    offense_level = models.CharField(max_length=16, choices=OffenseLevel.choices, editable=False)
    counts = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    filed_at = models.DateTimeField()

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "arrest": InfoCategory.JUSTICE,
        "statute": InfoCategory.JUSTICE,
        "offense_level": InfoCategory.JUSTICE,
        "counts": InfoCategory.JUSTICE,
        "filed_at": InfoCategory.JUSTICE,
    }

    class Meta:
        ordering = ["filed_at"]
        indexes = [models.Index(fields=["filed_at"], name="charge_filed_at")]
        constraints = [
            models.CheckConstraint(condition=models.Q(counts__gte=1), name="charge_counts_positive")
        ]

    def __str__(self) -> str:
        return f"{self.statute} ({self.counts})"

    @property
    def felony_class(self) -> str | None:
        """ "A" to "D" when the charge is a felony, None for a misdemeanor."""
        return FELONY_CLASS.get(OffenseLevel(self.offense_level)) if self.offense_level else None


class ProsecutionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DISPOSED = "disposed", "Disposed"


class Prosecution(Versioned):
    """A prosecution of charges by a state's attorney's office; disposed once every charge is."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="prosecutions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="prosecutions")
    charges = models.ManyToManyField(Charge, related_name="prosecutions")
    status = models.CharField(
        max_length=16, choices=ProsecutionStatus.choices, default=ProsecutionStatus.PENDING
    )
    opened_at = models.DateTimeField(default=timezone.now)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "case": InfoCategory.CASE_FACTS,
        "agency": InfoCategory.JUSTICE,
        "status": InfoCategory.JUSTICE,
        "opened_at": InfoCategory.JUSTICE,
    }

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"Prosecution {self.pk}"


class Outcome(models.TextChoices):
    CONVICTED_PLEA = "convicted_plea", "Convicted (plea)"
    CONVICTED_TRIAL = "convicted_trial", "Convicted (trial)"
    DISMISSED = "dismissed", "Dismissed"
    NOLLE = "nolle", "Nolle prosequi"
    ACQUITTED = "acquitted", "Acquitted"
    DIVERTED = "diverted", "Diverted"


CONVICTIONS = frozenset({Outcome.CONVICTED_PLEA, Outcome.CONVICTED_TRIAL})


class Disposition(Versioned):
    """How one charge ended."""

    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="dispositions")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    decided_at = models.DateTimeField()
    sentence_summary = models.CharField(max_length=200, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **Versioned.BASE_FIELD_CATEGORIES,
        "charge": InfoCategory.JUSTICE,
        "outcome": InfoCategory.JUSTICE,
        "decided_at": InfoCategory.JUSTICE,
        "sentence_summary": InfoCategory.JUSTICE,
    }

    class Meta:
        ordering = ["decided_at"]
        indexes = [models.Index(fields=["decided_at"], name="disposition_decided_at")]
        constraints = [models.UniqueConstraint(fields=["charge"], name="disposition_once_per_charge")]

    def __str__(self) -> str:
        return f"{self.outcome} on {self.decided_at:%Y-%m-%d}"
