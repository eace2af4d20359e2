"""Bad input answers 400 with a map of Chinese messages naming the field, and saves nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongjiang.core import rules
from gongjiang.orgs import services as org_services
from gongjiang.orgs.models import Organization
from gongjiang.people import services as people_services
from gongjiang.people.api import views as people_api
from gongjiang.people.models import Certificate, Employment, Honor, Person
from tests import factories
from tests.api.conftest import client_for
from tests.api.test_scope_walk import registry_state


def _bad_id_numbers() -> dict[str, tuple[str, Any]]:
    good = factories.make_id_number()
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    return {
        "checksum": (wrong_check, rules.ERR_ID_CHECKSUM),
        "format": (good[:16], rules.ERR_ID_FORMAT),
        "date": ("330602" + "19901332" + "0015", rules.ERR_ID_DATE),
        "scientific": ("3.30602E+17", rules.ERR_ID_SCIENTIFIC),
    }


@pytest.mark.parametrize("case", ["checksum", "format", "date", "scientific"])
def test_invalid_id_number_is_refused(world, case):
    # given
    number, message = _bad_id_numbers()[case]
    before = registry_state()
    # when
    response = client_for(world.personas.dan).post(
        "/api/v1/people/", {"name": "错号码", "id_number": number, "residence_region": "330602"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json() == {"id_number": [str(message)]}
    assert registry_state() == before


def test_duplicate_person_is_refused(world):
    # given: 李装配 is registered; dan may see him, so the message names him (masked)
    existing = world.people["branch"]
    number = people_services.get_provider().decrypt(
        existing.id_number_encrypted, associated_data=people_services.ID_CIPHER_AAD
    )
    before = registry_state()
    # when
    response = client_for(world.personas.dan).post(
        "/api/v1/people/", {"name": "李重复", "id_number": number.lower(), "residence_region": "330602"},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json() == {
        "id_number": [people_services.ERR_DUPLICATE.format(who=f"{existing.name}，{existing.id_number_masked}")]
    }
    assert registry_state() == before


def test_duplicate_outside_scope_does_not_disclose_who(world):
    existing = world.people["textile"]
    number = people_services.get_provider().decrypt(
        existing.id_number_encrypted, associated_data=people_services.ID_CIPHER_AAD
    )
    response = client_for(world.personas.dan).post(
        "/api/v1/people/", {"name": "赵重复", "id_number": number, "residence_region": "330602"}, format="json"
    )
    assert response.status_code == 400
    assert existing.name not in str(response.json()) and existing.id_number_masked not in str(response.json())
    assert Person.objects.filter(name="赵重复").count() == 0


@pytest.mark.parametrize("value", ["2023-02-30", "2023-13-01", "明天", "1990/05/17"])
def test_invalid_date_is_refused_naming_the_field(world, value):
    before = registry_state()
    response = client_for(world.personas.dan).post(
        "/api/v1/people/",
        {"name": "日期错", "id_number": factories.make_id_number(), "birth_date": value, "residence_region": "330602"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["birth_date"]
    assert response.json()["birth_date"][0].startswith("出生日期：")
    assert registry_state() == before


def test_birth_date_that_disagrees_with_the_number_is_refused(world):
    number = factories.make_id_number(birth=dt.date(1988, 8, 8), sequence=11)
    response = client_for(world.personas.dan).post(
        "/api/v1/people/",
        {"name": "生日错", "id_number": number, "birth_date": "1988-08-09", "sex": "female",
         "residence_region": "330602"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "birth_date": [people_services.ERR_BIRTH_MISMATCH.format(derived="1988-08-08")],
        "sex": [people_services.ERR_SEX_MISMATCH.format(derived="男")],
    }
    assert not Person.objects.filter(name="生日错").exists()


def test_unknown_references_are_named(world):
    before = registry_state()
    response = client_for(world.personas.dan).post(
        "/api/v1/people/",
        {"name": "引用错", "id_number": factories.make_id_number(), "residence_region": "999999",
         "employer": world.city.keqiao_textile.pk, "occupation": "6-99-99-99"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"residence_region", "employer", "occupation"}
    # 柯桥纺织 exists but is outside dan's scope: the answer is the same as for a missing one
    assert "不在您的管理范围内" in body["employer"][0]
    assert registry_state() == before


def test_registering_outside_the_actors_region_is_refused(world):
    before = registry_state()
    response = client_for(world.personas.dan).post(
        "/api/v1/people/", {"name": "柯桥人", "id_number": factories.make_id_number(), "residence_region": "330603"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"employer": [people_services.ERR_NEW_PERSON_OUT_OF_SCOPE]}
    assert registry_state() == before


def test_update_with_wrong_sex_changes_nothing(world):
    person = world.people["resident"]  # a man, by his number
    before = registry_state()
    response = client_for(world.personas.dan).patch(
        f"/api/v1/people/{person.pk}/", {"sex": "female", "notes": "不该保存"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"sex"}
    assert registry_state() == before


def test_id_number_in_the_url_is_refused(world):
    number = factories.make_id_number()
    response = client_for(world.personas.city).get("/api/v1/people/", {"q": number})
    assert response.status_code == 400
    assert response.json() == {"q": [f"姓名或证书编号：{people_api.ERR_ID_NUMBER_IN_URL}"]}


def test_search_by_id_number_in_the_body(world):
    person = world.people["textile"]
    number = people_services.get_provider().decrypt(
        person.id_number_encrypted, associated_data=people_services.ID_CIPHER_AAD
    )
    city = client_for(world.personas.city).post("/api/v1/people/search/", {"id_number": number}, format="json")
    assert [row["id"] for row in city.json()["results"]] == [person.pk]
    dan = client_for(world.personas.dan).post("/api/v1/people/search/", {"id_number": number}, format="json")
    assert dan.json()["results"] == []


@pytest.mark.parametrize(("code", "message"), [
    ("91330602MA2BCDEFG0", rules.ERR_USCC_CHECKSUM),
    ("9133060212345", rules.ERR_USCC_FORMAT),
    ("91330602MA2BCDEFGI", rules.ERR_USCC_FORMAT),
])
def test_invalid_credit_code_is_refused(world, code, message):
    before = registry_state()
    response = client_for(world.personas.dan).post(
        "/api/v1/organizations/", {"name": "代码错误公司", "kind": "enterprise", "credit_code": code, "region": "330602"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"credit_code": [str(message)]}
    assert registry_state() == before


def test_credit_code_in_use_is_refused(world):
    taken = world.city.yuecheng_machinery
    before = registry_state()
    response = client_for(world.personas.dan).post(
        "/api/v1/organizations/",
        {"name": "重复代码公司", "kind": "enterprise", "credit_code": taken.credit_code.lower(), "region": "330602"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "credit_code": [org_services.ERR_CREDIT_CODE_TAKEN.format(code=taken.credit_code, name=taken.name)]
    }
    assert registry_state() == before


def test_enterprise_without_credit_code_is_refused(world):
    response = client_for(world.personas.dan).post(
        "/api/v1/organizations/", {"name": "无代码公司", "kind": "enterprise", "region": "330602"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"credit_code": [org_services.ERR_CREDIT_CODE_REQUIRED]}
    assert not Organization.objects.filter(name="无代码公司").exists()


def test_organization_cannot_become_its_own_descendant(world):
    machinery = world.city.yuecheng_machinery
    before = registry_state()
    response = client_for(world.personas.olga).patch(
        f"/api/v1/organizations/{machinery.pk}/", {"parent": world.city.machinery_branch.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"parent": [org_services.ERR_PARENT_CYCLE]}
    assert registry_state() == before


def test_bad_certificate_input(world):
    person = world.people["wang"]
    client = client_for(world.personas.olga)
    before = registry_state()
    bad_number = client.post(f"/api/v1/people/{person.pk}/certificates/",
                             {"number": "证书#1", "issue_date": "2021-01-01"}, format="json")
    taken = client.post(f"/api/v1/people/{person.pk}/certificates/",
                        {"number": world.certificates["branch"].number, "issue_date": "2021-01-01"}, format="json")
    mismatch = client.post(f"/api/v1/people/{person.pk}/certificates/",
                           {"number": "Y000033000001213000001", "issue_date": "2021-01-01", "level": 4},
                           format="json")
    assert bad_number.status_code == taken.status_code == mismatch.status_code == 400
    assert bad_number.json() == {"number": [people_services.ERR_CERT_NUMBER]}
    assert taken.json() == {"number": [people_services.ERR_CERT_TAKEN.format(number=world.certificates["branch"].number)]}
    assert list(mismatch.json()) == ["level"]
    assert registry_state() == before
    assert Certificate.objects.count() == len(world.certificates)


def test_bad_employment_and_honor_input(world):
    person = world.people["wang"]
    client = client_for(world.personas.olga)
    before = registry_state()
    ends_early = client.post(f"/api/v1/people/{person.pk}/employments/{world.employments['wang'].pk}/end/",
                             {"end_date": "2009-12-31"}, format="json")
    reversed_dates = client.post(f"/api/v1/people/{person.pk}/employments/",
                                 {"organization": world.city.yuecheng_machinery.pk, "start_date": "2020-01-01",
                                  "end_date": "2019-01-01"}, format="json")
    old_honor = client.post(f"/api/v1/people/{person.pk}/honors/",
                            {"title": "craftsman", "level": "city", "year": 1900}, format="json")
    no_reason = client.post(f"/api/v1/people/{person.pk}/certificates/{world.certificates['wang'].pk}/revoke/",
                            {"reason": ""}, format="json")
    assert ends_early.json() == {"end_date": [people_services.ERR_EMPLOYMENT_DATES]}
    assert reversed_dates.json() == {"end_date": [people_services.ERR_EMPLOYMENT_DATES]}
    assert old_honor.json() == {"year": [people_services.ERR_HONOR_YEAR]}
    assert list(no_reason.json()) == ["reason"] and no_reason.json()["reason"][0].startswith("撤销原因：")
    assert {r.status_code for r in (ends_early, reversed_dates, old_honor, no_reason)} == {400}
    assert registry_state() == before
    assert Employment.objects.count() == 2 * len(world.people) - 2  # two people have no employer
    assert not Honor.objects.exists()


def test_malformed_json_is_a_400(world):
    response = client_for(world.personas.dan).generic(
        "POST", "/api/v1/people/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()
