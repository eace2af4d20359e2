"""The data-scope rule itself, at the selector level, for every persona."""

import pytest

from gongjiang.orgs.scope import organization_queryset, scope_for
from gongjiang.people.selectors import person_queryset
from tests import factories


@pytest.fixture
def registry(city, personas):
    """One person per place: 越城机械, its branch, 柯桥纺织, and one living in 越城 with no employer."""
    return {
        "machinery": factories.person("甲一", employer=city.yuecheng_machinery),
        "branch": factories.person("乙二", employer=city.machinery_branch),
        "textile": factories.person("丙三", employer=city.keqiao_textile),
        "resident": factories.person("丁四", region_obj=city.yuecheng),
        "wang": personas.wang.person,
    }


EXPECTED_PEOPLE = {
    "ada": {"machinery", "branch", "textile", "resident", "wang"},
    "city": {"machinery", "branch", "textile", "resident", "wang"},
    "dan": {"machinery", "branch", "resident", "wang"},
    "olga": {"machinery", "branch", "wang"},
    "stan": {"machinery", "branch", "wang"},
    "kira": {"textile"},
    "wang": {"wang"},
    "sam": set(),
    "aud": set(),
}
EXPECTED_PEOPLE_WRITE = {
    "ada": EXPECTED_PEOPLE["ada"],
    "city": EXPECTED_PEOPLE["city"],
    "dan": EXPECTED_PEOPLE["dan"],
    "olga": EXPECTED_PEOPLE["olga"],
    "stan": set(),
    "kira": {"textile"},
    "wang": set(),
    "sam": set(),
    "aud": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_PEOPLE))
def test_people_visible_to_each_role(registry, personas, persona):
    user = getattr(personas, persona)
    visible = set(person_queryset(user).values_list("pk", flat=True))
    assert visible == {registry[key].pk for key in EXPECTED_PEOPLE[persona]}


@pytest.mark.parametrize("persona", sorted(EXPECTED_PEOPLE_WRITE))
def test_people_writable_by_each_role(registry, personas, persona):
    user = getattr(personas, persona)
    writable = set(person_queryset(user, write=True).values_list("pk", flat=True))
    assert writable == {registry[key].pk for key in EXPECTED_PEOPLE_WRITE[persona]}


EXPECTED_ORGS = {
    "ada": None,  # everything
    "city": {"city_bureau", "yuecheng_bureau", "keqiao_bureau", "yuecheng_machinery", "machinery_branch", "keqiao_textile"},
    "dan": {"yuecheng_bureau", "yuecheng_machinery", "machinery_branch"},
    "olga": {"yuecheng_machinery", "machinery_branch"},
    "stan": {"yuecheng_machinery", "machinery_branch"},
    "kira": {"keqiao_textile"},
    "wang": {"yuecheng_machinery"},
    "sam": set(),
    "aud": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_ORGS))
def test_organisations_visible_to_each_role(city, personas, persona):
    from gongjiang.orgs.models import Organization

    user = getattr(personas, persona)
    visible = set(organization_queryset(user).values_list("pk", flat=True))
    expected = EXPECTED_ORGS[persona]
    if expected is None:
        assert visible == set(Organization.objects.values_list("pk", flat=True))
    else:
        assert visible == {getattr(city, key).pk for key in expected}


def test_staff_and_worker_cannot_write_organisations(city, personas):
    assert not organization_queryset(personas.stan, write=True).exists()
    assert not organization_queryset(personas.wang, write=True).exists()
    assert set(organization_queryset(personas.olga, write=True).values_list("pk", flat=True)) == {
        city.yuecheng_machinery.pk, city.machinery_branch.pk,
    }


def test_anonymous_sees_nothing(registry):
    from django.contrib.auth.models import AnonymousUser

    assert not person_queryset(AnonymousUser()).exists()
    assert scope_for(AnonymousUser()).is_empty


def test_inactive_membership_gives_nothing(registry, personas):
    from gongjiang.orgs.models import Membership

    Membership.objects.filter(user=personas.dan).update(is_active=False)
    personas.dan.__dict__.pop("_gongjiang_scope", None)
    assert not person_queryset(personas.dan).exists()


def test_moving_an_organisation_moves_its_subtree(city, personas):
    from gongjiang.orgs import services

    services.organization_update(actor=None, organization=city.machinery_branch, parent=city.keqiao_textile)
    city.machinery_branch.refresh_from_db()
    assert city.machinery_branch.path == f"{city.keqiao_textile.path}{city.machinery_branch.pk}/"
    personas.kira.__dict__.pop("_gongjiang_scope", None)
    assert organization_queryset(personas.kira).filter(pk=city.machinery_branch.pk).exists()
