"""Competition entries (and marks) imported through the shared import pipeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongjiang.competitions import imports as competition_imports
from gongjiang.competitions import services
from gongjiang.competitions.models import Entry, EntryMember, Mark, ScoreSheet
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.imports import services as imports
from gongjiang.imports.entities import holders
from gongjiang.imports.entities.base import CODE_DUPLICATE_IN_FILE
from gongjiang.imports.models import ImportJob
from gongjiang.people.services import ID_CIPHER_AAD, get_provider
from tests import factories
from tests.competitions.conftest import competitor, full_marks, open_registration, start
from tests.imports.conftest import write_xlsx

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture(autouse=True)
def scratch(tmp_path, settings):
    settings.IMPORT_SCRATCH_DIR = tmp_path / "scratch"


def number_of(person):
    return get_provider().decrypt(person.id_number_encrypted, associated_data=ID_CIPHER_AAD)


def errors(job):
    return {(e.row, e.column, e.code) for e in job.row_errors.all()}


def entry_people():
    return sorted(EntryMember.objects.values_list("entry__number", "person__name", "entry__delegation__name"))


def messy_entries(tmp_path, contest, city):
    """A title row above the header, aliases and a traditional header, full-width digits, bad rows."""
    a, b, d = competitor(city, "甲工"), competitor(city, "乙工"), competitor(city, "丁工")
    young = competitor(city, "小周", birth=dt.date(2009, 6, 2))  # 15 on the competition day
    event = str(contest.event.pk)
    rows = [
        ["2025年绍兴市职业技能大赛 越城区代表队报名表"],
        ["序号", "赛项页面编号", "代表队名称", "姓名", "身份證號碼", "备注"],
        [1, event.translate(FULL_WIDTH), "越城区代表队", "甲工", number_of(a).translate(FULL_WIDTH), ""],  # row 3
        [2, event, "越城区代表队", "丁某", number_of(d), ""],  # row 4: not the registered name
        [3, event, " 越城区代表队 ", " 乙工\u3000", number_of(b), ""],  # row 5: stray spaces
        [4, event, "越城区代表队", "丙工", factories.make_id_number(), ""],  # row 6: not registered
        [5, event, "越城区代表队", "小周", number_of(young), ""],  # row 7: too young
        [6, "E01", "越城区代表队", "甲工", number_of(a), ""],  # row 8: not an event id
        [7, event, "越城区代表队", "甲工", number_of(a), "重复"],  # row 9: same as row 3
    ]
    return write_xlsx(tmp_path / "报名表.xlsx", rows, merges=["A1:F1"], text_columns=(4,))


EXPECTED_ERRORS = {
    (4, "姓名", holders.CODE_HOLDER_NAME),
    (6, "身份證號碼", holders.CODE_HOLDER_NOT_FOUND),
    (7, "身份證號碼", competition_imports.CODE_INELIGIBLE),
    (8, "赛项页面编号", competition_imports.CODE_EVENT),
    (9, "身份證號碼", CODE_DUPLICATE_IN_FILE),
}


def test_messy_file_all_or_nothing_then_partial_then_reimport_then_undo(contest, city, personas, tmp_path):
    open_registration(contest, personas)
    path = messy_entries(tmp_path, contest, city)
    # all or nothing: every problem by row, column and code; nothing written
    job = imports.run_import(actor=personas.dan, entity="competition_entries", path=path)
    assert job.status == ImportJob.Status.REJECTED
    assert errors(job) == EXPECTED_ERRORS
    assert (job.rows_total, job.rows_ok, job.rows_failed) == (7, 2, 5)
    assert not Entry.objects.exists()
    assert job.summary["unknown_columns"] == [["A", "序号"], ["F", "备注"]]
    # the correct rows only
    job = imports.run_import(actor=personas.dan, entity="competition_entries", path=path,
                             mode=ImportJob.Mode.PARTIAL)
    assert job.status == ImportJob.Status.COMMITTED and job.rows_created == 2
    assert entry_people() == [("E01-001", "甲工", "越城区代表队"), ("E01-002", "乙工", "越城区代表队")]
    assert set(Entry.objects.values_list("status", "registered_by")) == {("registered", personas.dan.pk)}
    # as the service does: one audit entry per registration
    assert AuditEntry.objects.filter(action="competitions.entry.registered").count() == 2
    # re-importing changes nothing
    again = imports.run_import(actor=personas.dan, entity="competition_entries", path=path,
                               mode=ImportJob.Mode.PARTIAL)
    assert (again.rows_created, again.rows_unchanged) == (0, 2)
    assert errors(again) == EXPECTED_ERRORS
    assert Entry.objects.count() == 2
    # undo removes what the import created
    imports.import_job_rollback(job=job, actor=personas.dan)
    assert not Entry.objects.exists() and not EntryMember.objects.exists()


def test_quota_counts_the_rows_above(contest, city, personas, tmp_path):
    open_registration(contest, personas)
    services.quota_set(actor=personas.city, delegation=contest.yuecheng, event=contest.event, max_entries=1)
    a, b = competitor(city, "甲工"), competitor(city, "乙工")
    path = write_xlsx(tmp_path / "q.xlsx", [
        ["赛项ID", "姓名", "身份证号码"],
        [contest.event.pk, "甲工", number_of(a)],
        [contest.event.pk, "乙工", number_of(b)],
    ], text_columns=(2,))
    # dan manages one delegation of the competition: the delegation column may be left out
    job = imports.run_import(actor=personas.dan, entity="competition_entries", path=path)
    assert errors(job) == {(3, "", competition_imports.CODE_QUOTA)}
    assert not Entry.objects.exists()


def test_team_event_members_in_one_row(city, personas, tmp_path):
    from tests.competitions.conftest import build_contest

    contest = build_contest(city, personas, team_size=2)
    open_registration(contest, personas)
    a, b, c = competitor(city, "甲工"), competitor(city, "乙工"), competitor(city, "丙工")
    path = write_xlsx(tmp_path / "t.xlsx", [
        ["赛项ID", "代表队", "队名", "姓名", "身份证号码", "队员2姓名", "队员2身份证号码"],
        [contest.event.pk, "越城区代表队", "越城一队", "甲工", number_of(a), "乙工", number_of(b)],
        [contest.event.pk, "越城区代表队", "越城二队", "丙工", number_of(c), "", ""],
    ], text_columns=(4, 6))
    job = imports.run_import(actor=personas.dan, entity="competition_entries", path=path,
                             mode=ImportJob.Mode.PARTIAL)
    assert errors(job) == {(3, "身份证号码", competition_imports.CODE_TEAM_SIZE)}
    entry = Entry.objects.get()
    assert entry.team_name == "越城一队"
    assert [m.person.name for m in entry.members.order_by("sequence")] == ["甲工", "乙工"]


def test_undo_refused_once_marks_are_entered(contest, city, personas, tmp_path):
    open_registration(contest, personas)
    a = competitor(city, "甲工")
    path = write_xlsx(tmp_path / "u.xlsx", [["赛项ID", "姓名", "身份证号码"], [contest.event.pk, "甲工", number_of(a)]],
                      text_columns=(2,))
    job = imports.run_import(actor=personas.dan, entity="competition_entries", path=path)
    entry = Entry.objects.get()
    start(contest, personas)
    services.marks_save(actor=contest.judge2.user, entry=entry, marks=full_marks(30, 20, 2, 2))
    with pytest.raises(ApplicationError):
        imports.import_job_rollback(job=job, actor=personas.dan)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert Entry.objects.filter(pk=entry.pk).exists() and Mark.objects.count() == 4


def test_delegation_admin_cannot_enter_another_organisations_people(contest, city, personas, tmp_path):
    open_registration(contest, personas)
    ours = competitor(city, "甲工")  # 越城机械, in 越城区
    theirs = competitor(city, "柯工", employer=city.keqiao_textile)
    path = write_xlsx(tmp_path / "k.xlsx", [
        ["赛项ID", "代表队", "姓名", "身份证号码"],
        [contest.event.pk, "柯桥纺织代表队", "甲工", number_of(ours)],
        [contest.event.pk, "越城区代表队", "柯工", number_of(theirs)],
    ], text_columns=(3,))
    job = imports.run_import(actor=personas.kira, entity="competition_entries", path=path)
    assert errors(job) == {(2, "身份证号码", holders.CODE_OUT_OF_SCOPE), (3, "代表队", holders.CODE_OUT_OF_SCOPE)}
    assert not Entry.objects.exists()


def test_read_only_staff_cannot_import_entries(contest, city, personas, tmp_path):
    open_registration(contest, personas)
    a = competitor(city, "甲工")
    path = write_xlsx(tmp_path / "s.xlsx", [["赛项ID", "姓名", "身份证号码"], [contest.event.pk, "甲工", number_of(a)]],
                      text_columns=(2,))
    with pytest.raises(PermissionDeniedError):
        imports.run_import(actor=personas.stan, entity="competition_entries", path=path)
    assert not Entry.objects.exists() and not ImportJob.objects.exists()


def test_entries_refused_outside_the_registration_period(contest, city, personas, tmp_path):
    open_registration(contest, personas)
    start(contest, personas)  # registration has closed
    a = competitor(city, "甲工")
    path = write_xlsx(tmp_path / "p.xlsx", [["赛项ID", "姓名", "身份证号码"], [contest.event.pk, "甲工", number_of(a)]],
                      text_columns=(2,))
    job = imports.run_import(actor=personas.dan, entity="competition_entries", path=path)
    assert errors(job) == {(2, "赛项ID", competition_imports.CODE_NOT_REGISTERING)}
    assert not Entry.objects.exists()


def test_entries_template_and_upload_page(contest, personas, client):
    client.force_login(personas.dan)
    assert client.get("/imports/templates/competition_entries.xlsx").status_code == 200
    assert client.get("/imports/new/competition_entries/").status_code == 200


# =================================================================================================
# Marks and theory scores
# =================================================================================================


@pytest.fixture
def entered(contest, city, personas):
    """E01-001 and E01-002 from 越城区, E01-003 from 柯桥纺织 (judge1's own organisation); underway."""
    open_registration(contest, personas)
    result = [services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                      people=[competitor(city, name)]) for name in ("陈一号", "陈二号")]
    result.append(services.entry_register(
        actor=personas.kira, event=contest.event, delegation=contest.keqiao,
        people=[competitor(city, "柯三号", employer=city.keqiao_textile)]))
    start(contest, personas)
    return result


