"""Reads of the work around a case: its team, tasks and the work queue, follow-ups, the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from continuum.access.policy import CaseAccess
from continuum.cases.models import Case
from continuum.cases.paging import COUNT_CAP, CappedPage, capped_page
from continuum.coordination.models import CaseTeamMember, FollowUpContact, PlanGoal, SupportPlan, Task
from continuum.org.models import Agency, Membership, Role, User

if TYPE_CHECKING:
    from continuum.access.policy import CaseAccess


@dataclass(frozen=True)
class TaskQueue:
    tasks: list[Task]
    overdue: int  # COUNT_CAP at most; `overdue_capped` when more are overdue
    by_agency: list[tuple[str, int]]  # among the overdue counted: at least that many each when capped
    page: CappedPage
    overdue_capped: bool = False


TASK_PAGE_SIZE = 50


def task_queue(user: Any, now: dt.datetime, page: Any = 1) -> TaskQueue:
    """Open tasks on the cases this user may see, the overdue first, a page at a time with a capped
    count (continuum/cases/paging.py); and the overdue count per agency, so no deadline is missed
    unseen (SPEC C3).

    The counts stop at COUNT_CAP + 1 tasks, as the case list's does: one read of the
    COUNT_CAP + 1 open tasks due soonest (a walk of the `task_open_due` index that stops there,
    their agency and due time only) counts them and, per agency, the overdue among them. The
    overdue come first in that order, so the overdue count is exact unless all of those tasks are
    overdue; then the page says "more than 1,000 overdue" and each agency's count is a lower
    bound. So the page reads the same few rows however many open tasks the region has, instead of
    joining every one of them to its case."""
    visible = Case.objects.restrict(user, "view")
    open_tasks = Task.objects.filter(case__in=visible, done_at=None)
    soonest = open_tasks.order_by("due_at", "id").values_list("agency__name", "due_at")[: COUNT_CAP + 1]
    overdue_by: dict[str, int] = {}
    counted = 0
    for agency, due_at in soonest:
        counted += 1
        if due_at <= now:
            overdue_by[agency] = overdue_by.get(agency, 0) + 1
    by_agency = sorted(overdue_by.items(), key=lambda item: (-item[1], item[0]))
    overdue = sum(overdue_by.values())
    shown = capped_page(
        open_tasks.select_related("case", "agency").order_by("due_at", "id"),
        page,
        per_page=TASK_PAGE_SIZE,
        count=counted,
        counted_to_cap=True,
    )
    return TaskQueue(
        tasks=list(shown.object_list),
        overdue=min(overdue, COUNT_CAP),
        by_agency=by_agency,
        page=shown,
        overdue_capped=overdue > COUNT_CAP,
    )


def task_of(access: CaseAccess, task_id: int) -> Task | None:
    return Task.objects.filter(case=access.case, pk=task_id).select_related("agency").first()


def tasks_of(access: CaseAccess) -> list[Task]:
    return list(
        Task.objects.filter(case=access.case)
        .select_related("agency", "assignee")
        .order_by("done_at", "due_at")
    )


def team_choices(access: CaseAccess) -> tuple[list[CaseTeamMember], QuerySet[User], QuerySet[Agency]]:
    """The team as it stands, the staff who may join it, and the agencies that may join it."""
    members = list(
        CaseTeamMember.objects.filter(case=access.case, removed_at=None)
        .select_related("user", "agency")
        .order_by("created_at", "id")
    )
    # The people and agencies who work cases in this region, or statewide (no analysts or administrators).
    here = Q(region_id=access.case.region_id) | Q(region__isnull=True)
    agencies = Agency.objects.filter(here).exclude(kind__in=["system", "state_oversight"]).order_by("name")
    staff = (
        User.objects.filter(membership__active=True, is_active=True, membership__agency__in=agencies)
        .exclude(membership__role__in=["admin", "analyst"])
        .select_related("membership__agency")
    )
    return members, staff.order_by("membership__agency__name", "last_name"), agencies


def task_owner_choices(access: CaseAccess) -> tuple[QuerySet[Agency], QuerySet[User]]:
    """The agencies a task on the case may be for (lead agency, agencies on the team) and their staff."""
    on_team = CaseTeamMember.objects.filter(case=access.case, removed_at=None).values("agency_id")
    agencies = Agency.objects.filter(Q(pk=access.case.lead_agency_id) | Q(pk__in=on_team)).order_by("name")
    staff = (
        User.objects.filter(membership__active=True, is_active=True, membership__agency__in=agencies)
        .exclude(membership__role__in=[Role.ADMIN, Role.ANALYST])
        .select_related("membership__agency")
        .order_by("membership__agency__name", "last_name", "first_name")
    )
    return agencies, staff


def follow_ups_of(access: CaseAccess) -> list[FollowUpContact]:
    return list(
        FollowUpContact.objects.filter(case=access.case)
        .select_related("agency", "made_by", "survivor")
        .order_by("-contacted_at", "-id")
    )


def plans_of(access: CaseAccess) -> list[SupportPlan]:
    """The case's support plans with their goals, for those the policy opens `plan` to."""
    if not access.shows("plan"):
        return []
    return list(
        SupportPlan.objects.filter(case=access.case)
        .select_related("survivor")
        .prefetch_related("goals__owner_agency")
        .order_by("actual_end_date", "created_at")
    )


def plan_of(access: CaseAccess, plan_id: Any) -> SupportPlan | None:
    if not access.shows("plan"):
        return None
    return SupportPlan.objects.filter(case=access.case, pk=plan_id).first()


def goal_of(access: CaseAccess, goal_id: Any) -> PlanGoal | None:
    if not access.shows("plan"):
        return None
    return PlanGoal.objects.filter(plan__case=access.case, pk=goal_id).select_related("plan").first()


def advocates_for_tasks(access: CaseAccess) -> list[User]:
    """The advocates who can take an advocate-assignment task of this case (staff names only)."""
    from continuum.coordination.models import Task, TaskKind

    agencies = Task.objects.filter(case=access.case, kind=TaskKind.ASSIGN_ADVOCATE, done_at=None).values(
        "agency_id"
    )
    members = Membership.objects.filter(role=Role.ADVOCATE, active=True, agency_id__in=agencies)
    return [m.user for m in members.select_related("user").order_by("user__last_name")]
