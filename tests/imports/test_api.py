"""The REST API of bulk import and export: the web flow for programs, with the same rules.

Every JSON answer is checked against the published OpenAPI schema (closed objects); file
answers must be documented with their status and media type.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.test import APIClient

from gongjiang.core.models import AuditEntry
from gongjiang.imports import api as imports_api
from gongjiang.imports import services
from gongjiang.imports.models import ImportJob
from gongjiang.people.models import Person
from tests import factories
from tests.api.openapi import operation_for, validate_response
from tests.imports.conftest import write_csv, write_xlsx
from tests.imports.test_safety import xlsx_bytes

JOBS = "/api/v1/imports/jobs/"


class CheckedClient(APIClient):
    """JSON answers must match the schema; file answers must be documented with their media type."""

    def request(self, **kwargs: Any) -> Any:
        response = super().request(**kwargs)
        method, path = kwargs["REQUEST_METHOD"], kwargs["PATH_INFO"]
        if response.get("Content-Type", "").startswith(imports_api.XLSX):
            documented = operation_for(path, method)["responses"]
            assert str(response.status_code) in documented, (method, path, response.status_code)
            assert imports_api.XLSX in documented[str(response.status_code)]["content"]
        else:
            validate_response(method, path, response)
        return response


def client_for(user: Any) -> CheckedClient:
    client = CheckedClient()
    client.force_authenticate(user=user)
    return client


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def job_url(job: Any, suffix: str = "") -> str:
    return f"{JOBS}{job.public_id}/{suffix}"


def scratch_files(workdir: Any) -> list[Any]:
    return [p for p in (workdir / "scratch").rglob("*") if p.is_file()] if (workdir / "scratch").exists() else []


@pytest.fixture
def ids() -> dict[str, str]:
    good = factories.make_id_number()
    bad = factories.make_id_number()
    return {"good": good, "bad": bad[:-1] + ("0" if bad[-1] != "0" else "1"), "other": factories.make_id_number()}


@pytest.fixture
def roster(workdir: Any, city: Any, ids: dict[str, str]) -> Any:
    """One good row, one bad check digit (row 4), one row naming another district's enterprise (row 5)."""
    return write_xlsx(workdir / "花名册.xlsx", [
        ["越城机械有限公司 2024 年新员工"],
        ["姓名", "身份证号码", "工作单位", "岗位"],
        ["新员工甲", ids["good"], "越城机械有限公司", "车工"],
        ["新员工乙", ids["bad"], "越城机械有限公司", "钳工"],
        ["外单位丙", ids["other"], "柯桥纺织有限公司", "织工"],
    ], merges=["A1:D1"], text_columns=(1,))


@pytest.fixture
def clean_roster(workdir: Any, city: Any) -> Any:
    return write_xlsx(workdir / "新员工.xlsx", [
        ["姓名", "身份证号码", "工作单位", "岗位"],
        ["新员工丁", factories.make_id_number(), "越城机械有限公司", "车工"],
        ["新员工戊", factories.make_id_number(male=False), "越城机械有限公司", "铣工"],
    ], text_columns=(1,))


def upload(client: Any, path: Any, **fields: Any) -> Any:
    data = {"entity": "people", "file": SimpleUploadedFile(path.name, path.read_bytes()), **fields}
    return client.post(JOBS, data, format="multipart")


def imported_people() -> set[str]:
    return set(Person.objects.filter(name__startswith="新员工").values_list("name", flat=True))


