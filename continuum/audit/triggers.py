"""The PostgreSQL triggers that make the audit table append-only in the database itself.

Installed by migration 0002; `install` is idempotent, so tests that build their tables without
migrations (pytest --no-migrations) can install them too. No TRUNCATE trigger: test teardown
truncates tables.
"""

from __future__ import annotations

from typing import Any

TABLE = "audit_auditevent"

INSTALL_SQL = [
    """
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit log is append-only';
    END;
    $$
    """,
    f"DROP TRIGGER IF EXISTS audit_refuse_update ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_refuse_delete ON {TABLE}",
    f"""
    CREATE TRIGGER audit_refuse_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()
    """,
    f"""
    CREATE TRIGGER audit_refuse_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()
    """,
]

REMOVE_SQL = [
    f"DROP TRIGGER IF EXISTS audit_refuse_update ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_refuse_delete ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]


def install(connection: Any) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in INSTALL_SQL:
            cursor.execute(statement)


def remove(connection: Any) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in REMOVE_SQL:
            cursor.execute(statement)
