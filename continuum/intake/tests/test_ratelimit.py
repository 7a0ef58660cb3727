"""Ten tips a minute from one address; the eleventh is refused kindly, in the visitor's language."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from continuum.intake.models import Tip
from continuum.intake.ratelimit import RateLimiter, client_address
from continuum.intake.tests.helpers import tip_data

ENGLISH_REFUSAL = (
    "We could not take your tip just now. Please wait a minute and try again, "
    "or call the hotline: 1-888-373-7888."
)
SPANISH_REFUSAL = (
    "No pudimos recibir su aviso en este momento. Por favor, espere un minuto e inténtelo otra vez, "
    "o llame a la línea de ayuda: 1-888-373-7888."
)


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "refusal"), [("", ENGLISH_REFUSAL), ("?lang=es", SPANISH_REFUSAL)])
def test_the_eleventh_tip_in_a_minute_is_refused_kindly(client, query, refusal):
    url = reverse("intake:tip") + query
    for number in range(10):
        response = client.post(url, tip_data(what_happened=f"tip number {number}"), REMOTE_ADDR="192.0.2.10")
        assert response.status_code == 200, number
        assert b'data-testid="tip-code"' in response.content
    refused = client.post(url, tip_data(what_happened="the eleventh"), REMOTE_ADDR="192.0.2.10")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refusal in refused.content.decode()
    assert "the eleventh" in refused.content.decode()  # what they wrote is still in the form
    assert Tip.objects.count() == 10
    # Someone else is not held up by it.
    assert client.post(url, tip_data(), REMOTE_ADDR="192.0.2.11").status_code == 200


@pytest.mark.django_db
def test_follow_ups_are_limited_too(client):
    url = reverse("intake:tip_follow_up")
    for _ in range(10):
        assert client.post(url, {"code": "TIP-0000-0000", "text": "x"}).status_code == 200
    refused = client.post(url, {"code": "TIP-0000-0000", "text": "x"})
    assert refused.status_code == 429
    assert ENGLISH_REFUSAL in refused.content.decode()


@pytest.mark.django_db
def test_looking_at_the_form_is_not_counted(client):
    for _ in range(20):
        assert client.get(reverse("intake:tip")).status_code == 200
    assert client.post(reverse("intake:tip"), tip_data()).status_code == 200


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_window_slides_and_frees_a_place_after_a_minute():
    clock = Clock()
    limiter = RateLimiter(limit=10, window=60, rotation=600, clock=clock)
    for _ in range(10):
        assert limiter.hit("tip", "192.0.2.1")
        clock.now += 1
    assert not limiter.hit("tip", "192.0.2.1")
    clock.now = 1000.0 + 60.5  # the first hit has left the window
    assert limiter.hit("tip", "192.0.2.1")
    assert not limiter.hit("tip", "192.0.2.1")


def test_a_salt_rotation_gives_no_fresh_allowance_and_old_buckets_go_away():
    clock = Clock()
    limiter = RateLimiter(limit=10, window=60, rotation=600, clock=clock)
    limiter.hit("tip", "192.0.2.99")  # starts the salt
    clock.now += 590
    for _ in range(10):
        assert limiter.hit("tip", "192.0.2.1")
    clock.now += 15  # the salt rotates now, within the window
    assert not limiter.hit("tip", "192.0.2.1")
    clock.now += 120
    assert limiter.hit("tip", "192.0.2.1")
    limiter._prune(clock.now)
    assert limiter.bucket_count() == 1


def test_the_limiter_holds_keyed_hashes_and_never_the_address():
    limiter = RateLimiter(limit=10, window=60, rotation=600)
    limiter.hit("tip", "203.0.113.77")
    state = repr(limiter.__dict__) + repr(list(limiter._buckets))
    assert "203.0.113.77" not in state
    assert all(len(key) == 16 for key in limiter._buckets)


def test_a_key_is_different_after_the_salt_rotates():
    clock = Clock()
    limiter = RateLimiter(limit=10, window=60, rotation=600, clock=clock)
    limiter.hit("tip", "192.0.2.1")
    first = set(limiter._buckets)
    clock.now += 601
    limiter.hit("tip", "192.0.2.1")
    assert set(limiter._buckets).isdisjoint(first)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.99", "203.0.113.77"),  # no proxy is trusted: the header is ignored
        (1, "198.51.100.99", "198.51.100.99"),
        (1, "6.6.6.6, 198.51.100.99", "198.51.100.99"),  # what the client wrote itself is not trusted
        (2, "6.6.6.6, 198.51.100.99, 10.0.0.2", "198.51.100.99"),
        (1, "", "203.0.113.77"),
    ],
)
def test_the_address_comes_from_x_forwarded_for_only_behind_trusted_proxies(
    settings, proxies, forwarded, expected
):
    settings.TIP_RATE_LIMIT = {**settings.TIP_RATE_LIMIT, "TRUSTED_PROXY_COUNT": proxies}
    request = RequestFactory().post("/tip/", REMOTE_ADDR="203.0.113.77", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
