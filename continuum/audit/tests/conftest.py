"""The audit tests run on tables built without migrations (pytest --no-migrations), so the
PostgreSQL triggers that migration 0002 installs are installed here, once per session.
Each test writes its checkpoints to a folder of its own."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from continuum.audit import keys


@pytest.fixture(scope="session", autouse=True)
def _append_only_triggers(django_db_setup: Any, django_db_blocker: Any) -> None:
    from continuum.audit import triggers

    with django_db_blocker.unblock():
        triggers.install(connection)


@pytest.fixture(autouse=True)
def checkpoint_dir(settings: Any, tmp_path: Any) -> Iterator[Any]:
    """A fresh checkpoint folder, and the key read anew, for every test."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"
    keys.reset_key()
    yield settings.AUDIT_CHECKPOINT_DIR
    keys.reset_key()


@pytest.fixture
def raw_sql(db: Any) -> Callable[..., None]:
    """Run SQL as an intruder would, with the append-only triggers switched off on PostgreSQL
    (inside the test's transaction, so they are back on when it rolls back)."""

    def run(sql: str, params: list[Any] | None = None) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
                cursor.execute("ALTER TABLE audit_auditseal DISABLE TRIGGER USER")
            cursor.execute(sql, params or [])
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
                cursor.execute("ALTER TABLE audit_auditseal ENABLE TRIGGER USER")

    return run


@pytest.fixture
def intruder_key(settings: Any, tmp_path: Any) -> Callable[[], contextlib.AbstractContextManager[None]]:
    """`with intruder_key():` runs its block under a key of the intruder's own making."""

    @contextlib.contextmanager
    def use() -> Iterator[None]:
        real = settings.AUDIT_KEY_FILE
        path = tmp_path / "intruders-key"
        path.write_text("an intruder's key, not the operator's: " + "x" * 32 + "\n", encoding="utf-8")
        settings.AUDIT_KEY_FILE = path
        keys.reset_key()
        try:
            yield
        finally:
            settings.AUDIT_KEY_FILE = real
            keys.reset_key()

    return use
