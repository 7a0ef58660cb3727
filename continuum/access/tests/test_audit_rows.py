"""Every read of a case, every list and every denial writes exactly one audit row, with field
names and ids only."""

import uuid

import pytest
from django.urls import reverse

from continuum.access.testing import sign_in
from continuum.audit.models import AuditEvent
from continuum.cases.models import Case

pytestmark = pytest.mark.django_db


def _new_rows(before):
    return list(AuditEvent.objects.filter(id__gt=before).order_by("id"))


def _last_id():
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_opening_a_case_writes_one_view_row_naming_the_fields_shown(client, persona):
    coordinator = persona("coordinator")
    sign_in(client, coordinator)
    case = Case.objects.filter(region__code="greater-hartford").first()
    before = _last_id()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    rows = _new_rows(before)
    # the access layer's row of the read (the door), then the page's row of the fields it showed
    assert [r.action for r in rows] == ["open_view", "view"]
    assert rows[0].case_id == case.pk and rows[0].detail["relationships"]
    row = rows[1]
    assert row.actor_id == coordinator.pk and row.case_id == case.pk and row.outcome == "allowed"
    assert "person__last_name" in row.fields and "person__health_notes" not in row.fields


def test_a_denial_writes_one_deny_row_and_answers_like_a_missing_case(client, persona):
    sign_in(client, persona("detective_west"))
    case = Case.objects.filter(region__code="greater-hartford").first()
    before = _last_id()
    denied = client.get(reverse("cases:detail", args=[case.pk]))
    missing = client.get(reverse("cases:detail", args=[uuid.uuid4()]))
    assert denied.status_code == missing.status_code == 404 and denied.content == missing.content
    rows = _new_rows(before)
    assert [(r.action, r.outcome) for r in rows] == [("deny", "denied"), ("deny", "denied")]
    assert rows[0].object_id == str(case.pk)


def test_a_list_writes_one_list_row_and_one_row_per_case_it_shows(client, persona):
    sign_in(client, persona("coordinator"))
    before = _last_id()
    page = client.get(reverse("cases:list")).context["page"]
    rows = _new_rows(before)
    assert [r.action for r in rows] == ["list"] * (1 + len(page.object_list))
    assert rows[0].case_id is None and rows[0].detail["count"] == len(page.object_list)
    assert [r.case_id for r in rows[1:]] == [case.pk for case in page.object_list]
