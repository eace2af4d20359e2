"""``rounds/<id>/marks-import/`` and ``theory-import/``: a round's sheet goes into the import pipeline.

The endpoints create an import job (202, ``Location`` = the job), pinned to the round in the URL;
the job is confirmed through ``POST /api/v1/imports/jobs/<id>/commit/``. Every answer is checked
against the published OpenAPI schema (tests/api/openapi.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjiang.competitions import excel, services
from gongjiang.competitions import imports as competition_imports
from gongjiang.competitions.api.judging import ERR_LEGACY_PARAMETER
from gongjiang.competitions.models import Entry, Mark, RoundImport, ScoreSheet
from gongjiang.imports.models import ImportJob
from tests import factories
from tests.api.conftest import SchemaCheckedClient
from tests.competitions.conftest import SCHEME, competitor, open_registration, start
from tests.imports.conftest import write_xlsx

BASE = "/api/v1/competitions/"
JOBS = "/api/v1/imports/jobs/"


@pytest.fixture(autouse=True)
def scratch(tmp_path, settings):
    settings.IMPORT_SCRATCH_DIR = tmp_path / "scratch"


@pytest.fixture
def entered(contest, city, personas):
    """E01-001 and E01-002 in the first round of E01; E02-001 in 钳工 (E02), which judge2 also judges."""
    open_registration(contest, personas)
    for name in ("陈一号", "陈二号"):
        services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                people=[competitor(city, name)])
    other = services.event_create(actor=personas.city, competition=contest.competition, code="E02", name="钳工",
                                  occupation=contest.occupation)
    services.marking_scheme_set(actor=personas.city, event=other, sections=SCHEME)
    services.entry_register(actor=personas.dan, event=other, delegation=contest.yuecheng,
                            people=[competitor(city, "陈三号")])
    services.judge_assign(actor=personas.city, event=other, user=contest.judge2.user, name="裁判乙")
    start(contest, personas)
    return other


def client_for(user: Any) -> SchemaCheckedClient:
    client = SchemaCheckedClient()
    client.force_authenticate(user)
    return client


def upload(path: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def marks_url(contest: Any) -> str:
    return f"{BASE}rounds/{contest.first_round.pk}/marks-import/"


def theory_url(contest: Any) -> str:
    return f"{BASE}rounds/{contest.first_round.pk}/theory-import/"


def errors(job: ImportJob) -> set[tuple[int, str, str]]:
    return {(e.row, e.column, e.code) for e in job.row_errors.all()}


def test_marks_upload_creates_a_job_that_commits_through_the_imports_api(contest, entered, tmp_path):
    path = write_xlsx(tmp_path / "评分.xlsx", [["参赛编号", "A1", "A2", "B1", "B2", "提交成绩单"],
                                               ["E01-001", 35, 25, 3, 2, "是"], ["E01-002", 30, 20, 2, 2, ""]])
    judge = client_for(contest.judge2.user)
    response = judge.post(marks_url(contest), {"file": upload(path), "mode": "atomic"}, format="multipart")
    assert response.status_code == 202, response.json()
    job = ImportJob.objects.get()
    assert response["Location"] == f"{JOBS}{job.public_id}/"
    data = response.json()
    assert (data["id"], data["entity"], data["status"]) == (str(job.public_id), "competition_marks", "validated")
    assert data["rows"] == {"total": 2, "ok": 2, "failed": 0} and data["can_commit"] is True
    assert data["preview"]["actions"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert RoundImport.objects.get(job=job).round == contest.first_round
    assert data["pinned_to"]["label"] == f"竞赛轮次：{contest.first_round}"
    assert data["pinned_to"]["url"].endswith(f"/competitions/rounds/{contest.first_round.pk}/")
    assert not Mark.objects.exists()  # nothing written before the job is confirmed
    # the job's page names the round it is limited to, linking back to it
    from django.test import Client
    from django.urls import reverse

    from gongjiang.competitions.imports import round_pin

    browser = Client()
    browser.force_login(contest.judge2.user)
    page = browser.get(reverse("imports:job", args=[job.public_id])).content.decode()
    pin = round_pin(job)
    assert pin is not None and str(contest.first_round) in pin.label
    assert pin.label in page and f'href="{reverse("competitions:round", args=[contest.first_round.pk])}"' in page
    response = judge.post(f"{JOBS}{job.public_id}/commit/", {}, format="json")
    assert response.status_code == 202, response.json()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and job.rows_created == 2
    assert Mark.objects.filter(sheet__judge=contest.judge2).count() == 8
    assert dict(ScoreSheet.objects.values_list("entry__number", "status")) == {"E01-001": "submitted",
                                                                              "E01-002": "draft"}


def test_the_job_takes_only_the_rounds_entries(contest, entered, tmp_path):
    """judge2 also judges E02: the general imports endpoint takes E02-001, the round's does not."""
    rows = [["参赛编号", "轮次ID", "A1", "A2", "B1", "B2"],
            ["E01-001", None, 30, 20, 2, 2],
            ["E02-001", None, 30, 20, 2, 2],  # row 3: another event's round
            ["E01-002", entered.rounds.get().pk, 30, 20, 2, 2]]  # row 4: names another round
    path = write_xlsx(tmp_path / "m.xlsx", rows)
    judge = client_for(contest.judge2.user)
    response = judge.post(marks_url(contest), {"file": upload(path)}, format="multipart")
    assert response.status_code == 202, response.json()
    job = ImportJob.objects.get()
    assert response.json()["rows"] == {"total": 3, "ok": 1, "failed": 2}
    assert errors(job) == {(3, "参赛编号", competition_imports.CODE_ENTRY), (4, "轮次ID", competition_imports.CODE_ENTRY)}
    messages = {e.row: e.message for e in job.row_errors.all()}
    assert messages[3] == str(competition_imports.ERR_NOT_IN_ROUND).format(number="E02-001",
                                                                           round=contest.first_round)
    assert judge.post(f"{JOBS}{job.public_id}/commit/", {}, format="json").status_code == 400
    assert not Mark.objects.exists()
    # the same file through the general endpoint: not pinned, E02-001 is judge2's to mark (and
    # E01-002 is simply not in the round row 4 names)
    response = judge.post(JOBS, {"entity": "competition_marks", "file": upload(path)}, format="multipart")
    assert response.status_code == 202 and response.json()["rows"]["ok"] == 2
    assert errors(ImportJob.objects.get(public_id=response.json()["id"])) == {
        (4, "参赛编号", competition_imports.CODE_ENTRY)}


