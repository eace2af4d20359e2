"""Browser tests: real headless Chromium (the Debian package) driven by Playwright.

Use the ``page`` fixture (a fresh context per test) together with pytest-django's ``live_server``.
Where Chromium is absent the browser tests are skipped, and the run says so plainly at the end;
CI sets ``GONGJIANG_REQUIRE_BROWSER=1`` so that a missing browser fails instead of skipping.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import CHROMIUM_ARGS, SKIP_PREFIX, chromium_path, skip_reason

SCREENSHOT_DIR = Path(os.environ.get("GONGJIANG_SCREENSHOT_DIR", "build/screenshots"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is None:
        return
    reason = skip_reason()
    if reason is None:
        return
    if os.environ.get("GONGJIANG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here (GONGJIANG_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(f"{SKIP_PREFIX}{reason}")


def _wait_for_live_server_requests(timeout: float = 10.0) -> None:
    """Let the live server's request threads finish once Chromium has let go of them.

    Chromium keeps idle connections open until it exits; each one holds a live-server thread
    that still has to run Django's connection clean-up. Were the live server stopped first, that
    clean-up would fail on the shared in-memory SQLite connection and pytest would report it.
    """
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture(scope="session")
def browser(django_db_setup: Any, live_server: Any) -> Iterator[Any]:
    """One headless Chromium per test session (per xdist worker).

    It depends on ``live_server`` so that it is set up after the server and torn down before
    it: Chromium exits, its connections close, their threads finish, then the server stops.
    """
    reason = skip_reason()
    if reason is not None:
        pytest.skip(f"{SKIP_PREFIX}{reason}")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # while one is running unless told that this is safe (it is: one thread, one test).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
            _wait_for_live_server_requests()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page, in Chinese, for one test."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def login(live_server: Any) -> Any:
    """``login(page, username, password)``: sign in through the real login form."""

    def _login(page: Any, username: str, password: str = "Pass-Word-123") -> None:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

    return _login
