import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from gongjiang.imports.entities.base import all_entities
from gongjiang.imports.models import ImportJob
from gongjiang.people.models import Person
from tests import factories
from tests.imports.conftest import write_xlsx


@pytest.fixture
def roster(workdir, city):
    good, bad = factories.make_id_number(), factories.make_id_number()
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    path = write_xlsx(workdir / "花名册.xlsx", [
        ["越城机械有限公司 2024 年新员工"],
        ["姓名", "身份证号码", "工作单位", "岗位"],
        ["新员工甲", good, "越城机械有限公司", "车工"],
        ["新员工乙", bad, "越城机械有限公司", "钳工"],
        ["外单位丙", factories.make_id_number(), "柯桥纺织有限公司", "织工"],
    ], merges=["A1:D1"], text_columns=(1,))
    return path


def upload(client, path, mode="atomic"):
    data = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(reverse("imports:upload", args=["people"]), {"file": data, "mode": mode})


def test_upload_preview_confirm_and_undo(client, personas, roster):
    # given
    client.force_login(personas.olga)
    # when: upload (the check runs as a background job; immediate in tests)
    response = upload(client, roster)
    # then: the preview lists each problem at its row and column, nothing written yet
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:job", args=[job.public_id])
    page = client.get(response.url)
    job.refresh_from_db()
    assert page.status_code == 200 and job.status == ImportJob.Status.VALIDATED
    html = page.content.decode()
    assert "id_checksum" in html and "out_of_scope" in html and 'id="confirm-partial"' in html
    assert {(e.row, e.code) for e in job.row_errors.all()} == {(4, "id_checksum"), (5, "out_of_scope")}
    assert not Person.objects.filter(name__startswith="新员工").exists()
    report = client.get(reverse("imports:job_report_xlsx", args=[job.public_id]))
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert sheet["E2"].value == "错误说明" and "校验位" in sheet["E4"].value
    # when: confirm the valid rows
    response = client.post(reverse("imports:job_commit", args=[job.public_id]), {"partial": "1"})
    # then
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and job.rows_created == 1
    assert Person.objects.get(name="新员工甲").current_employer.name == "越城机械有限公司"
    assert "新增 1" in client.get(reverse("imports:job", args=[job.public_id])).content.decode()
    # when: undo
    client.post(reverse("imports:job_rollback", args=[job.public_id]))
    # then
    job.refresh_from_db()
    assert job.status == ImportJob.Status.ROLLED_BACK and not Person.objects.filter(name="新员工甲").exists()


def test_atomic_confirm_refused_while_rows_have_errors(client, personas, roster):
    client.force_login(personas.olga)
    upload(client, roster)
    job = ImportJob.objects.get()
    response = client.post(reverse("imports:job_commit", args=[job.public_id]), follow=True)
    from gongjiang.imports.services import ERR_HAS_ERRORS

    assert ERR_HAS_ERRORS.format(count=2) in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED and not Person.objects.filter(name="新员工甲").exists()


