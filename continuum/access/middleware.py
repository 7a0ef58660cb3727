"""Session limits beyond Django's idle timeout (SECURITY.md 10).

`SessionLimitsMiddleware` (after AuthenticationMiddleware and django-otp's OTPMiddleware) ends a
session server-side, logs the user out and sends them to the login page when

- it is older than settings.SESSION_ABSOLUTE_SECONDS (12 hours) since sign-in, whatever the
  activity (the idle limit is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST);
- its account was disabled (is_active False; Django then no longer loads the user, but would
  leave the session in place), deleted, or its password changed;
- its membership was made inactive.

The sign-in time is recorded at login (the `user_logged_in` receiver below) or, for a session
that lacks it, at its first request through this middleware. Every password login also starts
without a second factor: a verification of an earlier login in the same session does not carry
over.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import resolve_url
from django_otp import DEVICE_ID_SESSION_KEY

from continuum.access.auth_views import FRESH_SESSION_KEY
from continuum.org.models import Membership

# Epoch seconds of the password step that started this session.
SIGNED_IN_AT_SESSION_KEY = "signed_in_at"


def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[SIGNED_IN_AT_SESSION_KEY] = int(time.time())
    if getattr(user, "otp_device", None) is None:
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        request.session.pop(FRESH_SESSION_KEY, None)


user_logged_in.connect(_on_login, dispatch_uid="continuum-access-session-limits")


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = request.session
        if SESSION_KEY in session and self._must_end(request):
            logout(request)
            return self._to_login(request)
        return self.get_response(request)

    def _must_end(self, request: HttpRequest) -> bool:
        session = request.session
        now = int(time.time())
        signed_in_at = session.get(SIGNED_IN_AT_SESSION_KEY)
        if not isinstance(signed_in_at, int) or isinstance(signed_in_at, bool):
            session[SIGNED_IN_AT_SESSION_KEY] = signed_in_at = now
        if now - signed_in_at >= settings.SESSION_ABSOLUTE_SECONDS:
            return True
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return True
        # One query for what every staff page reads next (the policy, the header): the
        # membership with its agency, cached on the user object of this request.
        membership = Membership.objects.select_related("agency").filter(user_id=user.pk).first()
        if membership is None:
            return False
        if not membership.active:
            return True
        user.membership = membership
        return False

    @staticmethod
    def _to_login(request: HttpRequest) -> HttpResponseBase:
        login_url = resolve_url(settings.LOGIN_URL)
        if request.method == "GET" and request.path != login_url:
            return redirect_to_login(request.get_full_path())
        return HttpResponseRedirect(login_url)
