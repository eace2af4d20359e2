"""Training lists and their Excel exports read the query string the same way: an invalid filter is
named on the page and the export refuses (back to the page, nothing exported); a valid filter
narrows the page and the export to the same rows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django import forms as django_forms
from django.urls import reverse
from django.utils import translation

from gongjiang.core.models import AuditEntry
from gongjiang.training import forms
from gongjiang.training.services import programs as program_services
from gongjiang.training.services import subsidies as subsidy_services
from gongjiang.web import listing
from tests.export_helpers import sheet_rows
from tests.training import builders


def _programs(city: Any, personas: Any) -> None:
    builders.program(city, name="德国研修班")
    builders.program(city, name="夜校", kind="night_school", status="draft")


def _apprenticeships(city: Any, personas: Any) -> None:
    builders.apprenticeship(city, actor=personas.olga)
    builders.apprenticeship(city, actor=personas.olga, kind="modern", apprentice=builders.worker(city, "二号学徒"),
                            school=builders.school(city, "职业学院"))


def _claims(city: Any, personas: Any) -> None:
    policy = builders.skill_policy(city)
    claims = [subsidy_services.claim_create(
        actor=personas.olga, policy=policy, person=builders.worker(city, name), claim_date=dt.date(2024, 6, 1),
        level=2, occupation_code="6-18-01-01", certificate_date=dt.date(2024, 3, 1), insured_months=24)
        for name in ("甲工", "乙工")]
    subsidy_services.claim_approve(actor=personas.city, claim=claims[0])


def _points(city: Any, personas: Any) -> None:
    for name, points in (("甲工", 5), ("乙工", 12)):
        program_services.points_adjust(actor=personas.olga, person=builders.worker(city, name), points=points,
                                       reason="技能比武", on=dt.date(2024, 5, 1))
    program_services.points_adjust(actor=personas.olga, person=builders.worker(city, "丙工"), points=3,
                                   reason="带徒", on=dt.date(2023, 5, 1))


@dataclass(frozen=True)
class ListCase:
    name: str
    list_url: str
    export_url: str
    form: type[django_forms.Form]
    action: str
    build: Any
    valid: dict[str, str]
    invalid: tuple[str, str]  # a filter and a value it refuses (the other valid filters still apply)
    export_params: dict[str, str] = field(default_factory=dict)
    name_column: int = 0

    def __str__(self) -> str:
        return self.name


CASES = [
    ListCase("programmes", reverse("training:program_list"), reverse("training:program_export"),
             forms.ProgramFilterForm, "training.program.exported", _programs, {"status": "open", "year": "2024"},
             ("kind", "bogus")),
    ListCase("programmes by year", reverse("training:program_list"), reverse("training:program_export"),
             forms.ProgramFilterForm, "training.program.exported", _programs, {"kind": "night_school"},
             ("year", "二〇二四")),
    ListCase("apprenticeships", reverse("training:apprenticeship_list"), reverse("training:apprenticeship_export"),
             forms.ApprenticeshipFilterForm, "training.apprenticeship.exported", _apprenticeships, {"kind": "modern"},
             ("status", "apprentice")),
    ListCase("subsidy claims", reverse("training:claim_list"), reverse("training:claim_export"),
             forms.ClaimFilterForm, "training.subsidy_claim.exported", _claims, {"status": "approved"},
             ("year", "1999")),
    ListCase("points ranking", reverse("training:points_ranking"), reverse("training:points_ranking"),
             forms.RankingFilterForm, "training.points.ranking_exported", _points, {"year": "2024"},
             ("organization", "越城机械"), export_params={"format": "xlsx"}, name_column=1),
]


def _page_names(response: Any, case: ListCase) -> list[str]:
    assert response.status_code == 200
    return [str(row[case.name_column][0]) for row in response.context["rows"]]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_invalid_filter_is_named_on_the_page_and_refuses_the_export(city, personas, client, case):
    case.build(city, personas)
    client.force_login(personas.city)
    name, value = case.invalid
    others = {key: text for key, text in case.valid.items() if key != name}
    params = {**others, name: value}
    expected = builders.filter_error(case.form, name, value)

    page = client.get(case.list_url, params)
    assert page.context["filter_errors"] == [expected]
    assert expected in page.content.decode()
    valid_only = _page_names(client.get(case.list_url, others), case)
    assert _page_names(page, case) == valid_only  # the refused filter is dropped, the others still narrow

    response = client.get(case.export_url, {**case.export_params, **params})
    assert response.status_code == 302
    assert response["Location"] == f"{case.list_url}?{urlencode(params)}"  # the page with its filters
    assert not AuditEntry.objects.filter(action=case.action).exists()  # nothing exported
    shown = client.get(response["Location"]).content.decode()
    assert str(listing.ERR_EXPORT_REFUSED) in shown and expected in shown


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_valid_filter_exports_the_rows_of_the_page(city, personas, client, case):
    case.build(city, personas)
    client.force_login(personas.city)
    everything = _page_names(client.get(case.list_url, {"size": 100}), case)

    names = _page_names(client.get(case.list_url, {**case.valid, "size": 100}), case)
    rows = sheet_rows(client.get(case.export_url, {**case.export_params, **case.valid}))
    exported = [str(row[case.name_column]) for row in rows[1:]]

    assert exported == names
    assert 0 < len(names) < len(everything)  # the filter did narrow the list
    entry = AuditEntry.objects.get(action=case.action)
    assert entry.changes["rows"] == len(names) and entry.changes["filters"] == case.valid


def test_the_page_shows_its_valid_filters_in_the_export_link(city, personas, client):
    client.force_login(personas.city)
    page = client.get(reverse("training:program_list"), {"status": "open", "page": "1", "year": ""})
    assert page.context["export_query"] == "status=open"
    html = page.content.decode()
    # the link is swapped with the results when HTMX filters the page, so it keeps the page's filters
    assert f'id="export-link" data-export href="{reverse("training:program_export")}?status=open"' in html
    assert 'hx-select-oob="#export-link"' in html


def test_an_organisation_outside_the_scope_stays_not_found(city, personas, client):
    client.force_login(personas.olga)
    url = reverse("training:points_ranking")
    assert client.get(url, {"organization": city.keqiao_textile.pk}).status_code == 404
    assert client.get(url, {"organization": city.keqiao_textile.pk, "format": "xlsx"}).status_code == 404


class _Sample(forms.FilterForm):
    status = django_forms.ChoiceField(required=False, choices=[("", "全部"), ("a", "甲"), ("b", "乙")])
    year = forms.year_filter()
    organization = forms.FilterIntegerField(required=False, min_value=1)


@pytest.mark.parametrize(("data", "name", "message"), [
    ({"status": "c"}, "status", str(forms.ERR_FILTER_CHOICE).format(accepted="a（甲）、b（乙）") % {"value": "c"}),
    ({"year": "20x4"}, "year", str(forms.ERR_FILTER_NUMBER).format(min=2000, max=2100) % {"value": "20x4"}),
    ({"year": "2200"}, "year", str(forms.ERR_FILTER_NUMBER).format(min=2000, max=2100) % {"value": "2200"}),
    ({"organization": "0"}, "organization", str(forms.ERR_FILTER_ID) % {"value": "0"}),
    ({"organization": "x1"}, "organization", str(forms.ERR_FILTER_ID) % {"value": "x1"}),
])
def test_a_filter_refusal_names_the_value_and_what_is_accepted(data, name, message):
    form = _Sample(data)
    assert not form.is_valid()
    assert form.errors == {name: [message]}


@pytest.mark.parametrize("message", [forms.ERR_FILTER_CHOICE, forms.ERR_FILTER_NUMBER, forms.ERR_FILTER_ID])
def test_the_filter_messages_are_translated_into_english(message):
    with translation.override("en"):
        english = str(message)
    assert not re.search(r"[\u4e00-\u9fff]", english) and "%(value)s" in english
