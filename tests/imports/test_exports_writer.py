"""The one .xlsx writer behind every export: list order across batches, formula-safe cells,
ID numbers kept out of audit entries."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from gongjiang.core.models import AuditEntry
from gongjiang.imports import exporters
from gongjiang.orgs.models import Organization
from tests import factories


def _read(handle):
    handle.seek(0)
    return [tuple(r) for r in load_workbook(io.BytesIO(handle.read()), read_only=True).active.iter_rows(values_only=True)]


def test_batches_keep_the_list_order_and_lose_no_row(city):
    queryset = Organization.objects.order_by("-name", "id")
    batches = list(exporters.in_batches(queryset, batch_size=2))
    assert all(len(batch) <= 2 for batch in batches) and len(batches) > 1
    assert [o.pk for batch in batches for o in batch] == list(queryset.values_list("pk", flat=True))


def test_unordered_querysets_page_by_key_and_values_rows_stream(city):
    keyed = [o.pk for batch in exporters.in_batches(Organization.objects.order_by(), batch_size=3) for o in batch]
    assert keyed == sorted(keyed) and len(keyed) == Organization.objects.count()
    rows = [r for batch in exporters.in_batches(Organization.objects.values("name").order_by("name"), 2) for r in batch]
    assert [r["name"] for r in rows] == sorted(Organization.objects.values_list("name", flat=True))


def test_export_list_writes_every_row_formula_safe_and_audits(city, personas):
    factories.organization("-1 车间", region_obj=city.yuecheng)
    columns = [exporters.Column("名称", lambda o: o.name), exporters.Column("层级", lambda o: -1)]
    handle = io.BytesIO()
    count = exporters.export_list(user=personas.ada, title="单位[测试]", columns=columns,
                                  objects=Organization.objects.order_by("name"), action="tests.thing.exported",
                                  target=handle, filters={"q": "330602199005170011", "page": "2", "kind": ""})
    rows = _read(handle)
    assert count == len(rows) - 1 == Organization.objects.count()
    assert ("'-1 车间", -1) in rows  # text neutralised, a negative number stays a number
    entry = AuditEntry.objects.get(action="tests.thing.exported")
    assert entry.changes == {"rows": count, "filters": {"q": exporters.ID_NUMBER_REDACTED}, "format": "xlsx"}
