"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against the live server.

Screenshots go to tests/artifacts/screenshots/ (the README shows them).
"""

import os
from pathlib import Path

import pytest

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("HELPDESK_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    # A conftest hook sees every collected test, not only this folder's.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="en-US")
    context.set_default_timeout(30_000)  # generous: CI runs these beside another test worker on 2 cores
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, "agent-dashboard") saves tests/artifacts/screenshots/agent-dashboard.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page, user) -> None:
    """Through the agent login form, as a person would; done when the dashboard shows."""
    page.goto("/agent/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#counters")
