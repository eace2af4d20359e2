"""Filters, search and paging of the list endpoints, and the read-only catalogue."""

from __future__ import annotations

import datetime as dt

from gongjiang.catalog.levels import SkillLevel
from gongjiang.people import services
from tests import factories
from tests.api.conftest import client_for


def _names(response):
    assert response.status_code == 200, response.json()
    return {row["name"] for row in response.json()["results"]}


def test_people_filters(world):
    # given: a technician with a 车工 certificate, a woman born in 2004
    c = world.city
    lathe = services.person_create(actor=None, name="周车工", id_number=factories.make_id_number(),
                                   employer=c.yuecheng_machinery, residence_region=c.yuecheng)
    from gongjiang.catalog.selectors import occupation_get

    services.certificate_record(actor=None, holder=lathe, number="LATHE-0001", issue_date=dt.date(2022, 1, 1),
                                level=SkillLevel.TECHNICIAN, occupation=occupation_get(code="6-18-01-01"))
    young = services.person_create(
        actor=None, name="吴青年", id_number=factories.make_id_number(birth=dt.date(2004, 3, 3), sequence=20, male=False),
        residence_region=c.keqiao,
    )
    client = client_for(world.personas.city)
    # then
    assert _names(client.get("/api/v1/people/", {"q": "周"})) == {"周车工"}
    assert _names(client.get("/api/v1/people/", {"q": "lathe-0001"})) == {"周车工"}
    assert _names(client.get("/api/v1/people/", {"certificate_number": "LATHE-0001"})) == {"周车工"}
    assert _names(client.get("/api/v1/people/", {"level": SkillLevel.TECHNICIAN})) == {"周车工"}
    assert _names(client.get("/api/v1/people/", {"occupation": "6-18-01-01"})) == {"周车工"}
    assert _names(client.get("/api/v1/people/", {"sex": "female"})) == {young.name}
    assert _names(client.get("/api/v1/people/", {"age_band": "under_25"})) == {young.name}
    assert _names(client.get("/api/v1/people/", {"high_skilled": "false"})) == {young.name}
    assert young.name not in _names(client.get("/api/v1/people/", {"high_skilled": "true"}))
    assert _names(client.get("/api/v1/people/", {"region": "330603"})) == {"赵纺织", young.name}
    assert _names(client.get("/api/v1/people/", {"organization": c.machinery_branch.pk})) == {"李装配"}
    # filters never widen the scope: dan asking for 柯桥 sees nobody
    assert _names(client_for(world.personas.dan).get("/api/v1/people/", {"region": "330603"})) == set()


