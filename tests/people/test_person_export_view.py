"""Export of the registry's current view: same filters and scope, masked, formula-safe, audited."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from gongjiang.core.models import AuditEntry
from gongjiang.people import exports
from gongjiang.people.selectors import PersonFilters
from tests import factories

EXPORT = reverse("people:export")


def _rows(response) -> list[tuple]:
    # Consuming the stream lets the test client close the response (and the temporary file).
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_exports_current_view_masked(client, registry, personas):
    # given
    client.force_login(personas.city)
    # when
    response = client.get(EXPORT, {"high_skilled": "yes", "sort": "-level"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0][0] == "姓名" and rows[0][2] == "证件号码（脱敏）"
    assert [r[0] for r in rows[1:]] == ["孙高技", "赵技师", "李高级"]
    li = rows[3]
    assert li[2] == registry.li.id_number_masked
    assert li[2] != registry.li_id_number and "*" in li[2]
    assert li[7] == "高级工（三级）" and li[8] == "是" and li[9] == "车工"
    assert all(registry.li_id_number not in str(cell) for row in rows for cell in row)


def test_export_is_scoped(client, registry, personas):
    client.force_login(personas.kira)
    rows = _rows(client.get(EXPORT))
    assert sorted(r[0] for r in rows[1:]) == ["孙高技", "钱中级"]


def test_export_is_audited_with_filters_and_row_count(client, registry, personas):
    client.force_login(personas.dan)
    before = AuditEntry.objects.count()
    _rows(client.get(EXPORT, {"level": "3"}))
    entry = AuditEntry.objects.get(action=exports.EXPORT_ACTION)
    assert AuditEntry.objects.count() == before + 1
    assert entry.actor == personas.dan
    assert entry.changes["rows"] == 1
    assert entry.changes["filters"] == {"level": "3"}


def test_audit_never_records_an_id_number(registry, personas):
    summary = exports.filter_summary(PersonFilters(q=registry.li_id_number, id_number=registry.li_id_number))
    assert summary == {"q": exports.ID_NUMBER_REDACTED, "id_number": exports.ID_NUMBER_REDACTED}


def test_cells_that_look_like_formulas_are_neutralised(client, registry, personas, city):
    # given a person whose notes can't reach the sheet, but whose employer name starts with "="
    evil = factories.organization("=HYPERLINK(\"http://x\")公司", region_obj=city.yuecheng)
    factories.person("钱恶意", employer=evil)
    client.force_login(personas.city)
    # when
    rows = _rows(client.get(EXPORT, {"q": "钱恶意"}))
    # then
    assert rows[1][11] == "'=HYPERLINK(\"http://x\")公司"


def test_safe_cell_value_prefixes_every_formula_trigger():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert exports.safe_cell_value(text) == "'" + text
    assert exports.safe_cell_value("王师傅") == "王师傅"
    assert exports.safe_cell_value(42) == 42


def test_roles_without_registry_scope_cannot_export(client, registry, personas):
    client.force_login(personas.aud)
    response = client.get(EXPORT)
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=exports.EXPORT_ACTION).exists()
