"""The case page shows what the apps above `cases` register as panels (continuum/cases/panels.py),
in their order, and nothing of a panel that has nothing to show."""

import pytest
from django.urls import reverse

from continuum.access.testing import sign_in
from continuum.cases import panels

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_panels(monkeypatch):
    """The registered panels, restored after the test."""
    monkeypatch.setattr(panels, "_panels", dict(panels._panels))


def test_coordination_registers_its_buttons_and_its_task_list():
    names = [p.name for p in panels.registered()]
    assert "coordination.links" in names and "coordination.tasks" in names
    assert [p.name for p in panels.registered("actions")] == ["coordination.links"]


def test_the_case_page_renders_the_registered_panels_in_their_order(client, persona, team_case, extra_panels):
    panels.register(
        panels.Panel(
            name="test.before", order=10, template="coordination/_case_links.html", context=lambda a: None
        )
    )
    panels.register(
        panels.Panel(
            name="test.after",
            order=900,
            template="coordination/_case_tasks.html",
            context=lambda access: {"tasks": [], "can_do_tasks": False, "advocates": [], "now": None},
        )
    )
    sign_in(client, persona("advocate"))
    response = client.get(reverse("cases:detail", args=[team_case.pk]))
    assert response.status_code == 200
    shown = [p.name for p in response.context["panels"]["sections"]]
    # A panel with nothing to show (context None) is left out; the others come in order.
    assert shown == ["coordination.tasks", "test.after"]
    assert response.content.decode().count('data-testid="case-tasks"') == 2


def test_a_panel_must_name_a_known_slot():
    with pytest.raises(ValueError, match="slot"):
        panels.register(
            panels.Panel(name="x", order=1, template="x.html", context=lambda a: {}, slot="footer")
        )
