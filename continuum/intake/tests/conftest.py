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
