"""The case page's panels: what apps above `cases` show on the case page, without `cases`
importing them.

The case page (continuum/cases/views.py case_detail_view) shows the case's own facts, then the
panels registered here, in their order. An app adds one from its `AppConfig.ready()`::

    from continuum.cases import panels

    panels.register(
        panels.Panel(
            name="coordination.tasks",
            order=100,
            template="coordination/_case_tasks.html",
            context=tasks_panel,  # (access: CaseAccess) -> dict | None
        )
    )

`context(access)` gets the policy's `CaseAccess` of the reader (the case and what the reader may
do and see) and returns what the template needs, or None to show nothing. The template is
included in the case page's context (`access`, `membership`, `now`, the CSRF token) with the
panel's own values as `data`. A panel in the `actions` slot renders among the buttons at the
top of the page, one in the `sections` slot (the default) below the case's facts.

This is how coordination adds the team, plan, follow-up buttons and the task list, and how
journeys, care, justice and documents will add theirs. A panel reads through its own app's
selectors, which start from `access`: it can never show what the case page's reader may not see.
Keep each panel's queries fixed in number (the case page's query count is asserted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from continuum.access.policy import CaseAccess

SLOTS = ("actions", "sections")


@dataclass(frozen=True)
class Panel:
    name: str  # "<app>.<what>", unique
    order: int  # lower first
    template: str
    context: Callable[[CaseAccess], dict[str, Any] | None]
    slot: str = "sections"


@dataclass(frozen=True)
class Shown:
    """One panel as the case page renders it: its template and its values."""

    name: str
    template: str
    data: dict[str, Any]


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add a panel to the case page (registering a name again replaces it)."""
    if panel.slot not in SLOTS:
        raise ValueError(f"panel {panel.name}: slot must be one of {', '.join(SLOTS)}")
    _panels[panel.name] = panel


def registered(slot: str | None = None) -> list[Panel]:
    chosen = [p for p in _panels.values() if slot is None or p.slot == slot]
    return sorted(chosen, key=lambda p: (p.order, p.name))


def render(access: CaseAccess) -> dict[str, list[Shown]]:
    """The panels of one case page for one reader, by slot, in order (those with nothing to show left out)."""
    shown: dict[str, list[Shown]] = {slot: [] for slot in SLOTS}
    for panel in registered():
        data = panel.context(access)
        if data is not None:
            shown[panel.slot].append(Shown(name=panel.name, template=panel.template, data=data))
    return shown
