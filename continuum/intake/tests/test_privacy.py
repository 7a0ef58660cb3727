"""SECURITY.md 16: a tip leaves no trace of who sent it, in the database or in the logs."""

import logging

import pytest
from django.db import connection
from django.urls import reverse

from continuum.intake.models import Tip
from continuum.intake.tests.helpers import CODE, jpeg_with_gps, tip_data

pytestmark = pytest.mark.django_db

CANARY_REMOTE = "203.0.113.77"
CANARY_FORWARDED = "198.51.100.99"
CANARY_AGENT = "CanaryAgent/9.9"
CANARIES = (CANARY_REMOTE, CANARY_FORWARDED, CANARY_AGENT)


def every_row_of_every_table():
    """Every value of every row of every table in the database, as text (raw SQL, nothing decrypted)."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        values.append(bytes(value).decode("latin-1"))
                    else:
                        values.append(str(value))
    return values


def post_with_canaries(client, path, data, **extra):
    return client.post(
        path,
        data,
        REMOTE_ADDR=CANARY_REMOTE,
        HTTP_X_FORWARDED_FOR=CANARY_FORWARDED,
        HTTP_USER_AGENT=CANARY_AGENT,
        **extra,
    )


@pytest.mark.parametrize("trusted_proxies", [0, 1])
def test_a_tip_leaves_no_address_or_user_agent_in_the_database_or_the_logs(
    client, settings, caplog, trusted_proxies
):
    settings.TIP_RATE_LIMIT = {**settings.TIP_RATE_LIMIT, "TRUSTED_PROXY_COUNT": trusted_proxies}
    caplog.set_level(logging.DEBUG)
    client.get(reverse("intake:tip"), REMOTE_ADDR=CANARY_REMOTE, HTTP_USER_AGENT=CANARY_AGENT)
    response = post_with_canaries(
        client, reverse("intake:tip"), {**tip_data(contact="call 555-0100"), "photo": jpeg_with_gps()}
    )
    assert response.status_code == 200
    code = CODE.search(response.content.decode()).group(0)
    follow = post_with_canaries(
        client, reverse("intake:tip_follow_up"), {"code": code, "text": "He has a gun."}
    )
    assert follow.status_code == 200
    for _ in range(11):  # up to a refusal, so the rate-limit path is logged too
        refused = post_with_canaries(client, reverse("intake:tip"), tip_data())
    assert refused.status_code == 429

    dump = "\n".join(every_row_of_every_table())
    for canary in CANARIES:
        assert canary not in dump
    logged = "\n".join(
        [caplog.text]
        + [repr(record.__dict__) for record in caplog.records]
        + [str(getattr(record, "request", "")) for record in caplog.records]
    )
    for canary in CANARIES:
        assert canary not in logged
    tip = Tip.objects.get(code=code)
    stored_photo = tip.photo.read()
    for canary in (*CANARIES, "CanaryPhone"):
        assert canary.encode() not in stored_photo


def test_the_tip_text_is_ciphertext_in_the_database(client):
    data = tip_data()
    response = client.post(reverse("intake:tip"), data)
    code = CODE.search(response.content.decode()).group(0)
    with connection.cursor() as cursor:
        cursor.execute('SELECT what_happened, "where", contact FROM intake_tip WHERE code = %s', [code])
        what, where, contact = cursor.fetchone()
    assert what.startswith("enc:v1:")
    assert where.startswith("enc:v1:")
    assert contact == ""
    dump = "\n".join(every_row_of_every_table())
    assert data["what_happened"] not in dump
    assert data["where"] not in dump
    assert Tip.objects.get(code=code).what_happened == data["what_happened"]


def test_a_tip_time_says_nothing_beyond_the_hour(client):
    client.post(reverse("intake:tip"), tip_data())
    received = Tip.objects.get().received_at
    assert (received.minute, received.second, received.microsecond) == (0, 0, 0)


PUBLIC_TIP_PAGES = ["intake:tip", "intake:tip_thanks", "intake:tip_follow_up", "intake:recognize"]


@pytest.mark.parametrize("name", PUBLIC_TIP_PAGES)
def test_public_tip_pages_set_no_lasting_cookie_and_are_never_cached(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    for morsel in response.cookies.values():
        assert morsel.key == "csrftoken", morsel.key  # the only cookie: CSRF, until the browser closes
        assert not morsel["max-age"]
        assert not morsel["expires"]


def test_sending_a_tip_and_a_follow_up_sets_no_lasting_cookie_and_no_session(client):
    from django.contrib.sessions.models import Session

    sessions = Session.objects.count()
    responses = [
        client.get(reverse("intake:tip")),
        client.post(reverse("intake:tip"), tip_data()),
        client.post(reverse("intake:tip_follow_up"), {"code": "TIP-0000-0000", "text": "more"}),
    ]
    for _ in range(11):
        responses.append(client.post(reverse("intake:tip"), tip_data()))
    assert responses[-1].status_code == 429
    for response in responses:
        assert "no-store" in response["Cache-Control"]
        for morsel in response.cookies.values():
            assert morsel.key == "csrftoken"
            assert not morsel["max-age"]
            assert not morsel["expires"]
    assert "sessionid" not in client.cookies
    assert Session.objects.count() == sessions
