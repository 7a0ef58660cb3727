"""Strict input: the fields every form uses and the checks every action repeats (SECURITY.md 22).

Bad input is a clear error in the user's language and is never stored:

- text must be a string (a list, a number or true/false sent as text in JSON is refused, never
  kept as its Python repr), has a bounded length, and carries no control characters other than
  newline, carriage return and tab, no bidirectional overrides or isolates (U+202A to U+202E,
  U+2066 to U+2069: they make a page show text other than what is stored) and no lone surrogates
  (they cannot be encoded, so the database and the encryption refuse them);
- dates and datetimes lie within bounds per field (1900 to 2100 unless the field says otherwise),
  so no stored value can make a page fail when it is shown in local time;
- whole numbers are numbers (true/false is not 1/0), ids that are not numbers are a form error;
- a JSON body is bounded in size and depth (`parse_json_body`).

The form fields call the same functions the actions call (`check_text`, `check_date`,
`check_datetime`), so a page, the API, an import and a job get the same answer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Control characters (C0 but newline, carriage return and tab; DEL; C1), bidirectional
# embeddings, overrides and isolates, and surrogates (only lone ones can reach a Python str).
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# How far ahead of this server's clock another system's "now" may be.
CLOCK_SKEW = dt.timedelta(minutes=5)
TEXT_MAX = 10_000
JSON_MAX_BYTES = 64 * 1024
JSON_MAX_DEPTH = 8

NOT_TEXT = _("Enter text, not a list, a number or a true/false value.")
BAD_CHARACTERS = _(
    "This text contains characters that are not accepted (control characters, "
    "text-direction overrides or broken characters)."
)
DATE_TOO_EARLY = _("The date cannot be before %(day)s.")
DATE_TOO_LATE = _("The date cannot be after %(day)s.")
NOT_A_NUMBER = _("Enter a whole number.")
NOT_A_CHOICE = _("Choose one of the options offered.")
PLACES_ABOVE_CAPACITY = _("Places taken cannot be more than the places there are.")

Bound = dt.date | Callable[[], dt.date] | None
MomentBound = dt.datetime | Callable[[], dt.datetime] | None


def today() -> dt.date:
    return timezone.localdate()


def soon() -> dt.datetime:
    """Now, allowing for another system's clock running a little ahead."""
    return timezone.now() + CLOCK_SKEW


def _resolve(bound: Any) -> Any:
    return bound() if callable(bound) else bound


# --- the checks (forms and actions alike) -----------------------------------------------------


def check_text(value: Any, *, max_length: int | None = TEXT_MAX, field: str | None = None) -> str:
    """`value` if it is acceptable text, else ValidationError (keyed by `field` when given)."""

    def refuse(message: Any, code: str, params: dict[str, Any] | None = None) -> ValidationError:
        error = ValidationError(message, code=code, params=params)
        return ValidationError({field: error}) if field else error

    if not isinstance(value, str):
        raise refuse(NOT_TEXT, "type")
    if FORBIDDEN_CHARACTERS.search(value):
        raise refuse(BAD_CHARACTERS, "characters")
    if max_length is not None and len(value) > max_length:
        raise refuse(
            _("Use at most %(limit)d characters (this has %(length)d)."),
            "max_length",
            {"limit": max_length, "length": len(value)},
        )
    return value


def check_date(
    value: dt.date | None,
    *,
    earliest: Bound = EARLIEST_DATE,
    latest: Bound = LATEST_DATE,
    field: str | None = None,
) -> dt.date | None:
    """`value` if it is None or a date within the bounds, else ValidationError."""
    if value is None:
        return None
    day = value.date() if isinstance(value, dt.datetime) else value
    if not isinstance(day, dt.date):
        error = ValidationError(_("Enter a valid date."), code="invalid")
        raise ValidationError({field: error}) if field else error
    low, high = _resolve(earliest), _resolve(latest)
    problem = None
    if low is not None and day < low:
        problem = ValidationError(DATE_TOO_EARLY, code="too_early", params={"day": low.isoformat()})
    elif high is not None and day > high:
        problem = ValidationError(DATE_TOO_LATE, code="too_late", params={"day": high.isoformat()})
    if problem is not None:
        raise ValidationError({field: problem}) if field else problem
    return value


