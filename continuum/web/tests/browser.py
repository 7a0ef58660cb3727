"""Playwright driving Debian's chromium (never a downloaded browser) against the live test server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: `make browser` installs it.")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    # Nothing may leave this machine: any request to another host fails the test.
    context.route("**/*", _local_only)
    opened = context.new_page()
    yield opened
    context.close()


def _local_only(route: Any) -> None:
    url = route.request.url
    if url.startswith(("http://localhost", "http://127.0.0.1", "data:", "about:")):
        route.continue_()
    else:
        route.fulfill(status=200, body="<html><body>outside</body></html>", content_type="text/html")
