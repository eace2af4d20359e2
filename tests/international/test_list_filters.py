"""International lists and their Excel exports (``?format=xlsx``) read the query string the same
way: an invalid filter is named on the page and the export refuses (back to the page, nothing
exported); a valid filter narrows the page and the export to the same rows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from gongjiang.core.models import AuditEntry
from gongjiang.international import forms, services
from gongjiang.web import listing
from tests import factories
from tests.export_helpers import sheet_rows
from tests.training import builders


def _partner(city: Any, name: str, country: str, kind: str) -> Any:
    return services.partner_create(actor=None, name=name, country=country, partner_kind=kind,
                                   managed_by=city.city_bureau)


def _partners(city: Any) -> None:
    _partner(city, "德国 bbw 教育集团", "DE", "college")
    _partner(city, "德国工商会", "DE", "association")
    _partner(city, "新加坡工教局", "SG", "evaluation_body")


def _agreements(city: Any) -> None:
    local = factories.organization("绍兴技师学院", kind="technical_college", region_obj=city.city)
    foreign = _partner(city, "德国 bbw 教育集团", "DE", "college").organization
    for title, kind in (("框架协议", "framework"), ("校际合作协议", "inter_school")):
        services.agreement_create(actor=None, title=title, kind=kind, managed_by=city.city_bureau,
                                  parties=[services.PartySpec(local), services.PartySpec(foreign)],
                                  signed_date=dt.date(2024, 1, 1), term_months=36)


def _projects(city: Any) -> None:
    foreign = _partner(city, "新加坡工教局", "SG", "evaluation_body").organization
    for name, status in (("机电一体化联合培养", "active"), ("焊接联合培养", "planned")):
        services.joint_project_create(actor=None, name=name, managed_by=city.city_bureau, partners=[foreign],
                                      start_date=dt.date(2024, 3, 1), status=status)


def _events(city: Any) -> None:
    services.event_create(actor=None, name="国际技能交流周", kind="exchange", held_on=dt.date(2024, 5, 1),
                          managed_by=city.city_bureau)
    services.event_create(actor=None, name="德国研修说明会", kind="training", held_on=dt.date(2023, 5, 1),
                          managed_by=city.city_bureau)


def _recognitions(city: Any) -> None:
    for name, decision, level in (("焊工资格", "mapped", 3), ("机电资格", "pending", None)):
        services.recognition_create(actor=None, qualification=name, awarding_body="机构", country="GB",
                                    decided_by=city.city_bureau, decision=decision,
                                    decision_date=dt.date(2023, 1, 1) if level else None, domestic_level=level)


def _alliances(city: Any) -> None:
    for name, year in (("国际工匠发展联盟", 2023), ("一带一路技能联盟", 2024)):
        services.alliance_create(actor=None, name=name, founded_on=dt.date(year, 1, 1), guided_by=city.city_bureau)


def _mentors(city: Any) -> None:
    for name, country in (("Hans Müller", "DE"), ("Anna", "AT")):
        services.mentor_create(actor=None, name=name, country=country, expertise="自动化",
                               managed_by=city.city_bureau, introduced_on=dt.date(2024, 1, 1))


@dataclass(frozen=True)
class ListCase:
    url_name: str
    form: Any
    action: str
    build: Any
    valid: dict[str, str]
    invalid: tuple[str, str]  # a filter and a value it refuses (the other valid filters still apply)

    def __str__(self) -> str:
        return self.url_name.split(":")[1]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


CASES = [
    ListCase("international:partner_list", forms.PartnerFilterForm, "international.partner.exported", _partners,
             {"q": "德国"}, ("partner_kind", "school")),
    ListCase("international:agreement_list", forms.AgreementFilterForm, "international.agreement.exported",
             _agreements, {"kind": "framework"}, ("status", "signed")),
    ListCase("international:project_list", forms.ProjectFilterForm, "international.joint_project.exported",
             _projects, {"status": "planned"}, ("status", "done")),
    ListCase("international:event_list", forms.EventFilterForm, "international.event.exported", _events,
             {"year": "2024"}, ("kind", "party")),
    ListCase("international:event_list", forms.EventFilterForm, "international.event.exported", _events,
             {"kind": "training"}, ("year", "去年")),
    ListCase("international:recognition_list", forms.RecognitionFilterForm, "international.recognition.exported",
             _recognitions, {"decision": "mapped"}, ("category", "trade")),
]
UNFILTERED = [
    ("international:alliance_list", "international.alliance.exported", _alliances),
    ("international:mentor_list", "international.mentor.exported", _mentors),
]


def _page_names(response: Any) -> list[str]:
    assert response.status_code == 200
    return [str(row[0][0]) for row in response.context["rows"]]


def _export_names(response: Any) -> list[str]:
    return [str(row[0]) for row in sheet_rows(response)[1:]]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_invalid_filter_is_named_on_the_page_and_refuses_the_export(city, personas, client, case):
    case.build(city)
    client.force_login(personas.city)
    name, value = case.invalid
    others = {key: text for key, text in case.valid.items() if key != name}
    params = {**others, name: value}
    expected = builders.filter_error(case.form, name, value)

    page = client.get(case.url, params)
    assert page.context["filter_errors"] == [expected]
    assert expected in page.content.decode()
    assert _page_names(page) == _page_names(client.get(case.url, others))  # the refused filter is dropped

    response = client.get(case.url, {"format": "xlsx", **params})
    assert response.status_code == 302
    assert response["Location"] == f"{case.url}?{urlencode(params)}"  # the page with its filters, no export
    assert not AuditEntry.objects.filter(action=case.action).exists()  # nothing exported
    shown = client.get(response["Location"]).content.decode()
    assert str(listing.ERR_EXPORT_REFUSED) in shown and expected in shown


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_valid_filter_exports_the_rows_of_the_page(city, personas, client, case):
    case.build(city)
    client.force_login(personas.city)
    everything = _page_names(client.get(case.url, {"size": 100}))

    names = _page_names(client.get(case.url, {**case.valid, "size": 100}))
    exported = _export_names(client.get(case.url, {"format": "xlsx", **case.valid}))

    assert exported == names
    assert 0 < len(names) < len(everything)  # the filter did narrow the list
    entry = AuditEntry.objects.get(action=case.action)
    assert entry.changes["rows"] == len(names) and entry.changes["filters"] == case.valid


@pytest.mark.parametrize(("url_name", "action", "build"), UNFILTERED, ids=["alliances", "mentors"])
def test_a_list_without_filters_exports_the_rows_of_the_page(city, personas, client, url_name, action, build):
    build(city)
    client.force_login(personas.city)
    url = reverse(url_name)
    page = client.get(url, {"size": 100})
    assert page.context["filter_form"] is None and page.context["filter_errors"] == []
    names = _page_names(page)
    assert len(names) == 2
    assert _export_names(client.get(url, {"format": "xlsx"})) == names
    assert AuditEntry.objects.get(action=action).changes["rows"] == 2


def test_the_filter_form_is_on_the_page_and_the_export_link_carries_its_filters(city, personas, client):
    _recognitions(city)
    client.force_login(personas.city)
    page = client.get(reverse("international:recognition_list"), {"decision": "mapped", "page": "1", "q": ""})
    html = page.content.decode()
    assert isinstance(page.context["filter_form"], forms.RecognitionFilterForm)
    assert 'name="decision"' in html
    assert page.context["export_query"] == "decision=mapped"


def test_the_refusal_is_in_english_when_the_page_is(city, personas, client):
    from django.conf import settings
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.city)
    page = client.get(reverse("international:agreement_list"), {"status": "signed"})
    with translation.override("en"):
        expected = builders.filter_error(forms.AgreementFilterForm, "status", "signed")
    assert page.context["filter_errors"] == [expected]
    assert not re.search(r"[\u4e00-\u9fff]", expected)  # label, message and accepted choices all in English