def marks_of(judge):
    return sorted(Mark.objects.filter(sheet__judge=judge).values_list("sheet__entry__number", "aspect__code", "value"))


def test_messy_marks_file_all_or_nothing_partial_reimport_undo(contest, entered, tmp_path):
    judge = contest.judge2
    path = write_xlsx(tmp_path / "评分.xlsx", [
        ["数控车工 决赛 评分表（裁判乙）"],
        ["参赛编号", "A1", "A2", "B1", "B2", "备注"],
        ["ｅ01-001", "３０", 20.5, 2, 3, "好"],  # row 3: lower case, full-width digits
        ["E01-002", 50, 20, 2, 2, ""],  # row 4: A1 is out of 40
        ["E01-099", 1, 1, 1, 1, ""],  # row 5: no such entry
        ["E01-002", 10, "abc", 1, 1, ""],  # row 6: not a number
        ["E01-003", 10, 10, 4, 1, ""],  # row 7: a judgement mark is 0–3
    ])
    job = imports.run_import(actor=judge.user, entity="competition_marks", path=path)
    assert job.status == ImportJob.Status.REJECTED
    expected = {(4, "A1", competition_imports.CODE_MARK), (5, "参赛编号", competition_imports.CODE_ENTRY),
                (6, "A2", competition_imports.CODE_MARK), (7, "B1", competition_imports.CODE_MARK)}
    assert errors(job) == expected
    assert not Mark.objects.exists()
    job = imports.run_import(actor=judge.user, entity="competition_marks", path=path, mode=ImportJob.Mode.PARTIAL)
    assert job.rows_created == 1
    assert marks_of(judge) == [("E01-001", "A1", 30), ("E01-001", "A2", Decimal("20.5")), ("E01-001", "B1", 2),
                               ("E01-001", "B2", 3)]
    assert AuditEntry.objects.filter(action="competitions.sheet.marked").count() == 1
    again = imports.run_import(actor=judge.user, entity="competition_marks", path=path, mode=ImportJob.Mode.PARTIAL)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 1)
    imports.import_job_rollback(job=job, actor=judge.user)
    assert not Mark.objects.exists() and not ScoreSheet.objects.exists()


