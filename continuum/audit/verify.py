"""Checking the audit chain: every row's hash, every link, the ids, and the chain head."""

from __future__ import annotations

from dataclasses import dataclass

from continuum.audit.log import compute_hash, row_values
from continuum.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Problem:
    row_id: int | None
    kind: str  # "edited", "missing", "out_of_order", "head_mismatch"
    message: str


@dataclass(frozen=True)
class Result:
    rows: int
    problem: Problem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify_chain(chunk_size: int = CHUNK_SIZE) -> Result:
    """Walk the rows in id order and stop at the first problem.

    The head is read first: rows appended while the walk runs (ids beyond the head) are left for
    the next verification, so a busy system does not fail it.
    """
    head = AuditChainHead.objects.filter(id=1).first()
    rows = AuditEvent.objects.order_by("id")
    if head is not None:
        rows = rows.filter(id__lte=head.last_id)
    expected_id = 1
    prev_hash = GENESIS_HASH
    count = 0
    for event in rows.iterator(chunk_size=chunk_size):
        if event.id != expected_id:
            first_missing = expected_id
            last_missing = event.id - 1
            span = (
                f"row {first_missing}"
                if first_missing == last_missing
                else f"rows {first_missing}-{last_missing}"
            )
            return Result(
                count,
                Problem(
                    event.id,
                    "missing",
                    f"row {event.id}: {span} missing before it (deleted)",
                ),
            )
        hash_ok = compute_hash(row_values(event)) == event.hash
        link_ok = event.prev_hash == prev_hash
        if not hash_ok and link_ok:
            return Result(
                count,
                Problem(event.id, "edited", f"row {event.id}: edited (its contents do not match its hash)"),
            )
        if not link_ok:
            before = f"row {event.id - 1}" if event.id > 1 else "the start of the chain"
            how = (
                "its hash does not match its contents either" if not hash_ok else "its own hash is consistent"
            )
            return Result(
                count,
                Problem(
                    event.id,
                    "out_of_order",
                    f"row {event.id}: out of order or replaced "
                    f"(its prev_hash does not match {before}; {how})",
                ),
            )
        prev_hash = event.hash
        expected_id += 1
        count += 1

    last_id = expected_id - 1
    if head is None:
        if count:
            return Result(count, Problem(None, "head_mismatch", "head mismatch: the chain head is missing"))
        return Result(0, None)
    if head.last_id != last_id:
        gone = f"row {head.last_id}" if head.last_id == last_id + 1 else f"rows {last_id + 1}-{head.last_id}"
        return Result(
            count,
            Problem(
                last_id + 1,
                "head_mismatch",
                f"head mismatch: the head names row {head.last_id} but the last row is {last_id}; "
                f"{gone} missing (deleted at the end)",
            ),
        )
    if head.last_hash != prev_hash:
        return Result(
            count,
            Problem(
                last_id,
                "head_mismatch",
                f"head mismatch: row {last_id}'s hash differs from the head's (last row replaced)",
            ),
        )
    if head.count != count:
        return Result(
            count,
            Problem(
                None,
                "head_mismatch",
                f"head mismatch: the head counts {head.count} rows but the chain has {count}",
            ),
        )
    return Result(count, None)
