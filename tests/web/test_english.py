"""Chinese is the default; switching the language to English shows the pages in English."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from gongjiang.core import rules as core_rules
from gongjiang.people import services
from tests import factories


@pytest.fixture(autouse=True)
def _restore_language():
    # LocaleMiddleware leaves the last request's language active in this thread; later tests
    # that render labels outside a request must see the default language again.
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _switch_to_english(client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("people:list")})
    assert response.status_code == 302


def test_registry_page_is_chinese_by_default(client, registry, personas):
    client.force_login(personas.city)
    html = client.get(reverse("people:list")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<h1>技能人才库</h1>" in html


def test_switching_to_english_shows_registry_in_english(client, registry, personas):
    # given
    client.force_login(personas.city)
    # when
    _switch_to_english(client)
    html = client.get(reverse("people:list")).content.decode()
    # then
    assert '<html lang="en">' in html
    assert "<h1>Talent registry</h1>" in html
    assert "Export these results (Excel)" in html and "Senior worker (grade 3)" in html
    assert "City bureau administrator" in html  # role label in the user box
    assert "技能人才库" not in html.split("<main")[1]  # no Chinese left in the registry page's own text


def test_service_errors_are_translated_too(client, city, personas):
    client.force_login(personas.dan)
    _switch_to_english(client)
    response = client.post(reverse("people:create"), {
        "name": "Bad Number", "id_type": "resident_id", "id_number": "1234", "employer": city.yuecheng_machinery.pk,
    })
    with translation.override("en"):
        expected = str(core_rules.ERR_ID_FORMAT)
    assert expected.startswith("A resident ID number has 18 characters")
    assert response.context["form"].errors["id_number"] == [expected]
    number = factories.make_id_number(male=True)
    response = client.post(reverse("people:create"), {
        "name": "Wrong Sex", "id_type": "resident_id", "id_number": number, "sex": "female",
        "employer": city.yuecheng_machinery.pk,
    })
    with translation.override("en"):
        assert response.context["form"].errors["sex"] == [
            translation.gettext(services.ERR_SEX_MISMATCH).format(derived="Male")
        ]
    assert response.context["form"].errors["sex"][0].startswith("The sex does not match")


def test_english_dashboard(client, registry, personas):
    client.force_login(personas.city)
    _switch_to_english(client)
    html = client.get(reverse("web:home")).content.decode()
    assert "Skilled talent overview" in html and "High-skilled share" in html
