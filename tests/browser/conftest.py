"""Browser journeys: Playwright driving Debian's chromium (browsers cannot be downloaded here)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Browser tests use `pytest.mark.django_db(transaction=True, serialized_rollback=True)`: the live
# server needs committed rows, and the rollback brings back what data migrations made (the groups).


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser`, for `pytest -m browser` and `pytest -m "not browser"`."""
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def missing_browser_reason():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make test installs it)"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Debian's chromium is not installed at {CHROMIUM}: run `sudo apt-get install chromium`"
    return None


@pytest.fixture(scope="module")
def browser():
    """Chromium for the tests of one module.

    While Playwright's sync API is open, its event loop counts as running in this thread: asyncio.run()
    fails and Django refuses synchronous ORM calls. So the browser closes at the end of each module,
    before a test elsewhere (in whatever order the tests run) can meet that loop, and Django's check
    is lifted only for as long as the browser is open (the tests' own ORM calls are synchronous).
    """
    reason = missing_browser_reason()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    outside = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # With Playwright's loop running, Django's per-thread connections are looked up per async
        # context instead, which starts empty: the tests would get new connection objects that lack
        # the migrated rows serialized at set-up, so their serialized_rollback would do nothing and
        # their flush would re-create content types that the next test then loads again (a
        # duplicate) or leave no groups behind. Keep using the connections the other tests use.
        for alias, connection in outside.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    def take(name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take
