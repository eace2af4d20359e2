"""Bad input in the admin becomes form errors on the named field (never a traceback), nothing is
saved; the person pages never show the cipher or the keyed hash; catalogue and roles."""

from __future__ import annotations

import pytest

from gongjiang.catalog.models import Region
from gongjiang.core import rules
from gongjiang.core.models import AuditEntry
from gongjiang.orgs import services as org_services
from gongjiang.orgs.models import Membership, Organization
from gongjiang.people import admin as people_admin
from gongjiang.people import services as people_services
from gongjiang.people.models import Person
from tests import factories
from tests.admin.conftest import admin_client, form_data
from tests.api.test_scope_walk import registry_state

ADD_PERSON = "/admin/people/person/add/"


def _add_person(client, **fields):
    page = client.get(ADD_PERSON)
    data = {**form_data(page), "id_type": "resident_id", "residence_region": "330602", **fields}
    return client.post(ADD_PERSON, data)


def _errors(response):
    assert response.status_code == 200, "expected the form again, with errors"
    return {field: [str(m) for m in messages] for field, messages in response.context["adminform"].form.errors.items()}


def test_invalid_id_number_is_a_form_error(staff_world):
    good = factories.make_id_number()
    client = admin_client(staff_world.personas.dan)
    before = registry_state()
    response = _add_person(client, name="号码错", id_number=good[:17] + "Y")
    assert _errors(response) == {"id_number": [str(rules.ERR_ID_FORMAT)]}
    assert registry_state() == before


def test_duplicate_person_is_a_form_error(staff_world):
    existing = staff_world.people["resident"]
    number = people_services.get_provider().decrypt(
        existing.id_number_encrypted, associated_data=people_services.ID_CIPHER_AAD
    )
    client = admin_client(staff_world.personas.dan)
    before = registry_state()
    response = _add_person(client, name="钱重复", id_number=number)
    assert _errors(response) == {
        "id_number": [people_services.ERR_DUPLICATE.format(who=f"{existing.name}，{existing.id_number_masked}")]
    }
    assert registry_state() == before


def test_invalid_date_is_a_form_error(staff_world):
    client = admin_client(staff_world.personas.dan)
    before = registry_state()
    response = _add_person(client, name="日期错", id_number=factories.make_id_number(), birth_date="1990-02-30")
    assert list(_errors(response)) == ["birth_date"]
    assert registry_state() == before


def test_person_outside_scope_is_a_form_error_not_a_traceback(staff_world):
    client = admin_client(staff_world.personas.dan)
    before = registry_state()
    response = _add_person(client, name="柯桥人", id_number=factories.make_id_number(), residence_region="330603")
    assert _errors(response) == {"employer": [people_services.ERR_NEW_PERSON_OUT_OF_SCOPE]}
    assert registry_state() == before


def test_invalid_credit_code_is_a_form_error(staff_world):
    client = admin_client(staff_world.personas.dan)
    before = registry_state()
    response = client.post("/admin/orgs/organization/add/", {
        "name": "代码错公司", "kind": "enterprise", "credit_code": "91330602MA2BCDEFG0", "country": "CN",
        "region": "330602", "is_active": "on",
    })
    assert _errors(response) == {"credit_code": [str(rules.ERR_USCC_CHECKSUM)]}
    taken = client.post("/admin/orgs/organization/add/", {
        "name": "代码重复公司", "kind": "enterprise", "credit_code": staff_world.city.yuecheng_machinery.credit_code,
        "country": "CN", "region": "330602", "is_active": "on",
    })
    assert _errors(taken) == {"credit_code": [org_services.ERR_CREDIT_CODE_TAKEN.format(
        code=staff_world.city.yuecheng_machinery.credit_code, name=staff_world.city.yuecheng_machinery.name)]}
    assert registry_state() == before


def test_person_pages_show_only_the_masked_number(staff_world):
    person = staff_world.people["branch"]
    number = people_services.get_provider().decrypt(person.id_number_encrypted, associated_data=people_services.ID_CIPHER_AAD)
    client = admin_client(staff_world.personas.city)
    for url in (f"/admin/people/person/{person.pk}/change/", "/admin/people/person/"):
        html = client.get(url).content.decode()
        assert person.id_number_masked in html
        assert number not in html
        assert person.id_number_encrypted not in html and person.id_number_hash not in html
    change_form = client.get(f"/admin/people/person/{person.pk}/change/").context["adminform"].form
    assert not {"id_number_encrypted", "id_number_hash", "id_number"} & set(change_form.fields)


def test_person_page_shows_history_read_only(staff_world):
    person = staff_world.people["wang"]
    response = admin_client(staff_world.personas.olga).get(f"/admin/people/person/{person.pk}/change/")
    inlines = {inline.formset.model._meta.model_name: inline for inline in response.context["inline_admin_formsets"]}
    assert set(inlines) == {"employment", "certificate", "honor"}
    assert len(inlines["employment"].formset.forms) == 2
    assert not any(inline.has_add_permission or inline.has_change_permission for inline in inlines.values())
    assert staff_world.certificates["wang"].number in response.content.decode()


