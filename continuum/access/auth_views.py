"""Staff identity after the password: the second factor, and the lockout answer (SECURITY.md 8-10).

Sign-in has two steps. The password step is `continuum.web.views.LoginView` (/login/); it sends
the user on to the URL `second_factor_url()` chooses:

- /account/verify/ for a user with a confirmed TOTP device: a 6-digit code marks the session
  verified (django_otp.login) and records `otp_fresh_at`, the time of the last verification,
  which `fresh_second_factor_required` reads before exports and break-glass;
- /account/enroll/ for a user without one: an unconfirmed TOTP device is created, its QR code
  (an SVG drawn here, as a data: image, so the Content-Security-Policy stays strict) and its
  secret in base32 are shown, and a valid code confirms it.

A password alone never enrols a second device: once a user has a confirmed device, enrolment
sends them to verification instead.
"""

from __future__ import annotations

import base64
import enum
import re
import time
from typing import Any
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from continuum.audit import log as audit

# Epoch seconds of the last successful second-factor check in this session.
FRESH_SESSION_KEY = "otp_fresh_at"
TOTP_DEVICE_NAME = "Authenticator app"


class SecondFactor(enum.Enum):
    """How a user proves the second factor at the next step."""

    TOTP = "totp"  # a confirmed authenticator app: enter a code
    ENROL_TOTP = "enrol_totp"  # no confirmed device yet: set one up


def second_factor_for(user: Any) -> SecondFactor:
    """The one place that chooses the verification method of `user`.

    WebAuthn seam: SECURITY.md 8 asks for WebAuthn for administrators, law enforcement,
    prosecutors and anyone who can export in bulk. When it arrives, this function returns
    `SecondFactor.WEBAUTHN` (or `ENROL_WEBAUTHN`) for those roles, `second_factor_url` maps the
    new members to their views, and `staff_required` needs no change: it only asks whether the
    session is verified (django_otp's `is_verified()`, which any django-otp device class sets).
    """
    if confirmed_totp_device(user) is not None:
        return SecondFactor.TOTP
    return SecondFactor.ENROL_TOTP


def second_factor_url(user: Any, next_url: str | None = None) -> str:
    """Where `user` goes to complete (or renew) the second factor, coming back to `next_url`."""
    method = second_factor_for(user)
    path = reverse("access:verify") if method is SecondFactor.TOTP else reverse("access:enroll")
    return _with_next(path, next_url)


def is_verified(user: Any) -> bool:
    """True when the session of `user` passed the second factor (set by django_otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(callable(check) and check())


def needs_second_factor(user: Any) -> bool:
    return bool(settings.OTP_REQUIRED) and not is_verified(user)


def confirmed_totp_device(user: Any) -> Any:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("id").first()


def _with_next(path: str, next_url: str | None) -> str:
    return f"{path}?{urlencode({'next': next_url})}" if next_url else path


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _mark_verified(request: HttpRequest, device: Any) -> None:
    django_otp.login(request, device)
    request.session[FRESH_SESSION_KEY] = int(time.time())
    # The session gains a privilege: give it a new key (no fixation across the step).
    request.session.cycle_key()


class TokenForm(forms.Form):
    token = forms.CharField(label=_("6-digit code"), max_length=12)

    def clean_token(self) -> str:
        token = re.sub(r"\s+", "", self.cleaned_data["token"])
        if not re.fullmatch(r"\d{6}", token):
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."))
        return token


def _throttled(device: Any) -> bool:
    """django-otp doubles the wait after each wrong code; no code is even tried meanwhile."""
    allowed, _details = device.verify_is_allowed()
    return not allowed


CODE_REFUSED = _("That code did not work. Try the newest code your app shows.")
CODE_THROTTLED = _("Too many wrong codes. Wait a minute, then try the newest code.")


def _page_context(form: TokenForm, next_url: str, **extra: Any) -> dict[str, Any]:
    # No navigation until the second factor is done: every staff page would send the user back.
    return {"form": form, "next": next_url, "nav_items": [], **extra}


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the user's confirmed device; also used to renew a stale factor."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = _safe_next(request)
    device = confirmed_totp_device(user)
    if device is None:
        return redirect(_with_next(reverse("access:enroll"), next_url))
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if _throttled(device):
            form.add_error("token", CODE_THROTTLED)
        else:
            verified = django_otp.verify_token(user, device.persistent_id, form.cleaned_data["token"])
            if verified is not None:
                _mark_verified(request, verified)
                audit.record(actor=user, action="second_factor", detail={"method": "totp"})
                return HttpResponseRedirect(next_url)
            audit.record(actor=user, action="second_factor", outcome="denied", detail={"method": "totp"})
            form.add_error("token", CODE_REFUSED)
    return render(request, "access/verify.html", _page_context(form, next_url))


def _pending_device(user: Any, *, create: bool) -> Any:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def qr_code_data_uri(text: str) -> str:
    """`text` as a QR code: an SVG drawn on the server, as a data: URI for an <img>."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    svg: bytes = image.to_string(encoding="utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _grouped_secret(device: Any) -> str:
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@require_POST
def enroll_start(request: HttpRequest) -> HttpResponse:
    """Make the unconfirmed authenticator device (its secret) of a user who has none, then show
    it on the enrolment page. Asked twice, it still makes one."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(reverse("access:enroll"))
    next_url = _safe_next(request)
    if confirmed_totp_device(user) is not None:
        return redirect(_with_next(reverse("access:verify"), next_url))
    _pending_device(user, create=True)
    return redirect(_with_next(reverse("access:enroll"), next_url))


@never_cache
@require_http_methods(["GET", "POST"])
def enroll(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: show its QR code and secret, confirm it with a valid code.

    A GET writes nothing: the device (its secret) is made by a POST to its own URL
    (access:enroll_start, the button on the page), then shown by the GET it redirects to, and
    confirmed by a POST of a valid code to this page."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = _safe_next(request)
    if confirmed_totp_device(user) is not None:
        return redirect(_with_next(reverse("access:verify"), next_url))
    device = _pending_device(user, create=False)
    if request.method == "POST":
        form = TokenForm(request.POST)
        if device is None:
            return redirect(_with_next(reverse("access:enroll"), next_url))
        if form.is_valid():
            if _throttled(device):
                form.add_error("token", CODE_THROTTLED)
            else:
                with transaction.atomic():
                    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
                    confirmed = device.verify_token(form.cleaned_data["token"])
                    if confirmed:
                        device.confirmed = True
                        device.save(update_fields=["confirmed"])
                        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                if confirmed:
                    _mark_verified(request, device)
                    audit.record(actor=user, action="second_factor_enrol", detail={"method": "totp"})
                    return HttpResponseRedirect(next_url)
                audit.record(
                    actor=user, action="second_factor_enrol", outcome="denied", detail={"method": "totp"}
                )
                form.add_error("token", CODE_REFUSED)
    else:
        form = TokenForm()
    if device is None:
        return render(request, "access/enroll.html", _page_context(form, next_url, started=False))
    context = _page_context(
        form,
        next_url,
        started=True,
        qr_code=qr_code_data_uri(device.config_url),
        secret=_grouped_secret(device),
    )
    return render(request, "access/enroll.html", context)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer to a locked-out username (AXES_LOCKOUT_CALLABLE).

    The login page with a plain message and HTTP 429, byte for byte the same whether the
    username exists or not: it names no username and carries no form (so no per-response CSRF
    token either).
    """
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = {"public_page": True, "locked_out": True, "lockout_minutes": minutes}
    return render(request, "web/login.html", context, status=429)
