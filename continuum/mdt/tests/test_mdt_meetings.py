"""MDT meetings: the coordinator runs the agenda, attendance and minutes; an invited detective
sees only the cases and the minutes the policy opens to their agency; holding the meeting is a
journey step of every case on the agenda."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.access.actions import consent_record
from continuum.access.testing import sign_in
from continuum.audit.models import AuditEvent
from continuum.cases.models import Case, CaseParticipant
from continuum.coordination.models import Task
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.mdt import actions
from continuum.mdt.models import MdtAttendance, MdtMeeting, MdtMinute, MeetingStatus

pytestmark = pytest.mark.django_db
HEALTH = "CANARY-MINUTE-HEALTH: she is pregnant and afraid of the clinic"
FACT = "Next review in a month; interpreter booked"
# The chair's operations on a meeting, each its own URL (mdt:meeting_<operation>).
OPERATIONS = ("agenda_add", "invite", "attendance", "minute", "action_item", "hold", "cancel")


def op_url(operation, meeting):
    return reverse(f"mdt:meeting_{operation}", args=[meeting.pk])


@pytest.fixture
def meeting(persona, team_case):
    coordinator = persona("coordinator")
    meeting = actions.meeting_schedule(
        actor=coordinator, scheduled_for=timezone.now() + dt.timedelta(days=1), place="Room 2"
    )
    other = (
        Case.objects.filter(region=team_case.region, status="Active")
        .exclude(team__agency=persona("detective").membership.agency)
        .order_by("reference")
        .first()
    )
    first = actions.meeting_add_case(actor=coordinator, meeting=meeting, case=team_case)
    actions.meeting_add_case(actor=coordinator, meeting=meeting, case=other)
    actions.meeting_invite(actor=coordinator, meeting=meeting, user=persona("detective"))
    actions.meeting_invite(actor=coordinator, meeting=meeting, user=persona("advocate"))
    actions.minute_add(actor=coordinator, item=first, category="case_facts", body=FACT)
    # The survivor's consent opens health to the taskforce (the chair), so the chair may minute it.
    survivor = CaseParticipant.objects.filter(case=team_case, role="survivor").first().person
    consent_record(
        actor=persona("advocate"),
        case=team_case,
        survivor=survivor,
        agency=coordinator.membership.agency,
        categories=["health"],
        method="written",
        expires_at=timezone.now() + dt.timedelta(days=30),
        signed_by=survivor,
        signer_relationship="self",
    )
    actions.minute_add(actor=coordinator, item=first, category="health", body=HEALTH)
    meeting.other_case = other
    return meeting


def test_the_coordinator_schedules_a_meeting_from_the_page(client, persona):
    sign_in(client, persona("coordinator"))
    assert client.get(reverse("mdt:list")).status_code == 200
    when = (timezone.localtime() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("mdt:list"), {"scheduled_for": when, "place": "Video call"})
    assert response.status_code == 302
    meeting = MdtMeeting.objects.get(place="Video call")
    assert meeting.region_id == persona("coordinator").membership.agency.region_id
    assert MdtAttendance.objects.filter(meeting=meeting, user=persona("coordinator")).exists()


def test_an_invited_detective_sees_only_what_the_policy_opens(client, persona, team_case, meeting):
    sign_in(client, persona("detective"))
    assert meeting in list(client.get(reverse("mdt:list")).context["meetings"])
    response = client.get(reverse("mdt:meeting", args=[meeting.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert team_case.reference in page and FACT in page
    assert "CANARY-MINUTE-HEALTH" not in page
    assert meeting.other_case.reference not in page
    assert "A case your agency does not have access to" in page
    entry = response.context["view"].agenda[0]
    assert entry.hidden_minutes == 1 and [m.category for m in entry.minutes] == ["case_facts"]
    row = AuditEvent.objects.filter(action="view", object_type="mdt.MdtMeeting").latest("id")
    assert row.detail == {"cases": 1, "items": 2}


def test_the_advocate_on_the_team_reads_the_health_minute(client, persona, team_case, meeting):
    sign_in(client, persona("advocate"))
    page = client.get(reverse("mdt:meeting", args=[meeting.pk])).content.decode()
    assert "CANARY-MINUTE-HEALTH" in page


def test_only_the_chair_changes_a_meeting(client, persona, team_case, meeting):
    sign_in(client, persona("detective"))
    for op in OPERATIONS:
        url = reverse(f"mdt:meeting_{op}", args=[meeting.pk])
        assert client.post(url, {"version": meeting.version}).status_code == 404
    meeting.refresh_from_db()
    assert (
        meeting.status == MeetingStatus.PLANNED
        and MdtMinute.objects.filter(item__meeting=meeting).count() == 2
    )


@pytest.mark.parametrize("username", ["detective_west", "provider", "analyst", "admin", "intake"])
def test_people_not_invited_or_outside_mdt_work_get_404(client, persona, meeting, username):
    sign_in(client, persona(username))
    assert client.get(reverse("mdt:meeting", args=[meeting.pk])).status_code == 404
    if username != "detective_west":
        assert client.get(reverse("mdt:list")).status_code == 404


def test_minutes_attendance_actions_and_holding_the_meeting(client, persona, team_case, meeting):
    coordinator, advocate, detective = persona("coordinator"), persona("advocate"), persona("detective")
    sign_in(client, coordinator)
    item = meeting.items.get(case=team_case)
    refused = client.post(
        op_url("minute", meeting), {"item": item.pk, "category": "privileged_notes", "body": "no"}
    )
    assert refused.status_code == 400 and refused.context["posted_minute"].errors
    assert MdtMinute.objects.filter(item=item).count() == 2
    recorded = client.post(
        op_url("minute", meeting), {"item": item.pk, "category": "justice", "body": "Arrest warrant sought"}
    )
    assert recorded.status_code == 302 and recorded["Location"] == reverse("mdt:meeting", args=[meeting.pk])
    assert MdtMinute.objects.filter(item=item, category="justice").count() == 1
    # No consent opens immigration status to the taskforce: the chair may not minute it either.
    refused = client.post(
        op_url("minute", meeting), {"item": item.pk, "category": "immigration", "body": "not theirs to know"}
    )
    assert refused.status_code == 400 and "has not shared that" in refused.content.decode()
    assert not MdtMinute.objects.filter(item=item, category="immigration").exists()
    client.post(op_url("attendance", meeting), {"present": [coordinator.pk, detective.pk]})
    present = dict(MdtAttendance.objects.filter(meeting=meeting).values_list("user_id", "present"))
    assert present == {coordinator.pk: True, detective.pk: True, advocate.pk: False}
    due = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        op_url("action_item", meeting),
        {
            "item": item.pk,
            "title": "Share the interview schedule",
            "agency": advocate.membership.agency_id,
            "due_at": due,
        },
    )
    assert Task.objects.filter(
        case=team_case, kind="mdt_action", title="Share the interview schedule"
    ).exists()
    response = client.post(op_url("hold", meeting), {"version": meeting.version})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    for case in (team_case, meeting.other_case):
        assert (
            JourneyEvent.objects.filter(
                case=case, kind=EventKind.MDT_MEETING_HELD, data__meeting=str(meeting.pk)
            ).count()
            == 1
        )
    # A second "held" (from the old page, stale) is refused and changes nothing.
    stale = client.post(op_url("hold", meeting), {"version": 1})
    assert stale.status_code == 400
    assert JourneyEvent.objects.filter(case=team_case, kind=EventKind.MDT_MEETING_HELD).count() == 1


def test_an_agenda_takes_only_cases_of_the_region_once(persona, team_case, meeting):
    from django.core.exceptions import ValidationError

    coordinator = persona("coordinator")
    with pytest.raises(ValidationError):
        actions.meeting_add_case(actor=coordinator, meeting=meeting, case=team_case)
    elsewhere = Case.objects.exclude(region=team_case.region).first()
    with pytest.raises(ValidationError):
        actions.meeting_add_case(actor=coordinator, meeting=meeting, case=elsewhere)


def _state(meeting):
    meeting.refresh_from_db()
    return (
        meeting.status,
        meeting.version,
        sorted(meeting.items.values_list("case_id", flat=True)),
        sorted(MdtAttendance.objects.filter(meeting=meeting).values_list("user_id", "present")),
        MdtMinute.objects.filter(item__meeting=meeting).count(),
        Task.objects.filter(kind="mdt_action").count(),
    )


def test_each_operation_url_does_only_its_own_operation(client, persona, team_case, meeting):
    """The fields of one operation posted to another's URL change nothing and are refused."""
    coordinator = persona("coordinator")
    sign_in(client, coordinator)
    item = meeting.items.get(case=team_case)
    spare = (
        Case.objects.filter(region=team_case.region, status="Active")
        .exclude(pk__in=meeting.items.values("case_id"))
        .order_by("reference")
        .first()
    )
    fields = {
        "agenda_add": {"case": spare.pk},
        "invite": {"user": persona("caseworker").pk},
        "minute": {"item": item.pk, "category": "case_facts", "body": "Misdirected minute"},
        "action_item": {
            "item": item.pk,
            "title": "Misdirected action",
            "agency": coordinator.membership.agency_id,
            "due_at": (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    }
    before = _state(meeting)
    for sent, data in fields.items():
        for target in ("agenda_add", "invite", "minute", "action_item"):
            if target == sent:
                continue
            response = client.post(op_url(target, meeting), data)
            assert response.status_code == 400, (sent, target, response.status_code)
            assert _state(meeting) == before, (sent, target)


@pytest.mark.parametrize("op", ["add_case", "invite", "attendance", "minute", "task", "hold", "cancel", ""])
def test_an_op_style_post_to_the_meeting_page_is_refused(client, persona, team_case, meeting, op):
    sign_in(client, persona("coordinator"))
    before = _state(meeting)
    response = client.post(
        reverse("mdt:meeting", args=[meeting.pk]),
        {
            "op": op,
            "version": meeting.version,
            "item": meeting.items.first().pk,
            "category": "case_facts",
            "body": "x",
            "present": [persona("coordinator").pk],
        },
    )
    assert response.status_code == 405
    assert _state(meeting) == before


def test_holding_from_a_stale_page_is_a_409_and_changes_nothing(client, persona, team_case, meeting):
    sign_in(client, persona("coordinator"))
    before = _state(meeting)
    response = client.post(op_url("hold", meeting), {"version": meeting.version + 7})
    assert response.status_code == 409
    assert _state(meeting) == before and meeting.status == MeetingStatus.PLANNED


def test_the_meeting_page_costs_the_same_queries_whatever_the_agenda(client, persona, meeting):
    """The agenda is decided in one restricted query and one batch of categories, not per case."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordinator = persona("coordinator")
    sign_in(client, persona("detective"))
    url = reverse("mdt:meeting", args=[meeting.pk])
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    more = (
        Case.objects.filter(region=meeting.region, status="Active")
        .exclude(mdt_items__meeting=meeting)
        .order_by("reference")[:8]
    )
    for case in more:
        actions.meeting_add_case(actor=coordinator, meeting=meeting, case=case)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)
    assert len(more) >= 3
    assert response.status_code == 200 and len(response.context["view"].agenda) == 2 + len(more)
    assert len(ten.captured_queries) <= len(two.captured_queries) + 1  # + the audit rows' batch