def test_admin_search_refuses_id_numbers_and_finds_names(staff_world):
    client = admin_client(staff_world.personas.city)
    number = people_services.get_provider().decrypt(
        staff_world.people["wang"].id_number_encrypted, associated_data=people_services.ID_CIPHER_AAD
    )
    by_number = client.get("/admin/people/person/", {"q": number})
    assert list(by_number.context["cl"].result_list) == []
    assert str(people_admin.ERR_ID_NUMBER_SEARCH) in [str(m) for m in by_number.context["messages"]]
    by_name = client.get("/admin/people/person/", {"q": "李装"})
    assert [p.name for p in by_name.context["cl"].result_list] == ["李装配"]
    by_certificate = client.get("/admin/people/person/", {"q": staff_world.certificates["textile"].number})
    assert [p.name for p in by_certificate.context["cl"].result_list] == ["赵纺织"]


def test_admin_person_change_is_audited_through_the_service(staff_world):
    person = staff_world.people["resident"]
    client = admin_client(staff_world.personas.dan)
    page = client.get(f"/admin/people/person/{person.pk}/change/")
    response = client.post(page.request["PATH_INFO"], {**form_data(page), "notes": "后台备注", "mobile": "13900001111"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.notes == "后台备注" and person.mobile_masked == "139****1111"
    entry = AuditEntry.objects.filter(action="people.person.updated", object_id=str(person.pk)).latest("at")
    assert entry.actor == staff_world.personas.dan
    assert "13900001111" not in str(entry.changes)


def test_non_staff_cannot_enter_the_admin(world):
    response = admin_client(world.personas.ada).get("/admin/people/person/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize(("persona", "can_edit"), [("ada", True), ("city", False), ("wang", False)])
def test_catalogue_is_read_by_all_roles_and_changed_by_the_platform_admin(staff_world, persona, can_edit):
    client = admin_client(getattr(staff_world.personas, persona))
    assert client.get("/admin/catalog/occupation/").status_code == 200
    page = client.get("/admin/catalog/region/330602/change/")
    assert page.status_code == 200
    response = client.post("/admin/catalog/region/330602/change/",
                           {"code": "330699", "name": "越城区（改）", "level": 3, "parent": "330600", "is_active": "on"})
    assert not Region.objects.filter(code="330699").exists()  # the code (primary key) is read-only
    if can_edit:
        assert response.status_code == 302
        assert Region.objects.get(code="330602").name == "越城区（改）"
        assert AuditEntry.objects.filter(action="catalog.region.updated", object_id="330602").exists()
    else:
        assert response.status_code == 403
        assert Region.objects.get(code="330602").name == "越城区"


def test_roles_are_granted_by_the_security_admin_through_the_service(staff_world):
    # given
    newcomer = factories.user("newcomer")
    sam = admin_client(staff_world.personas.sam)
    # when
    response = sam.post("/admin/orgs/membership/add/", {
        "user": newcomer.pk, "role": Membership.Role.ORG_STAFF, "organization": staff_world.city.keqiao_textile.pk,
        "is_active": "on",
    })
    # then
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer)
    assert membership.role == Membership.Role.ORG_STAFF
    assert AuditEntry.objects.filter(action="orgs.membership.granted", actor=staff_world.personas.sam).exists()
    # and the district admin may not touch roles
    assert admin_client(staff_world.personas.dan).get("/admin/orgs/membership/").status_code == 403


def test_separation_of_duties_is_a_form_error(staff_world):
    response = admin_client(staff_world.personas.sam).post("/admin/orgs/membership/add/", {
        "user": staff_world.personas.ada.pk, "role": Membership.Role.AUDIT_ADMIN, "is_active": "on",
    })
    errors = _errors(response)
    assert list(errors) == ["role"]
    assert not Membership.objects.filter(user=staff_world.personas.ada, role=Membership.Role.AUDIT_ADMIN).exists()


def test_revoking_a_role_goes_through_the_service(staff_world):
    membership = Membership.objects.get(user=staff_world.personas.kira)
    sam = admin_client(staff_world.personas.sam)
    page = sam.get(f"/admin/orgs/membership/{membership.pk}/change/")
    data = {key: value for key, value in form_data(page).items() if key != "is_active"}
    response = sam.post(f"/admin/orgs/membership/{membership.pk}/change/", data)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False
    assert AuditEntry.objects.filter(action="orgs.membership.revoked", object_id=str(membership.pk)).exists()


def test_organisation_admin_never_deletes(staff_world):
    machinery = staff_world.city.yuecheng_machinery
    response = admin_client(staff_world.personas.ada).post(
        f"/admin/orgs/organization/{machinery.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert Organization.objects.filter(pk=machinery.pk).exists()
    assert Person.objects.filter(current_employer=machinery).exists()
