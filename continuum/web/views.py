from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "web/landing.html", {"public_page": True})


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True
    extra_context = {"public_page": True}


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")
