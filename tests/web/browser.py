"""Playwright driving Debian's chromium (never a downloaded browser), screenshots kept."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.web.server import PASSWORD

ARTIFACTS = Path(os.environ.get("DUIJIE_ARTIFACTS", Path(__file__).resolve().parents[2]
                                / "test-artifacts"))
CHROMIUM = os.environ.get("DUIJIE_CHROMIUM", "/usr/bin/chromium")


_shared: dict = {}  # one Playwright for the run: see `browser`


@pytest.fixture(scope="session")
def browser():
    """A headless chromium; the tests fail in CI without it and skip elsewhere.

    Each test module imports this fixture, and pytest then keeps one session fixture
    per module; two sync Playwrights in one thread refuse to start, so they share one.
    """
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"chromium is required in CI: {CHROMIUM} is missing")
        pytest.skip(f"no chromium at {CHROMIUM}")
    if not _shared:
        from playwright.sync_api import sync_playwright

        manager = sync_playwright()
        playwright = manager.start()
        _shared.update(manager=manager, users=0, browser=playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]))
    _shared["users"] += 1
    yield _shared["browser"]
    _shared["users"] -= 1
    if not _shared["users"]:
        _shared["browser"].close()
        _shared.pop("manager").__exit__(None, None, None)
        _shared.clear()


def screenshot(page, name: str) -> Path:
    """Save what the page shows as a test artifact (and for the README)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def signed_in_page(browser, server, username: str, *, password: str = PASSWORD,
                   width: int = 1280, height: int = 900):
    """A new page signed in as `username` through the /login form, on the home page."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/")
    return page
