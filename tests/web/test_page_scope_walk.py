"""Every persona against every registry and organisation page: what is visible, what is refused.

The target person is 李高级 (works at 越城机械, lives in 越城区); the target organisation is
越城机械. A write that is refused must leave the data exactly as it was.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongjiang.orgs.models import Organization
from gongjiang.people.models import Person
from tests import factories

PERSONAS = ["ada", "sam", "aud", "city", "dan", "olga", "stan", "wang", "kira"]

# persona: (sees 李 in list, detail status, create POST status, edit POST status)
PEOPLE = {
    "ada": (True, 200, 302, 302),
    "sam": (False, 404, 403, 404),
    "aud": (False, 404, 403, 404),
    "city": (True, 200, 302, 302),
    "dan": (True, 200, 302, 302),
    "olga": (True, 200, 302, 302),
    "stan": (True, 200, 403, 403),
    "wang": (False, 404, 403, 404),
    "kira": (False, 404, 400, 404),
}
# persona: (sees 越城机械 in list, detail status, edit POST status)
ORGS = {
    "ada": (True, 200, 302),
    "sam": (False, 404, 404),
    "aud": (False, 404, 404),
    "city": (True, 200, 302),
    "dan": (True, 200, 302),
    "olga": (True, 200, 302),
    "stan": (True, 200, 403),
    "wang": (True, 200, 403),  # a worker sees their employer, read-only
    "kira": (False, 404, 404),
}


@pytest.fixture
def as_persona(client, registry, personas):
    def login(name: str):
        client.force_login(getattr(personas, name))
        return client

    return login


def _person_state(person: Person) -> tuple:
    person.refresh_from_db()
    return (person.name, person.education, person.notes, person.updated_at)


def _org_state(org: Organization) -> tuple:
    org.refresh_from_db()
    return (org.name, org.contact_name, org.updated_at)


@pytest.mark.parametrize("persona", PERSONAS)
def test_people_pages(as_persona, registry, city, persona):
    sees, detail_status, create_status, edit_status = PEOPLE[persona]
    client = as_persona(persona)

    # list
    response = client.get(reverse("people:list"))
    assert response.status_code == 200
    listed = {p.pk for p in response.context["people"]}
    assert (registry.li.pk in listed) is sees
    if persona == "wang":
        assert listed == {registry.wang.pk}

    # detail
    assert client.get(reverse("people:detail", args=[registry.li.pk])).status_code == detail_status

    # create
    count = Person.objects.count()
    response = client.post(reverse("people:create"), {
        "name": f"新人{persona}", "id_type": "resident_id", "id_number": factories.make_id_number(),
        "employer": city.yuecheng_machinery.pk,
    })
    assert response.status_code == create_status
    assert Person.objects.count() == count + (1 if create_status == 302 else 0)

    # edit
    before = _person_state(registry.li)
    response = client.post(reverse("people:edit", args=[registry.li.pk]), {"name": "李高级", "notes": f"由{persona}修改"})
    assert response.status_code == edit_status
    after = _person_state(registry.li)
    if edit_status == 302:
        assert after[2] == f"由{persona}修改"
    else:
        assert after == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_people_sub_record_writes(as_persona, registry, city, persona):
    _sees, _detail, _create, edit_status = PEOPLE[persona]
    client = as_persona(persona)
    certificates = registry.li.certificates.count()
    response = client.post(reverse("people:certificate_record", args=[registry.li.pk]), {
        "kind": "skill_level", "number": f"GJ-WALK-{persona.upper()}", "level": "2", "issue_date": "2021-01-01",
    })
    assert response.status_code == edit_status
    assert registry.li.certificates.count() == certificates + (1 if edit_status == 302 else 0)
    response = client.post(reverse("people:certificate_revoke", args=[registry.li.pk, registry.li_certificate.pk]),
                           {"reason": "巡检"})
    assert response.status_code == edit_status
    registry.li_certificate.refresh_from_db()
    assert (registry.li_certificate.status == "revoked") is (edit_status == 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisation_pages(as_persona, registry, city, persona):
    sees, detail_status, edit_status = ORGS[persona]
    client = as_persona(persona)
    org = city.yuecheng_machinery

    response = client.get(reverse("orgs:list"))
    assert response.status_code == 200
    listed = {o.pk for o in response.context["organizations"]}
    assert (org.pk in listed) is sees
    assert (city.keqiao_textile.pk in listed) is (persona in ("ada", "city", "kira"))

    assert client.get(reverse("orgs:detail", args=[org.pk])).status_code == detail_status

    before = _org_state(org)
    response = client.post(reverse("orgs:edit", args=[org.pk]), {
        "name": org.name, "kind": "enterprise", "credit_code": org.credit_code, "country": "CN",
        "region": city.yuecheng.code, "contact_name": f"{persona}联系人", "is_active": "on",
    })
    assert response.status_code == edit_status
    after = _org_state(org)
    if edit_status == 302:
        assert after[1] == f"{persona}联系人"
    else:
        assert after == before