def test_marks_template_round_trips_and_submits(contest, entered, tmp_path):
    from openpyxl import load_workbook

    from gongjiang.competitions import excel

    path = tmp_path / "template.xlsx"
    path.write_bytes(excel.marks_template(contest.first_round, contest.judge2))
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    for row, values in ((2, (35, 25, 3, 2)), (3, (30, 20, 2, 2))):
        for column, value in enumerate(values, start=2):
            sheet.cell(row=row, column=column, value=value)
    sheet.cell(row=1, column=6, value="提交成绩单")
    sheet.cell(row=2, column=6, value="是")
    workbook.save(path)
    job = imports.run_import(actor=contest.judge2.user, entity="competition_marks", path=path)
    assert job.status == ImportJob.Status.COMMITTED and job.rows_created == 2
    statuses = dict(ScoreSheet.objects.values_list("entry__number", "status"))
    assert statuses == {"E01-001": "submitted", "E01-002": "draft"}
    # a submitted sheet cannot be changed by a new upload
    sheet.cell(row=2, column=2, value=36)
    workbook.save(path)
    refused = imports.run_import(actor=contest.judge2.user, entity="competition_marks", path=path)
    assert errors(refused) == {(2, "参赛编号", competition_imports.CODE_SHEET)}
    assert ("E01-001", "A1", 35) in marks_of(contest.judge2)


