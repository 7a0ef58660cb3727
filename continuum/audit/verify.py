"""Checking the audit chain with the key, against every checkpoint, and naming the offending row.

The walk, stopping at the first problem:

1. The checkpoint file: every line must carry a valid signature under the configured key, follow
   the line before it (`prev_signature`) and never go back to an earlier position.
2. The seals, in position order: positions without a gap; each seal's `prev_mac` is the mac of the
   seal before; its row exists; the mac recomputed with the key from the row's contents equals the
   stored one (otherwise the row was edited, or moved: its contents are then looked for in the
   seals nearby, to say "out of order" rather than "edited"); and where a checkpoint names this
   position, the seal is the one the checkpoint saw.
3. The end: the chain must reach the furthest checkpoint (otherwise rows were deleted at the end).
4. Rows not sealed yet: recent ones are normal (the sequencer runs every few minutes) and are only
   counted; one older than AUDIT_SEAL_GRACE_SECONDS means the sequencer has stalled, or a row was
   slipped in behind it, and is reported as a problem.

Nothing here trusts the sequencer's own row: only the key and the checkpoints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from continuum.audit import checkpoints
from continuum.audit.chain import row_values, seal_mac
from continuum.audit.keys import audit_keys
from continuum.audit.models import GENESIS_MAC, AuditEvent, AuditSeal
from continuum.audit.sequencer import unsealed

CHUNK_SIZE = 2000
# How far from its position a moved row's contents are looked for, each way.
REORDER_WINDOW = 1000


@dataclass(frozen=True)
class Problem:
    row_id: int | None
    # "edited", "missing", "out_of_order", "truncated", "rewritten", "checkpoint", "stalled"
    kind: str
    message: str


@dataclass(frozen=True)
class Result:
    rows: int  # rows verified in the chain (sealed)
    checkpoints: int  # checkpoints in the file
    unsealed: int  # recent rows the sequencer has not sealed yet
    problem: Problem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


class _Found(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _fail(row_id: int | None, kind: str, message: str) -> _Found:
    return _Found(Problem(row_id, kind, message))


def _checked_checkpoints() -> list[checkpoints.Checkpoint]:
    keys = audit_keys()
    where = checkpoints.path()
    found: list[checkpoints.Checkpoint] = []
    prev_signature = ""
    for stored in checkpoints.read_all():
        here = f"checkpoint line {stored.line} of {where}"
        cp = stored.checkpoint
        if cp is None:
            raise _fail(None, "checkpoint", f"{here}: unreadable (edited)")
        if not stored.valid:
            if cp.key_id != keys.key_id:
                raise _fail(
                    cp.event_id,
                    "checkpoint",
                    f"{here}: signed with another key (key id {cp.key_id}; the configured key is "
                    f"{keys.key_id})",
                )
            raise _fail(cp.event_id, "checkpoint", f"{here}: its signature does not match (edited or forged)")
        if cp.prev_signature != prev_signature:
            raise _fail(
                cp.event_id,
                "checkpoint",
                f"{here}: does not follow the line before it (a checkpoint was removed or reordered)",
            )
        if found and cp.position < found[-1].position:
            raise _fail(
                cp.event_id,
                "checkpoint",
                f"{here}: goes back from position {found[-1].position} to {cp.position}",
            )
        found.append(cp)
        prev_signature = stored.signature
    return found


def _seals(chunk_size: int) -> Iterator[tuple[AuditSeal, AuditEvent | None]]:
    """Every seal in position order, with its row (None when the row is gone)."""
    after = 0
    while True:
        chunk = list(AuditSeal.objects.filter(position__gt=after).order_by("position")[:chunk_size])
        if not chunk:
            return
        events = AuditEvent.objects.in_bulk([seal.event_id for seal in chunk])
        for seal in chunk:
            yield seal, events.get(seal.event_id)
        after = chunk[-1].position


def _sealed_elsewhere(key: bytes, values: dict[str, Any], position: int) -> tuple[AuditSeal, bool] | None:
    """A nearby seal that these contents match: (the seal, whether under that seal's row id)."""
    nearby = AuditSeal.objects.filter(
        position__gte=position - REORDER_WINDOW, position__lte=position + REORDER_WINDOW
    ).exclude(position=position)
    for other in nearby.iterator(chunk_size=CHUNK_SIZE):
        for renamed in (False, True):
            candidate = {**values, "id": other.event_id} if renamed else values
            if seal_mac(key, position=other.position, prev_mac=other.prev_mac, values=candidate) == other.mac:
                return other, renamed
    return None


def _next_row(position: int) -> str:
    following = AuditSeal.objects.filter(position__gt=position).order_by("position").first()
    return f", before row {following.event_id}" if following is not None else " (the last one sealed)"


def _walk(found: list[checkpoints.Checkpoint], chunk_size: int) -> tuple[int, int | None]:
    key = audit_keys().seal
    by_position: dict[int, list[checkpoints.Checkpoint]] = {}
    for cp in found:
        by_position.setdefault(cp.position, []).append(cp)
    expected = 1
    prev_mac = GENESIS_MAC
    last_row: int | None = None
    for seal, event in _seals(chunk_size):
        after = f"row {last_row}" if last_row is not None else "the start of the chain"
        if seal.position != expected:
            span = (
                f"position {expected}"
                if expected == seal.position - 1
                else f"positions {expected}-{seal.position - 1}"
            )
            raise _fail(
                seal.event_id,
                "missing",
                f"row {seal.event_id}: the seal(s) at {span} missing before it, after {after} "
                f"(rows deleted with their seals)",
            )
        if seal.prev_mac != prev_mac:
            raise _fail(
                seal.event_id,
                "out_of_order",
                f"row {seal.event_id}: out of order or replaced (its seal at position {seal.position} "
                f"does not follow the seal of {after})",
            )
        if event is None:
            raise _fail(
                seal.event_id,
                "missing",
                f"row {seal.event_id}: missing (deleted); it was sealed at position {seal.position}, "
                f"after {after}{_next_row(seal.position)}",
            )
        values = row_values(event)
        if seal_mac(key, position=seal.position, prev_mac=seal.prev_mac, values=values) != seal.mac:
            elsewhere = _sealed_elsewhere(key, values, seal.position)
            if elsewhere is not None:
                other, renamed = elsewhere
                how = (
                    f"it holds the contents sealed as row {other.event_id} at position {other.position} "
                    f"(rows swapped)"
                    if renamed
                    else f"it was sealed at position {other.position}, not {seal.position}"
                )
                raise _fail(event.id, "out_of_order", f"row {event.id}: out of order: {how}")
            raise _fail(
                event.id,
                "edited",
                f"row {event.id}: edited (its contents do not match its seal at position {seal.position}, "
                f"or the seal was rewritten without the key)",
            )
        for cp in by_position.get(seal.position, []):
            if cp.mac != seal.mac or cp.event_id != seal.event_id:
                raise _fail(
                    seal.event_id,
                    "rewritten",
                    f"row {seal.event_id}: the chain was rewritten: position {seal.position} differs from "
                    f"the checkpoint of {cp.at}, which saw row {cp.event_id} there",
                )
        prev_mac = seal.mac
        last_row = seal.event_id
        expected += 1
    return expected - 1, last_row


def verify_chain(chunk_size: int = CHUNK_SIZE, now: dt.datetime | None = None) -> Result:
    """Walk the checkpoints, then the chain; the first problem found, or none."""
    try:
        found = _checked_checkpoints()
        end, last_row = _walk(found, chunk_size)
        furthest = max(found, key=lambda cp: cp.position, default=None)
        if furthest is not None and furthest.position > end:
            gone = (
                f"position {furthest.position}"
                if furthest.position == end + 1
                else f"positions {end + 1}-{furthest.position}"
            )
            ends = f"at position {end} (row {last_row})" if last_row is not None else "before it starts"
            raise _fail(
                furthest.event_id,
                "truncated",
                f"row {furthest.event_id}: missing (deleted at the end): the checkpoint of {furthest.at} "
                f"covers {furthest.rows} rows up to row {furthest.event_id}, but the chain ends {ends}; "
                f"the rows at {gone} are gone",
            )
        grace = settings.AUDIT_SEAL_GRACE_SECONDS
        cutoff = (now or timezone.now()) - dt.timedelta(seconds=grace)
        waiting = AuditEvent.objects.filter(unsealed())
        stalled = waiting.filter(at__lt=cutoff)
        oldest = stalled.order_by("id").values_list("id", flat=True).first()
        if oldest is not None:
            raise _fail(
                oldest,
                "stalled",
                f"row {oldest}: not sealed {grace} seconds after it was written ({stalled.count()} such "
                f"rows): the sequencer has stalled, or rows were slipped in behind it "
                f"(`continuum audit seal --all` seals them)",
            )
    except _Found as problem:
        return Result(0, 0, 0, problem.problem)
    return Result(end, len(found), waiting.count(), None)
