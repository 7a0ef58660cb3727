"""Signed checkpoints of the audit chain, kept outside the database.

One append-only file, `AUDIT_CHECKPOINT_DIR/audit-checkpoints.jsonl`, one JSON line per
checkpoint: the chain's last position, the id of the row sealed there, its mac, the number of
rows the chain holds then, the time, the key's fingerprint, the signature of the checkpoint
before (so a line removed from the middle of the file is found) and this line's signature, an
HMAC under the checkpoint key of continuum.audit.keys. Someone who rewrites the database cannot
move a checkpoint: a chain cut back below one, or rewritten under one, no longer matches it.

In production the directory belongs on other storage than the database (another volume, a
write-once bucket, a log shipper's spool): the checkpoints are worth what their storage is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from continuum.audit.chain import canonical
from continuum.audit.keys import audit_keys

FILE_NAME = "audit-checkpoints.jsonl"
VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    position: int  # the chain's last position (0: an empty chain)
    event_id: int | None  # the row sealed there
    mac: str  # its mac (GENESIS_MAC for an empty chain)
    rows: int  # the rows in the chain then (equal to position: positions have no gaps)
    at: str  # when, ISO 8601 in UTC
    key_id: str
    prev_signature: str  # the signature of the checkpoint before in the file ("" for the first)

    def signed_part(self) -> dict[str, Any]:
        return {"v": VERSION, **asdict(self)}


@dataclass(frozen=True)
class StoredCheckpoint:
    line: int  # 1-based line number in the file
    checkpoint: Checkpoint | None  # None when the line cannot be parsed
    signature: str
    valid: bool  # the signature matches the line under the configured key


class CheckpointFileError(Exception):
    pass


def directory() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def path() -> Path:
    return directory() / FILE_NAME


def sign(checkpoint: Checkpoint) -> str:
    return hmac.new(audit_keys().checkpoint, canonical(checkpoint.signed_part()), hashlib.sha256).hexdigest()


def _parse(number: int, text: str) -> StoredCheckpoint:
    try:
        raw = json.loads(text)
        signature = raw.pop("signature")
        if raw.pop("v") != VERSION:
            raise ValueError("unknown version")
        checkpoint = Checkpoint(**raw)
        if not isinstance(checkpoint.position, int) or not isinstance(signature, str):
            raise ValueError("bad types")
    except (ValueError, TypeError, KeyError, AttributeError):
        return StoredCheckpoint(number, None, "", False)
    valid = hmac.compare_digest(sign(checkpoint), signature)
    return StoredCheckpoint(number, checkpoint, signature, valid)


def read_all() -> list[StoredCheckpoint]:
    """Every checkpoint in the file, in the order written (an empty list when there is no file)."""
    try:
        text = path().read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [_parse(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]


@contextlib.contextmanager
def _locked_file() -> Iterator[int]:
    directory().mkdir(parents=True, exist_ok=True)
    fd = os.open(path(), os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


def _last_signature() -> str:
    """The signature of the file's last line (read under the file lock), "" for an empty file."""
    try:
        lines = [line for line in path().read_text(encoding="utf-8").splitlines() if line.strip()]
    except FileNotFoundError:
        return ""
    return _parse(len(lines), lines[-1]).signature if lines else ""


def append(*, position: int, event_id: int | None, mac: str, at: dt.datetime | None = None) -> Checkpoint:
    """Sign one checkpoint and append it to the file (flushed to disk before returning)."""
    moment = (at or timezone.now()).astimezone(dt.UTC).isoformat()
    with _locked_file() as fd:
        checkpoint = Checkpoint(
            position=position,
            event_id=event_id,
            mac=mac,
            rows=position,
            at=moment,
            key_id=audit_keys().key_id,
            prev_signature=_last_signature(),
        )
        line = json.dumps({**checkpoint.signed_part(), "signature": sign(checkpoint)}, sort_keys=True)
        os.write(fd, (line + "\n").encode("ascii"))
        os.fsync(fd)
    return checkpoint


def archive() -> Path | None:
    """Move the checkpoint file aside (a demo database erased by `continuum synth --reset` starts
    a new chain, which the old checkpoints would rightly call truncated). The new name, or None."""
    current = path()
    if not current.exists():
        return None
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = current.with_name(f"{FILE_NAME}.{stamp}.archived")
    os.replace(current, target)
    return target
