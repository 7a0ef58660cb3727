"""Reads of the work around a case: its team, tasks and the work queue, follow-ups, the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from continuum.access.policy import CaseAccess
from continuum.cases.models import Case
from continuum.cases.paging import CappedPage, capped_page
from continuum.coordination.models import CaseTeamMember, FollowUpContact, PlanGoal, SupportPlan, Task
from continuum.org.models import Agency, Membership, Role, User

if TYPE_CHECKING:
    from continuum.access.policy import CaseAccess


@dataclass(frozen=True)
class TaskQueue:
    tasks: list[Task]
    overdue: int
    by_agency: list[tuple[str, int]]
    page: CappedPage


TASK_PAGE_SIZE = 50


def task_queue(user: Any, now: dt.datetime, page: Any = 1) -> TaskQueue:
    """Open tasks on the cases this user may see, the overdue first, a page at a time with a capped
    count (continuum/cases/paging.py); and the overdue count per agency, so no deadline is missed
    unseen (SPEC C3)."""
    visible = Case.objects.restrict(user, "view")
    open_tasks = Task.objects.filter(case__in=visible, done_at=None)
    # One aggregate gives both counts (the open tasks and, per agency, the overdue ones), so the
    # page below counts nothing of its own.
    counts = (
        open_tasks.values("agency__name")
        .annotate(n=Count("id", filter=Q(due_at__lte=now)), total=Count("id"))
        .order_by("-n", "agency__name")
    )
    rows = list(counts)
    by_agency = [(row["agency__name"], row["n"]) for row in rows if row["n"]]
    shown = capped_page(
        open_tasks.select_related("case", "agency").order_by("due_at", "id"),
        page,
        per_page=TASK_PAGE_SIZE,
        count=sum(row["total"] for row in rows),
    )
    return TaskQueue(
        tasks=list(shown.object_list), overdue=sum(n for _, n in by_agency), by_agency=by_agency, page=shown
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
