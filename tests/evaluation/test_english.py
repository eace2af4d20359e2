"""The evaluation and import pages render in English when the language cookie says so."""

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

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