def test_status_partial_polls_while_the_job_runs(client, personas, roster):
    client.force_login(personas.olga)
    job = ImportJob.objects.create(entity="people", original_filename="x.xlsx", created_by=personas.olga,
                                   status=ImportJob.Status.VALIDATING, progress_done=300, progress_total=1000)
    response = client.get(reverse("imports:job_status", args=[job.public_id]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="300"' in html and 'max="1000"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_another_users_job_is_not_found(client, personas, roster):
    client.force_login(personas.olga)
    upload(client, roster)
    job = ImportJob.objects.get()
    client.force_login(personas.kira)
    for name in ("imports:job", "imports:job_status", "imports:job_report_json"):
        assert client.get(reverse(name, args=[job.public_id])).status_code == 404
    assert client.post(reverse("imports:job_commit", args=[job.public_id]), {"partial": "1"}).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED


def test_read_only_staff_cannot_open_the_upload_page(client, personas):
    client.force_login(personas.stan)
    assert client.get(reverse("imports:upload", args=["people"])).status_code == 403
    assert not ImportJob.objects.exists()


def test_unusable_upload_is_refused_on_the_form(client, personas, workdir):
    client.force_login(personas.olga)
    data = SimpleUploadedFile("roster.xlsm", b"PK\x03\x04whatever")
    response = client.post(reverse("imports:upload", args=["people"]), {"file": data, "mode": "atomic"})
    assert response.status_code == 200 and "不接受含宏的文件" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("entity", [e.name for e in all_entities()])
def test_every_entity_has_a_template_with_rules(client, personas, entity):
    client.force_login(personas.olga)
    response = client.get(reverse("imports:template", args=[entity]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert response.status_code == 200 and len(workbook.sheetnames) == 2
    headers = [c.value for c in workbook.worksheets[0][1]]
    assert all(headers) and any(h.endswith("*") for h in headers)
    rules = [row[0].value for row in workbook.worksheets[1].iter_rows(min_row=4) if row[0].value]
    assert [h.rstrip("*") for h in headers] == rules[: len(headers)]


def test_index_lists_entities_and_the_nav_shows_the_entry(client, personas):
    client.force_login(personas.olga)
    html = client.get(reverse("imports:index")).content.decode()
    assert reverse("imports:upload", args=["people"]) in html and "批量导入导出" in html
    client.force_login(personas.stan)
    html = client.get(reverse("imports:index")).content.decode()
    assert reverse("imports:upload", args=["people"]) not in html


def test_export_view_streams_a_masked_workbook(client, personas, city):
    person = factories.person("钱工", employer=city.yuecheng_machinery)
    client.force_login(personas.olga)
    response = client.get(reverse("imports:export", args=["people"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [person.name, "居民身份证", person.id_number_masked] in [row[:3] for row in values]


def test_an_oversized_upload_is_refused_while_it_arrives(client, personas, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 280_000  # the body (~300 KB) is within the slack: read, then stopped
    client.force_login(personas.olga)
    data = SimpleUploadedFile("big.csv", b"x" * 300_000)
    response = client.post(reverse("imports:upload", args=["people"]), {"file": data, "mode": "atomic"})
    assert response.status_code == 413 and "文件过大" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_upload_declaring_a_huge_body_is_refused_unread(client, personas, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(personas.olga)
    response = client.post(reverse("imports:upload", args=["people"]), data=b"", content_type="multipart/form-data; boundary=x",
                           CONTENT_LENGTH="5000000")
    assert response.status_code == 413
    assert not ImportJob.objects.exists()


def test_status_shows_the_write_progress_reported_from_inside_the_transaction(client, personas, workdir):
    # given: a job whose rows are being written (the worker reports through its scratch folder)
    client.force_login(personas.olga)
    folder = workdir / "job-writing"
    folder.mkdir()
    job = ImportJob.objects.create(entity="people", original_filename="x.xlsx", created_by=personas.olga,
                                   status=ImportJob.Status.COMMITTING, rows_ok=5000, phase="queued",
                                   progress_done=0, progress_total=5000, scratch_dir=str(folder))
    (folder / "progress.json").write_text('{"phase": "writing", "done": 2000, "total": 5000}')
    # when
    html = client.get(reverse("imports:job_status", args=[job.public_id]), HTTP_HX_REQUEST="true").content.decode()
    # then: a determinate bar, not a spinner
    assert 'value="2000"' in html and 'max="5000"' in html and "2000 / 5000" in html


def test_write_progress_is_visible_while_the_commit_transaction_runs(personas, workdir, monkeypatch):
    from gongjiang.imports import pipeline, selectors, services

    rows = [["姓名", "身份证号码", "工作单位"]]
    rows += [[f"员工{chr(0x4e00 + i)}", factories.make_id_number(), "越城机械有限公司"] for i in range(25)]
    path = write_xlsx(workdir / "people.xlsx", rows, text_columns=(1,))
    job = services.import_job_create(actor=personas.olga, entity="people", filename=path.name, source=path)
    job = services.import_job_validate(job=job, actor=personas.olga)
    assert job.rows_ok == 25
    job = services.import_job_queue_commit(job=job, actor=personas.olga)
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 10)
    monkeypatch.setattr(pipeline._Throttle, "__call__", lambda self, done, force=False: self.progress(
        self.phase, done, self.total) if self.progress else None)
    seen = []
    original = services._commit_progress_writer

    def spying(job):
        write = original(job)

        def report(phase, done, total):
            write(phase, done, total)
            seen.append(selectors.import_job_progress(ImportJob.objects.get(pk=job.pk)))
        return report

    monkeypatch.setattr(services, "_commit_progress_writer", spying)
    services.import_job_commit(job=job)
    assert [(p["done"], p["total"]) for p in seen if p["phase"] == "writing"][:3] == [(10, 25), (20, 25), (25, 25)]
    assert seen[0]["percent"] == 40
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert selectors.import_job_progress(job)["percent"] == 100


def test_the_background_check_writes_in_the_language_of_the_user_who_uploaded(personas, roster):
    # The worker has no request: without the job's language it would write every row error
    # and the error report in the server's default language.
    from django.utils import translation

    from gongjiang.imports import services, tasks

    with translation.override("en"):
        job = services.import_job_create(actor=personas.olga, entity="people", filename=roster.name, source=roster)
    assert job.language == "en"
    with translation.override("zh-hans"):  # the worker's own language
        assert tasks.import_job_validate_task.call(job.pk) == ImportJob.Status.VALIDATED
    checksum = job.row_errors.get(code="id_checksum")
    assert checksum.message.startswith("The check digit of the resident ID number is wrong")
    sheet = load_workbook(services.report_path(job), read_only=True).active
    cells = " ".join(str(value) for row in sheet.iter_rows(values_only=True) for value in row if value)
    assert "The check digit of the resident ID number is wrong" in cells and "校验位" not in cells

    with translation.override("zh-hans"):
        chinese = services.import_job_create(actor=personas.olga, entity="people", filename=roster.name, source=roster)
    with translation.override("en"):
        tasks.import_job_validate_task.call(chinese.pk)
    assert "校验位" in chinese.row_errors.get(code="id_checksum").message


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_template_downloaded_in_either_language_imports(client, personas, workdir, language):
    # The template's headers are the column labels in the user's language: the import must
    # recognise them, whichever language the file is later uploaded in.
    from django.conf import settings

    from gongjiang.imports import services

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(personas.olga)
    workbook = load_workbook(io.BytesIO(client.get(reverse("imports:template", args=["people"])).content))
    sheet = workbook.worksheets[0]
    headers = [str(c.value).rstrip("*") for c in sheet[1]]
    assert ("ID card number" in headers) == (language == "en")
    values = {"姓名": "模板甲", "Name": "模板甲", "身份证号码": factories.make_id_number(),
              "工作单位": "越城机械有限公司", "Employer": "越城机械有限公司"}
    values["ID card number"] = values["身份证号码"]
    sheet.append([values.get(header) for header in headers])
    path = workdir / f"template-{language}.xlsx"
    workbook.save(path)
    job = services.run_import(actor=personas.olga, entity="people", path=path)
    assert job.status == ImportJob.Status.COMMITTED, (job.error_message, list(job.row_errors.values()))
    assert Person.objects.get(name="模板甲").current_employer.name == "越城机械有限公司"
