"""Routing rules (routing.yaml beside this file): what happens to a case once it is screened.

The rules are data; this module validates them strictly and applies them in one transaction:
mandated reports, case-team agencies and tasks with deadlines. Applying them twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from continuum.access import grants
from continuum.audit import log as audit
from continuum.cases.models import Case, MandatedReport
from continuum.coordination.models import CaseTeamMember, Task, TaskKind, TeamRole
from continuum.journeys.actions import journey_record
from continuum.journeys.models import EventKind
from continuum.org.models import Agency, AgencyKind, User

ROUTING_FILE = Path(__file__).with_name("routing.yaml")
CONDITIONS: dict[str, set[Any]] = {
    "minor": {True, False, None},
    "result": {"trafficking_indicated", "at_risk", "not_indicated", "insufficient_information"},
    "trafficking_type": {"sex", "labor", "both"},
}
TARGETS = {"region_child_welfare", "region_advocacy", "region_taskforce", "region_labor_partners"}
STEPS = {"mandated_report": {"to"}, "task": {"kind", "agency", "due_hours"}, "team": {"agency", "team_role"}}


@dataclass(frozen=True)
class Rule:
    name: str
    why: str
    when: Mapping[str, frozenset[Any]]
    steps: tuple[tuple[str, Mapping[str, Any]], ...]

    def matches(self, facts: Mapping[str, Any]) -> bool:
        return all(facts.get(key) in allowed for key, allowed in self.when.items())


def parse_rules(data: Any) -> tuple[Rule, ...]:
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ImproperlyConfigured("routing.yaml: version 1 expected")
    rules = []
    for raw in data.get("rules") or []:
        name = raw.get("name")
        when: dict[str, frozenset[Any]] = {}
        for key, value in (raw.get("when") or {}).items():
            values = frozenset(value if isinstance(value, list) else [value])
            if key not in CONDITIONS or not values <= frozenset(CONDITIONS[key]):
                raise ImproperlyConfigured(
                    f"routing.yaml: rule {name!r} has an unknown condition {key}={value!r}"
                )
            when[key] = values
        steps = []
        for step in raw.get("do") or []:
            ((kind, params),) = step.items()
            if kind not in STEPS or set(params) != STEPS[kind]:
                raise ImproperlyConfigured(
                    f"routing.yaml: rule {name!r} has an unknown or incomplete step {step!r}"
                )
            target = params.get("to") or params.get("agency")
            if target not in TARGETS:
                raise ImproperlyConfigured(f"routing.yaml: rule {name!r} names an unknown agency {target!r}")
            if kind == "task" and (
                params["kind"] not in TaskKind.values or not 0 < int(params["due_hours"]) <= 24 * 60
            ):
                raise ImproperlyConfigured(f"routing.yaml: rule {name!r} has a bad task {params!r}")
            if kind == "team" and params["team_role"] not in TeamRole.values:
                raise ImproperlyConfigured(f"routing.yaml: rule {name!r} has an unknown team role")
            steps.append((kind, dict(params)))
        if not name or not steps:
            raise ImproperlyConfigured("routing.yaml: every rule needs a name and at least one step")
        rules.append(Rule(name=name, why=str(raw.get("why", "")), when=when, steps=tuple(steps)))
    return tuple(rules)


@functools.cache
def rules() -> tuple[Rule, ...]:
    with ROUTING_FILE.open(encoding="utf-8") as handle:
        return parse_rules(yaml.safe_load(handle))


def _agencies(case: Case, target: str) -> list[Agency]:
    if target == "region_taskforce":
        return [case.lead_agency]
    found = Agency.objects.filter(region_id=case.region_id).order_by("name")
    if target == "region_child_welfare":
        return list(found.filter(kind=AgencyKind.CHILD_WELFARE)[:1])
    if target == "region_advocacy":
        return list(found.filter(kind=AgencyKind.ADVOCACY)[:1])
    return list(found.filter(labor_partner=True))


@dataclass
class Routed:
    rules: list[str] = field(default_factory=list)
    reports: list[MandatedReport] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    team: list[CaseTeamMember] = field(default_factory=list)


@transaction.atomic
def route_case(
    *,
    actor: User,
    case: Case,
    minor: bool | None,
    result: str,
    trafficking_type: str | None,
    now: dt.datetime | None = None,
) -> Routed:
    """Apply every matching rule to the case. Idempotent: what exists already is not added twice."""
    moment = now or timezone.now()
    facts = {"minor": minor, "result": result, "trafficking_type": trafficking_type}
    outcome = Routed()
    for rule in rules():
        if not rule.matches(facts):
            continue
        outcome.rules.append(rule.name)
        for kind, params in rule.steps:
            for agency in _agencies(case, params.get("to") or params["agency"]):
                if kind == "mandated_report":
                    if not MandatedReport.objects.filter(case=case, agency=agency).exists():
                        outcome.reports.append(
                            MandatedReport.objects.create(
                                case=case,
                                agency=agency,
                                reported_by=actor,
                                due_at=moment + dt.timedelta(hours=24),
                            )
                        )
                        grants.refresh(outcome.reports[-1])
                elif kind == "team":
                    if not CaseTeamMember.objects.filter(case=case, agency=agency, removed_at=None).exists():
                        outcome.team.append(
                            CaseTeamMember.objects.create(
                                case=case, agency=agency, team_role=params["team_role"], added_by=actor
                            )
                        )
                        grants.refresh(outcome.team[-1])
                elif not Task.objects.filter(
                    case=case, kind=params["kind"], agency=agency, done_at=None
                ).exists():
                    outcome.tasks.append(
                        Task.objects.create(
                            case=case,
                            kind=params["kind"],
                            agency=agency,
                            created_by=actor,
                            due_at=moment + dt.timedelta(hours=int(params["due_hours"])),
                        )
                    )
    if outcome.reports or outcome.tasks or outcome.team:
        audit.record(
            actor=actor,
            action="route",
            obj=case,
            detail={"rules": outcome.rules, "tasks": len(outcome.tasks)},
        )
        journey_record(
            case_id=case.pk,
            kind=EventKind.ROUTED,
            actor=actor,
            occurred_at=moment,
            data={"rules": outcome.rules},
        )
    return outcome
