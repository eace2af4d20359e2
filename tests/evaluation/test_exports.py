"""The evaluation body and batch lists' Excel exports: filters, scope, formula-safe, audited."""

from __future__ import annotations

from django.urls import reverse

from gongjiang.core.models import AuditEntry
from gongjiang.evaluation import exports
from gongjiang.evaluation.models import EvaluationBatch
from tests.evaluation.conftest import filed_body, make_batch
from tests.export_helpers import column, sheet_rows

BODIES, BODIES_EXPORT = reverse("evaluation:bodies"), reverse("evaluation:bodies_export")
BATCHES, BATCHES_EXPORT = reverse("evaluation:batches"), reverse("evaluation:batches_export")


def test_body_export_has_the_lists_rows_under_its_filter_and_scope(client, city, setup, personas):
    filed_body(city.keqiao_textile, site="000002")
    client.force_login(personas.city)
    listed = client.get(BODIES, {"status": "active"})
    names = [b.filed_name for b in listed.context["page"].object_list]
    rows = sheet_rows(client.get(BODIES_EXPORT, {"status": "active"}))
    assert column(rows, "备案名称") == names and len(names) == 2
    assert len(sheet_rows(client.get(BODIES_EXPORT, {"status": "revoked"}))) == 1
    # olga's export has her body only, kira's has hers only
    client.force_login(personas.olga)
    assert column(sheet_rows(client.get(BODIES_EXPORT)), "单位") == [city.yuecheng_machinery.name]
    client.force_login(personas.kira)
    assert column(sheet_rows(client.get(BODIES_EXPORT)), "单位") == [city.keqiao_textile.name]


def test_batch_export_has_the_lists_rows_under_its_filter_and_scope(client, city, setup, personas):
    make_batch(setup)
    second = make_batch(setup, open_it=False)
    EvaluationBatch.objects.filter(pk=second.pk).update(name='=HYPERLINK("x") 第二批')
    client.force_login(personas.olga)
    listed = client.get(BATCHES, {"status": "open"})
    rows = sheet_rows(client.get(BATCHES_EXPORT, {"status": "open"}))
    assert column(rows, "批次") == [b.name for b in listed.context["page"].object_list] == ["2025 年第一批车工认定"]
    everything = column(sheet_rows(client.get(BATCHES_EXPORT)), "批次")
    assert "'=HYPERLINK(\"x\") 第二批" in everything and len(everything) == 2
    client.force_login(personas.kira)
    assert len(sheet_rows(client.get(BATCHES_EXPORT))) == 1  # header only: not her batches
    entries = AuditEntry.objects.filter(action=exports.BATCH_EXPORT_ACTION).order_by("id")
    assert [(e.actor, e.changes["rows"]) for e in entries] == [(personas.olga, 1), (personas.olga, 2), (personas.kira, 0)]
    assert entries[0].changes["filters"] == {"status": "open"}


def test_invalid_status_is_explained_and_not_exported(client, city, setup, personas):
    client.force_login(personas.olga)
    page = client.get(BATCHES, {"status": "nope"})
    assert page.status_code == 200 and "状态" in page.context["filter_errors"][0]
    assert client.get(BATCHES_EXPORT, {"status": "nope"}).status_code == 302
    assert client.get(BODIES_EXPORT, {"status": "nope"}).status_code == 302
    assert not AuditEntry.objects.filter(action__in=[exports.BATCH_EXPORT_ACTION, exports.BODY_EXPORT_ACTION]).exists()


def test_body_export_is_audited(client, city, setup, personas):
    client.force_login(personas.dan)
    sheet_rows(client.get(BODIES_EXPORT))
    entry = AuditEntry.objects.get(action=exports.BODY_EXPORT_ACTION)
    assert entry.actor == personas.dan and entry.changes["rows"] == 1
