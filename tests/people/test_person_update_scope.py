import datetime as dt

import pytest

from gongjiang.core.exceptions import ApplicationError
from gongjiang.people import services
from gongjiang.people.models import Certificate
from gongjiang.people.selectors import PersonFilters, person_list
from tests import factories


def test_district_admin_cannot_move_a_person_out_of_their_district(city, personas):
    # given a resident of 越城 with no employer
    resident = factories.person("居民甲", region_obj=city.yuecheng)
    # when dan moves them to 柯桥
    with pytest.raises(ApplicationError) as err:
        services.person_update(actor=personas.dan, person=resident, residence_region=city.keqiao)
    # then it is refused and nothing changed
    assert err.value.errors["residence_region"] == [services.ERR_UPDATE_LEAVES_SCOPE]
    resident.refresh_from_db()
    assert resident.residence_region == city.yuecheng


def test_city_admin_may_move_a_person_between_districts(city, personas):
    resident = factories.person("居民乙", region_obj=city.yuecheng)
    services.person_update(actor=personas.city, person=resident, residence_region=city.keqiao)
    resident.refresh_from_db()
    assert resident.residence_region == city.keqiao


def test_long_query_finds_legacy_certificate_numbers(city, personas):
    person = factories.person("证书乙", employer=city.yuecheng_machinery)
    legacy = "1933060241233100"  # 16-digit 职业资格证书 number, level digit 3 (三级)
    services.certificate_record(actor=None, holder=person, number=legacy, issue_date=dt.date(2019, 5, 1),
                                kind=Certificate.Kind.QUALIFICATION)
    found = person_list(user=personas.city, filters=PersonFilters(q=legacy))
    assert list(found) == [person]


def test_unchanged_parent_is_not_rechecked(city, personas):
    from gongjiang.orgs import services as org_services

    # dan cannot see the city bureau, the parent of his own bureau, but may resend it unchanged
    org_services.organization_update(actor=personas.dan, organization=city.yuecheng_bureau,
                                     parent=city.city_bureau, contact_name="王科长")
    city.yuecheng_bureau.refresh_from_db()
    assert city.yuecheng_bureau.contact_name == "王科长"
