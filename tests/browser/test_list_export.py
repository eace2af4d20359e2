"""A list page's export in a real browser: the filter typed into the page (applied by HTMX
without a reload) travels with the "导出 Excel" link, and the file holds the rows on screen."""

from __future__ import annotations

from typing import Any

from openpyxl import load_workbook

from gongjiang.orgs.models import Organization


def test_the_export_link_follows_the_filters_typed_into_the_page(
    transactional_db: Any, live_server: Any, page: Any, login: Any, city: Any, personas: Any,
    screenshot_dir: Any, tmp_path: Any,
) -> None:
    # given: the district bureau on its organisation list, which shows more than one unit
    login(page, "dan")
    page.goto(f"{live_server.url}/orgs/")
    page.wait_for_selector("#org-table")
    everything = page.locator("#org-table tbody tr").count()
    assert everything > 1
    # when: a search is typed (the list narrows in place) and the export is clicked
    page.fill("#id_q", "装配分公司")
    page.wait_for_function("document.querySelectorAll('#org-table tbody tr').length === 1")
    on_screen = page.inner_text("#org-table tbody tr td a")
    assert "q=" in (page.get_attribute("a[data-export]", "href") or "")
    page.screenshot(path=str(screenshot_dir / "orgs-list-filtered.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("a[data-export]")
    target = tmp_path / "orgs.xlsx"
    download_info.value.save_as(target)
    # then: the file has exactly the row on screen, not the whole list
    sheet = load_workbook(target, read_only=True).active
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]
    assert [row[0] for row in rows] == [on_screen]
    assert Organization.objects.filter(name=on_screen).exists()
