"""The evaluation and import pages render in English when the language cookie says so."""

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from gongjiang.evaluation import services
from tests.evaluation.conftest import ELIGIBLE_FOR_4, make_batch

pytestmark = pytest.mark.django_db


def _get_english(client: Any, personas: Any, url_name: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.city)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    return response.content.decode()


def test_evaluation_index_is_in_english(client: Any, personas: Any) -> None:
    page = _get_english(client, personas, "evaluation:index")
    assert "<h1>Skill level evaluation</h1>" in page
    assert "Batches open for applications" in page
    assert "Evaluation bodies, evaluation batches, applications, scoring, publicity and certificate issuance" in page
    assert "职业技能等级认定" not in page
    assert "正在报名的批次" not in page


def test_evaluation_batch_list_is_in_english(client: Any, personas: Any) -> None:
    page = _get_english(client, personas, "evaluation:batches")
    assert "<h1>Evaluation batch</h1>" in page
    assert "认定批次" not in page


def test_imports_index_is_in_english(client: Any, personas: Any) -> None:
    page = _get_english(client, personas, "imports:index")
    assert "<h1>Bulk import and export</h1>" in page
    assert "My import history" in page
    assert "No imports yet." in page
    assert "批量导入导出" not in page
    assert "我的导入记录" not in page


def test_evaluation_index_stays_chinese_by_default(client: Any, personas: Any) -> None:
    client.force_login(personas.city)
    page = client.get(reverse("evaluation:index")).content.decode()
    assert "职业技能等级认定" in page
    assert "Skill level evaluation" not in page


def _cell(page: str, heading: str) -> str:
    """The table cell next to the row heading ``heading``."""
    start = page.index(f"<th>{heading}</th><td>") + len(f"<th>{heading}</th><td>")
    return page[start:page.index("</td>", start)]


def test_batch_and_body_pages_give_date_ranges_and_capacity_in_english(client: Any, setup: Any, personas: Any) -> None:
    batch = make_batch(setup)  # no capacity (0: no limit), no fee
    application = services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4,
                                              facts=ELIGIBLE_FOR_4)
    window = f"{batch.applications_open:%Y-%m-%d} to {batch.applications_close:%Y-%m-%d}"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.olga)

    page = client.get(reverse("evaluation:batch_detail", args=[batch.pk])).content.decode()
    applications_cell = _cell(page, "Applications")
    assert applications_cell == window
    capacity_cell = _cell(page, "Planned number / fee")
    assert capacity_cell == "No limit / CNY 0.00"
    assert "至" not in applications_cell + capacity_cell and "不限" not in capacity_cell and "元" not in capacity_cell

    page = client.get(reverse("evaluation:body_detail", args=[setup.body.pk])).content.decode()
    assert _cell(page, "Validity") == "2024-01-01 to 2030-12-31"
    page = client.get(reverse("evaluation:bodies")).content.decode()
    assert "2024-01-01 to 2030-12-31" in page and "2024-01-01 至 2030-12-31" not in page

    page = client.get(reverse("evaluation:application_detail", args=[application.pk])).content.decode()
    assert _cell(page, "Apprenticeship completed") == "no"

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("evaluation:batch_detail", args=[batch.pk])).content.decode()
    assert _cell(page, "报名") == f"{batch.applications_open:%Y-%m-%d} 至 {batch.applications_close:%Y-%m-%d}"
    assert _cell(page, "计划人数 / 收费") == "不限 / 0.00 元"
    page = client.get(reverse("evaluation:body_detail", args=[setup.body.pk])).content.decode()
    assert _cell(page, "有效期") == "2024-01-01 至 2030-12-31"
    page = client.get(reverse("evaluation:application_detail", args=[application.pk])).content.decode()
    assert _cell(page, "学徒期满") == "否"


def test_levels_are_named_in_the_users_language_and_certificates_keep_the_national_wording(
    client: Any, setup: Any, personas: Any,
) -> None:
    from gongjiang.evaluation import rules

    batch = make_batch(setup, grades=(4, 3))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.olga)
    page = client.get(reverse("evaluation:batches")).content.decode()
    assert "<td>Grade 4 / intermediate worker, Grade 3 / senior worker</td>" in page
    assert "<th>Application period</th>" in page and '<th class="num">Applications</th>' in page
    assert "四级/中级工" not in page
    form = client.get(reverse("evaluation:batch_bulk_apply", args=[batch.pk])).content.decode()
    assert ">Grade 4 / intermediate worker</option>" in form

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("evaluation:batches")).content.decode()
    assert "<td>四级/中级工、三级/高级工</td>" in page and "<th>报名</th>" in page
    # The certificate's wording is the national one, whatever the page's language.
    assert rules.GRADE_NAMES[4] == "四级/中级工"


def test_the_application_forms_choices_are_in_the_users_language() -> None:
    from django.utils import translation

    from gongjiang.evaluation.forms import ApplicationForm

    with translation.override("en"):
        html = str(ApplicationForm()["programs"]) + str(ApplicationForm()["flags"])
        assert "Senior worker class of a technical school" in html
        assert "Holds a preparatory technician certificate" in html
        assert "技工院校高级工班" not in html
    with translation.override("zh-hans"):
        assert "技工院校高级工班" in str(ApplicationForm()["programs"])
