"""The training and international pages render in English when the language cookie asks for it."""

from typing import Any

from django.conf import settings
from django.urls import reverse


def _english_page(client: Any, user: Any, url_name: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    return response.content.decode()


def test_training_programme_list_is_in_english(client, personas):
    html = _english_page(client, personas.city, "training:program_list")

    assert "+ New training programme" in html
    assert "international certification programmes and apprentice classes" in html
    assert "<h1>培训项目</h1>" not in html
    assert "新建培训项目" not in html
    assert "境外研修、培训班、职工夜校" not in html


def test_international_index_is_in_english(client, personas):
    html = _english_page(client, personas.city, "international:partner_list")

    assert "+ Register an overseas partner organisation" in html
    assert "Internationally known companies, training assessment bodies" in html
    assert "<h1>境外合作机构</h1>" not in html
    assert "登记境外合作机构" not in html
    assert "国际知名企业" not in html


def test_chinese_stays_the_default(client, personas):
    client.force_login(personas.city)
    html = client.get(reverse("training:program_list")).content.decode()

    assert "新建培训项目" in html
    assert "+ New training programme" not in html
