"""Test helpers for staff identity: a verified session without typing, and TOTP codes.

`sign_in(client, user)` is what tests use where they mean "a staff member at work": signed in,
second factor verified a moment ago. Browser tests type `totp_code(user)` into the real form.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from continuum.access.auth_views import FRESH_SESSION_KEY, TOTP_DEVICE_NAME
from continuum.access.middleware import SIGNED_IN_AT_SESSION_KEY


def totp_device(user: Any) -> Any:
    """The user's confirmed TOTP device, created when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    return device


def sign_in(client: Any, user: Any) -> None:
    """Sign `user` in on the Django test `client` with a freshly verified second factor."""
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    assert session.get(SESSION_KEY) == str(user.pk)
    now = int(time.time())
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[FRESH_SESSION_KEY] = now
    session[SIGNED_IN_AT_SESSION_KEY] = now
    session.save()


def keep_second_factor_fresh(client: Any) -> None:
    """Mark the signed-in session's second factor as verified just now, for a long test whose
    requests would otherwise outlive the fresh-second-factor window (export, break-glass)."""
    session = client.session
    session[FRESH_SESSION_KEY] = int(time.time())
    session.save()


def code_for(device: Any) -> str:
    """A code `device` accepts now: the current one, or the next step's when the current step
    was already used (TOTP refuses a step twice; the device's tolerance accepts the next)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += (device.last_t + 1 - totp.t()) * device.step
    return f"{totp.token():0{device.digits}d}"


def totp_code(user: Any) -> str:
    """The current code of the user's confirmed device (see `code_for`)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        raise LookupError(f"{user} has no confirmed TOTP device; call totp_device(user) first.")
    return code_for(device)
