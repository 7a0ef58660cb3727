"""The PostgreSQL triggers that make the audit tables append-only in the database itself.

On the rows (`audit_auditevent`) and on the chain (`audit_auditseal`). The sequencer's own row
(`audit_auditsequencer`) is updated by every run and has none: verify does not trust it.

Installed by migration audit 0002 (both tables); `install` is idempotent, so tests
that build their tables without migrations (pytest --no-migrations) can install them too. No
TRUNCATE trigger: test teardown truncates tables.
"""

from __future__ import annotations

from typing import Any

TABLES = ("audit_auditevent", "audit_auditseal")

_FUNCTION = """
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit log is append-only';
    END;
    $$
"""


def install_sql(tables: tuple[str, ...] = TABLES) -> list[str]:
    statements = [_FUNCTION]
    for table in tables:
        statements += [
            f"DROP TRIGGER IF EXISTS audit_refuse_update ON {table}",
            f"DROP TRIGGER IF EXISTS audit_refuse_delete ON {table}",
            f"CREATE TRIGGER audit_refuse_update BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
            f"CREATE TRIGGER audit_refuse_delete BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
        ]
    return statements


def remove_sql(tables: tuple[str, ...] = TABLES, *, function: bool = True) -> list[str]:
    statements = []
    for table in tables:
        statements += [
            f"DROP TRIGGER IF EXISTS audit_refuse_update ON {table}",
            f"DROP TRIGGER IF EXISTS audit_refuse_delete ON {table}",
        ]
    if function:
        statements.append("DROP FUNCTION IF EXISTS audit_refuse_change()")
    return statements


def install(connection: Any, tables: tuple[str, ...] = TABLES) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in install_sql(tables):
            cursor.execute(statement)


def remove(connection: Any, tables: tuple[str, ...] = TABLES, *, function: bool = True) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in remove_sql(tables, function=function):
            cursor.execute(statement)
