from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from continuum.audit.log import record
from continuum.audit.models import AuditEvent


def _chain(n: int = 5) -> list[AuditEvent]:
    return [
        record(actor=None, action="view", object_type="cases.Case", object_id=str(i), fields=["status"])
        for i in range(n)
    ]


def _verify_fails() -> str:
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify")
    return str(raised.value)


def _names_row(message: str, row_id: int) -> bool:
    return re.search(rf"\brow {row_id}\b", message) is not None


@pytest.mark.django_db
def test_verify_passes_on_an_intact_chain():
    _chain()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().strip() == f"audit chain intact: {AuditEvent.objects.count()} rows"


@pytest.mark.django_db
def test_the_database_itself_refuses_to_edit_or_delete_a_row():
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    row = _chain(2)[0]
    with connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="audit log is append-only"), transaction.atomic():
            cursor.execute("UPDATE audit_auditevent SET action = 'view2' WHERE id = %s", [row.id])
        with pytest.raises(DatabaseError, match="audit log is append-only"), transaction.atomic():
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [row.id])
    assert AuditEvent.objects.get(id=row.id).action == "view"


@pytest.mark.django_db
def test_verify_names_a_row_edited_in_sql(raw_sql):
    rows = _chain()
    edited = rows[2]
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
        ):
            cursor.execute("UPDATE audit_auditevent SET action = 'view2' WHERE id = %s", [edited.id])

    raw_sql("UPDATE audit_auditevent SET action = 'view2' WHERE id = %s", [edited.id])

    message = _verify_fails()
    assert _names_row(message, edited.id)
    assert "edited" in message


@pytest.mark.django_db
def test_verify_names_a_row_edited_with_its_hash_recomputed(raw_sql):
    """An intruder who recomputes the edited row's own hash still breaks the next row's link."""
    from continuum.audit.log import compute_hash, row_values

    rows = _chain()
    edited = AuditEvent.objects.get(id=rows[1].id)
    edited.action = "export"
    new_hash = compute_hash(row_values(edited))
    raw_sql(
        "UPDATE audit_auditevent SET action = 'export', hash = %s WHERE id = %s",
        [new_hash, edited.id],
    )

    message = _verify_fails()
    assert _names_row(message, rows[2].id)


@pytest.mark.django_db
def test_verify_names_the_gap_left_by_a_deleted_middle_row(raw_sql):
    rows = _chain()
    deleted = rows[2]
    raw_sql("DELETE FROM audit_auditevent WHERE id = %s", [deleted.id])

    message = _verify_fails()
    assert _names_row(message, deleted.id)
    assert _names_row(message, rows[3].id)
    assert "missing" in message


@pytest.mark.django_db
def test_verify_names_two_swapped_rows(raw_sql):
    rows = _chain()
    a, b = rows[1].id, rows[3].id
    # Exchanging the ids exchanges everything else: each row now holds the other's contents.
    raw_sql("UPDATE audit_auditevent SET id = -1 WHERE id = %s", [a])
    raw_sql("UPDATE audit_auditevent SET id = %s WHERE id = %s", [a, b])
    raw_sql("UPDATE audit_auditevent SET id = %s WHERE id = -1", [b])

    message = _verify_fails()
    assert _names_row(message, a)
    assert "out of order" in message


@pytest.mark.django_db
def test_the_head_check_catches_a_deleted_last_row(raw_sql):
    rows = _chain()
    last = rows[-1]
    raw_sql("DELETE FROM audit_auditevent WHERE id = %s", [last.id])

    message = _verify_fails()
    assert "head mismatch" in message
    assert _names_row(message, last.id)
    assert "deleted at the end" in message


@pytest.mark.django_db
def test_the_head_check_catches_a_replaced_last_row(raw_sql):
    rows = _chain()
    last = rows[-1]
    raw_sql("UPDATE audit_auditevent SET flagged = %s WHERE id = %s", [True, last.id])

    message = _verify_fails()
    assert _names_row(message, last.id)
