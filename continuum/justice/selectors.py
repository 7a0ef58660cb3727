"""Reads of the justice app: aggregate counts for oversight (arrests, prosecutions and outcomes
side by side, sex and labor separately), and what the investigation and prosecution pages show of
one case (the case comes from the policy's access_case; each page costs a fixed number of queries).

An investigation of kind "both" counts under sex and under labor alike, as a case of both kinds
is a sex-trafficking case and a labor-trafficking case; the two columns may therefore add up to
more than the total. Years are calendar years in the project's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear

from continuum.access import policy
from continuum.access.policy import CaseAccess
from continuum.cases.models import CaseParticipant, ParticipantRole
from continuum.justice import statutes
from continuum.justice.models import (
    CONVICTIONS,
    Arrest,
    Charge,
    Disposition,
    Investigation,
    InvestigationKind,
    Prosecution,
    ProsecutionStatus,
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


def updatable_investigations(user: Any, case: Any) -> set[Any]:
    """The ids of the case's investigations whose status the user may set (policy.yaml
    `investigation.update`: the investigating agency's own staff), in one query."""
    return set(
        policy.restrict(user, "investigation.update", Investigation.objects.filter(case=case)).values_list(
            "pk", flat=True
        )
    )


def investigations_of(case: Any) -> list[Investigation]:
    """The investigations of a case the caller was allowed to open, with arrests, charges, and
    the charges' dispositions and prosecutions (read-only for law enforcement)."""
    return list(
        Investigation.objects.filter(case=case)
        .select_related("agency")
        .prefetch_related(
            "arrests__charges__dispositions", "arrests__charges__prosecutions", "arrests__suspect"
        )
        .order_by("-opened_at")
    )


def suspects_in(access: CaseAccess) -> list[CaseParticipant]:
    """The suspects of the case with their relationship to the survivor and their roles, for
    those the policy lets see the case's justice data (suspects' names count as justice)."""
    if not access.shows("justice"):
        return []
    return list(
        CaseParticipant.objects.filter(case=access.case, role=ParticipantRole.SUSPECT)
        .select_related("person")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class ChargeRow:
    """One charge of a case as the prosecution page shows it."""

    charge: Charge
    title: str  # the statute's title in the reference table
    disposition: Disposition | None
    prosecution: Prosecution | None

    @property
    def open_to_prosecution(self) -> bool:
        return self.prosecution is None and self.disposition is None

    def disposable_by(self, agency_id: int) -> bool:
        """Undisposed, in a pending prosecution of that agency."""
        return (
            self.disposition is None
            and self.prosecution is not None
            and self.prosecution.status == ProsecutionStatus.PENDING
            and self.prosecution.agency_id == agency_id
        )


def _title(section: str) -> str:
    try:
        return statutes.statute(section).title
    except LookupError:
        return ""


def charge_rows(case: Any) -> list[ChargeRow]:
    """Every charge of the case (all its investigations' arrests), oldest first, with its
    disposition and prosecution. Three queries, whatever the number of charges."""
    charges = (
        Charge.objects.filter(arrest__investigation__case=case)
        .select_related("arrest__suspect")
        .prefetch_related(
            "dispositions", Prefetch("prosecutions", queryset=Prosecution.objects.select_related("agency"))
        )
        .order_by("filed_at", "id")
    )
    return [
        ChargeRow(
            charge=charge,
            title=_title(charge.statute),
            disposition=next(iter(charge.dispositions.all()), None),
            prosecution=next(iter(charge.prosecutions.all()), None),
        )
        for charge in charges
    ]


def prosecutions_of(case: Any) -> list[Prosecution]:
    """The prosecutions of the case, newest first, with their agency and charges."""
    return list(
        Prosecution.objects.filter(case=case)
        .select_related("agency")
        .prefetch_related("charges")
        .order_by("-opened_at")
    )
