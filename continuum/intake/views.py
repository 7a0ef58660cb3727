"""The public tip pages: no login, no session, no lasting cookie, nothing about the visitor kept.

Language: the visitor chooses with `?lang=en` or `?lang=es` on the address, which every public
tip page carries in its own links and forms. Nothing is remembered between requests: no
language cookie (Django's set_language view would set one) and no session. Without `?lang=`,
the browser's Accept-Language decides (LocaleMiddleware), which sets no cookie either.

Every answer carries `Cache-Control: no-store` (with Django's never-cache headers), so a shared
or seized device keeps no copy of a tip page; Referrer-Policy: no-referrer is set for the whole
site. The only cookie a visitor can get here is the CSRF cookie, which lasts until the browser
closes (CSRF_COOKIE_AGE = None).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from continuum.intake import ratelimit
from continuum.intake.forms import FollowUpForm, TipForm
from continuum.intake.images import MAX_BYTES
from continuum.intake.tips import tip_add, tip_submit

HOTLINE = "1-888-373-7888"
HOTLINE_TEXT = "233733"
# A request body larger than this is refused before it is read (a photo is at most 8 MiB; the
# text fields and the multipart envelope need far less than the rest).
MAX_REQUEST_BYTES = MAX_BYTES + 2 * 1024 * 1024
# The follow-up form is text only (at most 10,000 characters).
MAX_FOLLOW_UP_BYTES = 256 * 1024
TIP_SCOPE = "tip"
FOLLOW_UP_SCOPE = "tip-follow-up"

View = Callable[..., HttpResponse]


def visitor_language(request: HttpRequest) -> str:
    """`?lang=` when it names a language of the site, else what LocaleMiddleware chose."""
    languages = dict(settings.LANGUAGES)
    asked = request.GET.get("lang", "")
    if asked in languages:
        return asked
    chosen = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return chosen if chosen in languages else settings.LANGUAGE_CODE


def public_view(view: View) -> View:
    """Renders `view` in the visitor's language, as a public page, never cached."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = visitor_language(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapped


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    language = translation.get_language()
    switch = [
        {
            "code": code,
            "name": name,
            "url": f"{request.path}?{urlencode({'lang': code})}",
            "current": code == language,
        }
        for code, name in settings.LANGUAGES
    ]
    return {
        "public_page": True,
        "language_links": switch,
        "lang_query": f"?{urlencode({'lang': language})}",
        "hotline": HOTLINE,
        "hotline_text": HOTLINE_TEXT,
        **extra,
    }


def _too_many(request: HttpRequest, template: str, form_class: type[forms.Form]) -> HttpResponse:
    """429, kindly: the same form again with what the visitor wrote (not checked), and the message."""
    message = _(
        "We could not take your tip just now. Please wait a minute and try again, "
        "or call the hotline: 1-888-373-7888."
    )
    initial = {}
    if not _too_large(request, MAX_REQUEST_BYTES):
        initial = {
            name: request.POST.get(name, "")
            for name, field in form_class.base_fields.items()
            if isinstance(field, forms.CharField)
        }
    form = form_class(initial=initial)
    response = render(request, template, _context(request, form=form, refusal=message), status=429)
    response["Retry-After"] = str(int(settings.TIP_RATE_LIMIT["WINDOW_SECONDS"]))
    return response


def _too_large(request: HttpRequest, limit: int) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return True


# The two forms are exempt from the CSRF middleware only so that the check can run later, in the
# view: the middleware reads (and spools to disk) the whole body to find the token, and the rate
# limit and the size check must come first, so that a flood or a huge upload costs next to nothing
# to refuse. csrf_protect then runs the very same check before the form is read.


@require_http_methods(["GET", "POST"])
@csrf_exempt
@public_view
def tip(request: HttpRequest) -> HttpResponse:
    """The anonymous tip form; a valid tip is answered with its receipt (the tip code, shown once)."""
    if request.method != "POST":
        return render(request, "intake/tip.html", _context(request, form=TipForm()))
    if not ratelimit.allow(request, TIP_SCOPE):
        return _too_many(request, "intake/tip.html", TipForm)
    if _too_large(request, MAX_REQUEST_BYTES):
        refusal = _("What you sent is too large. A photo can be at most 8 MB.")
        return render(
            request, "intake/tip.html", _context(request, form=TipForm(), refusal=refusal), status=413
        )
    return _tip_post(request)


@csrf_protect
def _tip_post(request: HttpRequest) -> HttpResponse:
    form = TipForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "intake/tip.html", _context(request, form=form))
    created = tip_submit(language=translation.get_language(), **form.action_arguments())
    # The receipt is this response itself: no redirect, so no session or cookie has to carry the code.
    return render(request, "intake/receipt.html", _context(request, code=created.code))


@require_GET
@public_view
def tip_thanks(request: HttpRequest) -> HttpResponse:
    """A thank-you page without any code (the code is shown once, in the answer to the tip)."""
    return render(request, "intake/thanks.html", _context(request))


@require_http_methods(["GET", "POST"])
@csrf_exempt
@public_view
def tip_follow_up(request: HttpRequest) -> HttpResponse:
    """More information for a tip, with its code. A wrong code gets the very same answer."""
    if request.method != "POST":
        return render(request, "intake/follow_up.html", _context(request, form=FollowUpForm()))
    if not ratelimit.allow(request, FOLLOW_UP_SCOPE):
        return _too_many(request, "intake/follow_up.html", FollowUpForm)
    if _too_large(request, MAX_FOLLOW_UP_BYTES):
        refusal = _("What you sent is too large. Please send less text.")
        return render(
            request,
            "intake/follow_up.html",
            _context(request, form=FollowUpForm(), refusal=refusal),
            status=413,
        )
    return _follow_up_post(request)


@csrf_protect
def _follow_up_post(request: HttpRequest) -> HttpResponse:
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return render(request, "intake/follow_up.html", _context(request, form=form))
    tip_add(code=form.cleaned_data["code"], text=form.cleaned_data["text"])
    return render(request, "intake/follow_up_done.html", _context(request))


@require_GET
@public_view
def recognize(request: HttpRequest) -> HttpResponse:
    """The "recognize and report" guide: signs of sex and labor trafficking, and whom to call."""
    return render(request, "intake/recognize.html", _context(request))