def test_theory_upload_by_the_chief_judge_commits(contest, entered, tmp_path):
    path = tmp_path / "theory.xlsx"
    path.write_bytes(excel.theory_template(contest.first_round))
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook.worksheets[0].cell(row=2, column=2, value=88.5)
    workbook.worksheets[0].cell(row=2, column=3, value=3600)
    workbook.save(path)
    chief = client_for(contest.chief.user)
    response = chief.post(theory_url(contest), {"file": upload(path)}, format="multipart")
    assert response.status_code == 202, response.json()
    job = ImportJob.objects.get()
    assert response.json()["entity"] == "competition_theory" and response["Location"] == f"{JOBS}{job.public_id}/"
    assert Entry.objects.get(number="E01-001").theory_score is None
    assert chief.post(f"{JOBS}{job.public_id}/commit/", {}, format="json").status_code == 202
    assert Entry.objects.values_list("theory_score", "completion_seconds").get(number="E01-001") == (
        Decimal("88.50"), 3600)


@pytest.mark.parametrize(("url", "parameter", "column", "how"), [
    (marks_url, "submit", "提交成绩单", "填“是”则保存后提交成绩单"),
    (marks_url, "judge", "裁判", "裁判长代其他裁判录入时填该裁判的姓名"),
    (theory_url, "reason", "更正原因", "成绩锁定后更正时必填"),
])
def test_old_parameters_are_refused_naming_the_column(contest, entered, tmp_path, url, parameter, column, how):
    path = write_xlsx(tmp_path / "m.xlsx", [["参赛编号", "A1", "理论成绩"], ["E01-001", 30, 80]])
    response = client_for(contest.chief.user).post(url(contest), {"file": upload(path), parameter: "1"},
                                                   format="multipart")
    assert response.status_code == 400
    assert response.json()[parameter] == [str(ERR_LEGACY_PARAMETER).format(name=parameter, column=column, how=how)]
    assert not ImportJob.objects.exists() and not Mark.objects.exists()


def test_who_may_upload_and_nothing_changes_otherwise(contest, entered, city, personas, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [["参赛编号", "A1", "A2", "B1", "B2", "理论成绩"],
                                            ["E01-001", 30, 20, 2, 2, 80]])
    other_judge = services.judge_assign(actor=personas.city, event=entered, user=factories.user("judge9"),
                                        name="裁判丁")
    refused = [
        (other_judge.user, marks_url, 404),  # a judge, but not of this round's event
        (personas.stan, marks_url, 404),  # read-only staff
        (personas.stan, theory_url, 404),
        (personas.kira, theory_url, 404),  # another organisation's admin
        (personas.city, marks_url, 403),  # the organiser marks nothing
        (contest.judge2.user, theory_url, 403),  # a judge who is not the chief
    ]
    for user, url, code in refused:
        response = client_for(user).post(url(contest), {"file": upload(path)}, format="multipart")
        assert response.status_code == code, (user, url, response.json())
    assert not ImportJob.objects.exists() and not RoundImport.objects.exists()
    assert not Mark.objects.exists() and not Entry.objects.exclude(theory_score=None).exists()
    # the organiser may upload theory scores
    response = client_for(personas.city).post(theory_url(contest), {"file": upload(path)}, format="multipart")
    assert response.status_code == 202, response.json()


def test_an_unusable_file_is_refused_and_nothing_stored(contest, entered):
    bad = SimpleUploadedFile("marks.xlsx", b"not a spreadsheet")
    response = client_for(contest.judge2.user).post(marks_url(contest), {"file": bad}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    assert not ImportJob.objects.exists() and not RoundImport.objects.exists()