def test_judge_cannot_mark_own_organisations_entry_or_another_event(contest, entered, city, personas, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [["参赛编号", "A1", "A2", "B1", "B2"], ["E01-003", 30, 20, 2, 2]])
    job = imports.run_import(actor=contest.judge1.user, entity="competition_marks", path=path)
    assert errors(job) == {(2, "参赛编号", competition_imports.CODE_CONFLICT)}
    # a judge of another event only
    other = services.event_create(actor=personas.city, competition=contest.competition, code="E02", name="钳工")
    outsider = services.judge_assign(actor=personas.city, event=other, user=factories.user("judge9"), name="裁判丁")
    path = write_xlsx(tmp_path / "o.xlsx", [["参赛编号", "A1", "A2", "B1", "B2"], ["E01-001", 30, 20, 2, 2]])
    job = imports.run_import(actor=outsider.user, entity="competition_marks", path=path)
    assert errors(job) == {(2, "参赛编号", competition_imports.CODE_ENTRY)}
    assert not Mark.objects.exists() and not ScoreSheet.objects.exists()
    # read-only staff, who judge nothing, cannot import marks at all
    with pytest.raises(PermissionDeniedError):
        imports.run_import(actor=personas.stan, entity="competition_marks", path=path)
    assert not Mark.objects.exists()


def test_chief_enters_for_another_judge_but_a_judge_cannot(contest, entered, tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [["参赛编号", "裁判", "A1", "A2", "B1", "B2"],
                                            ["E01-001", "裁判乙", 30, 20, 2, 2]])
    refused = imports.run_import(actor=contest.judge1.user, entity="competition_marks", path=path)
    assert errors(refused) == {(2, "裁判", competition_imports.CODE_JUDGE)}
    job = imports.run_import(actor=contest.chief.user, entity="competition_marks", path=path)
    assert job.status == ImportJob.Status.COMMITTED
    assert len(marks_of(contest.judge2)) == 4


def test_theory_template_import_and_undo(contest, entered, tmp_path):
    from gongjiang.competitions import excel

    path = tmp_path / "theory.xlsx"
    path.write_bytes(excel.theory_template(contest.first_round))
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    sheet.cell(row=2, column=2, value=88.5)
    sheet.cell(row=2, column=3, value=3600)
    sheet.cell(row=3, column=2, value=120)
    workbook.save(path)
    refused = imports.run_import(actor=contest.judge2.user, entity="competition_theory", path=path)
    assert errors(refused) == {(2, "参赛编号", competition_imports.CODE_ENTRY),
                               (3, "理论成绩", competition_imports.CODE_SCORE)}
    job = imports.run_import(actor=contest.chief.user, entity="competition_theory", path=path,
                             mode=ImportJob.Mode.PARTIAL)
    assert job.rows_created == 1
    assert dict(Entry.objects.values_list("number", "theory_score")) == {
        "E01-001": Decimal("88.50"), "E01-002": None, "E01-003": None}
    imports.import_job_rollback(job=job, actor=contest.chief.user)
    assert set(Entry.objects.values_list("theory_score", "completion_seconds")) == {(None, None)}


