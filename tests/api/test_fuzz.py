"""A short property-based run against the registry API: whatever the input, no server error,
and every answer matches the published schema (SchemaCheckedClient checks each response).

Bounded (a few dozen examples per endpoint) so the suite stays fast. Schemathesis would derive
the inputs from the schema itself; it was not adopted because it installs a pytest plugin into
every test run of the shared suite and a dozen further packages. These strategies mix valid
values with junk for each documented field instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.api.conftest import client_for

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

junk_text = st.text(max_size=30)
dates = st.one_of(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)).map(str), junk_text)
valid_ids = st.builds(
    factories.make_id_number,
    region=st.sampled_from(["330602", "330603", "110101"]),
    birth=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2008, 1, 1)),
    sequence=st.integers(0, 999),
    male=st.booleans(),
)
id_numbers = st.one_of(valid_ids, junk_text, st.from_regex(r"\A\d{17}[\dXx]\Z"))
anything = st.one_of(junk_text, st.integers(-5, 10**6), st.none(), st.booleans())


def _optional(**fields: Any) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=fields)


person_payloads = _optional(
    name=st.one_of(st.sampled_from(["张三", "阿依古丽·买买提", "Li Lei"]), junk_text),
    id_type=st.one_of(st.sampled_from(["resident_id", "passport", "hk_macao_permit"]), junk_text),
    id_number=id_numbers,
    sex=st.one_of(st.sampled_from(["male", "female"]), junk_text),
    birth_date=dates,
    mobile=st.one_of(st.from_regex(r"\A1\d{10}\Z"), junk_text),
    education=st.one_of(st.sampled_from(["bachelor", ""]), junk_text),
    residence_region=st.one_of(st.sampled_from(["330602", "330603", "999999"]), anything),
    employer=anything,
    occupation=st.one_of(st.sampled_from(["6-18-01-01", "6-99-99-99"]), anything),
    employment_start=dates,
    notes=junk_text,
)


@FUZZ
@given(payload=person_payloads)
def test_person_create_never_fails_on_input(world, payload):
    response = client_for(world.personas.dan).post("/api/v1/people/", payload, format="json")
    assert response.status_code in (201, 400), response.content


@FUZZ
@given(payload=_optional(
    name=junk_text, sex=st.one_of(st.sampled_from(["male", "female"]), junk_text), birth_date=dates,
    mobile=junk_text, education=junk_text, residence_region=anything, notes=junk_text,
))
def test_person_update_never_fails_on_input(world, payload):
    # ada: a change of residence must not move the person out of the client's sight mid-run
    person = world.people["resident"]
    response = client_for(world.personas.ada).patch(f"/api/v1/people/{person.pk}/", payload, format="json")
    assert response.status_code in (200, 400), response.content


list_params = _optional(
    q=junk_text, certificate_number=junk_text, level=st.one_of(st.integers(-1, 9).map(str), junk_text),
    occupation=junk_text, region=st.one_of(st.sampled_from(["33", "3306", "330602"]), junk_text),
    organization=st.one_of(st.integers(-1, 10**9).map(str), junk_text),
    age_band=st.one_of(st.sampled_from(["under_25", "55_plus"]), junk_text),
    high_skilled=st.sampled_from(["true", "false", "1", "0", "maybe"]),
    sex=junk_text, page=st.integers(-1, 5).map(str), page_size=st.integers(-1, 500).map(str),
)


@FUZZ
@given(params=list_params)
def test_people_list_never_fails_on_input(world, params):
    params = {key: value.replace("\x00", "") for key, value in params.items()}  # not sendable in a URL
    response = client_for(world.personas.city).get("/api/v1/people/", params)
    assert response.status_code in (200, 400, 404), response.content


@FUZZ
@given(payload=_optional(id_number=id_numbers, q=junk_text, level=anything, region=anything, high_skilled=anything))
def test_people_search_never_fails_on_input(world, payload):
    response = client_for(world.personas.city).post("/api/v1/people/search/", payload, format="json")
    assert response.status_code in (200, 400), response.content


@FUZZ
@given(payload=_optional(
    name=st.one_of(st.just("测试单位"), junk_text),
    kind=st.one_of(st.sampled_from(["enterprise", "government", "foreign_partner"]), junk_text),
    credit_code=st.one_of(st.builds(factories.make_credit_code, st.integers(10**6, 10**8)), junk_text, st.none()),
    country=st.one_of(st.sampled_from(["CN", "DE", "de"]), junk_text),
    region=st.one_of(st.sampled_from(["330602", "330603"]), anything),
    industry=st.one_of(st.sampled_from(["C", "ZZ"]), anything),
    parent=anything,
    is_active=anything,
))
def test_organization_create_never_fails_on_input(world, payload):
    response = client_for(world.personas.dan).post("/api/v1/organizations/", payload, format="json")
    assert response.status_code in (201, 400, 403), response.content


@FUZZ
@given(payload=_optional(
    number=st.one_of(st.from_regex(r"\A[YS]\d{21}\Z"), st.from_regex(r"\A\d{16}\Z"), junk_text),
    issue_date=dates, level=anything, kind=st.one_of(st.sampled_from(["skill_level", "international"]), junk_text),
    occupation=anything, work_type=anything, issuer=anything, valid_until=dates,
))
def test_certificate_record_never_fails_on_input(world, payload):
    person = world.people["wang"]
    response = client_for(world.personas.olga).post(f"/api/v1/people/{person.pk}/certificates/", payload, format="json")
    assert response.status_code in (201, 400), response.content
