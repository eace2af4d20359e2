import datetime as dt

import pytest

from gongjiang.core.crypto import get_provider
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.people import services
from gongjiang.people.models import Person
from tests import factories


def test_registers_person_with_encrypted_id_and_derived_facts(city, personas):
    # given
    number = factories.make_id_number("330602", dt.date(1985, 2, 3), 45, male=False)
    # when
    person = services.person_create(actor=personas.dan, name="阿依古丽·买买提", id_number=number.lower(),
                                    employer=city.yuecheng_machinery)
    # then
    person.refresh_from_db()
    assert person.name == "阿依古丽·买买提"
    assert person.sex == "female" and person.birth_date == dt.date(1985, 2, 3)
    assert number not in person.id_number_encrypted
    assert get_provider().decrypt(person.id_number_encrypted, associated_data=services.ID_CIPHER_AAD) == number
    assert person.id_number_masked == number[:6] + "********" + number[-4:]
    assert person.current_employer == city.yuecheng_machinery
    assert AuditEntry.objects.filter(action="people.person.created", object_id=str(person.pk), actor=personas.dan).exists()


def test_refuses_duplicate_and_saves_nothing(city, personas):
    number = factories.make_id_number()
    services.person_create(actor=None, name="李四", id_number=number, employer=city.yuecheng_machinery)
    before = Person.objects.count()
    with pytest.raises(ApplicationError) as err:
        services.person_create(actor=personas.city, name="李四二", id_number=number, employer=city.yuecheng_machinery)
    assert "id_number" in err.value.errors
    assert Person.objects.count() == before


def test_refuses_sex_that_disagrees_with_number(city, personas):
    number = factories.make_id_number(male=True)
    with pytest.raises(ApplicationError) as err:
        services.person_create(actor=personas.city, name="赵五", id_number=number, sex="female",
                               employer=city.yuecheng_machinery)
    assert "sex" in err.value.errors
    assert not Person.objects.filter(name="赵五").exists()


def test_org_admin_cannot_register_into_other_org(city, personas):
    with pytest.raises(ApplicationError) as err:
        services.person_create(actor=personas.olga, name="钱六", id_number=factories.make_id_number(),
                               employer=city.keqiao_textile)
    assert "employer" in err.value.errors


def test_staff_cannot_register(city, personas):
    with pytest.raises(PermissionDeniedError):
        services.person_create(actor=personas.stan, name="孙七", id_number=factories.make_id_number(),
                               employer=city.yuecheng_machinery)
