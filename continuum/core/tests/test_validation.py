"""The shared strict checks (continuum/core/validation.py) and the display of any stored datetime."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from continuum.access.testing import sign_in
from continuum.core import validation
from continuum.core.validation import (
    BadJson,
    BoundedDateTimeField,
    TextField,
    WholeNumberField,
    check_date,
    check_moments,
    check_text,
    parse_id,
    parse_json_body,
)


@pytest.mark.parametrize(
    "text",
    [
        "a\x00b",
        "a\x07b",
        "\x1b[31m",
        "a\x7fb",
        "a\x85b",
        "abc\u202edef",
        "x\u2066y\u2069",
        "\ud800",
        "\udfff",
    ],
)
def test_text_with_control_bidi_or_broken_characters_is_refused(text):
    with pytest.raises(ValidationError):
        check_text(text)
    with pytest.raises(ValidationError):
        TextField().clean(text)


def test_newlines_tabs_and_any_language_are_text():
    text = "Línea uno\r\nLigne deux\t二行目 · مرحبا"
    assert check_text(text) == text
    assert TextField().clean(text) == text


@pytest.mark.parametrize("value", [["a"], 5, 1.5, True, {"a": 1}])
def test_only_a_string_is_text(value):
    with pytest.raises(ValidationError) as refused:
        TextField().clean(value)
    assert refused.value.code == "type"


def test_text_has_a_limit_always():
    assert TextField().max_length == validation.TEXT_MAX
    with pytest.raises(ValidationError):
        check_text("x" * 101, max_length=100)


@pytest.mark.parametrize("value", [True, False, [1], "abc", "1.5"])
def test_a_whole_number_is_a_number(value):
    with pytest.raises(ValidationError):
        WholeNumberField().clean(value)


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_dates_outside_1900_to_2100_are_refused(value):
    with pytest.raises(ValidationError):
        validation.BoundedDateField().clean(value)


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01T00:00:00Z", "2300-01-01 10:00"]
)
def test_datetimes_at_the_ends_of_the_calendar_are_refused_not_crashed_on(value):
    with pytest.raises(ValidationError):
        BoundedDateTimeField().clean(value)


def test_a_bound_may_be_now():
    field = BoundedDateTimeField(latest=validation.soon)
    with pytest.raises(ValidationError):
        field.clean((timezone.localtime() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    assert field.clean(timezone.localtime().strftime("%Y-%m-%dT%H:%M")) is not None
    with pytest.raises(ValidationError):
        check_date(dt.date.today() + dt.timedelta(days=1), latest=validation.today)


def test_actions_check_dates_by_name():
    with pytest.raises(ValidationError) as refused:
        check_moments(due_at=dt.datetime(1, 1, 1, tzinfo=dt.UTC), on=dt.date(2026, 1, 1))
    assert set(refused.value.message_dict) == {"due_at"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        ("0", None),
        ("-3", None),
        ("abc", None),
        ("\u0662", None),
        ("9" * 19, None),
        (True, None),
        (7, 7),
    ],
)
def test_an_id_is_a_positive_number_that_fits_a_column(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "body",
    [b"[" * 50 + b"]" * 50, b'{"a": NaN}', b"\xff", b"{", b"x" * (validation.JSON_MAX_BYTES + 1)],
)
def test_json_bodies_too_deep_too_large_or_broken_are_refused(body):
    with pytest.raises(BadJson):
        parse_json_body(body)


def test_brackets_inside_strings_are_not_depth():
    assert parse_json_body(b'{"a": "[[[[[[[[[[[[[[[[[[[[", "b": [1, {"c": "\\"]"}]}') == {
        "a": "[[[[[[[[[[[[[[[[[[[[",
        "b": [1, {"c": '"]'}],
    }


# --- showing any stored datetime -----------------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [dt.datetime(1, 1, 1, tzinfo=dt.UTC), dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)],
)
def test_the_date_filter_shows_times_local_time_cannot_express(moment):
    template = engines["django"].from_string('{{ when|date:"Y-m-d H:i" }} {{ when|time:"H:i" }}')
    shown = template.render({"when": moment})
    assert shown.startswith(f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}")


def test_the_date_filter_still_shows_local_time():
    template = engines["django"].from_string('{{ when|date:"Y-m-d H:i" }}')
    moment = dt.datetime(2026, 7, 1, 16, 0, tzinfo=dt.UTC)
    assert template.render({"when": moment}) == timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.mark.django_db
def test_a_year_1_referral_already_stored_breaks_neither_the_queue_nor_its_case(client, persona):
    from continuum.intake import actions as intake_actions
    from continuum.intake.referrals import Referral

    coordinator = persona("coordinator")
    referral = intake_actions.referral_create(
        actor=coordinator,
        region=coordinator.membership.agency.region,
        source="law_enforcement",
        received_at=timezone.now(),
        what_is_known="Forced work at a farm.",
    )
    # As stored before input was bounded (the action refuses it now).
    Referral.objects.filter(pk=referral.pk).update(received_at=dt.datetime(1, 1, 1, tzinfo=dt.UTC))
    sign_in(client, coordinator)
    queue = client.get(reverse("intake:queue"))
    assert queue.status_code == 200
    assert "0001-01-01" in queue.content.decode()
    referral.refresh_from_db()
    case = intake_actions.referral_to_case(
        actor=coordinator, referral=referral, expected_version=referral.version
    )
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"received_at": dt.datetime(1, 1, 1, tzinfo=dt.UTC)}, "received_at"),
        ({"received_at": timezone.now() + dt.timedelta(days=1)}, "received_at"),
        ({"what_is_known": ["a"]}, "what_is_known"),
        ({"referrer_name": "abc\u202edef"}, "referrer_name"),
        ({"survivor_age": True}, "survivor_age"),
        ({"survivor_birth_date": dt.date(9999, 12, 31)}, "survivor_birth_date"),
    ],
)
def test_the_referral_action_refuses_bad_values_whoever_calls(persona, change, field):
    from continuum.intake import actions as intake_actions
    from continuum.intake.referrals import Referral

    before = Referral.objects.count()
    values = {
        "source": "law_enforcement",
        "received_at": timezone.now(),
        "what_is_known": "Forced work at a farm.",
        **change,
    }
    with pytest.raises(ValidationError) as refused:
        coordinator = persona("coordinator")
        intake_actions.referral_create(
            actor=coordinator, region=coordinator.membership.agency.region, **values
        )
    assert field in refused.value.message_dict
    assert Referral.objects.count() == before
