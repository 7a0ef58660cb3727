"""Optimistic locking: the one way to write a record people edit (SECURITY.md 19).

Every record people edit carries a `version` (continuum.core.models.Versioned). A form, an API
body or a command sends back the version the editor started from; the action that writes passes
it here as `expected_version`, and the write happens only if the row still has that version,
moving it on by one. Otherwise `StaleEdit` is raised: nothing is saved, and the page shows the
form again with what someone else changed meanwhile.

Two ways to make the checked write, both inside the caller's transaction:

- `locked(queryset, pk, expected_version)` locks the row (SELECT ... FOR UPDATE), compares and
  returns it; the action then changes it and saves it with `save_new_version(row, fields)`;
- `update_if_version(queryset, pk, expected_version, **changes)` is one conditional UPDATE that
  moves the version on; of two editors saving at the same moment with the same version, one wins.

`check_version(row, expected_version)` is the comparison alone, for a row the action has locked
itself (to refuse, say, "closed already" before "stale"). `VersionField` and `parse_version` read
the version from a form or a JSON body: a whole number from 1 up, required.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from continuum.core.validation import WholeNumberField, check_whole_number

# The largest value a version column holds on every database (a PostgreSQL integer).
VERSION_MAX = 2**31 - 1
STALE_MESSAGE = _("This record was changed by someone else after you opened it. Nothing was saved.")
NO_VERSION = _("This form is missing the version of the record you opened; reload the page and try again.")

Row = TypeVar("Row", bound=models.Model)


class StaleEdit(ValidationError):
    """Someone saved the record after this editor read it: nothing was saved.

    `current` is the row as it is now; `changed` maps each field that differs from what the
    editor had seen to (what they saw, what it is now). A ValidationError, so that any caller
    that shows form errors shows this one too; views that show what differs catch it first.
    """

    def __init__(self, current: Any, changed: Mapping[str, tuple[Any, Any]] | None = None) -> None:
        super().__init__(STALE_MESSAGE, code="stale")
        self.current = current
        self.changed = dict(changed or {})


def differences(seen: Mapping[str, Any] | None, current: Any) -> dict[str, tuple[Any, Any]]:
    """{field: (what the editor saw, what it is now)} for each field of `seen` that differs.

    A related object and its primary key compare equal (the editor's form holds the key)."""
    changed: dict[str, tuple[Any, Any]] = {}
    for name, before in (seen or {}).items():
        now = getattr(current, name)
        if getattr(before, "pk", before) != getattr(now, "pk", now):
            changed[name] = (before, now)
    return changed


def seen_of(row: Any, fields: Iterable[str]) -> dict[str, Any]:
    """What an editor holding `row` (read before the lock) saw of `fields`."""
    return {name: getattr(row, name) for name in fields}


def check_version(row: Any, expected_version: int, *, seen: Mapping[str, Any] | None = None) -> None:
    """StaleEdit unless the (locked) `row` still has `expected_version`."""
    if row.version != expected_version:
        raise StaleEdit(row, differences(seen, row))


def locked(
    queryset: models.QuerySet[Row] | models.Manager[Row],
    pk: Any,
    expected_version: int,
    *,
    seen: Mapping[str, Any] | None = None,
) -> Row:
    """The row `pk` of `queryset`, locked until the transaction ends, if it still has
    `expected_version`; StaleEdit (naming what differs from `seen`) otherwise."""
    row = queryset.select_for_update().get(pk=pk)
    check_version(row, expected_version, seen=seen)
    return row


def save_new_version(row: Any, fields: Iterable[str]) -> None:
    """Save the locked row's `fields` and move its version on."""
    row.version += 1
    row.save(update_fields=[*fields, "version", "updated_at"])


def update_if_version(
    queryset: models.QuerySet[Row] | models.Manager[Row],
    pk: Any,
    expected_version: int,
    *,
    seen: Mapping[str, Any] | None = None,
    **changes: Any,
) -> Row:
    """One conditional UPDATE of row `pk` with `changes`, moving its version on, if it still has
    `expected_version`; the row as it is now, or StaleEdit naming what differs from `seen`."""
    updated = queryset.filter(pk=pk, version=expected_version).update(
        **changes, version=F("version") + 1, updated_at=timezone.now()
    )
    current = queryset.get(pk=pk)
    if updated == 0:
        raise StaleEdit(current, differences(seen, current))
    return current


def stale_summary(stale: StaleEdit) -> str:
    """The stale-edit message with what differs, for a page that shows it as one line."""
    parts = [
        _("%(field)s: %(before)s → %(now)s")
        % {"field": name.removesuffix("_id").replace("_", " "), "before": _shown(before), "now": _shown(now)}
        for name, (before, now) in stale.changed.items()
    ]
    return " ".join([str(STALE_MESSAGE), *parts])


def _shown(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


# --- reading the version from a form or a JSON body ---------------------------------------------


def parse_version(value: Any) -> int:
    """The version sent by a form (text) or a JSON body (a number): a whole number from 1 up,
    required; anything else is a ValidationError, never a database error."""
    if value is None or value == "":
        raise ValidationError(NO_VERSION, code="required")
    if isinstance(value, str):
        text = value.strip()
        if not text.isascii() or not text.isdigit() or len(text) > len(str(VERSION_MAX)):
            raise ValidationError(NO_VERSION, code="invalid")
        value = int(text)
    try:
        return check_whole_number(value, minimum=1, maximum=VERSION_MAX)
    except ValidationError:
        raise ValidationError(NO_VERSION, code="invalid") from None


class VersionField(WholeNumberField):
    """The hidden field of every edit form: the version of the record the editor opened."""

    widget = forms.HiddenInput
    default_error_messages = {"required": NO_VERSION, "invalid": NO_VERSION}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", VERSION_MAX)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        return parse_version(value)
