"""Guards of staff views (SECURITY.md 8 and 10).

`staff_required` is the door of every staff page: signed in, and (when settings.OTP_REQUIRED,
always in production) the session verified with the second factor. `fresh_second_factor_required`
adds, for exports and break-glass, a second-factor check no older than a few minutes.
Both fail closed: a user object without django-otp's `is_verified()` counts as unverified.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse

from continuum.access.auth_views import (
    FRESH_SESSION_KEY,
    is_verified,
    needs_second_factor,
    second_factor_url,
)

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def staff_required(view: View) -> View:
    """Login required, plus a verified second factor when settings.OTP_REQUIRED.

    Anonymous visitors go to the login page; a password-only session goes to verification
    (or to enrolment when the user has no device yet), coming back here afterwards.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if needs_second_factor(user):
            return HttpResponseRedirect(second_factor_url(user, request.get_full_path()))
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def second_factor_is_fresh(request: HttpRequest, max_age_seconds: int) -> bool:
    """True when this session passed the second factor less than `max_age_seconds` ago."""
    if not is_verified(request.user):
        return False
    fresh_at = request.session.get(FRESH_SESSION_KEY)
    if not isinstance(fresh_at, int | float) or isinstance(fresh_at, bool):
        return False
    age = time.time() - fresh_at
    return 0 <= age < max_age_seconds


def fresh_second_factor_required(max_age_seconds: int = 300) -> Callable[[View], View]:
    """For exports and break-glass: `staff_required`, and a second factor younger than
    `max_age_seconds`; otherwise the user is sent to /account/verify/?next=<this page>.

    Applies whatever settings.OTP_REQUIRED says: a user without a device enrols first.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not second_factor_is_fresh(request, max_age_seconds):
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('access:verify')}?{query}")
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorator
