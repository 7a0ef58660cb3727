"""Reads of reference data (regions, agencies) that any signed-in staff member may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from continuum.access.models import Membership, Region, Role, User

if TYPE_CHECKING:
    from continuum.access.policy import CaseAccess


def regions() -> QuerySet[Region]:
    return Region.objects.order_by("name")


def advocates_for_tasks(access: CaseAccess) -> list[User]:
    """The advocates who can take an advocate-assignment task of this case (staff names only)."""
    from continuum.cases.models import Task, TaskKind

    agencies = Task.objects.filter(case=access.case, kind=TaskKind.ASSIGN_ADVOCATE, done_at=None).values(
        "agency_id"
    )
    members = Membership.objects.filter(role=Role.ADVOCATE, active=True, agency_id__in=agencies)
    return [m.user for m in members.select_related("user").order_by("user__last_name")]