def check_datetime(
    value: dt.datetime | None,
    *,
    earliest: MomentBound = None,
    latest: MomentBound = None,
    field: str | None = None,
) -> dt.datetime | None:
    """`value` if it is None or a time within 1900 to 2100 and the given moments, else ValidationError.

    The calendar bounds are checked on the value's own date first, so that no comparison (which
    converts to UTC) can overflow on a year-1 or year-9999 value."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        error = ValidationError(_("Enter a valid date and time."), code="invalid")
        raise ValidationError({field: error}) if field else error
    check_date(value.date(), field=field)
    low, high = _resolve(earliest), _resolve(latest)
    problem = None

    def local(moment: dt.datetime) -> dt.datetime:
        return timezone.localtime(moment) if timezone.is_aware(moment) else moment

    if low is not None and value < low:
        problem = ValidationError(
            _("The time cannot be before %(moment)s."),
            code="too_early",
            params={"moment": local(low).strftime("%Y-%m-%d %H:%M")},
        )
    elif high is not None and value > high:
        problem = ValidationError(
            _("The time cannot be after %(moment)s."),
            code="too_late",
            params={"moment": local(high).strftime("%Y-%m-%d %H:%M")},
        )
    if problem is not None:
        raise ValidationError({field: problem}) if field else problem
    return value


def check_whole_number(
    value: Any, *, minimum: int | None = None, maximum: int | None = None, field: str | None = None
) -> int:
    """`value` if it is an int (not a bool) within the bounds, else ValidationError."""
    problem = None
    if isinstance(value, bool) or not isinstance(value, int):
        problem = ValidationError(NOT_A_NUMBER, code="invalid")
    elif minimum is not None and value < minimum:
        problem = ValidationError(
            _("The number cannot be below %(limit)d."), code="min_value", params={"limit": minimum}
        )
    elif maximum is not None and value > maximum:
        problem = ValidationError(
            _("The number cannot be above %(limit)d."), code="max_value", params={"limit": maximum}
        )
    if problem is not None:
        raise ValidationError({field: problem}) if field else problem
    return int(value)


def parse_id(value: Any) -> int | None:
    """A database id from a form value: a positive whole number, or None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        number = int(value)
        return number if number > 0 else None
    return None


# --- JSON bodies -----------------------------------------------------------------------------


class BadJson(ValueError):
    """A JSON body that is refused, with a message for the client."""


def _depth(text: str) -> int:
    """The deepest nesting of arrays and objects in `text` (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise BadJson(f"{name} is not a JSON number.")


def parse_json_body(body: bytes, *, max_bytes: int = JSON_MAX_BYTES, max_depth: int = JSON_MAX_DEPTH) -> Any:
    """The JSON value of a request body, or BadJson: too large, too deep, not UTF-8, not JSON,
    or NaN/Infinity (which JSON does not have)."""
    if len(body) > max_bytes:
        raise BadJson(f"The body is larger than {max_bytes} bytes.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadJson("The body must be UTF-8 JSON.") from None
    if _depth(text) > max_depth:
        raise BadJson(f"The JSON is nested deeper than {max_depth} levels.")
    try:
        return json.loads(text or "null", parse_constant=_refuse_constant)
    except BadJson:
        raise
    except (ValueError, RecursionError):
        raise BadJson("The body must be JSON.") from None


# --- form fields -----------------------------------------------------------------------------


class TextField(forms.CharField):
    """A CharField that accepts only acceptable text (see `check_text`) and always has a limit."""

    def __init__(self, *, max_length: int = TEXT_MAX, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value: Any) -> str:
        if value not in self.empty_values and not isinstance(value, str):
            raise ValidationError(NOT_TEXT, code="type")
        text: str = super().to_python(value) or ""
        if FORBIDDEN_CHARACTERS.search(text):
            raise ValidationError(BAD_CHARACTERS, code="characters")
        return text


class StrictEmailField(forms.EmailField):
    def to_python(self, value: Any) -> str:
        if value not in self.empty_values and not isinstance(value, str):
            raise ValidationError(NOT_TEXT, code="type")
        text: str = super().to_python(value) or ""
        if FORBIDDEN_CHARACTERS.search(text):
            raise ValidationError(BAD_CHARACTERS, code="characters")
        return text


class WholeNumberField(forms.IntegerField):
    """An IntegerField that refuses true/false (Python counts them as 1 and 0)."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, bool | list | dict):
            raise ValidationError(NOT_A_NUMBER, code="invalid")
        number: int | None = super().to_python(value)
        return number


