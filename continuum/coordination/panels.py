"""What coordination shows on the case page (continuum/cases/panels.py): the buttons to its pages
(team, plan, follow-ups) and the case's tasks."""

from __future__ import annotations

from typing import Any

from continuum.access import policy
from continuum.access.policy import CaseAccess
from continuum.cases import panels
from continuum.coordination.selectors import advocates_for_tasks, tasks_of


def links_panel(access: CaseAccess) -> dict[str, Any] | None:
    links = {
        "can_team": access.allows("team"),
        "can_plan": access.allows("plan"),
        "can_follow_up": access.allows("follow_up"),
    }
    return links if any(links.values()) else None


def tasks_panel(access: CaseAccess) -> dict[str, Any]:
    can_do_tasks = access.allows("task")
    return {
        "tasks": tasks_of(access),
        "can_do_tasks": can_do_tasks,
        "advocates": advocates_for_tasks(access) if can_do_tasks else [],
        "now": policy.clock(),
    }


def register() -> None:
    panels.register(
        panels.Panel(
            name="coordination.links",
            order=100,
            template="coordination/_case_links.html",
            context=links_panel,
            slot="actions",
        )
    )
    panels.register(
        panels.Panel(
            name="coordination.tasks",
            order=100,
            template="coordination/_case_tasks.html",
            context=tasks_panel,
        )
    )
