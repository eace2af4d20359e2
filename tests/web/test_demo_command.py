"""The demo command around the city: determinism, refusals, --if-empty, rollback, the extension hook."""

from __future__ import annotations

import datetime as dt
import importlib.machinery
import io
import sys
import types

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from gongjiang.core.models import AuditEntry, User
from gongjiang.orgs.models import Organization
from gongjiang.people.models import Certificate, Employment, Honor, Person
from gongjiang.web.demo import build_city, builder
from tests import factories

TODAY = dt.date(2026, 6, 30)
PEOPLE = 200


def fingerprint():
    people = Person.objects.order_by("id_number_hash")
    return {
        "people": list(people.values_list("name", "id_number_hash", "birth_date", "sex", "current_level",
                                          "current_employer__name", "residence_region_id")),
        "organizations": sorted(Organization.objects.values_list("name", "kind", "credit_code")),
        # Competition promotion numbers embed row ids (JS<year><competition id><entry id>), and
        # PostgreSQL does not reuse ids after a rollback, so those are compared without the number.
        "certificates": sorted(
            (number if source != Certificate.Source.COMPETITION else "", level, issue_date, status, source)
            for number, level, issue_date, status, source in Certificate.objects.values_list(
                "number", "level", "issue_date", "status", "source")
        ),
        "honors": sorted(Honor.objects.values_list("person__id_number_hash", "name", "year")),
        "employments": Employment.objects.count(),
    }


# --- determinism ----------------------------------------------------------------------------------


def build_and_fingerprint(seed: int):
    with transaction.atomic():
        build_city(people=PEOPLE, seed=seed, today=TODAY)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_same_seed_builds_the_same_city_and_another_seed_another(db):
    # given / when
    first = build_and_fingerprint(11)
    second = build_and_fingerprint(11)
    other = build_and_fingerprint(12)
    # then
    assert len(first["people"]) == PEOPLE
    assert first == second
    assert {p[1] for p in first["people"]}.isdisjoint({p[1] for p in other["people"]})
    assert Person.objects.count() == 0  # nothing left behind by the rolled-back builds


# --- refusals and --if-empty ----------------------------------------------------------------------


def test_refuses_in_production_and_writes_nothing(db, settings):
    settings.DEMO_ALLOWED = False
    with pytest.raises(CommandError) as err:
        call_command("demo", "--people", "20", stdout=io.StringIO())
    assert "DEMO_ALLOWED" in str(err.value)
    assert Person.objects.count() == 0 and Organization.objects.count() == 0
    assert not User.objects.filter(username__startswith="demo-").exists()


def test_if_empty_does_nothing_when_people_exist(city):
    factories.person("已在库")
    before = (Person.objects.count(), Organization.objects.count())
    out = io.StringIO()
    call_command("demo", "--people", "20", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert "已有的演示账号" not in out.getvalue()  # none exist here, so none are listed
    assert (Person.objects.count(), Organization.objects.count()) == before


def test_refuses_a_database_that_already_has_people(city):
    factories.person("已在库")
    with pytest.raises(CommandError) as err:
        call_command("demo", "--people", "20", stdout=io.StringIO())
    assert "--if-empty" in str(err.value)
    assert Person.objects.count() == 1


def test_a_failing_extension_rolls_the_whole_demo_back(db, monkeypatch):
    def broken(context):
        raise RuntimeError("extension failed")

    monkeypatch.setattr(builder, "run_extensions", broken)
    with pytest.raises(RuntimeError):
        build_city(people=20, seed=3, today=TODAY)
    assert Person.objects.count() == 0 and Organization.objects.count() == 0
    assert not AuditEntry.objects.filter(action="web.demo.built").exists()


# --- the extension hook ---------------------------------------------------------------------------


def test_extension_hook_calls_build_of_each_app_with_its_own_generator(monkeypatch):
    # given: an installed app "gongjiang.fakeapp" with a demo module, and the web app
    calls = []
    package = types.ModuleType("gongjiang.fakeapp")
    package.__path__ = []
    package.__spec__ = importlib.machinery.ModuleSpec("gongjiang.fakeapp", None, is_package=True)
    module = types.ModuleType("gongjiang.fakeapp.demo")
    module.__spec__ = importlib.machinery.ModuleSpec("gongjiang.fakeapp.demo", None)
    module.build = lambda context: calls.append(context.rng.random())
    monkeypatch.setitem(sys.modules, "gongjiang.fakeapp", package)
    monkeypatch.setitem(sys.modules, "gongjiang.fakeapp.demo", module)
    configs = [types.SimpleNamespace(name=name, label=name.rsplit(".", 1)[-1])
               for name in ("django.contrib.auth", "gongjiang.web", "gongjiang.fakeapp")]
    monkeypatch.setattr(builder.apps, "get_app_configs", lambda: configs)
    context = builder.DemoContext(
        seed=5, today=TODAY, rng=None, province=None, city=None, districts=[], organizations={}, bureaus={},
        people=[], users={}, occupations=[], log=lambda message: None,
    )
    # when
    ran = builder.run_extensions(context)
    # then
    assert ran == ["gongjiang.fakeapp.demo"]
    assert calls == [context.derived_rng("fakeapp").random()]
