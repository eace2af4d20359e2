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


# --- A batch's applications ----------------------------------------------------------------------


def _applied_batch(city, setup):
    """赵一 and 孙三 accepted, 钱二 refused (no facts)."""
    from gongjiang.evaluation.services import application_submit
    from tests.evaluation.conftest import ELIGIBLE_FOR_4

    batch = make_batch(setup)
    zhao, qian, sun = setup.candidates
    application_submit(actor=None, batch=batch, person=zhao, grade=4, facts=ELIGIBLE_FOR_4)
    application_submit(actor=None, batch=batch, person=qian, grade=4, facts={})
    application_submit(actor=None, batch=batch, person=sun, grade=4, facts=ELIGIBLE_FOR_4)
    return batch


def test_batch_applications_export_has_the_pages_rows_under_its_filters(client, city, setup, personas):
    from gongjiang.evaluation.models import Application

    batch = _applied_batch(city, setup)
    Application.objects.filter(person__name="钱二").update(
        eligibility={"explanation": "=HYPERLINK(\"x\") 年限不足"})
    export = reverse("evaluation:batch_applications_export", args=[batch.pk])
    client.force_login(personas.olga)
    page = client.get(reverse("evaluation:batch_detail", args=[batch.pk]))
    assert export in page.content.decode()
    listed = [a.pk for a in page.context["applications"]]
    rows = sheet_rows(client.get(export))
    assert column(rows, "申报编号") == listed and len(listed) == 3
    # ID numbers masked: the stored mask, never the full number
    people = {a.pk: a.person for a in Application.objects.select_related("person")}
    assert column(rows, "身份证号码") == [people[pk].id_number_masked for pk in listed]
    assert all("*" in value and len(value) == 18 for value in column(rows, "身份证号码"))
    assert "'=HYPERLINK(\"x\") 年限不足" in column(rows, "资格审查")  # formula-safe
    # the page's filter, in the page and in the file
    accepted = client.get(reverse("evaluation:batch_detail", args=[batch.pk]), {"status": "accepted"})
    filtered = [a.pk for a in accepted.context["applications"]]
    assert export + "?status=accepted" in accepted.content.decode()
    rows = sheet_rows(client.get(export, {"status": "accepted"}))
    assert column(rows, "申报编号") == filtered and len(filtered) == 2
    assert set(column(rows, "受理")) == {str(Application.Status.ACCEPTED.label)}
    entries = AuditEntry.objects.filter(action=exports.APPLICATION_EXPORT_ACTION).order_by("id")
    assert [(e.actor, e.changes["rows"], e.changes["filters"]) for e in entries] == [
        (personas.olga, 3, {"batch": batch.pk}), (personas.olga, 2, {"batch": batch.pk, "status": "accepted"})]


def test_batch_applications_export_keeps_to_the_users_scope(client, city, setup, personas):
    batch = _applied_batch(city, setup)
    export = reverse("evaluation:batch_applications_export", args=[batch.pk])
    client.force_login(personas.kira)  # another district's employer: the batch is not hers to see
    assert client.get(reverse("evaluation:batch_detail", args=[batch.pk])).status_code == 404
    assert client.get(export).status_code == 404
    client.force_login(personas.wang)  # a worker who did not apply
    assert client.get(export).status_code == 404
    assert not AuditEntry.objects.filter(action=exports.APPLICATION_EXPORT_ACTION).exists()
    # once he applied he sees the batch, and his own application only, on the page and in the file
    from gongjiang.evaluation.services import application_submit
    from tests.evaluation.conftest import ELIGIBLE_FOR_4

    own = application_submit(actor=None, batch=batch, person=personas.wang.person, grade=4, facts=ELIGIBLE_FOR_4)
    page = client.get(reverse("evaluation:batch_detail", args=[batch.pk]))
    assert [a.pk for a in page.context["applications"]] == [own.pk]
    assert column(sheet_rows(client.get(export)), "申报编号") == [own.pk]
    # the 越城区 bureau sees the whole batch
    client.force_login(personas.dan)
    assert len(sheet_rows(client.get(export))) == 1 + 4


def test_batch_applications_export_refuses_an_invalid_filter(client, city, setup, personas):
    batch = _applied_batch(city, setup)
    client.force_login(personas.olga)
    page = client.get(reverse("evaluation:batch_detail", args=[batch.pk]), {"result": "nope"})
    assert page.status_code == 200 and "结果" in page.context["filter_errors"][0]
    assert len(page.context["applications"]) == 3  # the bad filter is dropped, and said so
    response = client.get(reverse("evaluation:batch_applications_export", args=[batch.pk]), {"result": "nope"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("evaluation:batch_detail", args=[batch.pk]))
    assert not AuditEntry.objects.filter(action=exports.APPLICATION_EXPORT_ACTION).exists()


def test_batch_applications_are_paged_and_the_export_takes_every_page(client, city, setup, personas):
    from gongjiang.evaluation.models import Application
    from gongjiang.evaluation.services import application_submit
    from gongjiang.web.forms import DEFAULT_PAGE_SIZE
    from tests import factories
    from tests.evaluation.conftest import ELIGIBLE_FOR_4

    batch = make_batch(setup)
    people = [factories.person(f"申报人{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{'一二三'[i // 10]}", employer=city.yuecheng_machinery,
                               region_obj=city.yuecheng) for i in range(DEFAULT_PAGE_SIZE + 3)]
    for person in people:
        application_submit(actor=None, batch=batch, person=person, grade=4, facts=ELIGIBLE_FOR_4)
    client.force_login(personas.olga)
    url = reverse("evaluation:batch_detail", args=[batch.pk])
    first, second = client.get(url), client.get(url, {"page": 2})
    first_pks = [a.pk for a in first.context["applications"]]
    second_pks = [a.pk for a in second.context["applications"]]
    assert len(first_pks) == DEFAULT_PAGE_SIZE and len(second_pks) == 3
    assert first.context["page"].paginator.count == DEFAULT_PAGE_SIZE + 3
    assert "page=2" in first.content.decode()  # the pager links to the next page
    every = list(Application.objects.filter(batch=batch).order_by("id").values_list("pk", flat=True))
    assert first_pks + second_pks == every
    # the export is not limited to the page on screen
    rows = sheet_rows(client.get(reverse("evaluation:batch_applications_export", args=[batch.pk]), {"page": 2}))
    assert column(rows, "申报编号") == every
