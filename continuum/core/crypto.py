"""Field encryption in the application, with keys kept outside the database (SECURITY.md 14).

The most sensitive fields (where a person can be found now, immigration status, health) are
stored as Fernet tokens behind a version prefix: `enc:v1:<token>`. A database dump, a replica
or a backup therefore holds ciphertext only; the keys live in the environment or in a key file.

Where the keys come from, in order:

- `CONTINUUM_FIELD_KEYS`: comma-separated Fernet keys, newest first (the operator manages them);
- `CONTINUUM_FIELD_KEYS_FILE`: a file with one key per line, newest first, `#` lines ignored;
- neither, in development and the demo: `var/field-keys`, created with one new key (mode 0600);
- neither, in production: nothing is encrypted or decrypted (ImproperlyConfigured).

`settings.FIELD_KEYS_FILE` is the key file in use (None when the keys come from the environment
or when there are none). The keys are read lazily and cached; when the key file changes (a
rotation by `continuum keys rotate`) every process notices and reloads it, so values
re-encrypted with a new key stay readable without a restart.

Rotation: the newest key encrypts, every key decrypts (MultiFernet). `rotate()` re-encrypts
every stored value with the newest key, so the older keys can then be retired.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models, transaction
from django.db.models import lookups

PREFIX = "enc:v1:"
ENV_KEYS = "CONTINUUM_FIELD_KEYS"
ENV_KEYS_FILE = "CONTINUUM_FIELD_KEYS_FILE"
DEFAULT_KEY_FILE_NAME = "field-keys"
_KEY_FILE_HEADER = (
    "# Continuum field encryption keys, newest first: the first encrypts, every one decrypts.\n"
    "# Keep this file secret, outside the database and apart from its backups.\n"
)


class CiphertextError(ValueError):
    """A stored value is not a token this application can decrypt (no prefix, tampered, unknown key)."""


class KeySourceError(Exception):
    """The keys come from the environment, so the application cannot rewrite them."""


# --- keys ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Keyring:
    keys: tuple[str, ...]
    fernets: tuple[Fernet, ...]
    multi: MultiFernet
    source: Path | None  # None: the environment
    stamp: tuple[int, int, int] | None  # the key file's (inode, size, mtime) when it was read


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _validated(keys: list[str], where: str) -> tuple[Fernet, ...]:
    if not keys:
        raise ImproperlyConfigured(f"{where} holds no field encryption key.")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode("ascii")))
        except (ValueError, UnicodeEncodeError):
            # Never the key itself in a message: only where it is.
            raise ImproperlyConfigured(f"{where}: key {position} is not a valid Fernet key.") from None
    return tuple(fernets)


def _parse_key_file(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


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
    """The key file in use, or None when the keys come from CONTINUUM_FIELD_KEYS."""
    if os.environ.get(ENV_KEYS, "").strip():
        if os.environ.get(ENV_KEYS_FILE, "").strip():
            raise ImproperlyConfigured(f"Set either {ENV_KEYS} or {ENV_KEYS_FILE}, not both.")
        return None
    path: Path | None = getattr(settings, "FIELD_KEYS_FILE", None)
    if path is None:
        raise ImproperlyConfigured(
            f"No field encryption keys: set {ENV_KEYS} (comma-separated Fernet keys, newest first) "
            f"or {ENV_KEYS_FILE} (a file with one key per line). Production never makes up keys."
        )
    return Path(path)


@functools.cache
def _keyring() -> _Keyring:
    source = key_source()
    if source is None:
        keys = [key.strip() for key in os.environ[ENV_KEYS].split(",") if key.strip()]
        fernets = _validated(keys, ENV_KEYS)
        return _Keyring(tuple(keys), fernets, MultiFernet(list(fernets)), None, None)
    if not source.exists() and not settings.PRODUCTION and source == _default_key_file():
        _write_new_file(source, _KEY_FILE_HEADER + generate_key() + "\n")
    stamp = _stamp(source)
    try:
        text = source.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(f"The field key file {source} cannot be read: {exc}") from exc
    keys = _parse_key_file(text)
    fernets = _validated(keys, f"The field key file {source}")
    return _Keyring(tuple(keys), fernets, MultiFernet(list(fernets)), source, stamp)


def _fresh_keyring() -> _Keyring:
    """The cached keys, reloaded first when the key file has changed since they were read."""
    ring = _keyring()
    if ring.source is not None and _stamp(ring.source) != ring.stamp:
        _keyring.cache_clear()
        ring = _keyring()
    return ring


def reset_keys() -> None:
    """Forget the cached keys (tests, and after the key file was rewritten)."""
    _keyring.cache_clear()


def key_count() -> int:
    return len(_fresh_keyring().keys)


# --- values --------------------------------------------------------------------------------------


def encrypt(text: str) -> str:
    """`enc:v1:` + a Fernet token of `text` under the newest key."""
    return PREFIX + _fresh_keyring().multi.encrypt(text.encode("utf-8")).decode("ascii")


def _token(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith(PREFIX):
        # Plaintext is never read as if it had been protected.
        raise CiphertextError("The value is not an encrypted field value (no enc:v1: prefix).")
    return value[len(PREFIX) :].encode("ascii", errors="replace")


def decrypt(value: str) -> str:
    token = _token(value)
    ring = _keyring()
    try:
        return ring.multi.decrypt(token).decode("utf-8")
    except InvalidToken:
        fresh = _fresh_keyring()  # a rotation elsewhere may have added a key since we read them
        if fresh is not ring:
            with contextlib.suppress(InvalidToken):
                return fresh.multi.decrypt(token).decode("utf-8")
        raise CiphertextError("The value cannot be decrypted: tampered, or under an unknown key.") from None


def _under_newest(ring: _Keyring, token: bytes) -> bool:
    try:
        ring.fernets[0].decrypt(token)
    except InvalidToken:
        return False
    return True


# --- the model field -----------------------------------------------------------------------------


def _refuse_search(field: models.Field[Any, Any], what: str) -> FieldError:
    label = f"{field.model._meta.label}.{field.name}" if hasattr(field, "model") else field.name
    return FieldError(
        f"{label} is encrypted and cannot be searched ({what}); only isnull and equality with "
        f"the empty string are possible."
    )


class EncryptedExact(lookups.Exact):  # type: ignore[type-arg]
    """`field=""` only: any other value would be compared with ciphertext and never match."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "" or hasattr(self.rhs, "resolve_expression"):
            raise _refuse_search(self.lhs.output_field, "exact")
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as `enc:v1:<Fernet token>`, plaintext in Python. "" and None are stored as is."""

    encrypted = True
    description = "Text encrypted in the application"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value  # type: ignore[no-any-return]
        return decrypt(value)

    def to_python(self, value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return EncryptedExact
        raise _refuse_search(self, lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise _refuse_search(self, lookup_name)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.unique or getattr(self, "db_index", False) or self.primary_key:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique, indexed or a primary key: "
                    "its ciphertext differs every time.",
                    obj=self,
                    id="continuum.E101",
                )
            )
        return errors


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) of the project stored with EncryptedTextField."""
    found: list[tuple[type[models.Model], str]] = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if getattr(field, "encrypted", False):
                found.append((model, field.name))
    return found


