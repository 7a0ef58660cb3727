"""`date` and `time` filters that show any stored datetime, even one local time cannot express.

Django converts an aware datetime to local time before its `date` and `time` filters see it, and
that conversion overflows at the ends of the calendar (a year-1 UTC time is year 0 in New York).
One such value, stored before input was bounded or by a bug, would make every page that lists it
a 500. These filters replace Django's (the library is a template builtin, see settings.TEMPLATES):
they convert themselves and, where local time cannot express the value, show it in UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.template import defaultfilters
from django.utils import timezone

register = template.Library()


def shown_moment(value: Any) -> Any:
    """`value` in local time when it is an aware datetime local time can express, else as it is."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        try:
            return timezone.localtime(value)
        except (OverflowError, ValueError):
            return value.astimezone(dt.UTC) if value.utcoffset() is not None else value
    return value


def _numeric(value: Any, arg: str | None) -> str | None:
    """The two numeric formats the lists use ("Y-m-d", "Y-m-d H:i"), written directly: they name
    no month, day or locale, and Django's formatter costs a list page one look-up of the
    language's formats per cell. None for any other format or value (Django's filter then)."""
    if arg == "Y-m-d" and isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if arg == "Y-m-d H:i" and isinstance(value, dt.datetime):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"
    return None


@register.filter(expects_localtime=False, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """Django's `date` filter, safe for any datetime."""
    try:
        moment = shown_moment(value)
        fast = _numeric(moment, arg)
        if fast is not None:
            return fast
        shown: str = defaultfilters.date(moment, arg)
        return shown
    except (OverflowError, ValueError):
        return value.isoformat() if isinstance(value, dt.date) else ""


@register.filter(expects_localtime=False, is_safe=False)
def time(value: Any, arg: str | None = None) -> str:
    """Django's `time` filter, safe for any datetime."""
    try:
        shown: str = defaultfilters.time(shown_moment(value), arg)
        return shown
    except (OverflowError, ValueError):
        return value.isoformat() if isinstance(value, dt.date | dt.time) else ""
