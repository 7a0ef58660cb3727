from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from continuum.web.navigation import items_for


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    membership = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
    return {
        "demo_mode": settings.DEMO_MODE,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "nav_items": items_for(user),
        "membership": membership,
    }
