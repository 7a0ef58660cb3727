"""Shared test fixtures: a synthetic world loaded once per session, and the personas in it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# The browser fixtures, registered once for the whole suite (one Playwright per session).
from continuum.web.tests.browser import browser, page  # noqa: F401

TEST_PASSWORD = "correct horse battery staple 42"
SESSION_CASES = 240
SESSION_SEED = 11


def pytest_configure(config: pytest.Config) -> None:
    # Playwright's sync API runs an event loop in the test thread; the ORM calls a test makes
    # around it are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Every database test starts from the same synthetic world (rolled back after each test)."""
    from continuum.synth.generator import Generator

    with django_db_blocker.unblock():
        Generator(cases=SESSION_CASES, seed=SESSION_SEED, password=TEST_PASSWORD).run()
    yield


@pytest.fixture
def persona(db: Any) -> Any:
    from continuum.org.models import User

    def get(username: str) -> User:
        return User.objects.select_related("membership__agency__region").get(username=username)

    return get


# --- every URL pattern must be requested by the suite (CONVENTIONS.md, "Tests") ---------------

_REQUESTED: set[str] = set()


def _pattern_names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _pattern_names(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{prefix}{entry.name}")
    return names


@pytest.fixture(autouse=True, scope="session")
def _record_requested_urls() -> Iterator[None]:
    from django.core.signals import request_started
    from django.urls import Resolver404, resolve

    def record(sender: Any, environ: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if environ is None:
            return
        try:
            match = resolve(environ.get("PATH_INFO", ""))
        except Resolver404:
            return
        _REQUESTED.add(match.view_name)

    request_started.connect(record, weak=False, dispatch_uid="continuum-url-coverage")
    yield
    request_started.disconnect(dispatch_uid="continuum-url-coverage")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Only a whole-suite run can judge coverage (make test sets CONTINUUM_URL_COVERAGE=1).
    if os.environ.get("CONTINUUM_URL_COVERAGE") != "1" or exitstatus != 0:
        return
    missing = sorted(_pattern_names(get_resolver()) - _REQUESTED)
    if missing:
        session.config.get_terminal_writer().line(
            f"URL patterns never requested by the suite: {', '.join(missing)}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
