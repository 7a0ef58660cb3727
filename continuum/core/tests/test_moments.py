"""The `date` filter's numeric formats, written directly, say what Django's filter says: for dates
and datetimes, aware (in local time) or naive, at the ends of the calendar too."""

import datetime as dt

import pytest
from django.template import defaultfilters
from django.utils import timezone

from continuum.core.templatetags import moments

VALUES = [
    dt.date(2026, 3, 7),
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.datetime(2026, 3, 7, 4, 5, 6),
    dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC),  # the day summer time ends in New York
    dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
    dt.datetime(9999, 12, 30, 12, 0, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("arg", ["Y-m-d", "Y-m-d H:i"])
def test_the_numeric_formats_match_djangos_date_filter(value, arg):
    if arg.endswith("H:i") and not isinstance(value, dt.datetime):
        pytest.skip("a date has no time of day")
    expected = defaultfilters.date(moments.shown_moment(value), arg)
    assert moments.date(value, arg) == expected


def test_an_aware_moment_is_shown_in_local_time():
    moment = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    local = timezone.localtime(moment)
    assert moments.date(moment, "Y-m-d H:i") == local.strftime("%Y-%m-%d %H:%M")


def test_other_formats_are_djangos():
    value = dt.date(2026, 3, 7)
    assert moments.date(value, "j F Y") == defaultfilters.date(value, "j F Y")
