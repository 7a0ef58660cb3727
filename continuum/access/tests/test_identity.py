"""Staff identity: second factor, lockout, session limits, password storage (SECURITY.md 8-10)."""

import base64
import os
import re
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from continuum.access.decorators import fresh_second_factor_required
from continuum.access.testing import code_for, sign_in, totp_code, totp_device
from continuum.audit.models import AuditEvent
from continuum.cases.models import Case
from continuum.conftest import TEST_PASSWORD
from continuum.org.models import Membership, User

pytestmark = pytest.mark.django_db

LOCKOUT_MESSAGE = b"Too many attempts. Try again in 10 minutes."


@fresh_second_factor_required(max_age_seconds=300)
def _export_stand_in(request):
    return HttpResponse("exported")


# This module doubles as a URLconf: the real one plus a view behind the fresh-factor decorator.
urlpatterns = [
    path("test-export/", _export_stand_in, name="test-export"),
    path("", include("continuum.urls")),
]


@pytest.fixture(autouse=True)
def _no_attempts_left_over():
    reset()
    yield
    reset()


def _log_in(client, username, password=TEST_PASSWORD):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def _signed_in(client):
    return SESSION_KEY in client.session


def _without_csrf_token(content):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


# --- second factor ------------------------------------------------------------------------------


def test_a_password_only_session_reaches_no_staff_page(client, persona):
    coordinator = persona("coordinator")
    totp_device(coordinator)
    assert _log_in(client, "coordinator").status_code == 302
    case = Case.objects.filter(region=coordinator.membership.agency.region).first()
    for url in (reverse("web:home"), reverse("cases:list"), reverse("cases:detail", args=[case.id])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("access:verify")), url
        assert case.reference.encode() not in response.content


def test_a_forced_login_without_a_second_factor_is_not_verified_either(client, persona):
    client.force_login(persona("coordinator"))
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    # No device yet: straight to enrolment.
    assert response["Location"].startswith(reverse("access:enroll"))


def test_the_password_step_sends_a_user_without_a_device_to_enrolment(client):
    response = _log_in(client, "coordinator")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('access:enroll')}?next=%2Fhome%2F"


