"""Every persona (made staff) against the admin's people and organisation lists, pages and saves.

Same expectations as the API walk. Django's admin answers an object outside the queryset with
a redirect to the admin index ("不存在"), not 404; a visible object the user may not change
is shown read-only and a POST to it is refused with 403.
"""

from __future__ import annotations

from typing import Any

import pytest

from gongjiang.orgs.models import Organization
from gongjiang.people.models import Person
from tests import factories
from tests.admin.conftest import PERSONAS, admin_client, form_data
from tests.api.test_scope_walk import (
    ORGS,
    ORGS_READ,
    ORGS_WRITE,
    PEOPLE,
    PEOPLE_READ,
    PEOPLE_WRITE,
    _orgs,
    registry_state,
)

NO_REGISTRY = {"sam", "aud"}  # 三权分立: security and audit administrators see no registry data
WRITERS = {"ada", "city", "dan", "olga", "kira"}


def _changed_or_refused(client: Any, url: str, changes: dict[str, Any]) -> int:
    """GET the change page, POST it back with ``changes``; the POST's status (or the GET's if refused)."""
    page = client.get(url)
    if page.status_code != 200:
        return page.status_code
    if not page.context["has_change_permission"]:
        # read-only page: a crafted POST must still be refused
        return client.post(url, changes).status_code
    response = client.post(url, {**form_data(page), **changes})
    if response.status_code == 200:  # re-rendered with errors
        raise AssertionError(response.context["adminform"].form.errors)
    return response.status_code


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_changelist(staff_world, persona):
    response = admin_client(getattr(staff_world.personas, persona)).get("/admin/people/person/")
    if persona in NO_REGISTRY:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {p.name for p in response.context["cl"].result_list} == {
        staff_world.people[key].name for key in PEOPLE_READ[persona]
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_change(staff_world, persona):
    client = admin_client(getattr(staff_world.personas, persona))
    outcomes = {}
    for key in PEOPLE:
        person = staff_world.people[key]
        before = registry_state()
        status = _changed_or_refused(client, f"/admin/people/person/{person.pk}/change/", {"notes": f"{persona}后台改"})
        outcomes[key] = status
        if key not in PEOPLE_WRITE[persona]:
            assert registry_state() == before
    expected = {}
    for key in PEOPLE:
        if persona in NO_REGISTRY:
            expected[key] = 403  # no view permission at all
        elif key in PEOPLE_WRITE[persona]:
            expected[key] = 302  # saved, back to the list
        elif key in PEOPLE_READ[persona]:
            expected[key] = 403  # read-only page, POST refused
        else:
            expected[key] = 302  # "does not exist": redirected to the admin index
    assert outcomes == expected
    changed = set(Person.objects.filter(notes=f"{persona}后台改").values_list("pk", flat=True))
    assert changed == {staff_world.people[key].pk for key in PEOPLE_WRITE[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_page_outside_scope_discloses_nothing(staff_world, persona):
    client = admin_client(getattr(staff_world.personas, persona))
    for key in set(PEOPLE) - PEOPLE_READ[persona]:
        person = staff_world.people[key]
        response = client.get(f"/admin/people/person/{person.pk}/change/", follow=True)
        assert person.name not in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_add(staff_world, persona):
    # given
    c = staff_world.city
    client = admin_client(getattr(staff_world.personas, persona))
    employer = {"olga": c.yuecheng_machinery, "stan": c.yuecheng_machinery, "wang": c.yuecheng_machinery,
                "kira": c.keqiao_textile}.get(persona)
    data = {"name": "后台登记", "id_type": "resident_id", "id_number": factories.make_id_number(),
            "employer": employer.pk if employer else "", "residence_region": "" if employer else "330602"}
    page = client.get("/admin/people/person/add/")
    before = registry_state()
    # when
    if page.status_code == 200:
        data = {**form_data(page), **data}
    response = client.post("/admin/people/person/add/", data)
    # then
    if persona in WRITERS:
        assert page.status_code == 200
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors
        assert Person.objects.filter(name="后台登记").count() == 1
    else:
        assert page.status_code == 403 and response.status_code == 403
        assert registry_state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_organization_changelist(staff_world, persona):
    orgs = _orgs(staff_world)
    response = admin_client(getattr(staff_world.personas, persona)).get("/admin/orgs/organization/")
    if persona in NO_REGISTRY:
        assert response.status_code == 403
        return
    assert {o.pk for o in response.context["cl"].result_list} == {orgs[key].pk for key in ORGS_READ[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_organization_change(staff_world, persona):
    orgs = _orgs(staff_world)
    client = admin_client(getattr(staff_world.personas, persona))
    outcomes = {}
    for key in ORGS:
        before = registry_state()
        outcomes[key] = _changed_or_refused(
            client, f"/admin/orgs/organization/{orgs[key].pk}/change/", {"contact_name": f"{persona}后台"}
        )
        if key not in ORGS_WRITE[persona]:
            assert registry_state() == before
    expected = {
        key: 403 if persona in NO_REGISTRY else 302 if key in ORGS_WRITE[persona] else 403 if key in ORGS_READ[persona]
        else 302
        for key in ORGS
    }
    assert outcomes == expected
    changed = set(Organization.objects.filter(contact_name=f"{persona}后台").values_list("pk", flat=True))
    assert changed == {orgs[key].pk for key in ORGS_WRITE[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_organization_add(staff_world, persona):
    c = staff_world.city
    client = admin_client(getattr(staff_world.personas, persona))
    parent = {"olga": c.yuecheng_machinery, "stan": c.yuecheng_machinery, "kira": c.keqiao_textile}.get(persona)
    data = {"name": "后台新单位", "kind": "enterprise", "credit_code": factories.make_credit_code(),
            "country": "CN", "is_active": "on", "region": parent.region_id if parent else "330602",
            "parent": parent.pk if parent else ""}
    before = registry_state()
    response = client.post("/admin/orgs/organization/add/", data)
    if persona in WRITERS:
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors
        assert Organization.objects.get(name="后台新单位").parent == parent
    else:
        assert response.status_code == 403
        assert registry_state() == before
