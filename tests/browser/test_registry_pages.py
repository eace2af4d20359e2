"""The registry in a real browser: a city bureau admin searches and opens a profile; a worker
sees nobody but themself. Screenshots go to test-artifacts/ (not committed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import registry_data

registry = registry_data.registry  # the fixture, from tests/registry_data.py

ARTIFACTS = Path("test-artifacts")


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def test_city_admin_searches_registry_and_opens_profile(
    transactional_db: Any, live_server: Any, page: Any, login: Any, registry: Any, artifacts: Path
) -> None:
    # given
    login(page, "city")
    assert page.locator("h1").first.inner_text() == "技能人才概览"
    page.wait_for_selector("#main canvas")  # ECharts drew the dashboard from local files
    assert page.locator('[data-figure="total"]').inner_text() == "6"
    page.screenshot(path=str(artifacts / "dashboard-city.png"), full_page=True)

    # when: open the registry and search by name; htmx swaps the table in place
    page.click("nav.mainnav >> text=技能人才库")
    page.wait_for_load_state("load")
    page.wait_for_function("window.htmx !== undefined")
    page.wait_for_selector("#registry-table")
    assert page.locator("#registry-table tbody tr").count() == 6
    page.fill("#id_q", "李高级")
    page.press("#id_q", "Enter")
    page.wait_for_function("document.querySelectorAll('#registry-table tbody tr').length === 1")
    assert "q=" in page.url  # the filter is in the address, so it can be bookmarked
    page.screenshot(path=str(artifacts / "registry-search.png"), full_page=True)

    # and open the profile
    page.click("#registry-table >> text=李高级")
    page.wait_for_selector("#identity")

    # then
    assert page.locator("h1").inner_text() == "李高级"
    assert registry.li.id_number_masked in page.locator("#id-number").inner_text()
    assert "GJ-LI-0001" in page.locator("#certificates").inner_text()
    # reveal the full number in place (htmx), which the service audits
    page.click("#id-number button")
    page.wait_for_selector("[data-revealed]")
    assert page.locator("[data-revealed]").inner_text() == registry.li_id_number
    page.screenshot(path=str(artifacts / "profile.png"), full_page=True)
    assert registry.li_id_number not in page.url


def test_id_number_typed_in_search_box_never_reaches_the_url(
    transactional_db: Any, live_server: Any, page: Any, login: Any, registry: Any
) -> None:
    login(page, "city")
    page.goto(f"{live_server.url}/people/")
    page.wait_for_function("window.htmx !== undefined")
    page.fill("#id_q", registry.li_id_number)
    page.press("#id_q", "Enter")
    page.wait_for_function("document.querySelectorAll('#registry-table tbody tr').length === 1")
    assert "李高级" in page.locator("#registry-table").inner_text()
    assert registry.li_id_number not in page.url


def test_worker_sees_only_themself(
    transactional_db: Any, live_server: Any, page: Any, login: Any, registry: Any, artifacts: Path
) -> None:
    # given
    login(page, "wang")
    assert page.locator("h1").inner_text() == "我的技能档案"
    # when
    page.goto(f"{live_server.url}/people/")
    # then
    rows = page.locator("#registry-table tbody tr")
    assert rows.count() == 1
    assert "王师傅" in rows.first.inner_text()
    page.screenshot(path=str(artifacts / "registry-worker.png"), full_page=True)
    response = page.goto(f"{live_server.url}/people/{registry.li.pk}/")
    assert response is not None and response.status == 404
    assert "李高级" not in page.content()


def test_pages_fit_a_tablet_screen(
    transactional_db: Any, live_server: Any, browser: Any, registry: Any, artifacts: Path
) -> None:
    # given a portrait tablet
    context = browser.new_context(locale="zh-CN", viewport={"width": 768, "height": 1024}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "city")
        page.fill("input[name=password]", "Pass-Word-123")
        page.click("button[type=submit]")
        page.wait_for_selector("#main canvas")
        for path, shot in (("/", "tablet-dashboard.png"), ("/people/", "tablet-registry.png"),
                           (f"/people/{registry.li.pk}/", "tablet-profile.png")):
            # when
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(artifacts / shot), full_page=True)
            # then: nothing sticks out sideways (wide tables scroll inside their own box)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
    finally:
        context.close()


def test_every_navigation_item_is_visible_in_english(
    transactional_db: Any, live_server: Any, page: Any, login: Any, registry: Any, artifacts: Path
) -> None:
    # The English labels are longer than the Chinese: the city admin's nine items no longer
    # fit on one line at 1280 px. They wrap onto a second line; none is hidden off the edge.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    login(page, "city")
    page.goto(f"{live_server.url}/training/")
    links = page.locator("nav.mainnav a")
    assert links.count() >= 9
    width = page.viewport_size["width"]
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, links.nth(index).inner_text()
    assert page.evaluate("(n => n.scrollWidth <= n.clientWidth)(document.querySelector('nav.mainnav'))")
    assert "Bulk import and export" in page.locator("nav.mainnav").inner_text()
    page.screenshot(path=str(artifacts / "navigation-english.png"))
