"""Routing rules are data: a minor goes to child welfare with a 24-hour mandated report, an adult
gets an advocate assignment within 48 hours, labor cases reach the labor partners."""

import copy
import datetime as dt

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from continuum.audit.models import AuditEvent
from continuum.cases.models import Case, MandatedReport
from continuum.coordination.models import CaseTeamMember, Task, TaskKind
from continuum.intake import routing
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import User

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC)


@pytest.fixture
def coordinator():
    return User.objects.get(username="coordinator")


def _case(age_group):
    case = Case.objects.filter(region__code="eastern", age_group=age_group).order_by("reference").first()
    MandatedReport.objects.filter(case=case).delete()  # the synthetic world reported it already
    return case


def test_a_minor_gets_a_mandated_report_due_in_24_hours(coordinator):
    case = _case("minor")
    routed = routing.route_case(
        actor=coordinator,
        case=case,
        minor=True,
        result="trafficking_indicated",
        trafficking_type="sex",
        now=NOW,
    )
    assert routed.rules == ["suspected_minor_mandated_report"]
    report = MandatedReport.objects.get(case=case)
    assert report.agency.kind == "child_welfare" and report.agency.region_id == case.region_id
    assert report.due_at == NOW + dt.timedelta(hours=24)
    task = Task.objects.get(case=case, kind=TaskKind.MANDATED_REPORT)
    assert task.due_at == NOW + dt.timedelta(hours=24) and task.agency == case.lead_agency
    assert CaseTeamMember.objects.filter(case=case, agency=report.agency, user=None).exists()
    assert JourneyEvent.objects.filter(case=case, kind=EventKind.ROUTED).count() == 1


def test_an_adult_labor_case_gets_an_advocate_in_48_hours_and_the_labor_partners(coordinator):
    case = _case("adult")
    routed = routing.route_case(
        actor=coordinator,
        case=case,
        minor=False,
        result="trafficking_indicated",
        trafficking_type="labor",
        now=NOW,
    )
    assert routed.rules == ["adult_advocate_assignment", "labor_partners"]
    advocate_task = Task.objects.get(case=case, kind=TaskKind.ASSIGN_ADVOCATE)
    assert advocate_task.due_at == NOW + dt.timedelta(hours=48)
    assert advocate_task.agency.kind == "advocacy"
    partners = CaseTeamMember.objects.filter(case=case, agency__labor_partner=True)
    assert partners.exists() and all(m.agency.region_id == case.region_id for m in partners)
    assert not MandatedReport.objects.filter(case=case).exists()


def test_routing_twice_adds_nothing(coordinator):
    case = _case("adult")
    for _ in range(2):
        routing.route_case(
            actor=coordinator, case=case, minor=False, result="at_risk", trafficking_type=None, now=NOW
        )
    assert Task.objects.filter(case=case, kind=TaskKind.ASSIGN_ADVOCATE).count() == 1
    assert AuditEvent.objects.filter(case_id=case.pk, action="route").count() == 1
    assert JourneyEvent.objects.filter(case=case, kind=EventKind.ROUTED).count() == 1


def test_not_indicated_routes_nowhere(coordinator):
    case = _case("adult")
    routed = routing.route_case(
        actor=coordinator,
        case=case,
        minor=False,
        result="not_indicated",
        trafficking_type=None,
        now=timezone.now(),
    )
    assert routed.rules == [] and not Task.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["rules"][0]["when"].update(colour="red"), "unknown condition"),
        (
            lambda d: d["rules"][0]["do"].append({"teleport": {"to": "region_advocacy"}}),
            "unknown or incomplete",
        ),
        (lambda d: d["rules"][0]["do"][0]["mandated_report"].update(to="the_moon"), "unknown agency"),
        (lambda d: d.update(version=3), "version 1"),
    ],
)
def test_a_mistake_in_the_rules_is_refused(mutate, message):
    data = copy.deepcopy(yaml.safe_load(routing.ROUTING_FILE.read_text(encoding="utf-8")))
    mutate(data)
    with pytest.raises(ImproperlyConfigured, match=message):
        routing.parse_rules(data)


def test_an_unknown_age_still_gets_an_advocate_within_48_hours(coordinator):
    case = _case("adult")
    routed = routing.route_case(
        actor=coordinator,
        case=case,
        minor=None,
        result="trafficking_indicated",
        trafficking_type="labor",
        now=NOW,
    )
    assert routed.rules == ["unknown_age_advocate_assignment", "labor_partners"]
    assert Task.objects.get(case=case, kind=TaskKind.ASSIGN_ADVOCATE).due_at == NOW + dt.timedelta(hours=48)