class BoundedDateField(forms.DateField):
    """A date between `earliest` and `latest` (dates or callables such as `today`)."""

    def __init__(
        self, *, earliest: Bound = EARLIEST_DATE, latest: Bound = LATEST_DATE, **kwargs: Any
    ) -> None:
        self.earliest, self.latest = earliest, latest
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if value not in self.empty_values and not isinstance(value, str | dt.date):
            raise ValidationError(_("Enter a valid date."), code="invalid")
        day: dt.date | None = super().to_python(value)
        return check_date(day, earliest=self.earliest, latest=self.latest)


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time within 1900 to 2100 and between `earliest` and `latest` (moments or callables
    such as `soon`). The calendar bounds are checked on the date as written, before any
    comparison in UTC."""

    def __init__(self, *, earliest: MomentBound = None, latest: MomentBound = None, **kwargs: Any) -> None:
        self.earliest, self.latest = earliest, latest
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.datetime | None:
        if value not in self.empty_values and not isinstance(value, str | dt.datetime):
            raise ValidationError(_("Enter a valid date and time."), code="invalid")
        try:
            moment: dt.datetime | None = super().to_python(value)
        except (OverflowError, ValueError):  # a time zone step off the end of the calendar
            raise ValidationError(_("Enter a valid date and time."), code="invalid") from None
        return check_datetime(moment, earliest=self.earliest, latest=self.latest)


class StrictChoiceField(forms.ChoiceField):
    """A ChoiceField that refuses a list, a boolean or a fraction instead of turning it into text."""

    def to_python(self, value: Any) -> str:
        if isinstance(value, bool | float | list | tuple | dict):
            raise ValidationError(NOT_A_CHOICE, code="invalid_choice")
        text: str = super().to_python(value)
        return text


class StrictMultipleChoiceField(forms.MultipleChoiceField):
    """A MultipleChoiceField whose every value must be a string."""

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple) and not all(isinstance(item, str) for item in value):
            raise ValidationError(NOT_A_CHOICE, code="invalid_choice")
        values: list[str] = super().to_python(value)
        return values


def check_moments(**values: dt.date | dt.datetime | None) -> None:
    """Each date or datetime argument within 1900 to 2100, else ValidationError keyed by its name.

    For actions: whatever their caller (a form, the API, an import, a job), no stored date can
    make a page fail."""
    errors: dict[str, Any] = {}
    for name, value in values.items():
        try:
            if isinstance(value, dt.datetime):
                check_datetime(value)
            else:
                check_date(value)
        except ValidationError as error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)


class ListedChoices(forms.models.ModelChoiceIterator):
    """A model choice list read with one plain query. Django's iterator reads it through
    `QuerySet.iterator()`, a server-side cursor on PostgreSQL (DECLARE ... WITH HOLD, FETCH, CLOSE:
    three round trips, and the rows kept past the transaction) for what is a handful of rows here
    (regions, agencies, the people of one case)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class StrictModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ModelChoiceField for which an id too large for the database is an unknown choice."""

    iterator = ListedChoices

    def to_python(self, value: Any) -> Any:
        if isinstance(value, bool | float | list | tuple | dict):
            raise ValidationError(NOT_A_CHOICE, code="invalid_choice")
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(NOT_A_CHOICE, code="invalid_choice") from None


class StrictModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """A ModelMultipleChoiceField for which an id too large for the database is an unknown choice."""

    iterator = ListedChoices

    def _check_values(self, value: Any) -> Any:
        try:
            return super()._check_values(value)  # type: ignore[misc]
        except OverflowError:
            raise ValidationError(NOT_A_CHOICE, code="invalid_choice") from None