def test_people_filter_values_are_checked(world):
    response = client_for(world.personas.city).get(
        "/api/v1/people/", {"level": "9", "age_band": "old", "high_skilled": "maybe", "region": "绍兴"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"level", "age_band", "high_skilled", "region"}
    assert response.json()["level"][0].startswith("当前技能等级：")


def test_paging(world):
    client = client_for(world.personas.ada)
    first = client.get("/api/v1/people/", {"page_size": 2})
    second = client.get("/api/v1/people/", {"page_size": 2, "page": 2})
    assert first.json()["count"] == 5
    assert len(first.json()["results"]) == 2
    assert "page=2" in first.json()["next"]
    assert not {r["id"] for r in first.json()["results"]} & {r["id"] for r in second.json()["results"]}
    assert client.get("/api/v1/people/", {"page": 99}).status_code == 404


def test_organization_filters(world):
    c = world.city
    client = client_for(world.personas.city)
    assert _names(client.get("/api/v1/organizations/", {"kind": "government"})) == {
        c.city_bureau.name, c.yuecheng_bureau.name, c.keqiao_bureau.name
    }
    assert _names(client.get("/api/v1/organizations/", {"parent": c.yuecheng_machinery.pk})) == {c.machinery_branch.name}
    assert _names(client.get("/api/v1/organizations/", {"region": "330603"})) == {c.keqiao_bureau.name, c.keqiao_textile.name}
    assert _names(client.get("/api/v1/organizations/", {"q": c.keqiao_textile.credit_code})) == {c.keqiao_textile.name}
    assert _names(client.get("/api/v1/organizations/", {"q": "纺织"})) == {c.keqiao_textile.name}


def test_organization_detail_shows_its_references(world):
    branch = world.city.machinery_branch
    body = client_for(world.personas.olga).get(f"/api/v1/organizations/{branch.pk}/").json()
    assert body["parent"] == {"id": world.city.yuecheng_machinery.pk, "name": world.city.yuecheng_machinery.name}
    assert body["region"] == {"code": "330602", "name": "越城区"}
    assert body["kind_label"] == "企业"


def test_person_detail_has_history_and_masked_number_only(world):
    person = world.people["wang"]
    body = client_for(world.personas.olga).get(f"/api/v1/people/{person.pk}/").json()
    assert body["id_number_masked"] == person.id_number_masked
    assert "id_number" not in body and "id_number_encrypted" not in body and "id_number_hash" not in body
    assert [e["organization"]["name"] for e in body["employments"]] == ["越城机械有限公司", "杭州上城精工有限公司"]
    assert [c["number"] for c in body["certificates"]] == [world.certificates["wang"].number]
    assert body["current_level_label"] == "高级工（三级）" and body["is_high_skilled"] is True
    assert body["has_login"] is True


def test_create_then_update_through_the_api(world):
    client = client_for(world.personas.olga)
    number = factories.make_id_number(birth=dt.date(1992, 2, 2), sequence=41, male=True)
    created = client.post("/api/v1/people/", {
        "name": "阿依古丽·买买提", "id_number": number.lower(), "employer": world.city.machinery_branch.pk,
        "post": "装配工", "occupation": "6-20-01-01", "mobile": "13800138000", "education": "technical_school",
    }, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["name"] == "阿依古丽·买买提" and body["birth_date"] == "1992-02-02" and body["sex"] == "male"
    assert body["mobile_masked"] == "138****8000"
    assert body["current_employer"]["id"] == world.city.machinery_branch.pk
    assert body["employments"][0]["occupation"] == {"code": "6-20-01-01", "name": "钳工"}
    updated = client.patch(f"/api/v1/people/{body['id']}/", {"education": "junior_college", "residence_region": "330602"},
                           format="json")
    assert updated.status_code == 200
    assert updated.json()["education_label"] == "大专/高职"
    assert updated.json()["residence_region"] == {"code": "330602", "name": "越城区"}


def test_regions(world):
    client = client_for(world.personas.wang)
    assert {r["code"] for r in client.get("/api/v1/regions/", {"parent": "330600"}).json()["results"]} >= {
        "330602", "330603"
    }
    provinces = client.get("/api/v1/regions/", {"level": 1, "page_size": 200}).json()
    assert provinces["count"] >= 31 and {r["level"] for r in provinces["results"]} == {1}
    assert client.get("/api/v1/regions/", {"code": "3306", "level": 3}).json()["results"][0]["code"].startswith("3306")
    assert client.get("/api/v1/regions/330602/").json()["parent"] == "330600"
    assert client.get("/api/v1/regions/999999/").status_code == 404


def test_occupations_with_work_types_and_levels(world):
    client = client_for(world.personas.stan)
    lathe = client.get("/api/v1/occupations/6-18-01-01/").json()
    assert lathe["name"] == "车工" and lathe["is_verified"] is True
    assert {w["name"] for w in lathe["work_types"]} == {"普通车工", "数控车工"}
    assert [level["national_grade"] for level in lathe["levels"]] == [5, 4, 3, 2, 1]
    robot = client.get("/api/v1/occupations/", {"q": "机器人", "code": "6-"}).json()["results"]
    assert {o["code"] for o in robot} == {"6-30-99-00", "6-31-01-10"}
    assert robot[0]["levels"][0]["label"] == str(SkillLevel.INTERMEDIATE.label)  # no 五级 for these
    assert client.get("/api/v1/occupations/", {"q": "数控车工"}).json()["count"] == 1


def test_industries_and_skill_levels(world):
    client = client_for(world.personas.kira)
    sections = client.get("/api/v1/industries/", {"q": "制造"}).json()["results"]
    assert {"code": "C", "name": "制造业", "parent": None} in sections
    ladder = client.get("/api/v1/skill-levels/").json()
    assert [step["value"] for step in ladder] == list(range(8))
    assert [step["is_high_skilled"] for step in ladder] == [False, False, False, True, True, True, True, True]
    assert [step["national_grade"] for step in ladder] == [None, 5, 4, 3, 2, 1, None, None]
    assert ladder[7]["is_post_level"] is True and ladder[7]["short_label"] == "首席技师"


def test_catalog_is_read_only(world):
    client = client_for(world.personas.ada)
    assert client.post("/api/v1/regions/", {"code": "330699", "name": "新区"}, format="json").status_code == 405
    assert client.post("/api/v1/occupations/", {}, format="json").status_code == 405


def _queries_for(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_take_a_fixed_number_of_queries(world):
    # given: the number of queries for the world as it is
    client = client_for(world.personas.city)
    urls = ["/api/v1/people/", "/api/v1/organizations/", "/api/v1/occupations/"]
    for url in urls:  # the user's scope is computed once, then kept on the user
        client.get(url)
    baseline = {url: _queries_for(client, url) for url in urls}
    # when: more rows, with employers, regions and certificates
    for index, given in enumerate("甲乙丙丁戊己庚辛"):
        org = factories.organization(f"新增企业{index}", region_obj=world.city.keqiao)
        person = services.person_create(actor=None, name=f"新增{given}", id_number=factories.make_id_number(),
                                        employer=org, residence_region=world.city.keqiao)
        services.certificate_record(actor=None, holder=person, number=f"MORE-{index:04d}",
                                    issue_date=dt.date(2021, 1, 1), level=SkillLevel.SENIOR)
    # then: the same number of queries (no query per row)
    assert {url: _queries_for(client, url) for url in urls} == baseline
