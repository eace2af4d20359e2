"""Browser tests: real headless Chromium (the Debian package) driven by Playwright.

Use the ``page`` fixture (a fresh context per test) together with pytest-django's ``live_server``.
Where Chromium is absent the browser tests are skipped, and the run says so plainly at the end;
CI sets ``GONGJIANG_REQUIRE_BROWSER=1`` so that a missing browser fails instead of skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_PREFIX = "browser test skipped: "
SCREENSHOT_DIR = Path(os.environ.get("GONGJIANG_SCREENSHOT_DIR", "build/screenshots"))


def chromium_path() -> str | None:
    configured = os.environ.get("GONGJIANG_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def skip_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if chromium_path() is None:
        return (
            "Chromium is not installed (looked for "
            + ", ".join(CHROMIUM_CANDIDATES)
            + "; install the Debian package 'chromium' or set GONGJIANG_CHROMIUM)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is not installed (pip install -e '.[dev]')"
    return None


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


def pytest_terminal_summary(terminalreporter: Any) -> None:
    # Read the skips from the reports, so this also works when xdist workers ran the tests.
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if SKIP_PREFIX in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_sep("=", "BROWSER TESTS SKIPPED", yellow=True, bold=True)
        terminalreporter.write_line(f"{len(skipped)} browser test(s) did not run: {skip_reason()}.")
        terminalreporter.write_line("Everything else ran. Install Chromium to run them too.")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium per test session (per xdist worker)."""
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