def test_round_page_upload_goes_through_the_pipeline(contest, entered, client, tmp_path):
    """The judge's page hands the sheet to the import pipeline: the job page shows each problem,
    nothing is saved until the judge confirms, and then only through the marking service."""
    path = write_xlsx(tmp_path / "p.xlsx", [["参赛编号", "A1", "A2", "B1", "B2", "提交成绩单"],
                                            ["E01-001", 30, 20, 2, 2, "是"], ["E01-002", 99, 20, 2, 2, ""]])
    client.force_login(contest.judge2.user)
    with path.open("rb") as handle:
        response = client.post(f"/competitions/rounds/{contest.first_round.pk}/marks-upload/", {"file": handle})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/jobs/{job.public_id}/"
    assert (job.entity, job.status) == ("competition_marks", ImportJob.Status.VALIDATED)
    assert errors(job) == {(3, "A1", competition_imports.CODE_MARK)}
    assert not Mark.objects.exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    client.post(f"/imports/jobs/{job.public_id}/commit/", {"partial": "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert dict(ScoreSheet.objects.values_list("entry__number", "status")) == {"E01-001": "submitted"}


def test_round_page_theory_upload_refused_to_a_judge(contest, entered, client, tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", [["参赛编号", "理论成绩"], ["E01-001", 80]])
    client.force_login(contest.judge2.user)
    with path.open("rb") as handle:
        response = client.post(f"/competitions/rounds/{contest.first_round.pk}/theory-upload/", {"file": handle})
    assert response.status_code in (403, 404)
    assert not ImportJob.objects.exists()
    assert set(Entry.objects.values_list("theory_score", flat=True)) == {None}


def test_import_texts_are_translated_into_english():
    from django.utils import translation

    from gongjiang.imports.entities.base import get_entity

    with translation.override("en"):
        assert str(get_entity("competition_entries").label) == "Competition entries"
        assert str(get_entity("competition_marks").by_key["round"].label) == "Round ID"
        assert str(get_entity("competition_entries").by_key["member2_name"].label) == "Member 2 name"
        assert str(competition_imports.ERR_ENTRY_NOT_FOUND).format(number="E01-009") == (
            "Entry E01-009 is not in any round you may record for.")


def test_command_line_imports_entries_as_a_delegation_admin(contest, city, personas, tmp_path, capsys):
    from django.core.management import call_command

    open_registration(contest, personas)
    a = competitor(city, "甲工")
    path = write_xlsx(tmp_path / "cli.xlsx", [["赛项ID", "姓名", "身份证号码"], [contest.event.pk, "甲工", number_of(a)]],
                      text_columns=(2,))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "competition_entries", str(path), "--as", "dan")
    assert exit_info.value.code == 0
    assert entry_people() == [("E01-001", "甲工", "越城区代表队")]


def test_judge_imports_marks_through_the_imports_api(contest, entered, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    path = write_xlsx(tmp_path / "api.xlsx", [["参赛编号", "A1", "A2", "B1", "B2"], ["E01-001", 30, 20, 2, 2]])
    client = APIClient()
    client.force_authenticate(contest.judge2.user)
    response = client.post("/api/v1/imports/jobs/", {
        "entity": "competition_marks", "file": SimpleUploadedFile(path.name, path.read_bytes())}, format="multipart")
    assert response.status_code == 202, response.json()
    public_id = response.json()["id"]
    assert client.get(f"/api/v1/imports/jobs/{public_id}/").json()["status"] == "validated"
    assert client.post(f"/api/v1/imports/jobs/{public_id}/commit/", {}, format="json").status_code == 202
    assert len(marks_of(contest.judge2)) == 4
