"""Applications and score sheets imported through the shared pipeline (evaluation.imports)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.evaluation import imports as entities
from gongjiang.evaluation.excel import score_template
from gongjiang.evaluation.models import Application, ScoreEntry, ScoreSheet
from gongjiang.evaluation.services import (
    application_submit,
    batch_assign_evaluator,
    batch_transition,
    evaluator_add,
    sheet_submit,
)
from gongjiang.imports import rules as import_rules
from gongjiang.imports import services as imports
from gongjiang.imports.entities import holders
from gongjiang.imports.models import ImportJob
from tests import factories
from tests.evaluation.conftest import (
    ELIGIBLE_FOR_4,
    assign_panel,
    errors,
    make_batch,
    number_of,
    run_to_examining,
    score_all,
)
from tests.imports.conftest import write_xlsx

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture(autouse=True)
def scratch(settings, tmp_path):
    settings.IMPORT_SCRATCH_DIR = tmp_path / "scratch"


def snapshot():
    return (
        sorted(Application.objects.values_list("pk", "status", "grade")),
        sorted(ScoreSheet.objects.values_list("pk", "score", "status")),
        sorted(ScoreEntry.objects.values_list("pk", "score")),
    )


# --- Applications ------------------------------------------------------------------------------


def _application_file(path, setup, batch, personas):
    zhao, qian, sun = setup.candidates
    return write_xlsx(path, [
        ["2025 年车工认定集体申报名单"],
        ["姓名", "公民身份号码", "认定批次", "等级", "从事本职业工作日期"],
        ["赵一", number_of(zhao), str(batch.pk).translate(FULL_WIDTH), "四级", "2010年1月1日"],  # accepted
        ["钱二", number_of(qian), batch.pk, "中级工", None],  # saved, but refused by the rule set
        ["孙三", number_of(sun), batch.pk, "三级", "2010-01-01"],  # the batch offers 四级 only
        ["王五", factories.make_id_number(birth=dt.date(1970, 1, 1), sequence=777), batch.pk, "四级", None],  # not registered
        ["错名", number_of(personas.wang.person), batch.pk, "四级", None],  # name differs
    ], text_columns=(1,))


def test_messy_application_file_all_or_nothing_partial_reimport_and_undo(setup, personas, tmp_path):
    batch = make_batch(setup)
    path = _application_file(tmp_path / "apply.xlsx", setup, batch, personas)
    before = snapshot()

    job = imports.run_import(actor=personas.olga, entity="evaluation_applications", path=path)
    assert job.status == ImportJob.Status.REJECTED
    assert job.rows_total == 5 and job.rows_ok == 2 and job.rows_failed == 3
    assert errors(job) == {
        (5, "等级", entities.CODE_GRADE),
        (6, "公民身份号码", holders.CODE_HOLDER_NOT_FOUND),
        (7, "姓名", holders.CODE_HOLDER_NAME),
    }
    assert snapshot() == before

    job = imports.run_import(actor=personas.olga, entity="evaluation_applications", path=path,
                             mode=ImportJob.Mode.PARTIAL)
    assert job.status == ImportJob.Status.COMMITTED
    assert (job.rows_created, job.rows_unchanged) == (2, 0)
    saved = {a.person.name: a for a in Application.objects.select_related("person")}
    assert set(saved) == {"赵一", "钱二"}
    assert saved["赵一"].status == Application.Status.ACCEPTED and saved["赵一"].is_bulk
    assert saved["赵一"].applied_by == personas.olga
    assert saved["钱二"].status == Application.Status.REFUSED and saved["钱二"].eligibility["explanation"]
    assert AuditEntry.objects.filter(action="evaluation.application.submitted").count() == 2

    again = imports.run_import(actor=personas.olga, entity="evaluation_applications", path=path,
                               mode=ImportJob.Mode.PARTIAL)
    assert (again.rows_created, again.rows_unchanged) == (0, 2)
    assert Application.objects.count() == 2

    imports.import_job_rollback(job=again, actor=personas.olga)  # it created nothing
    assert Application.objects.count() == 2
    imports.import_job_rollback(job=job, actor=personas.olga)
    assert not Application.objects.exists()


def test_applying_again_for_another_grade_is_an_error(setup, personas, tmp_path):
    batch = make_batch(setup, grades=(4, 3))
    zhao = setup.candidates[0]
    rows = [["姓名", "身份证号码", "批次编号", "申报等级"], ["赵一", number_of(zhao), batch.pk, "四级"]]
    imports.run_import(actor=personas.olga, entity="evaluation_applications", path=write_xlsx(tmp_path / "a.xlsx", rows,
                                                                                               text_columns=(1,)))
    rows[1][3] = "三级"
    job = imports.run_import(actor=personas.olga, entity="evaluation_applications",
                             path=write_xlsx(tmp_path / "b.xlsx", rows, text_columns=(1,)))
    assert errors(job) == {(2, "身份证号码", entities.CODE_ALREADY_APPLIED)}
    assert list(Application.objects.values_list("grade", flat=True)) == [4]


def test_a_closed_batch_and_a_full_batch_refuse_rows(setup, personas, tmp_path):
    batch = make_batch(setup, capacity=1)
    zhao, qian, _sun = setup.candidates
    rows = [["姓名", "身份证号码", "批次编号", "申报等级", "开始从事本职业工作日期"],
            ["赵一", number_of(zhao), batch.pk, "4", "2010-01-01"],
            ["钱二", number_of(qian), batch.pk, "4", "2010-01-01"]]
    path = write_xlsx(tmp_path / "a.xlsx", rows, text_columns=(1,))
    job = imports.run_import(actor=personas.olga, entity="evaluation_applications", path=path)
    assert errors(job) == {(3, "批次编号", entities.CODE_CAPACITY)}
    assert not Application.objects.exists()
    batch_transition(actor=None, batch=batch, target="closed")
    job = imports.run_import(actor=personas.olga, entity="evaluation_applications", path=path)
    assert errors(job) == {(2, "批次编号", entities.CODE_BATCH_CLOSED), (3, "批次编号", entities.CODE_BATCH_CLOSED)}
    assert not Application.objects.exists()


def test_undo_is_refused_once_score_sheets_exist(setup, personas, tmp_path):
    batch = make_batch(setup)
    zhao = setup.candidates[0]
    path = write_xlsx(tmp_path / "a.xlsx", [["姓名", "身份证号码", "批次编号", "申报等级", "开始从事本职业工作日期"],
                                            ["赵一", number_of(zhao), batch.pk, "四级", "2010-01-01"]], text_columns=(1,))
    job = imports.run_import(actor=personas.olga, entity="evaluation_applications", path=path)
    assert job.rows_created == 1
    batch_transition(actor=None, batch=batch, target="closed")
    assign_panel(batch, setup.evaluators)
    batch_transition(actor=None, batch=batch, target="examining")
    assert ScoreSheet.objects.filter(application__person=zhao).count() == 2
    with pytest.raises(ApplicationError):
        imports.import_job_rollback(job=job, actor=personas.olga)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert Application.objects.filter(person=zhao).count() == 1


def test_an_org_admin_cannot_apply_for_people_outside_its_scope(city, setup, personas, tmp_path):
    batch = make_batch(setup)
    outsider = factories.person("柯一", employer=city.keqiao_textile, region_obj=city.keqiao,
                                id_number=factories.make_id_number(birth=dt.date(1970, 1, 1), sequence=321))
    path = write_xlsx(tmp_path / "a.xlsx", [
        ["姓名", "身份证号码", "批次编号", "申报等级"],
        ["赵一", number_of(setup.candidates[0]), batch.pk, "四级"],  # 越城机械 staff: not kira's
        ["柯一", number_of(outsider), batch.pk, "四级"],  # kira's staff, but the body evaluates its own staff only
    ], text_columns=(1,))
    before = snapshot()
    job = imports.run_import(actor=personas.kira, entity="evaluation_applications", path=path,
                             mode=ImportJob.Mode.PARTIAL)
    assert errors(job) == {(2, "身份证号码", holders.CODE_OUT_OF_SCOPE), (3, "身份证号码", entities.CODE_NOT_IN_BODY)}
    assert job.rows_created == 0
    assert snapshot() == before


def test_read_only_staff_cannot_import_at_all(setup, personas, tmp_path):
    batch = make_batch(setup)
    path = write_xlsx(tmp_path / "a.xlsx", [["姓名", "身份证号码", "批次编号", "申报等级"],
                                            ["赵一", number_of(setup.candidates[0]), batch.pk, "四级"]],
                      text_columns=(1,))
    before = snapshot()
    for entity in ("evaluation_applications", "evaluation_scores"):
        with pytest.raises(PermissionDeniedError):
            imports.run_import(actor=personas.stan, entity=entity, path=path)
    assert snapshot() == before
    assert not ImportJob.objects.exists()


# --- Scores ------------------------------------------------------------------------------------


@pytest.fixture
def examining(setup):
    batch = make_batch(setup)
    return batch, run_to_examining(setup, batch)


def _sheet(application, component="practical"):
    return ScoreSheet.objects.get(application=application, component=component)


def test_messy_score_file_all_or_nothing_partial_reimport_and_undo(setup, personas, examining, tmp_path):
    batch, (a0, a1, a2) = examining
    kp1, _kp2, _kp3 = setup.evaluators
    path = write_xlsx(tmp_path / "scores.xlsx", [
        ["成绩登记表（2025 年第一批车工）"],
        ["申报号", "考生姓名", "考试科目", "分数", "证卡编号"],
        [str(a0.pk).translate(FULL_WIDTH), "赵一", "理论", "８８", None],  # created
        [a0.pk, "赵一", "实操", "76.5", " KP001 "],  # created
        [a1.pk, "钱二", "理论", 188, None],  # out of range
        [a1.pk, "钱二", "技能", 70, "GP001"],  # a senior evaluator, not on the practical panel
        [99999, "无名", "理论", 60, None],  # no such application
        [a2.pk, "孙三", "技能考核", 70, None],  # the evaluator is missing
        [a2.pk, "错名", "理论", 60, None],  # the name differs
        [a0.pk, "赵一", "体育", 60, None],  # no such component
    ])
    before = snapshot()
    job = imports.run_import(actor=personas.olga, entity="evaluation_scores", path=path)
    assert job.status == ImportJob.Status.REJECTED
    assert (job.rows_total, job.rows_ok) == (8, 2)
    assert errors(job) == {
        (5, "分数", entities.CODE_SCORE),
        (6, "证卡编号", entities.CODE_NOT_ASSIGNED),
        (7, "申报号", entities.CODE_APPLICATION),
        (8, "证卡编号", entities.CODE_EVALUATOR_REQUIRED),
        (9, "考生姓名", entities.CODE_NAME),
        (10, "考试科目", import_rules.CODE_CHOICE),
    }
    assert snapshot() == before

    job = imports.run_import(actor=personas.olga, entity="evaluation_scores", path=path, mode=ImportJob.Mode.PARTIAL)
    assert job.status == ImportJob.Status.COMMITTED and job.rows_created == 2
    assert _sheet(a0, "theory").score == Decimal("88.0")
    assert ScoreEntry.objects.get(sheet=_sheet(a0), evaluator=kp1).score == Decimal("76.5")
    assert _sheet(a0).score == Decimal("76.5")
    entered = AuditEntry.objects.filter(action="evaluation.score.entered").count()

    again = imports.run_import(actor=personas.olga, entity="evaluation_scores", path=path, mode=ImportJob.Mode.PARTIAL)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 2)
    assert AuditEntry.objects.filter(action="evaluation.score.entered").count() == entered

    imports.import_job_rollback(job=job, actor=personas.olga)
    assert snapshot() == before


def test_a_changed_score_is_an_audited_update_and_undo_restores_it(setup, personas, examining, tmp_path):
    _batch, (a0, _a1, _a2) = examining
    header = ["申报编号", "姓名", "科目", "成绩", "考评员证卡编号"]
    first = imports.run_import(actor=personas.olga, entity="evaluation_scores", path=write_xlsx(
        tmp_path / "1.xlsx", [header, [a0.pk, "赵一", "理论", 60, None], [a0.pk, "赵一", "技能", 70, "KP002"]]))
    assert first.rows_created == 2
    second = imports.run_import(actor=personas.olga, entity="evaluation_scores", path=write_xlsx(
        tmp_path / "2.xlsx", [header, [a0.pk, "赵一", "理论", 65, None], [a0.pk, "赵一", "技能", 72, "KP002"]]))
    assert second.rows_updated == 2
    entry = AuditEntry.objects.filter(action="evaluation.score.entered", object_id=str(_sheet(a0, "theory").pk)).latest("id")
    assert entry.changes["before"] == "60.0" and entry.changes["score"] == "65.0"
    imports.import_job_rollback(job=second, actor=personas.olga)
    assert _sheet(a0, "theory").score == Decimal("60.0")
    assert _sheet(a0).score == Decimal("70.0")
    assert ScoreEntry.objects.get(sheet=_sheet(a0)).score == Decimal("70.0")


def test_locked_scores_are_refused_and_undo_after_submitting_is_refused(setup, personas, examining, tmp_path):
    batch, (a0, a1, _a2) = examining
    score_all(batch, setup, {a0.pk: (80, 80)})
    header = ["申报编号", "姓名", "科目", "成绩", "考评员证卡编号"]
    path = write_xlsx(tmp_path / "s.xlsx", [header, [a0.pk, "赵一", "理论", 90, None], [a1.pk, "钱二", "理论", 70, None]])
    before = snapshot()
    job = imports.run_import(actor=personas.olga, entity="evaluation_scores", path=path)
    assert errors(job) == {(2, "成绩", entities.CODE_SHEET_STATE)}
    assert snapshot() == before
    job = imports.run_import(actor=personas.olga, entity="evaluation_scores", path=path, mode=ImportJob.Mode.PARTIAL)
    assert job.rows_created == 1
    sheet_submit(actor=None, sheet=_sheet(a1, "theory"))
    with pytest.raises(ApplicationError):
        imports.import_job_rollback(job=job, actor=personas.olga)
    assert _sheet(a1, "theory").score == Decimal("70.0")


def test_conflict_of_interest_is_refused(city, setup, personas, tmp_path):
    batch = make_batch(setup)
    colleague = factories.person("同事评委", employer=city.yuecheng_machinery, region_obj=city.yuecheng,
                                 id_number=factories.make_id_number(birth=dt.date(1970, 1, 1), sequence=555))
    factories.certificate(colleague, level=4, occupation_obj=setup.occupation)
    conflicted = evaluator_add(actor=None, body=setup.body, person=colleague, card_number="KP009")
    application = application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4, facts=ELIGIBLE_FOR_4)
    batch_transition(actor=None, batch=batch, target="closed")
    assign_panel(batch, setup.evaluators[:2])  # three on the panel: an odd number
    batch_assign_evaluator(actor=None, batch=batch, evaluator=conflicted, component="practical")
    batch_transition(actor=None, batch=batch, target="examining")
    path = write_xlsx(tmp_path / "s.xlsx", [["申报编号", "科目", "成绩", "考评员证卡编号"],
                                            [application.pk, "技能", 80, "KP009"]])
    job = imports.run_import(actor=personas.olga, entity="evaluation_scores", path=path)
    assert errors(job) == {(2, "考评员证卡编号", entities.CODE_CONFLICT)}
    assert not ScoreEntry.objects.exists()


def test_evaluators_enter_only_their_own_assigned_scores(setup, personas, examining, tmp_path):
    _batch, (a0, _a1, _a2) = examining
    kp1, senior = setup.evaluators[0], setup.senior_evaluators[0]
    for evaluator, username in ((kp1, "kp1"), (senior, "gp1")):
        evaluator.person.user = factories.user(username)
        evaluator.person.save(update_fields=["user"])
    header = ["申报编号", "姓名", "科目", "成绩", "考评员证卡编号"]
    rows = [header, [a0.pk, "赵一", "技能", 81, "KP001"], [a0.pk, "赵一", "技能", 82, "KP002"],
            [a0.pk, "赵一", "理论", 83, None]]
    path = write_xlsx(tmp_path / "s.xlsx", rows)
    before = snapshot()
    # an evaluator of the body who is not on this batch's practical panel
    job = imports.run_import(actor=senior.person.user, entity="evaluation_scores", path=path)
    assert errors(job) == {(2, "考评员证卡编号", entities.CODE_NOT_OWN), (3, "考评员证卡编号", entities.CODE_NOT_OWN),
                           (4, "科目", entities.CODE_THEORY_STAFF)}
    own = write_xlsx(tmp_path / "own.xlsx", [header, [a0.pk, "赵一", "技能", 81, "GP001"]])
    job = imports.run_import(actor=senior.person.user, entity="evaluation_scores", path=own)
    assert errors(job) == {(2, "考评员证卡编号", entities.CODE_NOT_ASSIGNED)}
    # an organisation admin outside the body's scope
    job = imports.run_import(actor=personas.kira, entity="evaluation_scores", path=path)
    assert {code for _row, _column, code in errors(job)} == {entities.CODE_APPLICATION}
    assert snapshot() == before
    # the assigned evaluator enters their own score (and not a colleague's, nor the theory)
    job = imports.run_import(actor=kp1.person.user, entity="evaluation_scores", path=path, mode=ImportJob.Mode.PARTIAL)
    assert job.rows_created == 1
    assert errors(job) == {(3, "考评员证卡编号", entities.CODE_NOT_OWN), (4, "科目", entities.CODE_THEORY_STAFF)}
    assert list(ScoreEntry.objects.values_list("evaluator", "score")) == [(kp1.pk, Decimal("81.0"))]


def test_the_batch_template_filled_in_imports_every_score(setup, personas, examining, tmp_path):
    batch, applications = examining
    workbook = load_workbook(io.BytesIO(score_template(batch)))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        row[3].value = 75
    workbook.save(tmp_path / "filled.xlsx")
    job = imports.run_import(actor=personas.olga, entity="evaluation_scores", path=tmp_path / "filled.xlsx")
    assert job.status == ImportJob.Status.COMMITTED and job.rows_created == 3 * (1 + 3)
    assert all(s.score == Decimal("75.0") for s in ScoreSheet.objects.filter(application__in=applications))


def test_the_scores_page_upload_goes_through_the_import_pages(client, setup, personas, examining, tmp_path):
    batch, (a0, _a1, _a2) = examining
    path = write_xlsx(tmp_path / "s.xlsx", [["申报编号", "姓名", "科目", "成绩", "考评员证卡编号"],
                                            [a0.pk, "赵一", "理论", 91, None], [a0.pk, "赵一", "理论", 92, None]])
    client.force_login(personas.olga)
    page = client.get(reverse("evaluation:batch_scores", args=[batch.pk]))
    assert b'name="mode"' in page.content
    with path.open("rb") as handle:
        response = client.post(reverse("evaluation:batch_score_upload", args=[batch.pk]),
                               {"file": handle, "mode": "partial"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:job", args=[job.public_id])
    assert job.entity == "evaluation_scores" and job.status == ImportJob.Status.VALIDATED
    assert errors(job) == {(3, "申报编号", "duplicate_in_file")}
    assert _sheet(a0, "theory").score is None  # nothing written before confirming
    assert client.get(reverse("imports:job", args=[job.public_id])).status_code == 200
    client.post(reverse("imports:job_commit", args=[job.public_id]), {"partial": "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert _sheet(a0, "theory").score == Decimal("91.0")


def test_templates_and_upload_pages_exist(personas, client):
    client.force_login(personas.olga)
    for entity in ("evaluation_applications", "evaluation_scores"):
        assert client.get(f"/imports/templates/{entity}.xlsx").status_code == 200
        assert client.get(f"/imports/new/{entity}/").status_code == 200


def test_the_command_line_imports_applications_as_an_account(setup, personas, tmp_path, capsys):
    from django.core.management import call_command

    batch = make_batch(setup)
    path = write_xlsx(tmp_path / "a.xlsx", [["姓名", "身份证号码", "批次编号", "申报等级", "开始从事本职业工作日期"],
                                            ["赵一", number_of(setup.candidates[0]), batch.pk, "四级", "2010-01-01"]],
                      text_columns=(1,))
    with pytest.raises(SystemExit) as dry:
        call_command("import", "evaluation_applications", str(path), "--dry-run", "--as", personas.olga.username)
    assert dry.value.code == 0 and not Application.objects.exists()
    with pytest.raises(SystemExit) as done:
        call_command("import", "evaluation_applications", str(path), "--as", personas.olga.username)
    assert done.value.code == 0
    assert Application.objects.get().applied_by == personas.olga


def test_the_api_checks_and_commits_a_score_sheet(setup, personas, examining, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    _batch, (a0, _a1, _a2) = examining
    path = write_xlsx(tmp_path / "s.xlsx", [["申报编号", "科目", "成绩", "考评员证卡编号"], [a0.pk, "技能", 79, "KP003"],
                                            [a0.pk, "技能", 80, "GP003"]])
    client = APIClient()
    client.force_authenticate(user=personas.olga)
    response = client.post("/api/v1/imports/jobs/", {"entity": "evaluation_scores", "mode": "partial",
                                                     "file": SimpleUploadedFile(path.name, path.read_bytes())},
                           format="multipart")
    assert response.status_code == 202, response.content
    data = response.json()
    assert data["rows"] == {"total": 2, "ok": 1, "failed": 1}
    problems = client.get(f"/api/v1/imports/jobs/{data['id']}/errors/").json()["results"]
    assert [(e["row"], e["code"]) for e in problems] == [(3, entities.CODE_NOT_ASSIGNED)]
    assert not ScoreEntry.objects.exists()
    assert client.post(f"/api/v1/imports/jobs/{data['id']}/commit/", {"partial": True}, format="json").status_code == 202
    assert ScoreEntry.objects.get().evaluator == setup.evaluators[2]


def test_the_scores_upload_and_the_entities_read_in_english(client, setup, personas, examining):
    from django.conf import settings

    batch, _applications = examining
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.olga)
    page = client.get(reverse("evaluation:batch_scores", args=[batch.pk])).content.decode()
    assert "Score sheet (.xlsx, .xls or .csv)" in page and "Import mode" in page
    assert "Every row is checked after uploading" in page and "上传后逐行校验" not in page
    index = client.get(reverse("imports:index")).content.decode()
    assert "Skill level evaluation applications" in index and "Skill level evaluation scores" in index


def test_an_assigned_evaluator_uploads_their_own_scores_on_the_scores_page(client, setup, examining, tmp_path):
    batch, (a0, _a1, _a2) = examining
    kp2 = setup.evaluators[1]
    kp2.person.user = factories.user("kp2")
    kp2.person.save(update_fields=["user"])
    client.force_login(kp2.person.user)
    page = client.get(reverse("evaluation:batch_scores", args=[batch.pk])).content.decode()
    assert reverse("evaluation:batch_score_upload", args=[batch.pk]) in page
    assert reverse("imports:template", args=["evaluation_scores"]) in page
    path = write_xlsx(tmp_path / "mine.xlsx", [["申报编号", "科目", "成绩", "考评员证卡编号"], [a0.pk, "技能", 66, "KP002"]])
    with path.open("rb") as handle:  # no mode given: all or nothing
        client.post(reverse("evaluation:batch_score_upload", args=[batch.pk]), {"file": handle})
    job = ImportJob.objects.get()
    assert job.mode == ImportJob.Mode.ATOMIC and job.status == ImportJob.Status.VALIDATED and job.rows_ok == 1
    client.post(reverse("imports:job_commit", args=[job.public_id]))
    assert list(ScoreEntry.objects.values_list("evaluator", "score")) == [(kp2.pk, Decimal("66.0"))]
