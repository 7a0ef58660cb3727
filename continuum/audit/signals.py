"""Logins, logouts and failed logins are audited (SECURITY.md 12), without any credential."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from continuum.audit.log import record


def on_logged_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    record(actor=user, action="login", obj=user)


def on_logged_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    # `user` is None when no one was logged in; the logout is still a fact worth a row.
    record(actor=user, action="logout", obj=user if user is not None and user.pk is not None else None)


def on_login_failed(sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any) -> None:
    # Never the username or anything else from `credentials`: a mistyped password is often
    # someone's real password, and the username of a failed attempt may not be a staff member's.
    record(actor=None, action="login_failed", outcome="denied", detail={"reason": "bad_credentials"})


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="continuum-audit-login")
    user_logged_out.connect(on_logged_out, dispatch_uid="continuum-audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="continuum-audit-login-failed")
