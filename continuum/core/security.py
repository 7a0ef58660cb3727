"""Security headers that Django's SecurityMiddleware does not set (SECURITY.md 15).

Every response, pages and static files alike, gets a strict Content-Security-Policy with no
inline script or style and nothing from another site, a Permissions-Policy that turns off the
camera, microphone and location, and Cross-Origin-Resource-Policy: same-origin. HSTS,
nosniff, no-referrer, the opener policy and frame denial come from settings.

Templates keep to the policy: no inline <script>, no style="" attributes, no on*= handlers
(continuum/core/tests/test_headers.py scans them). htmx is told not to inject its indicator
<style> element by the htmx-config meta tag in web/base.html.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Resource-Policy": CROSS_ORIGIN_RESOURCE_POLICY,
}


class ContentSecurityPolicyMiddleware:
    """Sets the headers above on every response; a view cannot loosen them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        for name, value in SECURITY_HEADERS.items():
            response[name] = value
        return response
