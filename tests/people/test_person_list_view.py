"""The registry page: search, filters, paging, sorting, HTMX partials and the query budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gongjiang.core.models import AuditEntry
from gongjiang.people.views import MSG_NOT_FOUND_BY_ID
from tests import factories

LIST = reverse("people:list")


def names(response) -> list[str]:
    return [p.name for p in response.context["people"]]


@pytest.fixture
def city_client(client, registry, personas):
    client.force_login(personas.city)
    return client


def test_lists_everyone_in_scope_sorted_by_name(city_client, registry):
    response = city_client.get(LIST)
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(["王师傅", "李高级", "赵技师", "钱中级", "孙高技", "周无业"])
    assert response.context["page"].paginator.count == 6
    # ID numbers appear masked only
    html = response.content.decode()
    assert registry.li_id_number not in html
    assert registry.li.id_number_masked in html


def test_search_by_name_and_by_certificate_number(city_client, registry):
    assert names(city_client.get(LIST, {"q": "李"})) == ["李高级"]
    assert names(city_client.get(LIST, {"q": "gj-li-0001"})) == ["李高级"]


def test_id_number_lookup_is_exact_and_by_post(city_client, registry):
    # when
    response = city_client.post(LIST, {"id_number": registry.li_id_number.lower()})
    # then
    assert response.status_code == 200
    assert names(response) == ["李高级"]
    assert response.context["id_lookup"] is True
    # a prefix of the number finds nobody: the look-up is by keyed hash, not LIKE
    response = city_client.post(LIST, {"id_number": registry.li_id_number[:-1]})
    assert names(response) == []
    assert str(MSG_NOT_FOUND_BY_ID) in response.content.decode()


def test_id_number_lookup_respects_scope(client, registry, personas):
    client.force_login(personas.kira)
    response = client.post(LIST, {"id_number": registry.li_id_number})
    assert names(response) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "3"}, ["李高级"]),
        ({"high_skilled": "yes"}, ["孙高技", "李高级", "赵技师"]),
        ({"high_skilled": "no"}, ["周无业", "王师傅", "钱中级"]),
        ({"occupation": "6-04-02-01"}, ["孙高技", "钱中级"]),
        ({"region": "330603"}, ["周无业", "孙高技", "钱中级"]),
        ({"sex": "female"}, ["孙高技", "钱中级"]),
        ({"age_band": "55_plus"}, ["孙高技"]),
        ({"age_band": "under_25"}, ["钱中级"]),
        ({"level": "not-a-level"}, ["周无业", "孙高技", "李高级", "王师傅", "赵技师", "钱中级"]),
    ],
)
def test_filters(city_client, registry, params, expected):
    response = city_client.get(LIST, params)
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(expected)


def test_organisation_filter_offers_only_organisations_in_scope(client, registry, personas, city):
    client.force_login(personas.dan)
    response = client.get(LIST, {"organization": city.yuecheng_machinery.pk})
    assert sorted(names(response)) == sorted(["王师傅", "李高级"])
    choices = {org.pk for org in response.context["form"].fields["organization"].queryset}
    assert city.keqiao_textile.pk not in choices
    # an organisation outside the scope is not a valid choice: the filter is ignored, scope still applies
    response = client.get(LIST, {"organization": city.keqiao_textile.pk})
    assert "钱中级" not in names(response)


def test_sort_by_level_descending(city_client, registry):
    response = city_client.get(LIST, {"sort": "-level"})
    assert names(response)[:4] == ["孙高技", "赵技师", "李高级", "钱中级"]


def test_paging_and_page_size(city_client, registry, city):
    # given 25 more people at 越城机械
    for n in range(25):
        factories.person(f"测试{chr(0x4e00 + n)}", employer=city.yuecheng_machinery)
    # when
    first = city_client.get(LIST)
    bigger = city_client.get(LIST, {"size": "50"})
    last = city_client.get(LIST, {"page": "2"})
    silly = city_client.get(LIST, {"page": "999", "size": "7"})
    # then
    assert len(first.context["people"]) == 20 and first.context["page"].paginator.num_pages == 2
    assert len(bigger.context["people"]) == 31
    assert len(last.context["people"]) == 11
    assert silly.status_code == 200 and silly.context["page"].number == 2  # last page, default size


def test_htmx_request_gets_only_the_results(city_client, registry):
    response = city_client.get(LIST, {"q": "赵"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="registry-results")
    html = response.content.decode()
    assert [t.name for t in response.templates][0] == "people/_results.html"
    assert "<html" not in html and "赵技师" in html
    assert "HX-Request" in response["Vary"]


def test_export_link_carries_the_filters(city_client, registry):
    response = city_client.get(LIST, {"level": "3", "q": "李"})
    assert response.context["export_url"] == reverse("people:export") + "?level=3&q=%E6%9D%8E"


def test_worker_sees_only_themself(client, registry, personas):
    client.force_login(personas.wang)
    response = client.get(LIST)
    assert names(response) == ["王师傅"]
    assert response.context["can_create"] is False


def test_page_does_not_write_audit_entries(city_client, registry):
    before = AuditEntry.objects.count()
    city_client.get(LIST, {"q": "李"})
    assert AuditEntry.objects.count() == before


def _query_count(client, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(LIST, {"size": "100"})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_rows(city_client, registry, city, django_assert_max_num_queries):
    # given
    few = _query_count(city_client, django_assert_max_num_queries, 12)
    for n in range(30):
        person = factories.person(f"批量{chr(0x4e00 + n)}", employer=city.machinery_branch, region_obj=city.yuecheng,
                                  id_number=factories.make_id_number("330602", dt.date(1990, 1, 1) + dt.timedelta(days=n)))
        factories.certificate(person, level=2 + n % 3, occupation_obj=registry.lathe)
    # when
    many = _query_count(city_client, django_assert_max_num_queries, 12)
    # then
    assert many == few
