from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from continuum.access.auth_views import needs_second_factor, second_factor_url
from continuum.access.decorators import staff_required
from continuum.core.validation import check_text


class StaffLoginForm(AuthenticationForm):
    """Django's sign-in form, refusing a username no account can have (too long, or with control
    or bidirectional characters) before it reaches the authentication backends: django-axes would
    otherwise try to record it in a column it does not fit. The answer is the usual "not a correct
    username and password", so nothing tells a real username from an unknown one."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username is not None:
            try:
                check_text(username, max_length=self.username_field.max_length or 150)
            except ValidationError:
                raise self.get_invalid_login_error() from None
        return super().clean()


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "web/landing.html", {"public_page": True})


class LoginView(auth_views.LoginView):
    """The password step; the second factor follows (continuum.access.auth_views)."""

    template_name = "web/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True
    extra_context = {"public_page": True}

    def get_success_url(self) -> str:
        url = super().get_success_url()
        user = self.request.user
        if needs_second_factor(user):
            return second_factor_url(user, url)
        return url


@require_GET
@staff_required
def staff_ok(request: HttpRequest) -> HttpResponse:
    """A signed-in, verified staff member gets "ok" and nothing else: the floor that the page
    benchmark (continuum/bench/pages.py) measures every page against."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")