# --- The whole flow ---------------------------------------------------------------------------------
def test_upload_status_errors_commit_partial_and_rollback(personas, roster, ids):
    client = client_for(personas.olga)
    # when: upload (validation is queued; immediate in tests)
    response = upload(client, roster)
    # then: 202 with the checked job; nothing written yet
    assert response.status_code == 202, response.content
    job = ImportJob.objects.get()
    data = response.json()
    assert data["id"] == str(job.public_id) and data["status"] == ImportJob.Status.VALIDATED
    assert data["rows"] == {"total": 3, "ok": 1, "failed": 2} and data["errors_total"] == 2
    assert data["preview"]["actions"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert {c["key"] for c in data["preview"]["columns"]} >= {"name", "id_number", "employer"}
    assert data["can_commit"] is True and data["links"]["report_xlsx"].endswith("/report.xlsx")
    assert data["pinned_to"] is None  # started through the general endpoint: not limited to a batch or round
    assert imported_people() == set()
    # when: the job and its problems are read
    detail = client.get(job_url(job)).json()
    errors = client.get(job_url(job, "errors/")).json()
    # then
    assert detail["rows"] == data["rows"] and detail["status_label"] == "校验完成，待确认"
    assert errors["count"] == 2
    assert [(e["row"], e["column_letter"], e["code"]) for e in errors["results"]] == [
        (4, "B", "id_checksum"), (5, "C", "out_of_scope")]
    report = client.get(job_url(job, "report.json")).json()
    assert report["rows"] == {"total": 3, "ok": 1, "failed": 2}
    assert {(e["row"], e["code"]) for e in report["errors"]} == {(4, "id_checksum"), (5, "out_of_scope")}
    workbook = client.get(job_url(job, "report.xlsx"))
    sheet = load_workbook(io.BytesIO(body(workbook))).active
    assert workbook.status_code == 200 and sheet["E2"].value == "错误说明" and "校验位" in sheet["E4"].value
    # when: confirm the valid rows
    response = client.post(job_url(job, "commit/"), {"partial": True}, format="json")
    # then: written (the queued commit ran at once in tests)
    assert response.status_code == 202
    assert response.json()["status"] == ImportJob.Status.COMMITTED
    assert response.json()["result"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert response.json()["can_rollback"] is True
    assert imported_people() == {"新员工甲"}
    assert Person.objects.get(name="新员工甲").current_employer.name == "越城机械有限公司"
    assert not Person.objects.filter(name__in=["新员工乙", "外单位丙"]).exists()
    # when: undo
    response = client.post(job_url(job, "rollback/"))
    # then
    assert response.status_code == 200 and response.json()["status"] == ImportJob.Status.ROLLED_BACK
    assert imported_people() == set()
    assert AuditEntry.objects.filter(action="imports.job.rolled_back", outcome="success").exists()


def test_atomic_commit_is_refused_while_rows_have_errors(personas, roster):
    client = client_for(personas.olga)
    job_id = upload(client, roster).json()["id"]
    job = ImportJob.objects.get(public_id=job_id)
    for payload in ({}, {"partial": False}):
        response = client.post(job_url(job, "commit/"), payload, format="json")
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": [services.ERR_HAS_ERRORS.format(count=2)]}
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED and job.mode == ImportJob.Mode.ATOMIC
    assert imported_people() == set() and not job.records.exists()


def test_a_clean_file_commits_all_rows_and_reimport_changes_nothing(personas, clean_roster):
    client = client_for(personas.olga)
    first = upload(client, clean_roster).json()
    assert first["rows"] == {"total": 2, "ok": 2, "failed": 0} and first["links"]["report_xlsx"] is None
    response = client.post(f"{JOBS}{first['id']}/commit/", {}, format="json")
    assert response.json()["result"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert imported_people() == {"新员工丁", "新员工戊"}
    # the same file again: validated as unchanged, committed without change
    second = upload(client, clean_roster).json()
    assert second["preview"]["actions"] == {"created": 0, "updated": 0, "unchanged": 2}
    response = client.post(f"{JOBS}{second['id']}/commit/", {}, format="json")
    assert response.json()["result"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert Person.objects.filter(name__startswith="新员工").count() == 2


def test_dry_run_reports_and_cannot_be_committed(personas, clean_roster, workdir):
    client = client_for(personas.olga)
    response = upload(client, clean_roster, dry_run="true")
    data = response.json()
    assert response.status_code == 202 and data["dry_run"] is True
    assert data["status"] == ImportJob.Status.VALIDATED and data["rows"]["ok"] == 2 and data["can_commit"] is False
    refused = client.post(f"{JOBS}{data['id']}/commit/", {"partial": True}, format="json")
    assert refused.status_code == 400
    assert refused.json()["non_field_errors"] == [services.ERR_NOT_VALIDATED.format(status="校验完成，待确认")]
    assert imported_people() == set()
    assert ImportJob.objects.get().status == ImportJob.Status.VALIDATED
    # a dry run can never be confirmed: its spooled rows are not kept waiting on disk
    assert not any(path.name == "rows.spool" for path in scratch_files(workdir))


def test_cancel_then_refusals_by_state(personas, roster, workdir):
    client = client_for(personas.olga)
    job = ImportJob.objects.get(public_id=upload(client, roster).json()["id"])
    assert scratch_files(workdir)
    # rollback of a job not committed: 400, nothing changes
    response = client.post(job_url(job, "rollback/"))
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [services.ERR_NOT_COMMITTED.format(status="校验完成，待确认")]
    # cancel: the files are gone
    response = client.post(job_url(job, "cancel/"))
    assert response.status_code == 200 and response.json()["status"] == ImportJob.Status.CANCELLED
    assert scratch_files(workdir) == []
    # a second cancel, and a commit, are refused by state
    response = client.post(job_url(job, "cancel/"))
    assert response.status_code == 400 and response.json()["non_field_errors"] == [services.ERR_NOT_CANCELLABLE]
    response = client.post(job_url(job, "commit/"), {"partial": True}, format="json")
    assert response.status_code == 400
    assert client.get(job_url(job, "report.xlsx")).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED and imported_people() == set()


def test_rollback_refused_when_later_changes_depend_on_the_import(personas, clean_roster):
    from gongjiang.people import services as people_services

    client = client_for(personas.olga)
    job_id = upload(client, clean_roster).json()["id"]
    client.post(f"{JOBS}{job_id}/commit/", {}, format="json")
    person = Person.objects.get(name="新员工丁")
    people_services.certificate_record(actor=None, holder=person, number="HIST-API-0001",
                                       issue_date=dt.date(2024, 6, 1), level=3, issuer_name="历史发证机构")
    response = client.post(f"{JOBS}{job_id}/rollback/")
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith(services.ERR_ROLLBACK_CONFLICT.split("{")[0])
    assert imported_people() == {"新员工丁", "新员工戊"}
    assert ImportJob.objects.get().status == ImportJob.Status.COMMITTED


def test_progress_while_the_rows_are_written_comes_from_the_worker(personas, workdir):
    # the write pass is one transaction: its progress is in a file beside the spool, not in the row
    folder = workdir / "scratch" / "job"
    folder.mkdir(parents=True)
    (folder / "progress.json").write_text('{"phase": "write", "done": 300, "total": 1000}', encoding="utf-8")
    job = ImportJob.objects.create(entity="people", original_filename="x.xlsx", created_by=personas.olga,
                                   status=ImportJob.Status.COMMITTING, phase="queued", progress_total=1000,
                                   scratch_dir=str(folder))
    data = client_for(personas.olga).get(job_url(job)).json()
    assert data["progress"] == {"phase": "write", "done": 300, "total": 1000, "percent": 30}
    assert data["can_commit"] is False and data["can_cancel"] is False and data["links"]["report_xlsx"] is None


# --- Bad input: 400 naming the field, nothing stored ------------------------------------------------
def _assert_nothing_stored(workdir: Any) -> None:
    assert not ImportJob.objects.exists()
    assert scratch_files(workdir) == []
    assert not AuditEntry.objects.filter(action="imports.job.uploaded").exists()
    assert imported_people() == set()


@pytest.mark.parametrize(
    ("name", "content", "fields", "field", "needle"),
    [
        ("ok.xlsx", None, {"entity": "spaceships"}, "entity", "不支持导入“spaceships”"),
        ("ok.xlsx", None, {"mode": "sometimes"}, "mode", "导入方式"),
        ("ok.xlsx", None, {"dry_run": "perhaps"}, "dry_run", "仅校验"),
        ("roster.xlsm", None, {}, "file", "不接受含宏的文件"),
        ("roster.xlsx", "vba", {}, "file", "含有宏"),
        ("roster.xlsx", "bomb", {}, "file", "压缩炸弹"),
        ("roster.exe", b"MZ\x90\x00", {}, "file", "不支持的文件类型"),
        ("roster.xlsx", "姓名,身份证号码\n".encode(), {}, "file", "内容不是 Excel 工作簿"),
        ("roster.csv", b"", {}, "file", "文件是空的"),
    ],
)
def test_bad_upload_is_refused_with_the_field_named(personas, workdir, name, content, fields, field, needle):
    if content is None:
        content = xlsx_bytes(workdir)
    elif content == "vba":
        content = xlsx_bytes(workdir, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 100})
    elif content == "bomb":
        content = xlsx_bytes(workdir, {"xl/media/padding.xml": b"\x00" * (4 << 20)})
    data = {"entity": "people", "file": SimpleUploadedFile(name, content), **fields}
    response = client_for(personas.olga).post(JOBS, data, format="multipart")
    assert response.status_code == 400, response.content
    assert field in response.json() and needle in " ".join(response.json()[field])
    _assert_nothing_stored(workdir)


def test_a_missing_file_is_refused(personas, workdir):
    response = client_for(personas.olga).post(JOBS, {"entity": "people"}, format="multipart")
    assert response.status_code == 400 and response.json()["file"][0].startswith("文件：")
    _assert_nothing_stored(workdir)


def _never_stored(**kwargs: Any) -> Any:
    raise AssertionError("an oversized upload must be stopped before it is stored")


@pytest.mark.parametrize("limit", [100_000, 280_000])  # refused unread by its declared length; stopped while read
def test_an_oversized_upload_is_refused(personas, workdir, settings, monkeypatch, limit):
    settings.IMPORT_MAX_UPLOAD_BYTES = limit
    monkeypatch.setattr(services, "import_job_create", _never_stored)
    data = {"entity": "people", "file": SimpleUploadedFile("big.csv", b"x" * 300_000)}
    response = client_for(personas.olga).post(JOBS, data, format="multipart")
    assert response.status_code == 400
    assert "文件过大" in response.json()["file"][0]
    _assert_nothing_stored(workdir)


def test_a_browser_session_uploads_with_its_csrf_token_and_the_size_limit_holds(personas, clean_roster, workdir,
                                                                             settings, monkeypatch):
    # the CSRF check of a session reads the body during authentication: the limit must already hold
    client = CheckedClient(enforce_csrf_checks=True)
    client.force_login(personas.olga)
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    data = {"entity": "people", "file": SimpleUploadedFile(clean_roster.name, clean_roster.read_bytes())}
    assert client.post(JOBS, data, format="multipart").status_code == 403  # no token
    assert not ImportJob.objects.exists()
    settings.IMPORT_MAX_UPLOAD_BYTES = 280_000
    big = {"entity": "people", "file": SimpleUploadedFile("big.csv", b"x" * 300_000)}
    with monkeypatch.context() as patch:
        patch.setattr(services, "import_job_create", _never_stored)
        response = client.post(JOBS, big, format="multipart", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 400 and "文件过大" in response.json()["file"][0]
    _assert_nothing_stored(workdir)
    data = {"entity": "people", "file": SimpleUploadedFile(clean_roster.name, clean_roster.read_bytes())}
    response = client.post(JOBS, data, format="multipart", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 202 and response.json()["rows"]["ok"] == 2


# --- Who may do what --------------------------------------------------------------------------------
def test_read_only_staff_cannot_import(personas, clean_roster, workdir):
    client = client_for(personas.stan)
    assert client.get("/api/v1/imports/entities/").json() == []
    response = upload(client, clean_roster)
    assert response.status_code == 403
    _assert_nothing_stored(workdir)


def test_entities_list_columns_for_an_importer(personas):
    data = client_for(personas.olga).get("/api/v1/imports/entities/").json()
    people = next(entity for entity in data if entity["name"] == "people")
    columns = {column["key"]: column for column in people["columns"]}
    assert columns["id_number"]["required"] is True and columns["id_number"]["label"] == "身份证号码"
    assert "身份证号" in columns["id_number"]["aliases"]
    assert people["template"].endswith("/api/v1/imports/entities/people/template/")


def test_template_downloads_with_its_rules_and_unknown_entity_is_404(personas):
    client = client_for(personas.olga)
    response = client.get("/api/v1/imports/entities/people/template/")
    workbook = load_workbook(io.BytesIO(body(response)))
    assert response.status_code == 200 and workbook.sheetnames[1] == "填写说明"
    assert "身份证号码*" in [cell.value for cell in workbook.worksheets[0][1]]
    assert client.get("/api/v1/imports/entities/spaceships/template/").status_code == 404


def test_another_users_job_is_not_found_and_nothing_changes(personas, roster):
    olga = client_for(personas.olga)
    job = ImportJob.objects.get(public_id=upload(olga, roster).json()["id"])
    kira = client_for(personas.kira)
    for suffix in ("", "errors/", "report.json", "report.xlsx"):
        assert kira.get(job_url(job, suffix)).status_code == 404, suffix
    for suffix in ("commit/", "cancel/", "rollback/"):
        assert kira.post(job_url(job, suffix), {"partial": True}, format="json").status_code == 404, suffix
    assert kira.get(JOBS).json()["count"] == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED and imported_people() == set()
    assert olga.get(JOBS).json()["count"] == 1


def test_platform_admin_sees_every_job_and_lists_filter(personas, roster, clean_roster):
    olga = client_for(personas.olga)
    upload(olga, roster)
    upload(olga, clean_roster, dry_run="true")
    ada = client_for(personas.ada)
    listed = ada.get(JOBS).json()
    assert listed["count"] == 2 and {job["created_by"] for job in listed["results"]} == {personas.olga.username}
    assert ada.get(JOBS, {"entity": "people", "status": "validated"}).json()["count"] == 2
    assert ada.get(JOBS, {"entity": "honors"}).json()["count"] == 0
    response = ada.get(JOBS, {"status": "sleeping"})
    assert response.status_code == 400 and "status" in response.json()
    assert olga.get(JOBS, {"page_size": 1}).json()["next"]


def test_enterprise_admin_rows_outside_her_scope_are_errors_not_writes(personas, workdir, city):
    path = write_csv(workdir / "kq.csv", [["姓名", "身份证号码", "工作单位"],
                                          ["新员工己", factories.make_id_number(), "柯桥纺织有限公司"]])
    olga = client_for(personas.olga)
    data = upload(olga, path).json()
    assert data["rows"] == {"total": 1, "ok": 0, "failed": 1} and data["can_commit"] is False
    response = olga.post(f"{JOBS}{data['id']}/commit/", {"partial": True}, format="json")
    assert response.status_code == 400 and response.json()["non_field_errors"] == [services.ERR_NOTHING_TO_IMPORT]
    assert imported_people() == set()
    # kira, the admin of 柯桥纺织, imports the same row into her own enterprise
    kira = client_for(personas.kira)
    data = upload(kira, path).json()
    assert data["rows"]["ok"] == 1
    assert kira.post(f"{JOBS}{data['id']}/commit/", {}, format="json").json()["status"] == ImportJob.Status.COMMITTED
    assert Person.objects.get(name="新员工己").current_employer == city.keqiao_textile


# --- Exports ------------------------------------------------------------------------------------------
def exported_rows(response: Any) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(body(response))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_export_honours_scope_filters_and_masks_id_numbers(personas, city):
    man = factories.person("钱工", employer=city.yuecheng_machinery)
    woman = factories.person("孙工", employer=city.yuecheng_machinery,
                             id_number=factories.make_id_number(sequence=42, male=False))
    other = factories.person("赵工", employer=city.keqiao_textile)
    client = client_for(personas.olga)
    response = client.get("/api/v1/exports/people/")
    rows = exported_rows(response)
    names = {row[0] for row in rows[1:]}
    assert response.status_code == 200 and rows[0][:3] == ["姓名", "证件类型", "身份证号码"]
    assert {man.name, woman.name} <= names and other.name not in names
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[man.name][2] == man.id_number_masked and "*" in by_name[man.name][2]
    full = {row[2] for row in rows[1:]}
    assert not any(len(str(value)) == 18 and "*" not in str(value) for value in full)
    # filters narrow it
    rows = exported_rows(client.get("/api/v1/exports/people/", {"sex": woman.sex}))
    assert {row[0] for row in rows[1:]} == {woman.name}
    rows = exported_rows(client.get("/api/v1/exports/people/", {"organization": city.keqiao_textile.pk}))
    assert rows[1:] == []
    # kira sees her own staff only
    rows = exported_rows(client_for(personas.kira).get("/api/v1/exports/people/"))
    assert other.name in {row[0] for row in rows[1:]} and man.name not in {row[0] for row in rows[1:]}
    assert AuditEntry.objects.filter(action="imports.export.created").count() == 4


@pytest.mark.parametrize(
    ("query", "field", "needle"),
    [
        ({"colour": "red"}, "colour", "不支持的筛选条件“colour”"),
        ({"organization": "abc"}, "organization", "现工作单位编号"),
        ({"level": "99"}, "level", "当前技能等级"),
        ({"age_band": "old"}, "age_band", "年龄段"),
        ({"region": "33-06"}, "region", "地区代码"),
    ],
)
def test_export_refuses_bad_filters_naming_them(personas, query, field, needle):
    response = client_for(personas.olga).get("/api/v1/exports/people/", query)
    assert response.status_code == 400
    messages = " ".join(response.json()[field])
    assert needle in messages and "organization" in messages  # the accepted filters are listed
    assert not AuditEntry.objects.filter(action="imports.export.created").exists()


def test_export_refuses_an_id_number_in_the_url(personas, city):
    person = factories.person("钱工", employer=city.yuecheng_machinery)
    from gongjiang.core.crypto import get_provider
    from gongjiang.people.services import ID_CIPHER_AAD

    number = get_provider().decrypt(person.id_number_encrypted, associated_data=ID_CIPHER_AAD)
    response = client_for(personas.olga).get("/api/v1/exports/people/", {"q": number})
    assert response.status_code == 400 and response.json() == {"q": [str(imports_api.ERR_ID_NUMBER_IN_URL)]}


def test_export_of_an_unknown_entity_is_404_and_exporters_are_listed(personas):
    client = client_for(personas.olga)
    assert client.get("/api/v1/exports/spaceships/").status_code == 404
    listed = {item["name"]: item for item in client.get("/api/v1/exports/").json()}
    assert {"people", "organizations", "certificates", "honors"} <= set(listed)
    assert "organization" in listed["people"]["filters"]
    assert listed["people"]["url"].endswith("/api/v1/exports/people/")


def test_other_entities_export_with_checked_filters(personas, city):
    client = client_for(personas.ada)
    response = client.get("/api/v1/exports/organizations/", {"kind": "enterprise"})
    names = {row[0] for row in exported_rows(response)[1:]}
    assert city.yuecheng_machinery.name in names and city.city_bureau.name not in names
    assert client.get("/api/v1/exports/certificates/", {"year": "twenty"}).json()["year"][0].startswith("发证年度")
    assert client.get("/api/v1/exports/honors/", {"title": "hero"}).status_code == 400


def test_anonymous_callers_are_refused(db):
    client = CheckedClient()
    assert client.get(JOBS).status_code in (401, 403)
    assert client.get("/api/v1/exports/people/").status_code in (401, 403)


# --- Schema ------------------------------------------------------------------------------------------
def test_import_endpoints_generate_without_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(patterns=[path("api/v1/", include(imports_api.urlpatterns))]).get_schema(
            request=None, public=True)
    assert dict(GENERATOR_STATS._warn_cache) == {}
    assert dict(GENERATOR_STATS._error_cache) == {}
    assert {"/api/v1/imports/jobs/", "/api/v1/imports/jobs/{public_id}/commit/",
            "/api/v1/exports/{entity}/"} <= set(schema["paths"])
    upload_body = schema["paths"]["/api/v1/imports/jobs/"]["post"]["requestBody"]["content"]
    assert list(upload_body) == ["multipart/form-data"]
