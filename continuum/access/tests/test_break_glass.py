"""Break-glass: a reason, a fresh second factor, 60 minutes, flagged for a second administrator."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.access import policy
from continuum.access.auth_views import FRESH_SESSION_KEY
from continuum.access.models import BreakGlassGrant
from continuum.access.testing import sign_in
from continuum.audit.models import AuditEvent
from continuum.cases.models import Case, CaseNote
from continuum.org.models import Membership, User

pytestmark = pytest.mark.django_db

REASON = "Survivor missing; police need the last known safe address now."


@pytest.fixture
def case():
    return Case.objects.filter(region__code="greater-hartford", notes__isnull=False).first()


def test_an_administrator_sees_no_case_without_break_glass(client, persona, case):
    sign_in(client, persona("admin"))
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    listed = client.get(reverse("cases:list"))
    assert listed.status_code == 200 and list(listed.context["page"].object_list) == []


def _list_summary(user):
    """The newest list row of `user` that sums up a page (the rows per case shown name a case)."""
    return AuditEvent.objects.filter(actor_id=user.pk, action="list", object_id="").latest("id")


def test_the_case_list_marks_and_flags_the_cases_seen_under_break_glass(client, persona, case, monkeypatch):
    admin = persona("admin")
    sign_in(client, admin)
    client.post(reverse("cases:break_glass", args=[case.pk]), {"reason": REASON})
    response = client.get(reverse("cases:list"))
    assert list(response.context["page"].object_list) == [case]
    assert response.content.decode().count('data-testid="break-glass"') == 1
    listed = _list_summary(admin)
    assert listed.flagged and listed.detail["break_glass"] == 1
    # ... and the row of the case itself, one per case shown, is flagged for review too.
    assert AuditEvent.objects.get(actor_id=admin.pk, action="list", case_id=case.pk).flagged
    # A coordinator's list of the same case is an ordinary read.
    coordinator = persona("coordinator")
    sign_in(client, coordinator)
    response = client.get(reverse("cases:list"))
    assert 'data-testid="break-glass"' not in response.content.decode()
    assert not _list_summary(coordinator).flagged
    assert not AuditEvent.objects.filter(actor_id=coordinator.pk, action="list", flagged=True).exists()
    # Once the grant has run out, the administrator's list is empty again and flags nothing.
    grant = BreakGlassGrant.objects.get(user=admin, case=case)
    monkeypatch.setattr(policy, "clock", lambda: grant.expires_at + dt.timedelta(seconds=1))
    sign_in(client, admin)
    response = client.get(reverse("cases:list"))
    assert list(response.context["page"].object_list) == []
    assert not _list_summary(admin).flagged


def test_break_glass_opens_one_case_for_60_minutes_and_flags_every_view(client, persona, case, monkeypatch):
    admin = persona("admin")
    sign_in(client, admin)
    response = client.post(reverse("cases:break_glass", args=[case.pk]), {"reason": REASON})
    assert response.status_code == 302
    grant = BreakGlassGrant.objects.get(user=admin, case=case)
    assert grant.expires_at - grant.started_at == dt.timedelta(minutes=60)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    note = CaseNote.objects.filter(case=case).first()
    assert note.body not in page.content.decode()  # privileged notes stay closed even so
    views = AuditEvent.objects.filter(actor_id=admin.pk, action="view", case_id=case.pk)
    assert views.count() == 1 and views.get().flagged
    other = Case.objects.exclude(pk=case.pk).first()
    assert client.get(reverse("cases:detail", args=[other.pk])).status_code == 404
    later = grant.expires_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(policy, "clock", lambda: later)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_break_glass_needs_a_fresh_second_factor(client, persona, case):
    sign_in(client, persona("admin"))
    session = client.session
    session[FRESH_SESSION_KEY] = int(time.time()) - 3600
    session.save()
    response = client.post(reverse("cases:break_glass", args=[case.pk]), {"reason": REASON})
    assert response.status_code == 302 and "/account/verify/" in response["Location"]
    assert not BreakGlassGrant.objects.exists()


def test_break_glass_needs_a_real_reason(client, persona, case):
    sign_in(client, persona("admin"))
    response = client.post(reverse("cases:break_glass", args=[case.pk]), {"reason": "because"})
    assert response.status_code == 400
    assert not BreakGlassGrant.objects.exists()


def test_only_administrators_can_break_glass(client, persona, case):
    sign_in(client, persona("coordinator"))
    assert client.post(reverse("cases:break_glass", args=[case.pk]), {"reason": REASON}).status_code == 404


def test_a_second_administrator_reviews_never_the_first(client, persona, case):
    admin = persona("admin")
    sign_in(client, admin)
    client.post(reverse("cases:break_glass", args=[case.pk]), {"reason": REASON})
    grant = BreakGlassGrant.objects.get(user=admin)
    client.post(reverse("audit:review", args=[grant.pk]), {"outcome": "justified"})
    grant.refresh_from_db()
    assert grant.reviewed_at is None
    second = User.objects.create(username="second-admin")
    Membership.objects.create(user=second, agency=admin.membership.agency, role="admin")
    other_client = client.__class__()
    sign_in(other_client, second)
    flagged = other_client.get(reverse("audit:flagged"))
    assert flagged.status_code == 200 and case.reference.encode() in flagged.content
    other_client.post(reverse("audit:review", args=[grant.pk]), {"outcome": "justified"})
    grant.refresh_from_db()
    assert grant.reviewed_by == second and grant.review_outcome == "justified"
    assert AuditEvent.objects.filter(action="break_glass_review", actor_id=second.pk).count() == 1
    assert timezone.now() - grant.reviewed_at < dt.timedelta(minutes=1)
