"""Tasks with owners: created for the lead agency or an agency on the team, given to one of its
staff, with a deadline; a stale reassignment is refused with 409 and nothing changes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.access.testing import sign_in
from continuum.audit.models import AuditEvent
from continuum.coordination import actions
from continuum.coordination.models import Task
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import User

pytestmark = pytest.mark.django_db


def _due(days: int = 3) -> str:
    return (timezone.localtime() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_the_coordinator_gives_a_task_to_an_advocate_of_the_team(client, persona, team_case):
    coordinator, advocate = persona("coordinator"), persona("advocate")
    sign_in(client, coordinator)
    assert client.get(reverse("coordination:task_new", args=[team_case.pk])).status_code == 200
    before = AuditEvent.objects.filter(action="create", object_type="coordination.Task").count()
    response = client.post(
        reverse("coordination:task_new", args=[team_case.pk]),
        {
            "title": "Book an interpreter for Thursday",
            "agency": advocate.membership.agency_id,
            "assignee": advocate.pk,
            "due_at": _due(),
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(case=team_case, title="Book an interpreter for Thursday")
    assert (task.agency_id, task.assignee_id, task.kind, task.created_by_id) == (
        advocate.membership.agency_id,
        advocate.pk,
        "other",
        coordinator.pk,
    )
    assert AuditEvent.objects.filter(action="create", object_type="coordination.Task").count() == before + 1
    event = JourneyEvent.objects.get(case=team_case, kind=EventKind.TASK_ASSIGNED, data__task=task.pk)
    assert "interpreter" not in str(event.data)
    page = client.get(reverse("cases:detail", args=[team_case.pk])).content.decode()
    assert "Book an interpreter for Thursday" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 161}, "title"),
        ({"due_at": "yesterday"}, "due_at"),
        ({"due_at": (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")}, "due_at"),
        ({"agency": "999999"}, "agency"),
        ({"assignee": "detective"}, "assignee"),
    ],
)
def test_bad_task_input_is_refused_and_nothing_is_saved(client, persona, team_case, change, field):
    advocate = persona("advocate")
    sign_in(client, persona("coordinator"))
    data = {"title": "Call the shelter", "agency": advocate.membership.agency_id, "due_at": _due()}
    data.update(change)
    if data.get("assignee") == "detective":
        data["assignee"] = persona("detective").pk  # on the team, but of another agency than the task's
    count = Task.objects.count()
    response = client.post(reverse("coordination:task_new", args=[team_case.pk]), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Task.objects.count() == count


def test_a_task_cannot_go_to_an_agency_outside_the_case(persona, team_case):
    from django.core.exceptions import ValidationError

    from continuum.org.models import Agency

    outside = Agency.objects.exclude(case_teams__case=team_case).exclude(pk=team_case.lead_agency_id).first()
    with pytest.raises(ValidationError):
        actions.task_create(
            actor=persona("coordinator"),
            case=team_case,
            agency=outside,
            title="Anything",
            due_at=timezone.now() + dt.timedelta(days=1),
        )


def test_a_stale_reassignment_gets_409_and_changes_nothing(client, persona, team_case):
    advocate, coordinator = persona("advocate"), persona("coordinator")
    task = actions.task_create(
        actor=coordinator,
        case=team_case,
        agency=advocate.membership.agency,
        title="Safety plan review",
        due_at=timezone.now() + dt.timedelta(days=2),
    )
    sign_in(client, advocate)
    url = reverse("coordination:task_edit", args=[team_case.pk, task.pk])
    assert client.get(url).status_code == 200
    # Someone else moves the deadline first.
    moved = timezone.now() + dt.timedelta(days=5)
    actions.task_assign(actor=coordinator, task=task, expected_version=1, assignee=None, due_at=moved)
    response = client.post(url, {"version": 1, "assignee": advocate.pk, "due_at": _due(1)})
    assert response.status_code == 409
    assert "due_at" in response.context["changed"]
    task.refresh_from_db()
    assert (task.assignee_id, task.version, task.due_at) == (None, 2, moved)
    response = client.post(url, {"version": 2, "assignee": advocate.pk, "due_at": _due(5)})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.assignee_id, task.version) == (advocate.pk, 3)


def test_police_on_the_team_cannot_touch_its_tasks(client, persona, team_case):
    advocate, coordinator = persona("advocate"), persona("coordinator")
    task = actions.task_create(
        actor=coordinator,
        case=team_case,
        agency=advocate.membership.agency,
        title="Housing application",
        due_at=timezone.now() + dt.timedelta(days=2),
    )
    detective = persona("detective")
    assert not User.objects.filter(pk=detective.pk, membership__agency=task.agency).exists()
    sign_in(client, detective)
    response = client.post(
        reverse("coordination:task_edit", args=[team_case.pk, task.pk]),
        {"version": 1, "assignee": "", "due_at": _due(9)},
    )
    # A detective has no task rights on cases at all: the case door stays shut.
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.version == 1
