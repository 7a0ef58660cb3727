"""The case plan: HTCDS support plans with goals, encrypted, for the survivor's helpers only —
never police or prosecutors, even with the survivor's consent for everything else."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from continuum.access import actions as access_actions
from continuum.access.testing import sign_in
from continuum.cases.models import CaseParticipant
from continuum.coordination import actions
from continuum.coordination.models import GoalStatus, PlanGoal, SupportPlan, Task, TaskKind
from continuum.core.sensitivity import InfoCategory
from continuum.journeys.models import EventKind, JourneyEvent

pytestmark = pytest.mark.django_db
OBJECTIVE = "CANARY-PLAN: trauma therapy in Spanish and a T-visa application"


def op(name, case):
    """The URL of one operation of the plan page (coordination:<name>)."""
    return reverse(f"coordination:{name}", args=[case.pk])


def _survivor(case):
    return CaseParticipant.objects.filter(case=case, role="survivor").first().person


def test_the_advocate_sets_a_plan_and_goals_and_meets_one(client, persona, team_case):
    advocate = persona("advocate")
    survivor = _survivor(team_case)
    sign_in(client, advocate)
    url = reverse("coordination:plan", args=[team_case.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        op("plan_create", team_case),
        {"survivor": survivor.pk, "plan_type": "Health", "objectives": OBJECTIVE},
    )
    assert response.status_code == 302
    plan = SupportPlan.objects.get(case=team_case, plan_type="Health")
    with connection.cursor() as cursor:
        cursor.execute("SELECT objectives FROM coordination_supportplan")
        assert all("CANARY" not in row[0] for row in cursor.fetchall())
    due = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        op("goal_add", team_case),
        {
            "plan": plan.pk,
            "description": "First appointment with a Spanish-speaking therapist",
            "owner_agency": advocate.membership.agency_id,
            "due_on": due.isoformat(),
        },
    )
    assert response.status_code == 302
    goal = PlanGoal.objects.get(plan=plan)
    assert Task.objects.filter(
        case=team_case, kind=TaskKind.PLAN_GOAL, agency=advocate.membership.agency
    ).exists()
    response = client.post(
        op("goal_close", team_case), {"goal": goal.pk, "version": goal.version, "status": "met"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.MET and goal.closed_at is not None
    kinds = list(
        JourneyEvent.objects.filter(
            case=team_case,
            kind__in=[EventKind.CASE_PLAN_SET, EventKind.PLAN_GOAL_SET, EventKind.PLAN_GOAL_MET],
        )
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [EventKind.CASE_PLAN_SET, EventKind.PLAN_GOAL_SET, EventKind.PLAN_GOAL_MET]
    assert all("CANARY" not in str(e.data) for e in JourneyEvent.objects.filter(case=team_case))
    assert "CANARY-PLAN" in client.get(url).content.decode()


def test_police_and_prosecutors_never_read_the_plan_even_with_consent(client, persona, team_case):
    advocate, detective = persona("advocate"), persona("detective")
    survivor = _survivor(team_case)
    actions.plan_create(
        actor=advocate, case=team_case, survivor=survivor, plan_type="Legal", objectives=OBJECTIVE
    )
    access_actions.consent_record(
        actor=advocate,
        case=team_case,
        survivor=survivor,
        agency=detective.membership.agency,
        categories=[c for c in InfoCategory.values if c != "privileged_notes"],
        method="written",
        expires_at=timezone.now() + dt.timedelta(days=30),
        signed_by=survivor,
        signer_relationship="self",
    )
    sign_in(client, detective)
    assert client.get(reverse("coordination:plan", args=[team_case.pk])).status_code == 404
    assert "CANARY-PLAN" not in client.get(reverse("cases:detail", args=[team_case.pk])).content.decode()


def test_a_second_open_plan_of_the_same_kind_is_refused(client, persona, team_case):
    advocate = persona("advocate")
    survivor = _survivor(team_case)
    actions.plan_create(
        actor=advocate, case=team_case, survivor=survivor, plan_type="Financial", objectives="Budget"
    )
    sign_in(client, advocate)
    response = client.post(
        op("plan_create", team_case),
        {"survivor": survivor.pk, "plan_type": "Financial", "objectives": "Again"},
    )
    assert response.status_code == 400
    assert SupportPlan.objects.filter(case=team_case, plan_type="Financial").count() == 1


@pytest.mark.parametrize(
    ("operation", "data", "status"),
    [
        ("plan_create", {"plan_type": "Astrology", "objectives": "x"}, 400),
        ("plan_create", {"plan_type": "Health", "objectives": "  "}, 400),
        ("plan_create", {"plan_type": "Health", "objectives": "x", "planned_end_date": "2001-01-01"}, 400),
        ("goal_add", {"plan": "not-a-plan", "description": "x"}, 400),
        ("goal_close", {"goal": "00000000-0000-0000-0000-000000000000", "status": "met"}, 404),
        ("goal_close", {"goal": "not-a-goal", "status": "met"}, 404),
    ],
)
def test_bad_plan_input_changes_nothing(client, persona, team_case, operation, data, status):
    sign_in(client, persona("advocate"))
    data = {"survivor": _survivor(team_case).pk, **data}
    response = client.post(op(operation, team_case), data)
    assert response.status_code == status
    assert not SupportPlan.objects.filter(case=team_case).exists()
    assert not PlanGoal.objects.filter(plan__case=team_case).exists()


def test_a_stale_plan_edit_gets_409_and_keeps_the_other_change(client, persona, team_case):
    advocate, coordinator = persona("advocate"), persona("coordinator")
    plan = actions.plan_create(
        actor=advocate, case=team_case, survivor=_survivor(team_case), plan_type="Education", objectives="GED"
    )
    sign_in(client, advocate)
    url = reverse("coordination:plan_edit", args=[team_case.pk, plan.pk])
    assert client.get(url).status_code == 200
    actions.plan_update(
        actor=coordinator, plan=plan, expected_version=1, changes={"objectives": "GED and college"}
    )
    response = client.post(url, {"version": 1, "objectives": "GED only"})
    assert response.status_code == 409
    assert "objectives" in response.context["changed"]
    plan.refresh_from_db()
    assert (plan.objectives, plan.version) == ("GED and college", 2)
    assert client.post(url, {"version": 2, "objectives": "GED only"}).status_code == 302
    plan.refresh_from_db()
    assert plan.objectives == "GED only"


def _plan_state(case):
    return (
        sorted(SupportPlan.objects.filter(case=case).values_list("id", "version")),
        sorted(PlanGoal.objects.filter(plan__case=case).values_list("id", "status", "version")),
    )


def test_each_operation_url_does_only_its_own_operation(client, persona, team_case):
    """A plan's fields sent to the goal URLs, a goal's to the plan and close URLs, a closing to
    the others: refused (400, or 404 for no goal named), and nothing changes."""
    advocate = persona("advocate")
    survivor = _survivor(team_case)
    plan = actions.plan_create(
        actor=advocate, case=team_case, survivor=survivor, plan_type="Legal", objectives="T-visa"
    )
    goal = actions.goal_add(actor=advocate, plan=plan, description="Find a lawyer")
    fields = {
        "plan_create": {"survivor": survivor.pk, "plan_type": "Health", "objectives": "Therapy"},
        "goal_add": {
            "plan": plan.pk,
            "description": "Second goal",
            "owner_agency": advocate.membership.agency_id,
        },
        "goal_close": {"goal": goal.pk, "version": goal.version, "status": "met"},
    }
    sign_in(client, advocate)
    before = _plan_state(team_case)
    for sent, data in fields.items():
        for target in fields:
            if target != sent:
                response = client.post(op(target, team_case), data)
                assert response.status_code in (400, 404), (sent, target, response.status_code)
                assert _plan_state(team_case) == before, (sent, target)


def test_a_stale_goal_close_is_refused_with_409(client, persona, team_case):
    advocate = persona("advocate")
    plan = actions.plan_create(
        actor=advocate, case=team_case, survivor=_survivor(team_case), plan_type="Legal", objectives="T-visa"
    )
    goal = actions.goal_add(actor=advocate, plan=plan, description="Find a lawyer")
    sign_in(client, advocate)
    response = client.post(
        op("goal_close", team_case), {"goal": goal.pk, "version": goal.version + 3, "status": "met"}
    )
    assert response.status_code == 409
    goal.refresh_from_db()
    assert goal.status == GoalStatus.OPEN


@pytest.mark.parametrize("old_op", ["plan", "goal", "close_goal", ""])
def test_an_op_style_post_to_the_plan_page_is_refused_with_405(client, persona, team_case, old_op):
    advocate = persona("advocate")
    plan = actions.plan_create(
        actor=advocate, case=team_case, survivor=_survivor(team_case), plan_type="Legal", objectives="T-visa"
    )
    goal = actions.goal_add(actor=advocate, plan=plan, description="Find a lawyer")
    sign_in(client, advocate)
    before = _plan_state(team_case)
    response = client.post(
        reverse("coordination:plan", args=[team_case.pk]),
        {
            "op": old_op,
            "survivor": _survivor(team_case).pk,
            "plan_type": "Health",
            "objectives": "x",
            "plan": plan.pk,
            "description": "x",
            "goal": goal.pk,
            "version": goal.version,
            "status": "met",
        },
    )
    assert response.status_code == 405
    assert _plan_state(team_case) == before
