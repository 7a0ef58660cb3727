"""Deadlines that are kept: overdue tasks appear on the coordinator's queue and in the per-agency
count the moment their deadline passes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.access import grants, policy
from continuum.access.testing import sign_in
from continuum.cases.models import Case, MandatedReport
from continuum.coordination.models import CaseTeamMember, Task, TaskKind
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(persona):
    coordinator = persona("coordinator")
    case = Case.objects.filter(region=coordinator.membership.agency.region, age_group="minor").first()
    return Task.objects.create(
        case=case,
        kind=TaskKind.MANDATED_REPORT,
        agency=case.lead_agency,
        due_at=timezone.now() + dt.timedelta(hours=24),
    )


@pytest.fixture(autouse=True)
def _no_synthetic_tasks(db):
    """These tests follow one task through the queue: the session world's synthetic open tasks
    (`continuum synth` writes the open work) are deleted for each test (rolled back afterwards)."""
    Task.objects.all().delete()


def _queue(client):
    response = client.get(reverse("coordination:tasks"))
    assert response.status_code == 200
    return response.context["queue"]


def test_an_overdue_task_appears_the_moment_its_deadline_passes(client, persona, task, monkeypatch):
    sign_in(client, persona("coordinator"))
    queue = _queue(client)
    assert task in queue.tasks and queue.overdue == 0
    monkeypatch.setattr(policy, "clock", lambda: task.due_at - dt.timedelta(seconds=1))
    assert _queue(client).overdue == 0
    monkeypatch.setattr(policy, "clock", lambda: task.due_at)
    queue = _queue(client)
    assert queue.overdue == 1
    assert queue.by_agency == [(task.agency.name, 1)]
    html = client.get(reverse("coordination:tasks")).content.decode()
    assert 'data-overdue="1"' in html


def test_another_region_does_not_see_or_count_the_task(client, persona, task, monkeypatch):
    sign_in(client, persona("detective_west"))
    monkeypatch.setattr(policy, "clock", lambda: task.due_at + dt.timedelta(days=1))
    queue = _queue(client)
    assert task not in queue.tasks and all(name != task.agency.name for name, _ in queue.by_agency)


def _tasks_due(case, agency, now, hours):
    for h in hours:
        Task.objects.create(case=case, kind=TaskKind.OTHER, agency=agency, due_at=now + dt.timedelta(hours=h))


def test_the_counts_stop_at_the_cap_and_say_so(client, persona, task, monkeypatch):
    """The queue counts the tasks due soonest, up to the cap and one more: the overdue come first,
    so they are counted exactly while fewer than that; past it the page says "more than"."""
    from continuum.coordination import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    now = timezone.now()
    monkeypatch.setattr(policy, "clock", lambda: now)
    sign_in(client, persona("coordinator"))
    _tasks_due(task.case, task.agency, now, [-3, -2, 5, 6])  # with the fixture's: 2 overdue, 5 open
    queue = _queue(client)
    assert (queue.overdue, queue.overdue_capped) == (2, False)
    assert queue.by_agency == [(task.agency.name, 2)]
    assert not queue.page.capped and queue.page.count == 5  # one page settles its own count
    _tasks_due(task.case, task.agency, now, [-5, -4])  # 4 overdue now: more than the cap
    queue = _queue(client)
    assert (queue.overdue, queue.overdue_capped) == (3, True)
    html = client.get(reverse("coordination:tasks")).content.decode()
    assert "More than 3 tasks are overdue." in html and 'data-testid="overdue-capped"' in html


def test_completing_the_mandated_report_task_sends_the_report_and_records_the_step(client, persona, task):
    report = MandatedReport.objects.create(
        case=task.case,
        agency=Agency.objects.get(name="DCF Greater Hartford Regional Office"),
        due_at=task.due_at,
    )
    grants.refresh(report)  # made without routing
    sign_in(client, persona("coordinator"))
    response = client.post(reverse("coordination:task_done", args=[task.case_id, task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    assert not MandatedReport.objects.filter(case=task.case, sent_at=None).exists()
    assert JourneyEvent.objects.filter(case=task.case, kind=EventKind.REPORTED_TO_CHILD_WELFARE).exists()
    again = client.post(reverse("coordination:task_done", args=[task.case_id, task.pk]))
    assert again.status_code == 302
    task.refresh_from_db()
    assert (
        JourneyEvent.objects.filter(
            case=task.case, kind=EventKind.REPORTED_TO_CHILD_WELFARE, actor=persona("coordinator")
        ).count()
        == 1
    )


def test_an_advocate_assignment_puts_the_advocate_on_the_team(client, persona):
    advocate = persona("advocate")
    case = (
        Case.objects.filter(region__code="greater-hartford", age_group="adult")
        .exclude(team__user=advocate)
        .first()
    )
    agency = advocate.membership.agency
    grants.refresh(CaseTeamMember.objects.create(case=case, agency=agency, team_role="advocate"))
    task = Task.objects.create(
        case=case,
        kind=TaskKind.ASSIGN_ADVOCATE,
        agency=agency,
        due_at=timezone.now() + dt.timedelta(hours=48),
    )
    sign_in(client, advocate)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200  # the agency is on the team: case facts only
    assert "person__last_name" not in " ".join(page.context["detail"].shown_fields)
    client.post(reverse("coordination:task_done", args=[case.pk, task.pk]), {"advocate": advocate.pk})
    assert CaseTeamMember.objects.filter(case=case, user=advocate, removed_at=None).exists()
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert "person__last_name" in page.context["detail"].shown_fields
    assert (
        JourneyEvent.objects.filter(case=case, kind=EventKind.ADVOCATE_ASSIGNED, actor=advocate).count() == 1
    )


def test_a_task_is_done_by_its_agency_or_the_coordinator_only(client, persona, task):
    sign_in(
        client, persona("caseworker")
    )  # child welfare sees the child case, but the task is the taskforce's
    response = client.post(reverse("coordination:task_done", args=[task.case_id, task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is None


def test_the_queue_shows_a_page_of_tasks_the_soonest_due_first_and_counts_them_all(client, persona):
    coordinator = persona("coordinator")
    case = Case.objects.filter(region=coordinator.membership.agency.region).first()
    now = timezone.now()
    tasks = [
        Task.objects.create(
            case=case,
            kind=TaskKind.OTHER,
            agency=case.lead_agency,
            due_at=now + dt.timedelta(hours=i - 5, minutes=30),
        )
        for i in range(60)
    ]
    sign_in(client, coordinator)
    first = _queue(client)
    assert first.tasks == tasks[:50]
    assert first.page.count == 60 and first.page.has_next and first.overdue == 5
    html = client.get(reverse("coordination:tasks")).content.decode()
    assert "60 open tasks" in html and "?page=2" in html
    response = client.get(reverse("coordination:tasks"), {"page": 2})
    assert response.context["queue"].tasks == tasks[50:]
    # A page past the end shows the last one.
    assert client.get(reverse("coordination:tasks"), {"page": 9}).context["queue"].tasks == tasks[50:]


def test_a_task_of_another_agency_is_refused_by_the_policy_and_left_open(client, persona):
    """The advocate may work the case's tasks (case.task) but not another agency's task
    (task.complete: case.task & owner_agency): the page says whose it is, the task stays open,
    and the refusal is in the audit log."""
    from django.contrib.messages import get_messages

    from continuum.audit.models import AuditEvent

    advocate = persona("advocate")
    member = CaseTeamMember.objects.filter(user=advocate, removed_at=None).select_related("case").first()
    other = Agency.objects.exclude(pk=advocate.membership.agency_id).filter(region=member.case.region).first()
    task = Task.objects.create(
        case=member.case,
        kind=TaskKind.OTHER,
        title="Interview",
        agency=other,
        due_at=timezone.now() + dt.timedelta(hours=24),
    )
    assert policy.access_case(advocate, member.case_id, "task")  # the case's tasks are open to her
    sign_in(client, advocate)
    denials = AuditEvent.objects.filter(action="deny", actor_id=advocate.pk).count()
    response = client.post(reverse("coordination:task_done", args=[task.case_id, task.pk]))
    assert response.status_code == 302
    assert f"This task belongs to {other.name}." in [str(m) for m in get_messages(response.wsgi_request)]
    task.refresh_from_db()
    assert task.done_at is None
    assert AuditEvent.objects.filter(action="deny", actor_id=advocate.pk).count() == denials + 1
