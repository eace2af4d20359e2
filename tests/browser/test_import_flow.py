"""The import flow in a real browser: an enterprise admin uploads a messy roster, sees each
problem at its row and column, imports the correct rows, and undoes the import."""

from __future__ import annotations

from typing import Any

from gongjiang.imports.models import ImportJob
from gongjiang.people.models import Person
from tests import factories
from tests.imports.conftest import write_xlsx


def test_upload_preview_confirm_and_undo(
    transactional_db: Any, live_server: Any, page: Any, login: Any, city: Any, personas: Any,
    screenshot_dir: Any, tmp_path: Any, settings: Any,
) -> None:
    settings.IMPORT_SCRATCH_DIR = tmp_path / "scratch"
    good = factories.make_id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    roster = write_xlsx(tmp_path / "越城机械花名册.xlsx", [
        ["越城机械有限公司 2024 年新员工花名册"],
        ["序号", "姓名", "身份證號碼", "工作单位", "入职时间"],
        [1, "新员工甲", good, "越城机械有限公司", "2024年3月1日"],
        [2, "新员工乙", bad, "越城机械有限公司", "2024.03.01"],
        [3, "外单位丙", factories.make_id_number(), "柯桥纺织有限公司", "2024/03/01"],
    ], merges=["A1:E1"], text_columns=(2,))

    # given: the enterprise admin on the upload page
    login(page, "olga")
    page.goto(f"{live_server.url}/imports/")
    page.click('a[data-entity="people"]')
    # the import modes are small radio buttons, each on the line of its own words
    for value in ("atomic", "partial"):
        radio = page.locator(f"input[name=mode][value={value}]").bounding_box()
        words = page.locator(f"label:has(input[name=mode][value={value}])").bounding_box()
        assert radio is not None and words is not None and radio["width"] < 30
        assert words["y"] <= radio["y"] and radio["y"] + radio["height"] <= words["y"] + words["height"]
    # when: the roster is uploaded
    page.set_input_files("input[type=file]", str(roster))
    page.click("#upload-form button[type=submit]")
    # then: the preview names each problem, nothing is written yet
    page.wait_for_selector("#error-table")
    assert page.inner_text("#rows-total") == "3" and page.inner_text("#rows-failed") == "2"
    table = page.inner_text("#error-table")
    assert "id_checksum" in table and "out_of_scope" in table
    assert not Person.objects.filter(name="新员工甲").exists()
    page.screenshot(path=str(screenshot_dir / "imports-preview.png"), full_page=True)

    # when: only the correct rows are imported
    page.click("#confirm-partial")
    page.wait_for_selector('[data-status="committed"]')
    # then
    assert Person.objects.get(name="新员工甲").current_employer == city.yuecheng_machinery
    page.screenshot(path=str(screenshot_dir / "imports-result.png"), full_page=True)

    # when: the import is undone
    page.click("details.inline-form summary")
    page.click("#rollback")
    page.wait_for_selector('[data-status="rolled_back"]')
    # then
    assert not Person.objects.filter(name="新员工甲").exists()
    assert ImportJob.objects.get().status == ImportJob.Status.ROLLED_BACK
