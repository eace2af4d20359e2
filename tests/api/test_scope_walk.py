"""Every persona against every list, detail and write of people and organisations (API).

The expectations are written out per persona from the data scope rules (orgs/scope.py) and the
world in tests/api/conftest.py; a refused write must answer 403 (visible, read-only) or 404
(outside the scope) and leave the database exactly as it was.
"""

from __future__ import annotations

from typing import Any

import pytest

from gongjiang.core.models import AuditEntry
from gongjiang.orgs.models import Organization
from gongjiang.people.models import Certificate, Employment, Honor, Person
from tests import factories
from tests.api.conftest import client_for

PERSONAS = ["ada", "sam", "aud", "city", "dan", "olga", "stan", "wang", "kira"]
PEOPLE = ["wang", "branch", "textile", "resident", "outsider"]
SHAOXING_PEOPLE = {"wang", "branch", "textile", "resident"}

# Whom each persona may see, and whom they may change.
PEOPLE_READ: dict[str, set[str]] = {
    "ada": set(PEOPLE),
    "sam": set(),
    "aud": set(),
    "city": SHAOXING_PEOPLE,
    "dan": {"wang", "branch", "resident"},
    "olga": {"wang", "branch"},
    "stan": {"wang", "branch"},
    "wang": {"wang"},
    "kira": {"textile"},
}
PEOPLE_WRITE: dict[str, set[str]] = {
    **PEOPLE_READ,
    "stan": set(),
    "wang": set(),
}
# Roles that may see full ID numbers (orgs.roles.REVEAL_ROLES).
REVEALERS = {"ada", "city", "dan", "olga", "kira"}

ORGS = ["city_bureau", "yuecheng_bureau", "keqiao_bureau", "machinery", "branch", "textile", "hangzhou"]
ORGS_READ: dict[str, set[str]] = {
    "ada": set(ORGS),
    "sam": set(),
    "aud": set(),
    "city": set(ORGS) - {"hangzhou"},
    "dan": {"yuecheng_bureau", "machinery", "branch"},
    "olga": {"machinery", "branch"},
    "stan": {"machinery", "branch"},
    # a worker sees the organisations they have worked for (王师傅 once worked in 杭州)
    "wang": {"machinery", "hangzhou"},
    "kira": {"textile"},
}
ORGS_WRITE: dict[str, set[str]] = {**ORGS_READ, "stan": set(), "wang": set()}
ORG_CREATORS = {"ada", "city", "dan", "olga", "kira"}


def _orgs(world: Any) -> dict[str, Organization]:
    c = world.city
    return {
        "city_bureau": c.city_bureau,
        "yuecheng_bureau": c.yuecheng_bureau,
        "keqiao_bureau": c.keqiao_bureau,
        "machinery": c.yuecheng_machinery,
        "branch": c.machinery_branch,
        "textile": c.keqiao_textile,
        "hangzhou": world.hangzhou_org,
    }


def registry_state() -> tuple[Any, ...]:
    """Everything a write could touch, to compare before and after a refused request."""
    return (
        list(Person.objects.order_by("pk").values_list(
            "pk", "name", "notes", "sex", "birth_date", "education", "residence_region", "current_employer",
            "current_level", "mobile_masked", "updated_at",
        )),
        list(Employment.objects.order_by("pk").values_list("pk", "organization", "start_date", "end_date", "post")),
        list(Certificate.objects.order_by("pk").values_list("pk", "number", "status", "revoked_reason")),
        list(Honor.objects.order_by("pk").values_list("pk", "name")),
        list(Organization.objects.order_by("pk").values_list(
            "pk", "name", "contact_name", "region", "parent", "path", "updated_at",
        )),
        AuditEntry.objects.exclude(outcome=AuditEntry.Outcome.DENIED).count(),
    )


def expected_write(persona: str, key: str, *, read: dict[str, set[str]], write: dict[str, set[str]],
                   ok: int) -> int:
    if key in write[persona]:
        return ok
    if key in read[persona]:
        return 403
    return 404


