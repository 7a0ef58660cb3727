"""Requests append audit rows without waiting for each other; only sequencers wait, for each other.

Real concurrent transactions need PostgreSQL (SQLite runs one writer at a time by design). Every
wait is bounded, so a lock in the request path fails these tests instead of hanging them.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from continuum.audit import sequencer
from continuum.audit.log import record
from continuum.audit.models import AuditEvent, AuditSeal
from continuum.audit.verify import verify_chain

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

TIMEOUT = 10


class Worker(threading.Thread):
    """Appends one audit row in a transaction of its own when told to, then holds the transaction
    open until told to commit. Every wait is bounded."""

    def __init__(self, action: str) -> None:
        super().__init__(daemon=True)
        self.action = action
        self._append, self._appended = threading.Event(), threading.Event()
        self._commit, self._committed = threading.Event(), threading.Event()
        self.row: AuditEvent | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{TIMEOUT}s'")
            with transaction.atomic():
                if not self._append.wait(TIMEOUT):
                    raise TimeoutError("never told to append")
                self.row = record(actor=None, action=self.action, object_type="cases.Case", object_id="1")
                self._appended.set()
                if not self._commit.wait(TIMEOUT):
                    raise TimeoutError("never told to commit")
        except BaseException as error:  # reported by the tests
            self.error = error
        finally:
            self._appended.set()
            self._committed.set()
            connection.close()

    def append(self) -> bool:
        """Append now; whether the row was written within the timeout (the transaction stays open)."""
        self._append.set()
        return self._appended.wait(TIMEOUT) and self.row is not None

    def commit(self) -> None:
        self._commit.set()
        assert self._committed.wait(TIMEOUT)
        self.join(TIMEOUT)
        assert self.error is None, self.error


def test_two_open_transactions_each_append_an_audit_row_without_waiting_for_the_other():
    first, second = Worker("view"), Worker("list")
    first.start()
    second.start()

    assert first.append(), f"the first transaction could not append: {first.error}"
    # The first transaction is still open. Before the keyed chain, this append waited for the
    # first one's lock on the chain head until it committed.
    assert second.append(), f"the second append waited for the first transaction: {second.error}"
    second.commit()
    first.commit()

    assert first.row is not None and second.row is not None
    ids = {first.row.id, second.row.id}
    assert AuditEvent.objects.filter(id__in=ids).count() == 2
    sequencer.seal()
    assert AuditSeal.objects.filter(event_id__in=ids).count() == 2
    assert verify_chain().intact


def test_a_row_that_commits_after_a_later_id_was_sealed_gets_the_next_position():
    slow = Worker("view")
    slow.start()
    assert slow.append()  # holds the lower id, not yet committed
    assert slow.row is not None
    quick = record(actor=None, action="list")  # autocommit: committed at once, a higher id
    slow_id = slow.row.id
    assert quick.id > slow_id

    sequencer.seal()
    assert AuditSeal.objects.filter(event_id=quick.id).exists()
    assert not AuditSeal.objects.filter(event_id=slow_id).exists()

    slow.commit()
    sequencer.seal()

    quick_seal = AuditSeal.objects.get(event_id=quick.id)
    slow_seal = AuditSeal.objects.get(event_id=slow_id)
    assert slow_seal.position == quick_seal.position + 1
    assert verify_chain().intact


def test_two_sequencers_at_once_seal_each_row_once_without_a_gap():
    for i in range(40):
        record(actor=None, action="view", object_id=str(i))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(TIMEOUT)
            for _ in range(5):
                sequencer.seal(batch_size=7)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    positions = list(AuditSeal.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, AuditEvent.objects.count() + 1))
    assert AuditSeal.objects.values("event_id").distinct().count() == len(positions)
    assert verify_chain().intact
