from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from continuum.access.auth_views import needs_second_factor, second_factor_url
from continuum.access.decorators import staff_required


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "web/landing.html", {"public_page": True})


class LoginView(auth_views.LoginView):
    """The password step; the second factor follows (continuum.access.auth_views)."""

    template_name = "web/login.html"
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
