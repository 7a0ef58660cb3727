from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from continuum.audit.models import AuditEvent
from continuum.conftest import TEST_PASSWORD


def _new_rows(after_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=after_id).order_by("id"))


def _last_id() -> int:
    last = AuditEvent.objects.order_by("-id").first()
    return last.id if last is not None else 0


def _row_text(row_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT role, action, object_type, object_id, fields, outcome, detail "
            "FROM audit_auditevent WHERE id = %s",
            [row_id],
        )
        return " ".join(str(value) for value in cursor.fetchone())


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["coordinator", "maria.canary.7731"])
def test_a_failed_login_writes_one_row_without_the_username(username):
    start = _last_id()
    password = "Canary-Password-5519"

    response = Client().post(reverse("web:login"), {"username": username, "password": password})

    assert response.status_code == 200
    rows = _new_rows(start)
    assert [(r.action, r.outcome) for r in rows] == [("login_failed", "denied")]
    row = rows[0]
    assert row.actor_id is None and row.agency_id is None and row.role == ""
    assert row.detail == {"reason": "bad_credentials"}
    text = _row_text(row.id)
    assert username not in text
    assert password not in text


@pytest.mark.django_db
def test_a_successful_login_writes_one_login_row(persona):
    coordinator = persona("coordinator")
    start = _last_id()

    response = Client().post(reverse("web:login"), {"username": "coordinator", "password": TEST_PASSWORD})

    assert response.status_code == 302
    rows = _new_rows(start)
    assert [(r.action, r.outcome) for r in rows] == [("login", "allowed")]
    row = rows[0]
    assert row.actor_id == coordinator.pk
    assert row.agency_id == coordinator.membership.agency_id
    assert row.role == "coordinator"
    assert TEST_PASSWORD not in _row_text(row.id)


@pytest.mark.django_db
def test_a_logout_writes_one_logout_row(persona):
    coordinator = persona("coordinator")
    client = Client()
    client.force_login(coordinator)
    start = _last_id()

    client.post(reverse("web:logout"))

    rows = _new_rows(start)
    assert [(r.action, r.actor_id) for r in rows] == [("logout", coordinator.pk)]
