"""Data scope: a body's staff see its batches, bureaus their region, workers their own applications."""

from __future__ import annotations

import datetime as dt

import pytest

from gongjiang.evaluation import selectors, services
from gongjiang.people.models import Person
from tests.evaluation.conftest import make_batch


@pytest.fixture
def applied(setup, personas):
    batch = make_batch(setup)
    wang = Person.objects.get(user=personas.wang)
    own = services.application_submit(actor=personas.wang, batch=batch, person=wang, grade=4,
                                      facts={"occupation_start": dt.date(2012, 1, 1)})
    other = services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4,
                                        facts={"occupation_start": dt.date(2012, 1, 1)})
    return batch, own, other


@pytest.mark.parametrize(("who", "sees"), [
    ("ada", True), ("city", True), ("dan", True), ("olga", True), ("stan", True), ("kira", False), ("sam", False),
    ("aud", False),
])
def test_who_sees_the_batch(applied, personas, who, sees):
    batch, _own, _other = applied
    assert selectors.batch_queryset(getattr(personas, who)).filter(pk=batch.pk).exists() is sees


@pytest.mark.parametrize(("who", "writes"), [
    ("ada", True), ("city", True), ("dan", True), ("olga", True), ("stan", False), ("kira", False), ("wang", False),
])
def test_who_may_run_the_batch(applied, personas, who, writes):
    batch, _own, _other = applied
    assert selectors.batch_queryset(getattr(personas, who), write=True).filter(pk=batch.pk).exists() is writes


def test_a_worker_sees_only_their_own_application(applied, personas):
    batch, own, other = applied
    visible = set(selectors.application_queryset(personas.wang).values_list("pk", flat=True))
    assert visible == {own.pk}
    assert selectors.batch_queryset(personas.wang).filter(pk=batch.pk).exists()


def test_the_employer_sees_its_staffs_applications(applied, personas):
    _batch, own, other = applied
    visible = set(selectors.application_queryset(personas.olga).values_list("pk", flat=True))
    assert visible == {own.pk, other.pk}
    assert not selectors.application_queryset(personas.kira).exists()


def test_a_bureau_of_another_district_sees_nothing(applied, city, personas):
    from gongjiang.orgs.services import membership_grant
    from tests import factories

    keqiao_admin = factories.user("ke")
    membership_grant(actor=None, user=keqiao_admin, role="district_admin", organization=city.keqiao_bureau)
    assert not selectors.batch_queryset(keqiao_admin).exists()
    assert not selectors.body_queryset(keqiao_admin).exists()
    assert not selectors.application_queryset(keqiao_admin).exists()
