"""The organisation list's Excel export: the list's filters and scope, formula-safe, audited."""

from __future__ import annotations

from django.urls import reverse

from gongjiang.core.models import AuditEntry
from gongjiang.orgs import exports
from gongjiang.web import listing
from tests import factories
from tests.export_helpers import column, sheet_rows

LIST = reverse("orgs:list")
EXPORT = reverse("orgs:export")


def _listed(client, params):
    response = client.get(LIST, {**params, "size": 100})
    assert response.status_code == 200
    return response.context["page"].paginator.count, [o.name for o in response.context["page"].object_list]


def test_filter_narrows_the_export_exactly_as_the_list(client, city, personas):
    client.force_login(personas.city)
    count, names = _listed(client, {"kind": "government"})
    rows = sheet_rows(client.get(EXPORT, {"kind": "government"}))
    assert column(rows, "名称") == names  # same rows, same order
    assert len(rows) - 1 == count == 3
    everything = sheet_rows(client.get(EXPORT))
    assert len(everything) - 1 > count


def test_the_list_page_links_the_export_with_its_filters_not_its_page(client, city, personas):
    client.force_login(personas.city)
    response = client.get(LIST, {"kind": "enterprise", "page": "1"})
    assert response.context["export_url"] == EXPORT + "?kind=enterprise"
    assert EXPORT + "?kind=enterprise" in response.content.decode()


def test_export_is_scoped(client, city, personas):
    client.force_login(personas.olga)
    names = column(sheet_rows(client.get(EXPORT)), "名称")
    assert set(names) == {city.yuecheng_machinery.name, "越城机械有限公司装配分公司"}
    assert city.keqiao_textile.name not in names


def test_a_role_without_registry_scope_cannot_export(client, city, personas):
    client.force_login(personas.aud)
    assert client.get(EXPORT).status_code == 403
    assert not AuditEntry.objects.filter(action=exports.EXPORT_ACTION).exists()


def test_formula_cells_are_neutralised(client, city, personas):
    factories.organization('=HYPERLINK("http://x")车间', region_obj=city.yuecheng, parent=city.yuecheng_machinery)
    client.force_login(personas.olga)
    names = column(sheet_rows(client.get(EXPORT, {"q": "HYPERLINK"})), "名称")
    assert names == ['\'=HYPERLINK("http://x")车间']


def test_export_is_audited_with_filters_and_row_count(client, city, personas):
    client.force_login(personas.dan)
    rows = sheet_rows(client.get(EXPORT, {"kind": "enterprise"}))
    entry = AuditEntry.objects.get(action=exports.EXPORT_ACTION)
    assert entry.actor == personas.dan
    assert entry.changes["rows"] == len(rows) - 1 == 2
    assert entry.changes["filters"] == {"kind": "enterprise"}


def test_invalid_filter_is_explained_and_nothing_is_exported(client, city, personas):
    client.force_login(personas.city)
    page = client.get(LIST, {"kind": "bogus"})
    assert page.status_code == 200
    errors = page.context["filter_errors"]
    assert len(errors) == 1 and "类型" in errors[0]
    response = client.get(EXPORT, {"kind": "bogus"}, follow=True)
    assert response.redirect_chain[0][0] == LIST + "?kind=bogus"
    assert str(listing.ERR_EXPORT_REFUSED) in response.content.decode()
    assert not AuditEntry.objects.filter(action=exports.EXPORT_ACTION).exists()
