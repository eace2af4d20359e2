"""A competition in a real browser: the organiser sets up an event and its judges, a judge marks
on the tablet sheet, the chief judge locks and publishes, and the public sees the results and
the medal table (drawn by ECharts from local files). Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gongjiang.competitions import services
from gongjiang.competitions.models import CompetitionEvent, EventRound
from tests import factories
from tests.competitions.conftest import build_contest, competitor

ARTIFACTS = Path("test-artifacts")
SCHEME = "实操|A1|接线正确率|测量|60\n素养|B1|安全规范|评价|40|低于标准;符合标准;部分超过;全面超过"


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def new_page(browser: Any, live_server: Any, username: str | None, *, tablet: bool = False) -> Any:
    viewport = {"width": 820, "height": 1180} if tablet else {"width": 1280, "height": 900}
    context = browser.new_context(locale="zh-CN", viewport=viewport, has_touch=tablet)
    context.set_default_timeout(15_000)
    page = context.new_page()
    if username:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "Pass-Word-123")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
    return page


def test_set_up_mark_publish_and_see_results(
    transactional_db: Any, live_server: Any, browser: Any, city: Any, personas: Any, artifacts: Path
) -> None:
    contest = build_contest(city, personas)
    competition = contest.competition
    factories.user("judge-zhao")
    factories.user("chief-qian")

    # the organiser adds an event, its marking scheme and two judges through the pages
    organiser = new_page(browser, live_server, "city")
    organiser.goto(f"{live_server.url}/competitions/{competition.pk}/")
    organiser.click("text=增加赛项")
    organiser.fill("#id_code", "E02")
    organiser.fill("#id_name", "电工")
    organiser.fill("#id_theory_weight", "0")
    organiser.fill("#id_practical_weight", "100")
    organiser.click("button.primary")
    organiser.wait_for_selector("text=编辑评分方案")
    event = CompetitionEvent.objects.get(competition=competition, code="E02")
    organiser.fill("#id_lines", SCHEME)
    organiser.click("text=保存评分方案")
    organiser.wait_for_selector("text=已保存评分方案。")
    for username, chief in (("judge-zhao", False), ("chief-qian", True)):
        organiser.click("summary:has-text('指派裁判')")
        organiser.fill("#id_username", username)
        if chief:
            organiser.check("#id_is_chief")
        organiser.click("form:has(#id_username) button.primary")
        organiser.wait_for_selector(f"text=已指派裁判 {username}。")
    organiser.screenshot(path=str(artifacts / "competition-event.png"), full_page=True)
    assert event.judges.count() == 2 and event.aspects.count() == 2

    # registration (the delegation's form is tested elsewhere) and the start of the competition
    services.competition_set_status(actor=personas.city, competition=competition, status="registration")
    for name in ("陆电工", "沈电工"):
        services.entry_register(actor=personas.dan, event=event, delegation=contest.yuecheng,
                                people=[competitor(city, name)])
    services.competition_set_status(actor=personas.city, competition=competition, status="underway")
    event_round = EventRound.objects.get(event=event)

    # the judge marks both entries on a tablet: big 0–3 buttons, numbers only
    judge = new_page(browser, live_server, "judge-zhao", tablet=True)
    judge.goto(f"{live_server.url}/competitions/judging/")
    judge.click(".entry-tile")
    judge.click(".worklist a.entry-tile >> nth=0")
    for a1, b1 in (("55", "3"), ("48", "2")):
        judge.wait_for_selector("[data-testid=sheet-number]")
        assert "电工" not in judge.locator("[data-testid=sheet-number]").inner_text()
        judge.fill("input[inputmode=decimal]", a1)
        judge.click(f".score-choices label:has(.digit:text-is('{b1}'))")
        if a1 == "55":
            judge.screenshot(path=str(artifacts / "judge-sheet-tablet.png"), full_page=True)
        judge.click("[data-testid=submit-sheet]")
    judge.wait_for_selector("[data-testid=worklist]")
    assert judge.locator(".badge.submitted").count() == 2

    # the chief judge locks and publishes
    chief = new_page(browser, live_server, "chief-qian")
    chief.goto(f"{live_server.url}/competitions/rounds/{event_round.pk}/")
    chief.click("[data-testid=lock]")
    chief.wait_for_selector("[data-testid=round-results]")
    assert chief.locator("[data-testid=round-status]").inner_text() == "已锁定"
    chief.click("[data-testid=publish]")
    chief.wait_for_selector("text=查看公开成绩")

    # the public sees the results (names masked) and the medal table with its chart
    public = new_page(browser, live_server, None)
    public.goto(f"{live_server.url}/competitions/results/")
    public.click(f"text={competition.name}")
    public.wait_for_selector("[data-testid=medal-table]")
    public.wait_for_selector(".chart[data-medal-chart] canvas")
    assert "越城区代表队" in public.locator("[data-testid=medal-table]").inner_text()
    public.screenshot(path=str(artifacts / "medal-table.png"), full_page=True)
    public.click("text=E02 电工")
    rows = public.locator("[data-testid=public-results] tbody tr")
    assert rows.count() == 2
    first = rows.nth(0).inner_text()
    assert "陆*" in first and "金牌" in first and "陆电工" not in public.content()
