"""The audit tests run on tables built without migrations (pytest --no-migrations), so the
PostgreSQL triggers that migration 0002 installs are installed here, once per session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection


@pytest.fixture(scope="session", autouse=True)
def _append_only_triggers(django_db_setup: Any, django_db_blocker: Any) -> None:
    from continuum.audit import triggers

    with django_db_blocker.unblock():
        triggers.install(connection)


@pytest.fixture
def raw_sql(db: Any) -> Callable[..., None]:
    """Run SQL as an intruder would, with the append-only triggers switched off on PostgreSQL
    (inside the test's transaction, so they are back on when it rolls back)."""

    def run(sql: str, params: list[Any] | None = None) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params or [])
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")

    return run
