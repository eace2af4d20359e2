"""The competition pages in English: the app-level catalog (competitions/locale/en) is used when
the visitor picks English, and Chinese stays the default."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_public_results_page_is_translated_into_english():
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("competitions:results"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Vocational skills competition results" in html
    assert "No results have been published yet." in html
    assert "Competition results" in html
    assert "职业技能竞赛成绩公示" not in html
    assert "暂无已公布的成绩。" not in html


def test_public_results_page_stays_chinese_by_default():
    response = Client().get(reverse("competitions:results"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "职业技能竞赛成绩公示" in html
    assert "Vocational skills competition results" not in html
