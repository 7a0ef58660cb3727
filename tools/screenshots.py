"""Screenshots of the running demo for the README and the user guide.

    CONTINUUM_DEMO_PASSWORD=... .venv/bin/python tools/screenshots.py http://127.0.0.1:8000 docs/img

Drives Debian's chromium through Playwright (no downloaded browser).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/home/")


def main() -> None:
    base, out = sys.argv[1].rstrip("/"), Path(sys.argv[2])
    password = os.environ["CONTINUUM_DEMO_PASSWORD"]
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(f"{base}/")
        page.screenshot(path=out / "landing.png")
        sign_in(page, base, "coordinator", password)
        page.goto(f"{base}/cases/?age_group=minor&trafficking_type=labor")
        page.screenshot(path=out / "case-list.png")
        page.locator("tbody th a").first.click()
        page.wait_for_selector("h1")
        page.screenshot(path=out / "case-page.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
