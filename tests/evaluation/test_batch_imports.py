"""Imports started from a batch's page are pinned to that batch (evaluation.BatchImport), and the
培养类别 / 其他情形 columns of the applications entity."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from gongjiang.core.rules import RuleError
from gongjiang.evaluation import imports as entities
from gongjiang.evaluation import rules as evaluation_rules
from gongjiang.evaluation.models import Application, BatchImport, EvaluationBatch, ScoreSheet
from gongjiang.imports import rules as import_rules
from gongjiang.imports import services as imports
from gongjiang.imports.models import ImportJob
from tests import factories
from tests.evaluation.conftest import errors, make_batch, number_of, run_to_examining
from tests.imports.conftest import write_xlsx

SCORE_HEADER = ["申报编号", "姓名", "科目", "成绩", "考评员证卡编号"]


@pytest.fixture(autouse=True)
def scratch(settings, tmp_path):
    settings.IMPORT_SCRATCH_DIR = tmp_path / "scratch"


def messages_by_row(job):
    return {e.row: e.message for e in job.row_errors.all()}


def second_batch(setup, *, name="2025 年第二批车工认定", open_it=True):
    batch = make_batch(setup, open_it=open_it)
    EvaluationBatch.objects.filter(pk=batch.pk).update(name=name)
    batch.refresh_from_db()
    return batch


def upload(client, url, path, **data):
    with path.open("rb") as handle:
        return client.post(url, {"file": handle, **data})


# --- Scores uploaded on a batch's scores page --------------------------------------------------


@pytest.fixture
def two_examining(city, setup):
    """Batch A (赵一, 钱二, 孙三) and batch B (周四), both examining."""
    first = make_batch(setup)
    a_apps = run_to_examining(setup, first)
    other = second_batch(setup)
    zhou = factories.person("周四", employer=city.yuecheng_machinery, region_obj=city.yuecheng)
    (b_app,) = run_to_examining(setup, other, people=[zhou])
    return first, a_apps, other, b_app


def test_a_score_upload_on_a_batch_page_takes_only_that_batchs_rows(client, setup, personas, two_examining, tmp_path):
    first, (a0, _a1, _a2), other, b_app = two_examining
    path = write_xlsx(tmp_path / "s.xlsx", [SCORE_HEADER, [a0.pk, "赵一", "理论", 81, None],
                                            [b_app.pk, "周四", "理论", 82, None]])
    client.force_login(personas.olga)
    response = upload(client, reverse("evaluation:batch_score_upload", args=[first.pk]), path, mode="partial")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:job", args=[job.public_id])
    assert BatchImport.objects.get(job=job).batch == first
    assert (job.rows_ok, job.rows_failed) == (1, 1)
    assert errors(job) == {(3, "申报编号", entities.CODE_OTHER_BATCH)}
    assert messages_by_row(job)[3] == str(entities.ERR_OTHER_BATCH_APPLICATION).format(
        pk=b_app.pk, other=other.name, other_pk=other.pk, name=first.name, pinned=first.pk)
    client.post(reverse("imports:job_commit", args=[job.public_id]), {"partial": "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert ScoreSheet.objects.get(application=a0, component="theory").score == Decimal("81.0")
    assert ScoreSheet.objects.get(application=b_app, component="theory").score is None  # batch B untouched
    # the same file through the general import is not pinned: both rows are taken
    unpinned = imports.run_import(actor=personas.olga, entity="evaluation_scores", path=path,
                                  mode=ImportJob.Mode.PARTIAL)
    assert errors(unpinned) == set() and unpinned.rows_ok == 2
    assert not BatchImport.objects.filter(job=unpinned).exists()
    assert entities.batch_pin(unpinned) is None
    unpinned_page = client.get(reverse("imports:job", args=[unpinned.public_id])).content.decode()
    assert reverse("evaluation:batch_detail", args=[first.pk]) not in unpinned_page
    assert ScoreSheet.objects.get(application=b_app, component="theory").score == Decimal("82.0")


def test_read_only_staff_cannot_start_a_pinned_score_import(client, setup, personas, two_examining, tmp_path):
    first, (a0, _a1, _a2), _other, _b_app = two_examining
    path = write_xlsx(tmp_path / "s.xlsx", [SCORE_HEADER, [a0.pk, "赵一", "理论", 81, None]])
    client.force_login(personas.stan)  # sees the batch, may not write, is no evaluator
    response = upload(client, reverse("evaluation:batch_score_upload", args=[first.pk]), path)
    assert response.status_code == 403
    client.force_login(personas.kira)  # another district's employer: the batch is not hers to see
    assert upload(client, reverse("evaluation:batch_score_upload", args=[first.pk]), path).status_code == 404
    assert not ImportJob.objects.exists() and not BatchImport.objects.exists()
    assert ScoreSheet.objects.get(application=a0, component="theory").score is None


def test_batch_import_start_refuses_other_entities(setup, personas, tmp_path):
    batch = make_batch(setup)
    path = write_xlsx(tmp_path / "p.xlsx", [["姓名"], ["赵一"]])
    with pytest.raises(ValueError):
        entities.batch_import_start(actor=personas.olga, entity="people", batch=batch, filename=path.name,
                                    source=path)
    assert not ImportJob.objects.exists()


# --- Applications uploaded on a batch's page ---------------------------------------------------


def test_an_application_upload_on_a_batch_page_is_pinned_to_it(client, setup, personas, tmp_path, settings):
    first = make_batch(setup)
    other = second_batch(setup)
    zhao, qian, sun = setup.candidates
    path = write_xlsx(tmp_path / "a.xlsx", [
        ["姓名", "身份证号码", "批次编号", "申报等级", "开始从事本职业工作日期"],
        ["赵一", number_of(zhao), None, "四级", "2010-01-01"],  # no batch: the page's
        ["钱二", number_of(qian), first.pk, "四级", "2010-01-01"],  # the page's, named
        ["孙三", number_of(sun), other.pk, "四级", "2010-01-01"],  # another batch
    ], text_columns=(1,))
    client.force_login(personas.olga)
    page = client.get(reverse("evaluation:batch_detail", args=[first.pk])).content.decode()
    assert reverse("evaluation:batch_application_upload", args=[first.pk]) in page
    response = upload(client, reverse("evaluation:batch_application_upload", args=[first.pk]), path, mode="partial")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:job", args=[job.public_id])
    assert job.entity == "evaluation_applications" and BatchImport.objects.get(job=job).batch == first
    # the job's page says which batch it is limited to, linking back to it
    job_page = client.get(response.url).content.decode()
    assert str(entities.batch_pin(job).label) in job_page and first.name in job_page
    assert f'href="{reverse("evaluation:batch_detail", args=[first.pk])}"' in job_page
    assert errors(job) == {(4, "批次编号", entities.CODE_OTHER_BATCH)}
    assert messages_by_row(job)[4] == str(entities.ERR_OTHER_BATCH).format(name=first.name, pinned=first.pk,
                                                                           value=other.pk)
    assert not Application.objects.exists()
    client.post(reverse("imports:job_commit", args=[job.public_id]), {"partial": "1"})
    assert sorted(Application.objects.values_list("person__name", "batch")) == [("赵一", first.pk), ("钱二", first.pk)]
    assert not Application.objects.filter(batch=other).exists()
    # and says so in English
    with translation.override("en"):
        assert entities.batch_pin(job).label == f"Evaluation batch: {first.name}"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(response.url).content.decode()
    translation.activate(settings.LANGUAGE_CODE)  # the middleware left English active in this thread
    assert "Limited to <a" in english and f"Evaluation batch: {first.name}" in english


def test_without_a_batch_column_only_a_pinned_import_knows_the_batch(client, setup, personas, tmp_path):
    first = make_batch(setup)
    path = write_xlsx(tmp_path / "a.xlsx", [["姓名", "身份证号码", "申报等级", "开始从事本职业工作日期"],
                                            ["赵一", number_of(setup.candidates[0]), "四级", "2010-01-01"]],
                      text_columns=(1,))
    unpinned = imports.run_import(actor=personas.olga, entity="evaluation_applications", path=path)
    assert {(row, code) for row, _column, code in errors(unpinned)} == {(2, import_rules.CODE_REQUIRED)}
    assert not Application.objects.exists()
    client.force_login(personas.olga)
    upload(client, reverse("evaluation:batch_application_upload", args=[first.pk]), path)
    job = ImportJob.objects.exclude(pk=unpinned.pk).get()
    assert job.status == ImportJob.Status.VALIDATED and job.rows_ok == 1 and errors(job) == set()
    client.post(reverse("imports:job_commit", args=[job.public_id]))
    assert Application.objects.get().batch == first


def test_a_worker_without_an_organisation_cannot_upload_applications(client, setup, personas, tmp_path):
    first = make_batch(setup)
    path = write_xlsx(tmp_path / "a.xlsx", [["姓名", "身份证号码", "申报等级"], ["赵一", "x", "四级"]])
    client.force_login(personas.wang)
    assert upload(client, reverse("evaluation:batch_application_upload", args=[first.pk]), path).status_code == 403
    assert not ImportJob.objects.exists() and not BatchImport.objects.exists()


def test_the_other_batch_messages_read_in_english():
    with translation.override("en"):
        for message in (entities.ERR_OTHER_BATCH, entities.ERR_OTHER_BATCH_APPLICATION, entities.ERR_BATCH_REQUIRED,
                        entities.ERR_PROGRAM_CHOICE, entities.ERR_FLAG_CHOICE):
            text = str(message)
            assert text.isascii() or "“" in text, text
            assert "批次" not in text and "培养" not in text and "情形" not in text
        assert "batch" in str(entities.ERR_OTHER_BATCH).lower()


# --- 培养类别 and 其他情形 ---------------------------------------------------------------------


def test_programs_and_flags_accept_labels_short_forms_and_keys():
    programs = entities.ApplicationsEntity().by_key["programs"].normalize
    flags = entities.ApplicationsEntity().by_key["flags"].normalize
    labels = evaluation_rules.PROGRAM_LABELS
    assert programs("") == "" and programs(None) == ""
    assert programs(labels["evaluated_program"]) == ["evaluated_program"]  # a label with 、 inside
    assert programs(f"{labels['senior_worker_class']}、{labels['preparatory_technician']}") == [
        "senior_worker_class", "preparatory_technician"]
    assert programs("高级工班，预备技师班; 高级工班") == ["senior_worker_class", "preparatory_technician"]
    assert programs("senior_skill") == ["senior_skill"]
    assert flags(evaluation_rules.FLAG_LABELS["intends_to_work"]) == ["intends_to_work"]
    assert flags("拟从事本职业或相关职业工作(承诺)；取得预备技师证书") == [
        "intends_to_work", "preparatory_technician_certificate"]


def test_an_unknown_program_or_flag_is_refused_listing_the_accepted_values():
    programs = entities.ApplicationsEntity().by_key["programs"].normalize
    flags = entities.ApplicationsEntity().by_key["flags"].normalize
    with pytest.raises(RuleError) as refused:
        programs("高级工班、夜校")
    assert refused.value.code == import_rules.CODE_CHOICE
    assert refused.value.message == str(entities.ERR_PROGRAM_CHOICE).format(
        value="夜校", choices="、".join(entities.PROGRAMS_SHOWN))
    with pytest.raises(RuleError) as refused:
        flags("学徒期满")  # its own column, as on the form
    assert refused.value.message == str(entities.ERR_FLAG_CHOICE).format(
        value="学徒期满", choices="、".join(entities.FLAGS_SHOWN))


def test_programs_and_flags_are_imported_onto_the_application(setup, personas, tmp_path):
    batch = make_batch(setup)
    zhao, qian, _sun = setup.candidates
    path = write_xlsx(tmp_path / "a.xlsx", [
        ["姓名", "身份证号码", "批次编号", "申报等级", "开始从事本职业工作日期", "培养类别", "其它情形"],
        ["赵一", number_of(zhao), batch.pk, "四级", "2010-01-01", "技工院校高级工班、预备技师班", "拟从事本职业工作"],
        ["钱二", number_of(qian), batch.pk, "四级", "2010-01-01", "函授", None],
    ], text_columns=(1,))
    job = imports.run_import(actor=personas.olga, entity="evaluation_applications", path=path,
                             mode=ImportJob.Mode.PARTIAL)
    assert errors(job) == {(3, "培养类别", import_rules.CODE_CHOICE)}
    assert messages_by_row(job)[3] == str(entities.ERR_PROGRAM_CHOICE).format(
        value="函授", choices="、".join(entities.PROGRAMS_SHOWN))
    application = Application.objects.get()
    assert application.person == zhao
    assert application.programs == ["senior_worker_class", "preparatory_technician"]
    assert application.flags == ["intends_to_work"]


def test_the_applications_template_has_the_programs_and_flags_columns(client, personas):
    client.force_login(personas.olga)
    response = client.get(reverse("imports:template", args=["evaluation_applications"]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                        else response.content))
    header = [cell.value for cell in workbook.worksheets[0][1]]
    assert "培养类别" in header and "其他情形" in header
    notes = " ".join(str(cell.value) for row in workbook.worksheets[1].iter_rows() for cell in row if cell.value)
    assert "技工院校高级工班" in notes and "取得预备技师证书" in notes