def _by_model() -> dict[type[models.Model], list[str]]:
    grouped: dict[type[models.Model], list[str]] = {}
    for model, name in encrypted_fields():
        grouped.setdefault(model, []).append(name)
    return grouped


def _label(model: type[models.Model], name: str) -> str:
    return f"{model._meta.label}.{name}"


def _raw_batches(
    model: type[models.Model], names: list[str], batch_size: int, *, lock: bool
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows (pk, raw value per field) with a value in at least one field, `batch_size` at a time.

    The raw column is read through a plain TextField expression, so nothing is decrypted. Each
    batch is yielded inside its own transaction (rows locked on PostgreSQL when `lock`)."""
    aliases = {
        f"_raw_{name}": models.ExpressionWrapper(models.F(name), output_field=models.TextField())
        for name in names
    }
    has_value = models.Q()
    for name in names:
        has_value |= ~models.Q(**{name: ""}) & models.Q(**{f"{name}__isnull": False})
    manager = model._base_manager
    last_pk: Any = None
    while True:
        with transaction.atomic():
            queryset = manager.filter(has_value)
            if last_pk is not None:
                queryset = queryset.filter(pk__gt=last_pk)
            if lock:
                queryset = queryset.select_for_update()
            rows = list(queryset.annotate(**aliases).order_by("pk").values_list("pk", *aliases)[:batch_size])
            if not rows:
                return
            yield rows
        last_pk = rows[-1][0]


def rotate(batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every stored value with the newest key; the count of values rewritten per field.

    Values already under the newest key are left as they are, so a second run (or a run resumed
    after an interruption: each batch commits on its own) rewrites nothing twice. Writes go
    straight to the columns by primary key: no save(), no signal, no change of updated_at.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    ring = _fresh_keyring()
    counts: dict[str, int] = {}
    for model, names in _by_model().items():
        for name in names:
            counts[_label(model, name)] = 0
        manager = model._base_manager
        for rows in _raw_batches(model, names, batch_size, lock=True):
            for pk, *raws in rows:
                changes: dict[str, Any] = {}
                for name, raw in zip(names, raws, strict=True):
                    if raw is None or raw == "":
                        continue
                    try:
                        token = _token(raw)
                    except CiphertextError:
                        raise CiphertextError(
                            f"{_label(model, name)} of pk {pk} is not an encrypted value."
                        ) from None
                    if _under_newest(ring, token):
                        continue
                    try:
                        rotated = ring.multi.rotate(token)
                    except InvalidToken:
                        raise CiphertextError(
                            f"{_label(model, name)} of pk {pk} cannot be decrypted with any key."
                        ) from None
                    changes[name] = models.Value(
                        PREFIX + rotated.decode("ascii"), output_field=models.TextField()
                    )
                    counts[_label(model, name)] += 1
                if changes:
                    manager.filter(pk=pk).update(**changes)
    return counts


@dataclass
class FieldInventory:
    values: int = 0  # stored non-empty values
    newest: int = 0  # of them, readable with the newest key alone
    older: int = 0  # readable only with an older key
    unreadable: int = 0  # no prefix, tampered, or under a key not in the key list


def inventory(batch_size: int = 2000) -> dict[str, FieldInventory]:
    """Counts per field of the stored values and of the keys they are under (nothing secret)."""
    ring = _fresh_keyring()
    result: dict[str, FieldInventory] = {}
    for model, names in _by_model().items():
        tallies = [FieldInventory() for _ in names]
        for name, tally in zip(names, tallies, strict=True):
            result[_label(model, name)] = tally
        for rows in _raw_batches(model, names, batch_size, lock=False):
            for _pk, *raws in rows:
                for tally, raw in zip(tallies, raws, strict=True):
                    if raw is None or raw == "":
                        continue
                    tally.values += 1
                    try:
                        token = _token(raw)
                    except CiphertextError:
                        tally.unreadable += 1
                        continue
                    if _under_newest(ring, token):
                        tally.newest += 1
                        continue
                    try:
                        ring.multi.decrypt(token)
                    except InvalidToken:
                        tally.unreadable += 1
                    else:
                        tally.older += 1
    return result


# --- the key file: add and retire keys -----------------------------------------------------------


def write_key_file(path: Path, keys: list[str]) -> None:
    """Replace the key file atomically (mode 0600): readers see the old file or the new one."""
    _validated(keys, "The new key list")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(_KEY_FILE_HEADER + "".join(f"{key}\n" for key in keys))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


@contextlib.contextmanager
def key_file_lock() -> Iterator[Path]:
    """One key operation at a time: two rotations at once could each drop the other's new key."""
    path = key_source()
    if path is None:
        raise KeySourceError(
            f"The keys come from the environment variable {ENV_KEYS}, which this command cannot rewrite."
        )
    _keyring()  # makes the development key file when it is missing
    lock_path = path.with_name(f".{path.name}.lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KeySourceError(
                "Another key operation is running; try again when it has finished."
            ) from None
        reset_keys()  # read the file as it is now, under the lock
        yield path
    finally:
        os.close(fd)


def add_key() -> int:
    """Put a new key first in the key file; the number of keys now. Call rotate() afterwards."""
    with key_file_lock() as path:
        keys = [generate_key(), *_keyring().keys]
        write_key_file(path, keys)
        reset_keys()
    return len(keys)


class RetireRefused(Exception):
    def __init__(self, pending: dict[str, FieldInventory]) -> None:
        self.pending = pending
        summary = ", ".join(
            f"{label}: {tally.older} under an older key, {tally.unreadable} unreadable"
            for label, tally in pending.items()
        )
        super().__init__(f"Not every stored value is readable with the newest key alone ({summary}).")


def retire_keys() -> int:
    """Drop every key but the newest, after checking that it alone reads every stored value.

    Returns how many keys were dropped. Raises RetireRefused (and changes nothing) otherwise."""
    with key_file_lock() as path:
        keys = list(_keyring().keys)
        if len(keys) == 1:
            return 0
        counts = inventory()
        pending = {label: tally for label, tally in counts.items() if tally.older or tally.unreadable}
        if pending:
            raise RetireRefused(pending)
        write_key_file(path, keys[:1])
        reset_keys()
    return len(keys) - 1
