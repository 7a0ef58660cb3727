"""Reads of the justice app: aggregate counts for oversight (arrests, prosecutions and outcomes
side by side, sex and labor separately).

An investigation of kind "both" counts under sex and under labor alike, as a case of both kinds
is a sex-trafficking case and a labor-trafficking case; the two columns may therefore add up to
more than the total. Years are calendar years in the project's time zone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from continuum.justice.models import (
    CONVICTIONS,
    Arrest,
    Charge,
    Disposition,
    Investigation,
    InvestigationKind,
)

TYPES = ("sex", "labor")
MEASURES = ("arrests", "charges", "convictions")


def _kinds(trafficking_type: str) -> list[str]:
    if trafficking_type not in TYPES:
        raise ValueError("trafficking_type must be 'sex', 'labor' or None")
    return [trafficking_type, InvestigationKind.BOTH.value]


def arrests_by_year(trafficking_type: str | None = None) -> dict[int, int]:
    """Arrests per calendar year of arrest, of one kind of trafficking ("sex" or "labor") or all."""
    arrests = Arrest.objects.all()
    if trafficking_type is not None:
        arrests = arrests.filter(investigation__kind__in=_kinds(trafficking_type))
    rows = (
        arrests.annotate(year=ExtractYear("arrested_at"))
        .values("year")
        .annotate(n=Count("id"))
        .order_by("year")
        .values_list("year", "n")
    )
    return {int(year): int(n) for year, n in rows}


def _per_year(queryset: QuerySet[Any], date_field: str, kind_path: str) -> dict[int, dict[str, int]]:
    rows = (
        queryset.annotate(year=ExtractYear(date_field))
        .values("year")
        .annotate(
            sex=Count("id", filter=Q(**{f"{kind_path}__in": _kinds("sex")})),
            labor=Count("id", filter=Q(**{f"{kind_path}__in": _kinds("labor")})),
        )
        .order_by("year")
        .values_list("year", "sex", "labor")
    )
    return {int(year): {"sex": int(sex), "labor": int(labor)} for year, sex, labor in rows}


def outcomes_side_by_side() -> list[dict[str, int]]:
    """One row per year, oldest first: arrests (by year of arrest), charges (by year filed) and
    convictions (charges convicted by plea or trial, by year decided), for sex and labor:

    {"year": 2025, "sex_arrests": 3, "sex_charges": 5, "sex_convictions": 1,
     "labor_arrests": 1, "labor_charges": 2, "labor_convictions": 0}

    Three aggregate queries, whatever the number of records.
    """
    measured = {
        "arrests": _per_year(Arrest.objects.all(), "arrested_at", "investigation__kind"),
        "charges": _per_year(Charge.objects.all(), "filed_at", "arrest__investigation__kind"),
        "convictions": _per_year(
            Disposition.objects.filter(outcome__in=[o.value for o in CONVICTIONS]),
            "decided_at",
            "charge__arrest__investigation__kind",
        ),
    }
    years = sorted({year for counts in measured.values() for year in counts})
    table: list[dict[str, int]] = []
    for year in years:
        row = {"year": year}
        for kind in TYPES:
            for measure in MEASURES:
                row[f"{kind}_{measure}"] = measured[measure].get(year, {}).get(kind, 0)
        table.append(row)
    return table


def investigations_of(case: Any) -> list[Investigation]:
    """The investigations of a case the caller was allowed to open, with arrests and charges."""
    return list(
        Investigation.objects.filter(case=case)
        .select_related("agency")
        .prefetch_related("arrests__charges", "arrests__suspect")
        .order_by("-opened_at")
    )
