import pytest
from django.utils import translation

from continuum.intake import ratelimit


@pytest.fixture(autouse=True)
def _fresh_limits_and_media(settings, tmp_path):
    """Every test starts with no counts, and keeps its photos in a directory of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    ratelimit.reset()
    # LocaleMiddleware leaves the last request's language active in the thread; start in English.
    with translation.override("en"):
        yield
    ratelimit.reset()


@pytest.fixture(autouse=True)
def _no_synthetic_tips(request):
    """The tip tests count tips from none. The session world has synthetic tips (`continuum synth`
    writes the open work), so they are deleted inside each database test, whose transaction is
    rolled back afterwards (never in a transactional test, which would lose them for good)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return
    if marker is None and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    from continuum.intake.models import Tip

    Tip.objects.filter(referral__isnull=True).delete()
