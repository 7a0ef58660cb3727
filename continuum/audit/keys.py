"""The audit chain's key, kept outside the database (SECURITY.md 13).

The sequencer seals each audit row with HMAC-SHA256 under this key, and each checkpoint is signed
with it, so someone who can write to the database but does not hold the key cannot recompute a
valid chain. Where the key comes from, in order (the pattern of continuum/core/crypto.py):

- `AUDIT_KEY`: the key itself (at least 32 characters; 64 hex digits from `openssl rand -hex 32`);
- `AUDIT_KEY_FILE`: a file holding it (`#` lines ignored);
- neither, in development and the demo: `var/audit-key`, created with a new random key (0600);
- neither, in production: the start stops (`AuditConfig.ready` calls `check_key`).

`settings.AUDIT_KEY_FILE` is the key file in use (None when the key comes from `AUDIT_KEY`, or in
production when none is configured). The key is read once and cached; `reset_key()` forgets it.

Three keys are derived from the one configured, so that a value made for one purpose can never be
passed off as another: one seals rows, one signs checkpoints, one names the key (`key_id`, a short
fingerprint written into every checkpoint so that `verify` can say "signed with another key").
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ENV_KEY = "AUDIT_KEY"
ENV_KEY_FILE = "AUDIT_KEY_FILE"
DEFAULT_KEY_FILE_NAME = "audit-key"
MINIMUM_LENGTH = 32
_KEY_FILE_HEADER = (
    "# Continuum audit chain key (HMAC-SHA256). Keep it secret, outside the database and apart\n"
    "# from its backups: whoever holds it can reseal the audit chain.\n"
)


@dataclass(frozen=True)
class AuditKeys:
    seal: bytes  # HMAC key of the row seals
    checkpoint: bytes  # HMAC key of the checkpoint signatures
    key_id: str  # 16 hex digits naming the configured key; not secret


def _derive(master: bytes, purpose: str) -> bytes:
    return hmac.new(master, f"continuum-audit:{purpose}:v1".encode("ascii"), hashlib.sha256).digest()


def _parse(text: str, where: str) -> bytes:
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    if len(lines) != 1:
        raise ImproperlyConfigured(f"{where} must hold exactly one audit key.")
    if len(lines[0]) < MINIMUM_LENGTH:
        # Never the key itself in a message: only where it is.
        raise ImproperlyConfigured(f"{where}: the audit key must be at least {MINIMUM_LENGTH} characters.")
    return lines[0].encode("utf-8")


def _default_key_file() -> Path:
    return Path(settings.VAR_DIR) / DEFAULT_KEY_FILE_NAME


def _write_new_file(path: Path, text: str) -> None:
    """Create `path` with `text` (mode 0600) unless it exists; never leaves a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def key_source() -> Path | None:
    """The key file in use, or None when the key comes from AUDIT_KEY."""
    if os.environ.get(ENV_KEY, "").strip():
        if os.environ.get(ENV_KEY_FILE, "").strip():
            raise ImproperlyConfigured(f"Set either {ENV_KEY} or {ENV_KEY_FILE}, not both.")
        return None
    path: Path | None = getattr(settings, "AUDIT_KEY_FILE", None)
    if path is None:
        raise ImproperlyConfigured(
            f"No audit chain key: set {ENV_KEY} (at least {MINIMUM_LENGTH} characters) or "
            f"{ENV_KEY_FILE} (a file holding it). Production never makes up a key."
        )
    return Path(path)


@functools.cache
def audit_keys() -> AuditKeys:
    source = key_source()
    if source is None:
        master = _parse(os.environ[ENV_KEY], ENV_KEY)
    else:
        if not source.exists() and not settings.PRODUCTION and source == _default_key_file():
            _write_new_file(source, _KEY_FILE_HEADER + secrets.token_hex(32) + "\n")
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ImproperlyConfigured(f"The audit key file {source} cannot be read: {exc}") from exc
        master = _parse(text, f"The audit key file {source}")
    return AuditKeys(
        seal=_derive(master, "seal"),
        checkpoint=_derive(master, "checkpoint"),
        key_id=_derive(master, "key-id").hex()[:16],
    )


def reset_key() -> None:
    """Forget the cached key (tests, and after the key file was replaced)."""
    audit_keys.cache_clear()


def check_key() -> None:
    """Load the key now, so that a missing or bad key stops the start instead of the first seal."""
    audit_keys()
