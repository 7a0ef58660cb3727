"""Follow-up contacts: recorded with how and what came of it; a next date becomes a task for the
advocate, done by the next contact; police never see the page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.access.testing import sign_in
from continuum.cases.models import CaseParticipant
from continuum.coordination.models import FollowUpContact, Task, TaskKind
from continuum.journeys.models import EventKind, JourneyEvent

pytestmark = pytest.mark.django_db


def _when(days_ago: int) -> str:
    return (timezone.localtime() - dt.timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M")


def test_a_contact_with_a_next_date_makes_a_task_that_the_next_contact_closes(client, persona, team_case):
    advocate = persona("advocate")
    survivor = CaseParticipant.objects.filter(case=team_case, role="survivor").first().person
    sign_in(client, advocate)
    url = reverse("coordination:follow_ups", args=[team_case.pk])
    next_on = timezone.localdate() + dt.timedelta(days=14)
    response = client.post(
        url,
        {
            "survivor": survivor.pk,
            "contacted_at": _when(1),
            "method": "phone",
            "outcome": "reached",
            "next_contact_on": next_on.isoformat(),
        },
    )
    assert response.status_code == 302
    contact = FollowUpContact.objects.get(case=team_case)
    assert (contact.method, contact.outcome, contact.made_by_id) == ("phone", "reached", advocate.pk)
    task = Task.objects.get(case=team_case, kind=TaskKind.FOLLOW_UP_CONTACT, done_at=None)
    assert timezone.localtime(task.due_at).date() == next_on and task.assignee_id == advocate.pk
    assert (
        JourneyEvent.objects.filter(case=team_case, kind=EventKind.FOLLOW_UP_CONTACT, person=survivor).count()
        >= 1
    )

    client.post(
        url,
        {
            "survivor": survivor.pk,
            "contacted_at": _when(0),
            "method": "in_person",
            "outcome": "reached_needs",
        },
    )
    task.refresh_from_db()
    assert task.done_at is not None
    assert FollowUpContact.objects.filter(case=team_case).count() == 2
    page = client.get(url).content.decode()
    assert "Reached; has new needs" in page


@pytest.mark.parametrize(
    "change",
    [
        {"contacted_at": "tomorrow"},
        {"method": "carrier_pigeon"},
        {"outcome": ""},
        {"next_contact_on": "2001-01-01"},
        {"survivor": "00000000-0000-0000-0000-000000000000"},
    ],
)
def test_bad_contact_input_is_refused_and_nothing_is_saved(client, persona, team_case, change):
    survivor = CaseParticipant.objects.filter(case=team_case, role="survivor").first().person
    sign_in(client, persona("advocate"))
    data = {"survivor": survivor.pk, "contacted_at": _when(1), "method": "phone", "outcome": "reached"}
    data.update(change)
    response = client.post(reverse("coordination:follow_ups", args=[team_case.pk]), data)
    assert response.status_code == 400
    assert not FollowUpContact.objects.filter(case=team_case).exists()


def test_a_contact_in_the_future_is_refused(client, persona, team_case):
    survivor = CaseParticipant.objects.filter(case=team_case, role="survivor").first().person
    sign_in(client, persona("advocate"))
    response = client.post(
        reverse("coordination:follow_ups", args=[team_case.pk]),
        {"survivor": survivor.pk, "contacted_at": _when(-2), "method": "phone", "outcome": "reached"},
    )
    assert response.status_code == 400 and "contacted_at" in response.context["form"].errors
    assert not FollowUpContact.objects.filter(case=team_case).exists()


def test_police_on_the_team_do_not_see_follow_ups(client, persona, team_case):
    sign_in(client, persona("detective"))
    assert client.get(reverse("coordination:follow_ups", args=[team_case.pk])).status_code == 404
