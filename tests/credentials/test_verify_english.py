"""The public verification page and API answer in English when the visitor's language is English."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from gongjiang.credentials import views


@pytest.fixture(autouse=True)
def _fresh_state():
    cache.clear()
    yield
    cache.clear()
    # LocaleMiddleware leaves the last request's language active in this thread.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _main(html: str) -> str:
    return html.split("<main", 1)[1]


def test_verify_page_is_chinese_by_default(client, db):
    html = client.get(reverse("credentials:verify")).content.decode()
    assert "<h1>证书核验</h1>" in html


def test_verify_page_is_english_with_the_english_language_cookie(english_client, db):
    response = english_client.get(reverse("credentials:verify"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "<h1>Certificate verification</h1>" in html
    assert "No login needed. Enter the certificate number and the holder's name" in html
    assert "Verify by certificate number and name" in html and "Verify by verification code" in html
    assert "Holder&#x27;s name" in html or "Holder's name" in html
    assert "证书核验" not in _main(html)
    assert "按证书编号和姓名核验" not in html


def test_accept_language_english_also_works(client, db):
    html = client.get(reverse("credentials:verify"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Certificate verification</h1>" in html
    assert "证书核验" not in _main(html)


def test_not_found_lookup_shows_the_english_not_found_message(english_client, db):
    response = english_client.get(reverse("credentials:verify_code", args=["ZZZZZZZZZZZZZZZZZZZZ"]))
    html = response.content.decode()
    assert 'data-result="not_found"' in html and ">Not found<" in html
    assert "No certificate matches the details you entered" in html
    assert "Please check the certificate number and name" in html
    assert "未找到与输入信息相符的证书" not in html


def test_valid_certificate_shows_english_labels(english_client, issued):
    html = english_client.get(reverse("credentials:verify_code", args=[issued.code])).content.decode()
    assert 'data-result="valid"' in html
    assert "This certificate is genuine and valid" in html
    assert "Verification link" in html and "Trade / specialization" in html and "Skill level" in html
    assert "Verification link: <a" in html  # a label's colon in the reader's punctuation
    assert "该证书真实有效" not in html and "：<a" not in html


def test_missing_fields_error_is_english(english_client, db):
    response = english_client.post(reverse("credentials:verify"), {"number": "", "name": ""})
    with translation.override("en"):
        expected = translation.gettext(views.MSG_NEED_NUMBER_AND_NAME)
    assert expected == "Please enter both the certificate number and the holder's name."
    assert response.status_code == 400
    assert response.context["error"] == expected


def test_rate_limit_message_is_english(english_client, db, settings):
    with translation.override("en"):
        english = translation.gettext(views.MSG_RATE_LIMITED)
    assert english.startswith("Too many lookups")
    assert "{limit}" in english and "{window}" in english and "{retry}" in english
    settings.VERIFY_RATE_LIMIT = 1
    settings.VERIFY_RATE_WINDOW = 60
    english_client.get("/api/v1/verify/ZZZZZZZZZZZZZZZZZZZZ/")
    response = english_client.get("/api/v1/verify/ZZZZZZZZZZZZZZZZZZZZ/")
    assert response.status_code == 429
    assert json.loads(response.content)["detail"] == english.format(window=60, limit=1, retry=response["Retry-After"])
    page = english_client.get(reverse("credentials:verify_code", args=["ZZZZZZZZZZZZZZZZZZZZ"]))
    assert page.status_code == 429
    assert "Too many lookups" in page.content.decode()
