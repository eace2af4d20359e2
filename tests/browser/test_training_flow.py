"""The study tour in a real browser: the city bureau creates and publishes an overseas study
tour, the employer nominates its worker, the bureau selects, records attendance and completion,
and the worker sees the completed programme and its certificate in their own training record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ARTIFACTS = Path("test-artifacts")


def test_organiser_employer_worker_study_tour(
    transactional_db: Any, live_server: Any, page: Any, login: Any, city: Any, personas: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    worker = personas.wang.person

    def sign_in(username: str) -> None:
        page.context.clear_cookies()
        login(page, username)

    # given: the city bureau creates the tour
    sign_in("city")
    page.goto(f"{live_server.url}/training/new/")
    page.fill("#id_name", "德国自动化技术研修班")
    page.select_option("#id_kind", "overseas_study")
    page.select_option("#id_organizer", label="绍兴市人力资源和社会保障局")
    page.fill("#id_destination_country", "DE")
    page.fill("#id_days", "13")
    page.fill("#id_start_date", "2024-10-12")
    page.fill("#id_end_date", "2024-10-24")
    page.fill("#id_capacity", "29")
    page.fill("#id_hours", "96")
    page.click("form button[type=submit].primary")
    page.wait_for_selector("[data-program-number]")
    program_url = page.url
    page.click("text=设为“推荐报名中”")
    page.wait_for_selector('[data-status="open"]')
    page.click("text=＋ 添加课次")
    page.fill("#id_title", "西门子工厂参观")
    page.fill("#id_date", "2024-10-13")
    page.fill("#id_hours", "8")
    page.click("form button[type=submit].primary")
    page.wait_for_selector("#sessions >> text=西门子工厂参观")

    # when: the employer nominates its worker
    sign_in("olga")
    page.goto(program_url)
    page.click("text=推荐人员")
    page.fill("#id_person", str(worker.pk))
    page.fill("#id_reason", "数控骨干，参与技术革新")
    page.click("form button[type=submit].primary")
    page.wait_for_selector('[data-nomination="王师傅"]')

    # and the bureau selects, records attendance and completes
    sign_in("city")
    page.goto(program_url)
    page.check('[data-nomination="王师傅"] input[name=selected]')
    page.fill("#id_criteria", "高级工及以上，近三年参与技术革新")
    page.click("text=确定入选名单")
    page.wait_for_selector('[data-enrollment="王师傅"]')
    page.click("text=记考勤")
    page.check("input[value=present]")
    page.click("text=保存考勤")
    page.wait_for_selector('[data-enrollment="王师傅"] >> text=1/1')
    page.click('[data-enrollment="王师傅"] >> text=考核')
    page.select_option("#id_passed", "1")
    page.fill("#id_score", "90")
    page.click("form button[type=submit].primary")
    page.wait_for_selector('[data-enrollment="王师傅"] >> text=合格')
    page.click('[data-enrollment="王师傅"] >> a.primary')
    page.wait_for_selector("ul.checks li.ok")
    assert page.locator("ul.checks li.fail").count() == 0
    page.click("text=确认结业")
    page.wait_for_selector('[data-enrollment="王师傅"] >> text=已结业')
    page.screenshot(path=str(ARTIFACTS / "training-program.png"), full_page=True)

    # then: the worker sees it in their record, with a verifiable certificate
    sign_in("wang")
    page.goto(f"{live_server.url}/training/mine/")
    history = page.locator("#training-history")
    assert "德国自动化技术研修班" in history.inner_text()
    assert "已结业" in history.inner_text()
    number = page.locator("#training-history a.mono").inner_text()
    assert number.startswith("JY2024")
    page.goto(f"{live_server.url}/training/people/{worker.pk}/")
    assert "德国自动化技术研修班" in page.locator("#training").inner_text()
    page.click(f"text={number}")
    page.wait_for_load_state("load")
    assert "德国自动化技术研修班" in page.content()
    page.screenshot(path=str(ARTIFACTS / "training-verify.png"), full_page=True)
