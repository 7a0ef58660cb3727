"""Middleware of Continuum's own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.cache import patch_cache_control

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class FetchMetadataMiddleware:
    """Lets `Referrer-Policy: no-referrer` live with Django's CSRF origin check.

    Under no-referrer a browser sends `Origin: null` with a form POST, and Django's CSRF
    middleware rightly refuses a null origin. Browsers also send Fetch Metadata
    (`Sec-Fetch-Site`), which no page can forge: when it says the request came from this very
    origin, the null origin is replaced by the request's own (validated against ALLOWED_HOSTS).
    A state-changing request that the browser marks as cross-site is refused outright. The CSRF
    token check still runs after this, unchanged.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in UNSAFE_METHODS:
            site = request.META.get("HTTP_SEC_FETCH_SITE")
            if site == "cross-site":
                return HttpResponseForbidden("Cross-site requests are not accepted.")
            if site == "same-origin" and request.META.get("HTTP_ORIGIN") == "null":
                request.META["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response of the application (SECURITY.md 12, 17).

    Staff pages show case content that must not stay in a shared computer's browser cache or on a
    proxy; public pages have a quick exit, which is no escape if Back or the cache shows the page
    again. Static files never reach this middleware (WhiteNoise answers them earlier, with its
    long caching of hashed names), so it sits after WhiteNoise in settings.MIDDLEWARE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True)
        return response
