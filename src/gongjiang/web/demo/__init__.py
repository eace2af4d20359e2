"""The demo city: ``gongjiang demo --people N --seed S [--if-empty]``.

It builds, in the configured database and in one transaction, a deterministic and realistic
绍兴 (330600): the real region codes of the city and its six districts; about 290
organisations of every kind (the city and district 人社局, the 总工会, 绍兴技师学院 and other
schools, training institutions, evaluation bodies, some 220 fictional enterprises with valid
credit codes, groups with branches, foreign partners and an alliance); N people with valid
resident ID numbers, employment (some with a previous job), certificates for every level they
hold (22-character 职业技能等级证书 numbers from 2020, 16-digit 职业资格证书 before), about 30 %
high-skilled, honours; and one login per role. The same seed and reference date give the same
city. People are written in bulk but keep every invariant ``people.services`` keeps: the ID
number encrypted with ``ID_CIPHER_AAD``, its keyed hash and mask, and ``current_employer``,
``current_level`` and ``primary_occupation`` derived as ``person_refresh_level`` derives them.
One summary audit entry (``web.demo.built``) records the run.

Extension hook — how other modules add their demo data
-------------------------------------------------------
After the base city, every installed ``gongjiang.*`` app (except ``web``) that has a module
``<app>/demo.py`` with a function ``build(context)`` is called, in ``INSTALLED_APPS`` order,
inside the same transaction (an error rolls the whole demo back). ``context`` is a
:class:`~gongjiang.web.demo.builder.DemoContext` with:

* ``seed``, ``today`` (the reference date: use it instead of ``date.today()``), ``rng`` (a
  ``random.Random`` of the hook's own, seeded from the seed and the app label, so adding one
  hook never changes another's data), ``derived_rng(label)`` for more generators;
* ``province``, ``city``, ``districts`` (Region rows), ``bureaus`` (region code → 人社局),
  ``organizations`` (``Organization.Kind`` value → list), ``occupations``;
* ``people`` (every Person built, with ``current_level``, ``primary_occupation`` and
  ``current_employer`` set), ``users`` (``Membership.Role`` value → demo User), ``accounts``;
* ``log(message)`` to print progress.

Write through your app's services (``actor=None`` is a system job); use bulk writes only where
you keep the same invariants, as the base city does. Example ``gongjiang/competitions/demo.py``::

    def build(context):
        bureau = context.bureaus[context.city.code]
        competition = services.competition_create(actor=None, organizer=bureau, ...)
        for person in context.rng.sample(context.people, 30):
            ...
"""

from gongjiang.web.demo.builder import (
    DEMO_PASSWORD,
    DemoAccount,
    DemoContext,
    DemoNotAllowedError,
    DemoResult,
    build_city,
)

__all__ = ["DEMO_PASSWORD", "DemoAccount", "DemoContext", "DemoNotAllowedError", "DemoResult", "build_city"]
