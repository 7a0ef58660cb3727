"""The sequencer: seals appended audit rows into the keyed chain, and writes signed checkpoints.

`record()` only inserts rows; this module gives them their place in the chain. It is plain
functions, safe to run at the same moment in several processes: each run locks the sequencer's
own row (`AuditSequencer`, id=1, SELECT ... FOR UPDATE), which no request ever touches.

- `seal()` takes the rows that have no seal yet, in id order, and appends one `AuditSeal` each at
  the next position. A row that committed after a later id was already sealed (ids come from a
  sequence; row 10 can commit before row 9) is simply sealed at the next position when it is seen.
- `checkpoint()` seals up to now and appends one signed checkpoint of the chain's end to the file
  outside the database (continuum.audit.checkpoints).
- `seal_and_checkpoint()` is the periodic job: register it to run every few minutes.

Which rows a run looks at: every row above the sequencer's horizon, a row id below which all
rows were sealed and were older than the grace period (AUDIT_SEAL_GRACE_SECONDS) at the last run.
A row that commits more than the grace period after it was written (an impossibly long request)
is therefore below the horizon and not picked up; `continuum audit verify` reports it (it reads
every row), and `seal(everything=True)` (`continuum audit seal --all`) seals it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from continuum.audit import checkpoints
from continuum.audit.chain import row_values, seal_mac
from continuum.audit.keys import audit_keys
from continuum.audit.models import GENESIS_MAC, AuditEvent, AuditSeal, AuditSequencer

BATCH_SIZE = 1000


@dataclass(frozen=True)
class SealRun:
    sealed: int  # rows sealed by this run
    position: int  # the chain's last position after it


def _lock_state() -> AuditSequencer:
    """The sequencer's row, locked until the end of the caller's transaction."""
    state = AuditSequencer.objects.select_for_update().filter(id=1).first()
    if state is not None:
        return state
    try:
        with transaction.atomic():
            AuditSequencer.objects.create(id=1)
    except IntegrityError:  # another sequencer made it first
        pass
    return AuditSequencer.objects.select_for_update().get(id=1)


def _chain_end() -> tuple[int, str]:
    last = AuditSeal.objects.order_by("-position").values_list("position", "mac").first()
    return last if last is not None else (0, GENESIS_MAC)


def unsealed() -> Any:
    """A filter of AuditEvent to the rows that have no seal yet (NOT EXISTS, on the unique index)."""
    return ~Exists(AuditSeal.objects.filter(event_id=OuterRef("id")))


def _seal_batch(
    *, everything: bool, after: int, batch_size: int, now: dt.datetime
) -> tuple[int, int, int | None]:
    """One transaction: (rows sealed, last position, the last id sealed when rows may remain).

    `after`: the last id of the run's previous full batch (0 at first), so that a long backlog is
    read once, not again from the horizon for every batch. A row below it that commits in between
    is an old row committing late (its id was taken before rows already sealed): the next run
    seals it, as long as it is above the horizon."""
    key = audit_keys().seal
    with transaction.atomic():
        state = _lock_state()
        position, prev_mac = _chain_end()
        lower = max(after, 0 if everything else state.horizon_id)
        batch = list(AuditEvent.objects.filter(unsealed(), id__gt=lower).order_by("id")[:batch_size])
        seals = []
        for event in batch:
            position += 1
            mac = seal_mac(key, position=position, prev_mac=prev_mac, values=row_values(event))
            seals.append(
                AuditSeal(position=position, event_id=event.id, prev_mac=prev_mac, mac=mac, sealed_at=now)
            )
            prev_mac = mac
        AuditSeal.objects.bulk_create(seals)
        more = len(batch) == batch_size
        # Every row above the old horizon that this transaction can see is now sealed, up to the
        # last one of a full batch. Move the horizon only past rows older than the grace period:
        # a transaction still open with a lower id would be older still.
        cutoff = now - dt.timedelta(seconds=settings.AUDIT_SEAL_GRACE_SECONDS)
        settled = AuditEvent.objects.filter(id__gt=state.horizon_id, at__lt=cutoff)
        if more:
            settled = settled.filter(id__lte=batch[-1].id)
        newest_settled = settled.aggregate(newest=Max("id"))["newest"]
        if newest_settled is not None and newest_settled > state.horizon_id:
            state.horizon_id = newest_settled
        state.ran_at = now
        state.save(update_fields=["horizon_id", "ran_at"])
    return len(batch), position, batch[-1].id if more else None


def seal(*, everything: bool = False, batch_size: int = BATCH_SIZE) -> SealRun:
    """Seal every audit row that has no seal yet, in id order, `batch_size` rows a transaction.

    `everything`: look at every row, not only those above the horizon (slower: a full scan).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    total = 0
    after = 0
    while True:
        sealed, position, last_id = _seal_batch(
            everything=everything, after=after, batch_size=batch_size, now=timezone.now()
        )
        total += sealed
        if last_id is None:
            return SealRun(total, position)
        after = last_id


def checkpoint() -> checkpoints.Checkpoint:
    """Seal up to now, then append one signed checkpoint of the chain's end (outside the database)."""
    seal()
    with transaction.atomic():
        _lock_state()  # no seal lands between reading the end and writing the checkpoint
        position, mac = _chain_end()
        event_id = (
            AuditSeal.objects.filter(position=position).values_list("event_id", flat=True).first()
            if position
            else None
        )
        return checkpoints.append(position=position, event_id=event_id, mac=mac)


def seal_and_checkpoint() -> checkpoints.Checkpoint:
    """The periodic job ("seal and checkpoint every few minutes"): what `continuum audit checkpoint`
    does. Safe to run in several workers at once; a run that fails leaves nothing half-done
    (each batch of seals commits whole, and a checkpoint is one appended line)."""
    return checkpoint()
