"""The audit chain's verification in a real browser: its page polls the background job's row
(HTMX) and swaps the progress bar for the findings without a reload."""

from __future__ import annotations

from typing import Any

from gongjiang.core.models import AuditVerification


def test_the_verification_page_follows_the_job_to_its_findings(
    transactional_db: Any, live_server: Any, page: Any, login: Any, personas: Any, screenshot_dir: Any,
) -> None:
    # given: a verification the worker is running, a quarter through
    running = AuditVerification.objects.create(requested_by=personas.aud, status=AuditVerification.Status.RUNNING,
                                               checked=3000, total=12000)
    login(page, "aud")
    page.goto(f"{live_server.url}/audit/verify/{running.pk}/")
    page.wait_for_selector("#verification-progress")
    assert page.get_attribute("#verification-progress", "value") == "3000"
    page.screenshot(path=str(screenshot_dir / "audit-verification-running.png"), full_page=True)
    # when: the job finishes and has found an altered entry
    AuditVerification.objects.filter(pk=running.pk).update(
        status=AuditVerification.Status.DONE, checked=12000, total=12000, ok=False, head="12000:" + "ab" * 32,
        problems_total=1, problems=[{"code": "altered", "seq": 4711, "entry_id": 4800,
                                     "message": "第 4711 条（审计记录 4800，auth.login）的内容与封存时不符：记录被修改。"}],
    )
    # then: the page shows it without being reloaded
    page.wait_for_selector("#verification-result", timeout=10_000)
    assert "1 处问题" in page.inner_text("#verification-result")
    assert page.locator("#verification-problems tbody tr[data-code=altered]").count() == 1
    assert page.locator("#verification-progress").count() == 0
    assert "已完成" in page.inner_text("#verification-recent tbody tr")  # the list too
    page.screenshot(path=str(screenshot_dir / "audit-verification-found.png"), full_page=True)
    # and a new verification can be started from here; the real chain of this test holds
    page.click("text=重新校验")
    page.wait_for_selector("#verification-result")
    assert "审计链完好" in page.inner_text("#verification-result")
    assert AuditVerification.objects.count() == 2


def test_the_audit_filters_lie_in_one_grid_without_overlap(
    transactional_db: Any, live_server: Any, page: Any, login: Any, personas: Any, screenshot_dir: Any,
) -> None:
    login(page, "aud")
    page.goto(f"{live_server.url}/audit/")
    page.wait_for_selector("form.filters")
    boxes = [page.locator(f"form.filters #{name}").bounding_box()
             for name in ("id_actor", "id_action", "id_date_from", "id_date_to")]
    button = page.locator("form.filters button[type=submit]").bounding_box()
    assert all(boxes) and button
    # the fields share rows (they were stacked in one narrow column), and nothing covers a field
    assert boxes[0]["y"] == boxes[1]["y"] or abs(boxes[0]["x"] - boxes[1]["x"]) > 50

    def overlaps(a: dict, b: dict) -> bool:
        return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
            a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]

    assert not any(overlaps(button, box) for box in boxes)
    page.screenshot(path=str(screenshot_dir / "audit-list-filters.png"))
