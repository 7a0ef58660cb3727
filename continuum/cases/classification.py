"""Case-level classifications derived from the exploitation records, never typed in.

`Case.trafficking_type` and `Case.age_group` are stored (indexed, for lists and statistics) but
only ever written from these functions, by the actions and the synthetic generator.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from continuum.core.htcds import TypeOfExploitation
from continuum.people.ages import is_minor


class TraffickingType(models.TextChoices):
    SEX = "sex", "Sex trafficking"
    LABOR = "labor", "Labor trafficking"
    BOTH = "both", "Sex and labor trafficking"
    UNDETERMINED = "undetermined", "Not yet determined"


class AgeGroup(models.TextChoices):
    MINOR = "minor", "Child (under 18)"
    ADULT = "adult", "Adult"
    UNKNOWN = "unknown", "Age unknown"


SEX_TYPES = frozenset({TypeOfExploitation.SEXUAL_EXPLOITATION.value})
# HTCDS types that are labor or services under the law (forced marriage and organ removal are
# neither here; they stay visible in the HTCDS list itself).
LABOR_TYPES = frozenset(
    {
        TypeOfExploitation.FORCED_LABOUR.value,
        TypeOfExploitation.CHILD_LABOUR.value,
        TypeOfExploitation.SERVITUDE.value,
        TypeOfExploitation.FORCED_BEGGING.value,
    }
)


def trafficking_type_of(types: Iterable[str]) -> TraffickingType:
    found = set(types)
    sex, labor = bool(found & SEX_TYPES), bool(found & LABOR_TYPES)
    if sex and labor:
        return TraffickingType.BOTH
    if sex:
        return TraffickingType.SEX
    if labor:
        return TraffickingType.LABOR
    return TraffickingType.UNDETERMINED


def combine_types(per_exploitation: Iterable[TraffickingType]) -> TraffickingType:
    kinds = set(per_exploitation) - {TraffickingType.UNDETERMINED}
    if TraffickingType.BOTH in kinds or kinds == {TraffickingType.SEX, TraffickingType.LABOR}:
        return TraffickingType.BOTH
    if kinds:
        return kinds.pop()
    return TraffickingType.UNDETERMINED


def age_group_of(ages: Iterable[int | None]) -> AgeGroup:
    """A case is a child case when any survivor was a minor when the exploitation began."""
    statuses = [is_minor(age) for age in ages]
    if any(status is True for status in statuses):
        return AgeGroup.MINOR
    if any(status is False for status in statuses):
        return AgeGroup.ADULT
    return AgeGroup.UNKNOWN
