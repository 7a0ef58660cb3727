"""`continuum audit verify` finds every way of changing the log around its guards, and names the row.

Each test plays an intruder who can write to the database (raw SQL, the append-only triggers
switched off inside the test's transaction on PostgreSQL) but does not hold the audit key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from continuum.audit import checkpoints, sequencer
from continuum.audit.chain import canonical, row_values
from continuum.audit.log import record
from continuum.audit.models import GENESIS_MAC, AuditEvent, AuditSeal
from continuum.audit.verify import verify_chain


def _chain(n: int = 5) -> list[AuditEvent]:
    rows = [
        record(actor=None, action="view", object_type="cases.Case", object_id=str(i), fields=["status"])
        for i in range(n)
    ]
    sequencer.seal()
    return rows


def _verify_fails() -> str:
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify")
    return str(raised.value)


def _names_row(message: str, row_id: int) -> bool:
    return re.search(rf"\brow {row_id}\b", message) is not None


def _seal_of(event: AuditEvent) -> AuditSeal:
    return AuditSeal.objects.get(event_id=event.id)


def _plain_mac(position: int, prev_mac: str, event: AuditEvent) -> str:
    """What an intruder without the key can compute: a plain SHA-256 of the same message."""
    return hashlib.sha256(
        canonical({"position": position, "prev_mac": prev_mac, "row": row_values(event)})
    ).hexdigest()


def _move_sequencer_back(raw_sql, to_id: int) -> None:
    raw_sql("UPDATE audit_auditsequencer SET horizon_id = %s", [to_id])


# --- an untouched log -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_untouched_log_verifies_clean_with_its_checkpoints_and_recent_unsealed_rows():
    _chain()
    sequencer.checkpoint()
    _chain(3)
    sequencer.checkpoint()
    record(actor=None, action="view")
    record(actor=None, action="list")

    out = StringIO()
    call_command("audit", "verify", stdout=out)

    sealed = AuditSeal.objects.count()
    assert sealed == AuditEvent.objects.count() - 2
    assert out.getvalue().strip() == (
        f"audit chain intact: {sealed} rows sealed; 2 checkpoint(s) agree; "
        f"2 recent row(s) awaiting the sequencer"
    )


@pytest.mark.django_db
def test_the_database_itself_refuses_to_edit_or_delete_a_row_or_its_seal():
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    row = _chain(2)[0]
    with connection.cursor() as cursor:
        for sql in (
            "UPDATE audit_auditevent SET action = 'view2' WHERE id = %s",
            "DELETE FROM audit_auditevent WHERE id = %s",
            "UPDATE audit_auditseal SET mac = 'x' WHERE event_id = %s",
            "DELETE FROM audit_auditseal WHERE event_id = %s",
        ):
            with pytest.raises(DatabaseError, match="audit log is append-only"), transaction.atomic():
                cursor.execute(sql, [row.id])
    assert AuditEvent.objects.get(id=row.id).action == "view"
    assert AuditSeal.objects.filter(event_id=row.id).exists()


# --- edited rows ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_names_a_middle_row_edited_in_sql(raw_sql):
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
def test_verify_names_the_last_row_edited_in_sql(raw_sql):
    rows = _chain()
    last = rows[-1]
    raw_sql("UPDATE audit_auditevent SET flagged = %s WHERE id = %s", [True, last.id])

    message = _verify_fails()
    assert _names_row(message, last.id)
    assert "edited" in message


@pytest.mark.django_db
def test_verify_names_a_row_edited_with_its_seal_recomputed_without_the_key(raw_sql):
    rows = _chain()
    edited = AuditEvent.objects.get(id=rows[1].id)
    seal = _seal_of(edited)
    edited.action = "export"
    raw_sql("UPDATE audit_auditevent SET action = 'export' WHERE id = %s", [edited.id])
    raw_sql(
        "UPDATE audit_auditseal SET mac = %s WHERE position = %s",
        [_plain_mac(seal.position, seal.prev_mac, edited), seal.position],
    )

    message = _verify_fails()
    assert _names_row(message, edited.id)


# --- a rewritten chain ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_whole_chain_rewritten_with_recomputed_plain_hashes_is_found(raw_sql):
    rows = _chain()
    sequencer.checkpoint()
    raw_sql("UPDATE audit_auditevent SET action = 'export' WHERE id = %s", [rows[2].id])
    prev = GENESIS_MAC
    for seal in AuditSeal.objects.order_by("position"):
        event = AuditEvent.objects.get(id=seal.event_id)
        mac = _plain_mac(seal.position, prev, event)
        raw_sql(
            "UPDATE audit_auditseal SET prev_mac = %s, mac = %s WHERE position = %s",
            [prev, mac, seal.position],
        )
        prev = mac

    message = _verify_fails()
    first = AuditSeal.objects.get(position=1)
    assert _names_row(message, first.event_id)
    assert "without the key" in message


@pytest.mark.django_db
def test_a_whole_chain_resealed_under_another_key_is_found(raw_sql, intruder_key):
    """The intruder runs the real sequencer from scratch, with a key of their own."""
    rows = _chain()
    raw_sql("UPDATE audit_auditevent SET action = 'export' WHERE id = %s", [rows[2].id])
    raw_sql("DELETE FROM audit_auditseal")
    _move_sequencer_back(raw_sql, 0)
    with intruder_key():
        sequencer.seal(everything=True)
        assert verify_chain().intact  # consistent, under the wrong key

    message = _verify_fails()
    first = AuditSeal.objects.get(position=1)
    assert _names_row(message, first.event_id)
    assert "without the key" in message


@pytest.mark.django_db
def test_a_checkpoint_written_under_another_key_is_refused(intruder_key):
    _chain(2)
    with intruder_key():
        sequencer.checkpoint()

    message = _verify_fails()
    assert "signed with another key" in message


# --- deleted rows ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_names_a_deleted_middle_row_and_the_row_after_it(raw_sql):
    rows = _chain()
    deleted = rows[2]
    raw_sql("DELETE FROM audit_auditevent WHERE id = %s", [deleted.id])

    message = _verify_fails()
    assert _names_row(message, deleted.id)
    assert _names_row(message, rows[3].id)
    assert "missing" in message


@pytest.mark.django_db
def test_verify_names_the_rows_around_a_middle_row_deleted_with_its_seal(raw_sql):
    rows = _chain()
    deleted = rows[2]
    raw_sql("DELETE FROM audit_auditseal WHERE event_id = %s", [deleted.id])
    raw_sql("DELETE FROM audit_auditevent WHERE id = %s", [deleted.id])

    message = _verify_fails()
    assert _names_row(message, rows[1].id)
    assert _names_row(message, rows[3].id)
    assert "missing" in message


@pytest.mark.django_db
def test_the_newest_rows_deleted_after_a_checkpoint_with_the_seals_and_sequencer_moved_back_are_found(
    raw_sql,
):
    rows = _chain()
    sequencer.checkpoint()
    for gone in rows[-2:]:
        raw_sql("DELETE FROM audit_auditseal WHERE event_id = %s", [gone.id])
        raw_sql("DELETE FROM audit_auditevent WHERE id = %s", [gone.id])
    _move_sequencer_back(raw_sql, rows[-3].id)

    message = _verify_fails()
    assert "deleted at the end" in message
    assert _names_row(message, rows[-1].id)
    assert _names_row(message, rows[-3].id)


@pytest.mark.django_db
def test_the_newest_rows_replaced_after_a_checkpoint_are_found(raw_sql):
    rows = _chain()
    sequencer.checkpoint()
    for gone in rows[-2:]:
        raw_sql("DELETE FROM audit_auditseal WHERE event_id = %s", [gone.id])
        raw_sql("DELETE FROM audit_auditevent WHERE id = %s", [gone.id])
    _move_sequencer_back(raw_sql, rows[-3].id)
    replacements = _chain(2)  # sealed at the positions the deleted rows held

    message = _verify_fails()
    assert "rewritten" in message
    assert _names_row(message, replacements[-1].id)
    assert _names_row(message, rows[-1].id)


# --- reordered rows -------------------------------------------------------------------------------


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
    assert _names_row(message, b)
    assert "out of order" in message


@pytest.mark.django_db
def test_verify_names_rows_whose_places_in_the_chain_were_exchanged(raw_sql):
    rows = _chain()
    a, b = _seal_of(rows[1]), _seal_of(rows[3])
    raw_sql("UPDATE audit_auditseal SET event_id = -1 WHERE position = %s", [a.position])
    raw_sql("UPDATE audit_auditseal SET event_id = %s WHERE position = %s", [a.event_id, b.position])
    raw_sql("UPDATE audit_auditseal SET event_id = %s WHERE position = %s", [b.event_id, a.position])

    message = _verify_fails()
    assert _names_row(message, rows[3].id)
    assert "out of order" in message


@pytest.mark.django_db
def test_verify_names_a_seal_moved_out_of_the_chain(raw_sql):
    rows = _chain()
    seal = _seal_of(rows[2])
    raw_sql("UPDATE audit_auditseal SET prev_mac = %s WHERE position = %s", [GENESIS_MAC, seal.position])

    message = _verify_fails()
    assert _names_row(message, rows[2].id)
    assert "out of order" in message


# --- rows not sealed yet --------------------------------------------------------------------------


@pytest.mark.django_db
def test_rows_left_unsealed_past_the_grace_period_are_reported_as_a_stalled_sequencer():
    _chain(2)
    waiting = [record(actor=None, action="view"), record(actor=None, action="view")]

    assert verify_chain().intact
    later = timezone.now() + dt.timedelta(seconds=settings.AUDIT_SEAL_GRACE_SECONDS + 1)
    result = verify_chain(now=later)

    assert result.problem is not None
    assert result.problem.kind == "stalled"
    assert _names_row(result.problem.message, waiting[0].id)
    assert "2 such rows" in result.problem.message


@pytest.mark.django_db
def test_a_row_slipped_in_below_the_horizon_is_reported_and_sealed_by_a_full_run(raw_sql):
    _chain(2)
    late = record(actor=None, action="view")
    raw_sql("UPDATE audit_auditsequencer SET horizon_id = %s", [late.id])

    assert sequencer.seal().sealed == 0
    later = timezone.now() + dt.timedelta(seconds=settings.AUDIT_SEAL_GRACE_SECONDS + 1)
    problem = verify_chain(now=later).problem
    assert problem is not None and problem.row_id == late.id

    assert sequencer.seal(everything=True).sealed == 1
    assert verify_chain(now=later).intact


# --- the checkpoint file --------------------------------------------------------------------------


def _rewrite_checkpoints(edit) -> None:
    path = checkpoints.path()
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("".join(json.dumps(line) + "\n" for line in edit(lines)), encoding="utf-8")


@pytest.mark.django_db
def test_an_edited_checkpoint_is_refused():
    _chain(3)
    sequencer.checkpoint()

    def lower(lines):
        lines[0]["position"] -= 1
        return lines

    _rewrite_checkpoints(lower)
    assert "signature does not match" in _verify_fails()


@pytest.mark.django_db
def test_a_checkpoint_removed_from_the_middle_of_the_file_is_found():
    for _ in range(3):
        _chain(1)
        sequencer.checkpoint()

    _rewrite_checkpoints(lambda lines: [lines[0], lines[2]])
    assert "removed or reordered" in _verify_fails()