def test_enrolment_shows_a_qr_image_and_the_secret_and_confirms_with_a_valid_code(client, persona):
    coordinator = persona("coordinator")
    _log_in(client, "coordinator")
    started = client.post(reverse("access:enroll_start"), {"next": "/home/"})
    assert started.status_code == 302 and started["Location"].startswith(reverse("access:enroll"))
    page = client.get(started["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    match = re.search(r'<img[^>]+src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert match, "the QR code is an inline SVG image"
    assert b"<svg" in base64.b64decode(match.group(1))
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    assert secret in html.replace(" ", "")
    assert "<script>" not in html

    response = client.post(reverse("access:enroll"), {"token": code_for(device), "next": "/home/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("web:home")).status_code == 200
    assert isinstance(client.session["otp_fresh_at"], int)


def test_enrolment_refuses_a_wrong_code_and_leaves_the_device_unconfirmed(client, persona):
    coordinator = persona("coordinator")
    _log_in(client, "coordinator")
    client.post(reverse("access:enroll_start"))
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("access:enroll"), {"token": wrong})
    assert response.status_code == 200
    assert b"That code did not work" in response.content
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()
    assert client.get(reverse("web:home")).status_code == 302
    # Not a number at all: explained, not crashed on.
    response = client.post(reverse("access:enroll"), {"token": "abcdef"})
    assert response.status_code == 200
    assert b"Enter the 6 digits" in response.content


def test_opening_the_enrolment_page_writes_nothing(client, persona):
    coordinator = persona("coordinator")
    _log_in(client, "coordinator")
    before = AuditEvent.objects.count()
    for _ in range(2):
        page = client.get(reverse("access:enroll"))
        assert page.status_code == 200
        assert b'data-testid="totp-start"' in page.content
        assert b"totp-qr" not in page.content
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert AuditEvent.objects.count() == before
    # Asking for the setup code twice makes one device, shown by every later GET.
    for _ in range(2):
        client.post(reverse("access:enroll_start"))
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    assert secret in client.get(reverse("access:enroll")).content.decode().replace(" ", "")
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_a_password_alone_cannot_enrol_a_second_device(client, persona):
    coordinator = persona("coordinator")
    totp_device(coordinator)
    _log_in(client, "coordinator")
    response = client.get(reverse("access:enroll"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:verify"))
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1
    started = client.post(reverse("access:enroll_start"))
    assert started.status_code == 302 and started["Location"].startswith(reverse("access:verify"))
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_asking_for_a_setup_code_is_a_post_of_its_own_url(client, persona):
    """The enrolment page's old `step=start` POST makes no device; the start URL takes no GET."""
    coordinator = persona("coordinator")
    _log_in(client, "coordinator")
    assert client.get(reverse("access:enroll_start")).status_code == 405
    response = client.post(reverse("access:enroll"), {"step": "start"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("access:enroll"))
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    client.logout()
    anonymous = client.post(reverse("access:enroll_start"))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_verification_with_a_valid_code_reaches_home(client, persona):
    coordinator = persona("coordinator")
    totp_device(coordinator)
    login = _log_in(client, "coordinator")
    assert login["Location"] == f"{reverse('access:verify')}?next=%2Fhome%2F"
    assert client.get(login["Location"]).status_code == 200
    response = client.post(login["Location"], {"token": totp_code(coordinator)})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    home = client.get(reverse("web:home"))
    assert home.status_code == 200
    assert b"Taskforce coordinator" in home.content
    assert abs(client.session["otp_fresh_at"] - time.time()) < 5


def test_verification_refuses_a_wrong_code(client, persona):
    coordinator = persona("coordinator")
    totp_device(coordinator)
    _log_in(client, "coordinator")
    wrong = f"{(int(totp_code(coordinator)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("access:verify"), {"token": wrong})
    assert response.status_code == 200
    assert b"That code did not work" in response.content
    assert client.get(reverse("web:home")).status_code == 302


def test_wrong_codes_make_the_next_attempt_wait(client, persona, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    coordinator = persona("coordinator")
    totp_device(coordinator)
    _log_in(client, "coordinator")
    wrong = f"{(int(totp_code(coordinator)) + 1) % 1_000_000:06d}"
    client.post(reverse("access:verify"), {"token": wrong})
    response = client.post(reverse("access:verify"), {"token": totp_code(coordinator)})
    assert response.status_code == 200
    assert b"Too many wrong codes" in response.content
    assert client.get(reverse("web:home")).status_code == 302


def test_verification_does_not_redirect_to_another_site(client, persona):
    coordinator = persona("coordinator")
    totp_device(coordinator)
    _log_in(client, "coordinator")
    response = client.post(
        reverse("access:verify"), {"token": totp_code(coordinator), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_anonymous_visitors_of_the_second_step_are_sent_to_sign_in(client):
    for url in (reverse("access:verify"), reverse("access:enroll")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))


def test_a_new_password_login_starts_without_the_earlier_second_factor(client, persona):
    sign_in(client, persona("coordinator"))
    assert client.get(reverse("web:home")).status_code == 200
    client.force_login(persona("coordinator"))  # a login of its own, as after the password step
    assert client.get(reverse("web:home")).status_code == 302


def test_without_otp_required_a_password_session_reaches_home(client, persona, settings):
    settings.OTP_REQUIRED = False
    response = _log_in(client, "coordinator")
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_production_cannot_turn_the_second_factor_off():
    env = {
        **os.environ,
        "CONTINUUM_ENV": "production",
        "CONTINUUM_OTP_REQUIRED": "0",
        "SECRET_KEY": "k" * 64,
        "ALLOWED_HOSTS": "continuum.example",
        "DATABASE_URL": "postgres://localhost/never-connected",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import continuum.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "CONTINUUM_OTP_REQUIRED cannot be turned off" in result.stderr


@pytest.mark.urls(__name__)
def test_the_fresh_second_factor_decorator_asks_again_after_five_minutes(client, persona):
    coordinator = persona("coordinator")
    sign_in(client, coordinator)
    assert client.get("/test-export/").content == b"exported"

    session = client.session
    session["otp_fresh_at"] = int(time.time()) - 301
    session.save()
    response = client.get("/test-export/?format=csv")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('access:verify')}?next=%2Ftest-export%2F%3Fformat%3Dcsv"
    # The rest of the session stays verified.
    assert client.get(reverse("web:home")).status_code == 200

    again = client.post(response["Location"], {"token": totp_code(coordinator)})
    assert again["Location"] == "/test-export/?format=csv"
    assert client.get(again["Location"]).content == b"exported"


@pytest.mark.urls(__name__)
def test_the_fresh_second_factor_decorator_refuses_unverified_and_anonymous_sessions(client, persona):
    assert client.get("/test-export/")["Location"].startswith(reverse("web:login"))
    client.force_login(persona("coordinator"))
    session = client.session
    session["otp_fresh_at"] = int(time.time())  # a timestamp alone is not a verification
    session.save()
    assert client.get("/test-export/")["Location"].startswith(reverse("access:verify"))


# --- lockout ------------------------------------------------------------------------------------


def test_lockout_settings_follow_the_requirements():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 10 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_a_wrong_password_gets_the_same_answer_for_a_real_and_an_unknown_username(client):
    real = _log_in(client, "coordinator", "wrong password")
    unknown = _log_in(client, "nobody-here", "wrong password")
    assert real.status_code == unknown.status_code == 200
    assert b"did not match" in real.content
    assert _without_csrf_token(real.content) == _without_csrf_token(unknown.content)


def test_the_sixth_attempt_is_locked_out_alike_for_real_and_unknown_usernames(client):
    locked = {}
    for username in ("coordinator", "nobody-here"):
        statuses = [_log_in(client, username, "wrong password").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 200], username
        # The fifth failure locks the username; its own answer already says so.
        assert _log_in(client, username, "wrong password").status_code == 429
        locked[username] = _log_in(client, username, "wrong password")
        assert locked[username].status_code == 429
    assert locked["coordinator"].content == locked["nobody-here"].content
    assert LOCKOUT_MESSAGE in locked["coordinator"].content
    assert locked["coordinator"]["Content-Type"] == locked["nobody-here"]["Content-Type"]


def test_a_correct_password_is_refused_while_locked_and_accepted_after_the_cool_off(client):
    for _ in range(5):
        _log_in(client, "coordinator", "wrong password")
    response = _log_in(client, "coordinator")
    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.content
    assert not _signed_in(client)

    AccessAttempt.objects.filter(username="coordinator").update(
        attempt_time=timezone.now() - timedelta(minutes=11)
    )
    response = _log_in(client, "coordinator")
    assert response.status_code == 302
    assert _signed_in(client)


def test_a_lockout_of_one_username_leaves_the_others_alone(client):
    for _ in range(5):
        _log_in(client, "coordinator", "wrong password")
    assert _log_in(client, "detective").status_code == 302


# --- sessions -----------------------------------------------------------------------------------


def test_the_idle_limit_is_fifteen_minutes_renewed_by_every_request():
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600


def test_sign_in_records_the_time_of_the_password_step(client):
    _log_in(client, "coordinator")
    assert abs(client.session["signed_in_at"] - time.time()) < 5


def _age_the_session(client, seconds):
    session = client.session
    session["signed_in_at"] = int(time.time()) - seconds
    session.save()


def test_the_absolute_session_limit_logs_out_after_twelve_hours(client, persona):
    sign_in(client, persona("coordinator"))
    _age_the_session(client, 12 * 3600 - 60)
    assert client.get(reverse("web:home")).status_code == 200

    _age_the_session(client, 12 * 3600 + 1)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
    assert not _signed_in(client)
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("web:login"))


def test_a_session_without_a_sign_in_time_gets_one(client, persona):
    sign_in(client, persona("coordinator"))
    session = client.session
    del session["signed_in_at"]
    session.save()
    assert client.get(reverse("web:home")).status_code == 200
    assert abs(client.session["signed_in_at"] - time.time()) < 5


def test_a_disabled_account_loses_its_session_at_the_next_request(client, persona):
    coordinator = persona("coordinator")
    sign_in(client, coordinator)
    assert client.get(reverse("web:home")).status_code == 200
    User.objects.filter(pk=coordinator.pk).update(is_active=False)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
    assert not _signed_in(client)
    # Re-enabling the account does not bring the session back.
    User.objects.filter(pk=coordinator.pk).update(is_active=True)
    assert client.get(reverse("web:home")).status_code == 302
    assert not _signed_in(client)


def test_an_inactive_membership_loses_its_session_at_the_next_request(client, persona):
    coordinator = persona("coordinator")
    sign_in(client, coordinator)
    assert client.get(reverse("cases:list")).status_code == 200
    Membership.objects.filter(user=coordinator).update(active=False)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
    assert not _signed_in(client)
    Membership.objects.filter(user=coordinator).update(active=True)
    assert client.get(reverse("web:home")).status_code == 302


def test_sign_out_ends_the_session_server_side(client, persona):
    sign_in(client, persona("coordinator"))
    session_key = client.session.session_key
    client.post(reverse("web:logout"))
    assert not Session.objects.filter(session_key=session_key).exists()


# --- passwords ----------------------------------------------------------------------------------


def test_argon2id_is_the_first_hasher(persona):
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert make_password("a long staff passphrase").startswith("argon2$argon2id$")
    assert persona("coordinator").password.startswith("argon2$argon2id$")


def test_a_common_password_is_refused_and_a_long_passphrase_is_not():
    with pytest.raises(ValidationError) as refused:
        validate_password("password123456")
    assert any(error.code == "password_too_common" for error in refused.value.error_list)
    validate_password(TEST_PASSWORD)


def test_second_factor_checks_are_audited_without_the_code(client, persona):
    from continuum.access.testing import totp_code, totp_device
    from continuum.audit.models import AuditEvent

    user = persona("analyst")
    totp_device(user)
    client.force_login(user)
    client.post(reverse("access:verify"), {"token": "000000" if totp_code(user) != "000000" else "111111"})
    totp_device(user).throttle_reset()  # django-otp slows down the next try after a wrong code
    client.post(reverse("access:verify"), {"token": totp_code(user)})
    rows = list(AuditEvent.objects.filter(actor_id=user.pk, action="second_factor").order_by("id"))
    assert [r.outcome for r in rows] == ["denied", "allowed"]
    assert all(r.detail == {"method": "totp"} for r in rows)
