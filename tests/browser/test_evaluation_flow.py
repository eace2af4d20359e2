"""Skill evaluation in a real browser: a worker applies, an evaluator scores, the body's admin
publicises and issues, and the public verification page confirms the certificate.
Screenshots go to build/screenshots/evaluation-*.png."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone

from gongjiang.evaluation import services
from gongjiang.evaluation.models import Application, Publicity, ScoreSheet
from gongjiang.people.models import Person
from tests import factories
from tests.evaluation.conftest import filed_body


def new_page(browser: Any, live_server: Any, username: str | None) -> Any:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    if username:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "Pass-Word-123")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
    return page


def test_apply_score_publicise_issue_and_verify(
    transactional_db: Any, live_server: Any, browser: Any, city: Any, personas: Any, screenshot_dir: Path
) -> None:
    # given 越城机械 filed as a self-evaluation body, three external evaluators, an open batch
    occupation = factories.occupation()
    body = filed_body(city.yuecheng_machinery)
    services.body_scope_set(actor=None, body=body, occupation=occupation, grades=[5, 4, 3])
    college = factories.organization("越城技师学院", kind="technical_college", region_obj=city.yuecheng)
    evaluators = []
    for index in range(3):
        person = factories.person(f"考评员{'甲乙丙'[index]}", employer=college, region_obj=city.yuecheng)
        factories.certificate(person, level=4, occupation_obj=occupation)
        person.user = factories.user(f"kp{index + 1}")
        person.save(update_fields=["user"])
        evaluators.append(services.evaluator_add(actor=None, body=body, person=person))
    today = timezone.localdate()
    batch = services.batch_create(
        actor=None, body=body, name="车工四级认定（浏览器测试）", occupation=occupation, grades=[4],
        applications_open=today - dt.timedelta(days=2), applications_close=today + dt.timedelta(days=5),
    )
    services.batch_transition(actor=None, batch=batch, target="open")
    wang = Person.objects.get(user=personas.wang)

    # when the worker applies through the page, with the live eligibility check
    worker = new_page(browser, live_server, "wang")
    worker.goto(f"{live_server.url}/evaluation/")
    worker.click("table[data-table=open-batches] >> text=申报")
    worker.fill("#id_occupation_start", "2024-01-01")
    worker.wait_for_selector("#eligibility[data-eligible=no]")
    assert "还需累计从事本职业工作" in worker.inner_text("#eligibility")
    worker.fill("#id_occupation_start", "2012-03-01")
    worker.wait_for_selector("#eligibility[data-eligible=yes]")
    worker.screenshot(path=str(screenshot_dir / "evaluation-1-apply.png"), full_page=True)
    worker.click("button.primary")
    worker.wait_for_selector("[data-status=accepted]")
    application = Application.objects.get(person=wang)
    assert application.status == "accepted"

    # and the body's admin closes the batch, places the evaluators and starts the exams
    admin = new_page(browser, live_server, "olga")
    admin.goto(f"{live_server.url}/evaluation/batches/{batch.pk}/")
    admin.click("button[data-move=closed]")
    admin.wait_for_selector("[data-status=closed]")
    for evaluator in evaluators:
        services.batch_assign_evaluator(actor=personas.olga, batch=batch, evaluator=evaluator, component="practical")
    admin.reload()
    admin.click("button[data-move=examining]")
    admin.wait_for_selector("[data-status=examining]")

    # and an evaluator signs in and enters their practical score; the others do the same
    evaluator_page = new_page(browser, live_server, "kp1")
    evaluator_page.goto(f"{live_server.url}/evaluation/batches/{batch.pk}/scores/")
    practical = ScoreSheet.objects.get(application=application, component="practical")
    row = f"#sheet-{practical.pk}"
    evaluator_page.fill(f"{row} input[name=score]", "82")
    evaluator_page.click(f"{row} form[action$='/enter/'] button")
    evaluator_page.wait_for_selector(f"{row} >> text=已保存")
    evaluator_page.screenshot(path=str(screenshot_dir / "evaluation-2-evaluator-scores.png"), full_page=True)
    for evaluator in evaluators[1:]:
        services.score_enter(actor=None, sheet=practical, score=78, evaluator=evaluator)

    # and the admin enters the theory score, submits, locks and publicises
    admin.goto(f"{live_server.url}/evaluation/batches/{batch.pk}/scores/")
    theory = ScoreSheet.objects.get(application=application, component="theory")
    admin.fill(f"#sheet-{theory.pk} input[name=score]", "88")
    admin.click(f"#sheet-{theory.pk} form[action$='/enter/'] button")
    admin.wait_for_selector(f"#sheet-{theory.pk} >> text=已保存")
    admin.reload()
    for sheet in (theory, practical):
        admin.click(f"#sheet-{sheet.pk} form[action$='/submit/'] button")
        admin.wait_for_load_state("networkidle")
    admin.click("text=锁定已提交成绩")
    admin.wait_for_selector("text=已锁定 2 份成绩单")
    admin.screenshot(path=str(screenshot_dir / "evaluation-3-locked.png"), full_page=True)
    admin.goto(f"{live_server.url}/evaluation/batches/{batch.pk}/")
    admin.click("button[data-move=scoring]")
    admin.wait_for_selector("[data-status=scoring]")
    admin.click("button[data-move=publicity]")
    admin.wait_for_selector("[data-status=publicity]")
    application.refresh_from_db()
    assert application.result == "passed"

    # and, the 7-day publicity having passed, the admin issues the certificate
    Publicity.objects.filter(batch=batch).update(starts_on=today - dt.timedelta(days=9), ends_on=today - dt.timedelta(days=3))
    admin.reload()
    admin.click("button[data-move=certified]")
    admin.wait_for_selector("[data-status=certified]")
    admin.screenshot(path=str(screenshot_dir / "evaluation-4-certified.png"), full_page=True)
    application.refresh_from_db()
    number = application.certificate.number
    assert number == f"Y000033000001{today:%y}4000001"
    wang.refresh_from_db()
    assert wang.current_level == 2

    # then anyone can verify it on the public page, without logging in
    public = new_page(browser, live_server, None)
    public.goto(f"{live_server.url}/verify/")
    public.fill("#id_number", number)
    public.fill("#id_name", wang.name)
    public.click("form[method=post] button[type=submit]")
    public.wait_for_selector(".verify-result[data-result=valid]")
    text = public.inner_text(".verify-result")
    assert "四级/中级工" in text and wang.name not in text and wang.name[0] + "*" in text
    assert wang.id_number_masked not in public.content()
    public.screenshot(path=str(screenshot_dir / "evaluation-5-verified.png"), full_page=True)
