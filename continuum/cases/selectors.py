"""Reads of cases. Every queryset starts from the policy (`Case.objects.restrict`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from continuum.access.models import Region
from continuum.cases.models import Case, CaseParticipant, Exploitation, ParticipantRole
from continuum.journeys.models import JourneyEvent


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    region: Region | None = None
    age_group: str = ""
    trafficking_type: str = ""
    status: str = ""

    @classmethod
    def from_cleaned(cls, data: dict[str, Any]) -> CaseFilters:
        return cls(
            q=data.get("q") or "",
            region=data.get("region"),
            age_group=data.get("age_group") or "",
            trafficking_type=data.get("trafficking_type") or "",
            status=data.get("status") or "",
        )


def case_list(user: Any, filters: CaseFilters) -> QuerySet[Case]:
    cases = Case.objects.restrict(user, "list").select_related("region", "town", "lead_agency")
    if filters.region is not None:
        cases = cases.filter(region=filters.region)
    if filters.age_group:
        cases = cases.filter(age_group=filters.age_group)
    if filters.trafficking_type:
        cases = cases.filter(trafficking_type=filters.trafficking_type)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.q:
        term = filters.q.strip()
        survivor_named = CaseParticipant.objects.filter(
            case=OuterRef("pk"), role=ParticipantRole.SURVIVOR
        ).filter(Q(person__last_name__iexact=term) | Q(person__first_name__iexact=term))
        cases = cases.filter(
            Q(reference__iexact=term) | Q(reference__icontains=term.upper()) | Exists(survivor_named)
        )
    return cases.order_by("-opened_on", "reference")


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    participants: list[CaseParticipant]
    exploitations: list[Exploitation]
    events: list[JourneyEvent]


def case_detail(case: Case) -> CaseDetail:
    """Everything the case page shows, in a fixed number of queries. `case` comes from the policy."""
    participants = list(
        CaseParticipant.objects.filter(case=case)
        .select_related("person")
        .order_by("role", "created_at", "id")
    )
    exploitations = list(
        Exploitation.objects.filter(case=case)
        .select_related("survivor", "case")
        .prefetch_related(Prefetch("locations"))
        .order_by("start_date", "created_at")
    )
    events = list(
        JourneyEvent.objects.filter(case=case).select_related("agency").order_by("occurred_at", "id")
    )
    return CaseDetail(case=case, participants=participants, exploitations=exploitations, events=events)