def _walk(world: Any, persona: str, keys: list[str], request: Any) -> dict[str, int]:
    """Send ``request(client, key)`` for every key; check that refusals changed nothing."""
    client = client_for(getattr(world.personas, persona))
    outcomes = {}
    for key in keys:
        before = registry_state()
        response = request(client, key)
        outcomes[key] = response.status_code
        if response.status_code >= 400:
            assert registry_state() == before, f"{persona} → {key}: a refused request changed data"
            assert response.json().get("detail"), response.json()
    return outcomes


# --- People ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_people_list(world, persona):
    response = client_for(getattr(world.personas, persona)).get("/api/v1/people/")
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    assert names == {world.people[key].name for key in PEOPLE_READ[persona]}
    assert response.json()["count"] == len(PEOPLE_READ[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_people_search(world, persona):
    response = client_for(getattr(world.personas, persona)).post("/api/v1/people/search/", {}, format="json")
    assert response.status_code == 200
    assert {row["name"] for row in response.json()["results"]} == {
        world.people[key].name for key in PEOPLE_READ[persona]
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_detail(world, persona):
    client = client_for(getattr(world.personas, persona))
    outcomes = {key: client.get(f"/api/v1/people/{world.people[key].pk}/").status_code for key in PEOPLE}
    assert outcomes == {key: 200 if key in PEOPLE_READ[persona] else 404 for key in PEOPLE}


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_update(world, persona):
    outcomes = _walk(world, persona, PEOPLE, lambda client, key: client.patch(
        f"/api/v1/people/{world.people[key].pk}/", {"notes": f"{persona} 改"}, format="json"))
    assert outcomes == {
        key: expected_write(persona, key, read=PEOPLE_READ, write=PEOPLE_WRITE, ok=200) for key in PEOPLE
    }
    changed = set(Person.objects.filter(notes=f"{persona} 改").values_list("pk", flat=True))
    assert changed == {world.people[key].pk for key in PEOPLE_WRITE[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_reveal_id(world, persona):
    outcomes = _walk(world, persona, PEOPLE, lambda client, key: client.post(
        f"/api/v1/people/{world.people[key].pk}/reveal-id/"))
    assert outcomes == {
        key: (200 if persona in REVEALERS else 403) if key in PEOPLE_READ[persona] else 404 for key in PEOPLE
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_honor_add(world, persona):
    outcomes = _walk(world, persona, PEOPLE, lambda client, key: client.post(
        f"/api/v1/people/{world.people[key].pk}/honors/",
        {"title": "craftsman", "name": "绍兴工匠", "level": "city", "year": 2023}, format="json"))
    assert outcomes == {
        key: expected_write(persona, key, read=PEOPLE_READ, write=PEOPLE_WRITE, ok=201) for key in PEOPLE
    }
    assert Honor.objects.filter(name="绍兴工匠").count() == len(PEOPLE_WRITE[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_certificate_record(world, persona):
    outcomes = _walk(world, persona, PEOPLE, lambda client, key: client.post(
        f"/api/v1/people/{world.people[key].pk}/certificates/",
        {"number": f"API-{key.upper()}", "issue_date": "2021-01-01", "level": 2}, format="json"))
    assert outcomes == {
        key: expected_write(persona, key, read=PEOPLE_READ, write=PEOPLE_WRITE, ok=201) for key in PEOPLE
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_certificate_revoke(world, persona):
    outcomes = _walk(world, persona, PEOPLE, lambda client, key: client.post(
        f"/api/v1/people/{world.people[key].pk}/certificates/{world.certificates[key].pk}/revoke/",
        {"reason": "核查发现证书信息有误"}, format="json"))
    assert outcomes == {
        key: expected_write(persona, key, read=PEOPLE_READ, write=PEOPLE_WRITE, ok=200) for key in PEOPLE
    }
    assert Certificate.objects.filter(status=Certificate.Status.REVOKED).count() == len(PEOPLE_WRITE[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_employment_end(world, persona):
    outcomes = _walk(world, persona, PEOPLE, lambda client, key: client.post(
        f"/api/v1/people/{world.people[key].pk}/employments/{world.employments[key].pk}/end/",
        {"end_date": "2013-01-31"}, format="json"))
    assert outcomes == {
        key: expected_write(persona, key, read=PEOPLE_READ, write=PEOPLE_WRITE, ok=200) for key in PEOPLE
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_employment_add(world, persona):
    orgs = _orgs(world)
    employer = {"wang": "machinery", "branch": "branch", "textile": "textile", "resident": "machinery",
                "outsider": "hangzhou"}
    outcomes = _walk(world, persona, PEOPLE, lambda client, key: client.post(
        f"/api/v1/people/{world.people[key].pk}/employments/",
        {"organization": orgs[employer[key]].pk, "start_date": "2024-01-01", "post": "技师"}, format="json"))
    assert outcomes == {
        key: expected_write(persona, key, read=PEOPLE_READ, write=PEOPLE_WRITE, ok=201) for key in PEOPLE
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_create(world, persona):
    # given: a registration each persona could plausibly make inside its own patch
    c = world.city
    payload: dict[str, Any] = {"name": "新登记", "id_number": factories.make_id_number()}
    employer = {"olga": c.yuecheng_machinery, "stan": c.yuecheng_machinery, "wang": c.yuecheng_machinery,
                "kira": c.keqiao_textile}.get(persona)
    if employer is not None:
        payload["employer"] = employer.pk
    else:
        payload["residence_region"] = "330602"
    before = registry_state()
    # when
    response = client_for(getattr(world.personas, persona)).post("/api/v1/people/", payload, format="json")
    # then
    if persona in {"ada", "city", "dan", "olga", "kira"}:
        assert response.status_code == 201
        assert Person.objects.filter(name="新登记").count() == 1
        assert response.json()["id_number_masked"] == payload["id_number"][:6] + "********" + payload["id_number"][-4:]
    else:
        assert response.status_code == 403
        assert registry_state() == before


# --- Organisations -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_organization_list(world, persona):
    orgs = _orgs(world)
    response = client_for(getattr(world.personas, persona)).get("/api/v1/organizations/")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {orgs[key].pk for key in ORGS_READ[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_organization_detail(world, persona):
    orgs = _orgs(world)
    client = client_for(getattr(world.personas, persona))
    outcomes = {key: client.get(f"/api/v1/organizations/{orgs[key].pk}/").status_code for key in ORGS}
    assert outcomes == {key: 200 if key in ORGS_READ[persona] else 404 for key in ORGS}


@pytest.mark.parametrize("persona", PERSONAS)
def test_organization_update(world, persona):
    orgs = _orgs(world)
    outcomes = _walk(world, persona, ORGS, lambda client, key: client.patch(
        f"/api/v1/organizations/{orgs[key].pk}/", {"contact_name": f"{persona}联系人"}, format="json"))
    assert outcomes == {
        key: expected_write(persona, key, read=ORGS_READ, write=ORGS_WRITE, ok=200) for key in ORGS
    }
    changed = set(Organization.objects.filter(contact_name=f"{persona}联系人").values_list("pk", flat=True))
    assert changed == {orgs[key].pk for key in ORGS_WRITE[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_organization_create(world, persona):
    # given: org roles attach the new unit below their own organisation, bureaus put it in 越城区
    c = world.city
    parent = {"olga": c.yuecheng_machinery, "stan": c.yuecheng_machinery, "kira": c.keqiao_textile}.get(persona)
    payload: dict[str, Any] = {"name": f"{persona}新设单位", "kind": "enterprise",
                               "credit_code": factories.make_credit_code(), "region": "330602"}
    if parent is not None:
        payload.update(parent=parent.pk, region=parent.region_id)
    before = registry_state()
    # when
    response = client_for(getattr(world.personas, persona)).post("/api/v1/organizations/", payload, format="json")
    # then
    if persona in ORG_CREATORS:
        assert response.status_code == 201, response.json()
        created = Organization.objects.get(name=f"{persona}新设单位")
        assert created.credit_code == payload["credit_code"]
        assert created.parent == parent
    else:
        assert response.status_code == 403
        assert registry_state() == before
