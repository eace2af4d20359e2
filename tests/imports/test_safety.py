import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.models import AuditEntry
from gongjiang.imports import safety, services
from gongjiang.imports.models import ImportJob
from gongjiang.people.models import Person
from tests import factories
from tests.imports.conftest import write_csv, write_xlsx


def xlsx_bytes(tmp_path, extra=None, content_types_extra=""):
    """A real workbook, optionally with extra zip entries (name → bytes)."""
    path = write_xlsx(tmp_path / "base.xlsx", [["姓名", "身份证号码"], ["张三", factories.make_id_number()]])
    source = zipfile.ZipFile(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml" and content_types_extra:
                data = data.replace(b"</Types>", content_types_extra.encode() + b"</Types>")
            target.writestr(item, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def create(actor, name, data):
    return services.import_job_create(actor=actor, entity="people", filename=name, source=upload(name, data))


def refused(actor, name, data):
    with pytest.raises(ApplicationError) as error:
        create(actor, name, data)
    return error.value


def test_accepts_a_plain_workbook(city, personas, workdir):
    job = create(personas.olga, "ok.xlsx", xlsx_bytes(workdir))
    assert job.status == ImportJob.Status.PENDING and job.file_size > 0
    assert AuditEntry.objects.filter(action="imports.job.uploaded", object_id=str(job.pk)).exists()


def test_refuses_an_upload_over_the_size_limit(city, personas, workdir, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    error = refused(personas.olga, "big.csv", b"x" * 1001)
    assert error.code == "too_large" and "file" in error.errors
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("name", ["roster.xlsm", "roster.xlsb", "roster.xltm"])
def test_refuses_macro_file_types_by_name(city, personas, workdir, name):
    error = refused(personas.olga, name, xlsx_bytes(workdir))
    assert error.code == "macro"


def test_refuses_a_workbook_carrying_vba(city, personas, workdir):
    data = xlsx_bytes(workdir, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 100})
    assert refused(personas.olga, "roster.xlsx", data).code == "macro"
    assert not any((workdir / "scratch").glob("*/*"))
    assert AuditEntry.objects.filter(action="imports.job.refused", outcome="denied").exists()


def test_refuses_a_macro_enabled_content_type(city, personas, workdir):
    data = xlsx_bytes(workdir, content_types_extra='<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Override PartName="/x" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>')
    assert refused(personas.olga, "roster.xlsx", data).code == "macro"


def test_refuses_a_zip_bomb_by_ratio_before_inflating(city, personas, workdir):
    data = xlsx_bytes(workdir, {"xl/media/padding.xml": b"\x00" * (4 << 20)})
    error = refused(personas.olga, "roster.xlsx", data)
    assert error.code == "zip_bomb" and "压缩炸弹" in str(error.message)


def test_refuses_a_workbook_expanding_beyond_the_total_limit(city, personas, workdir, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 20_000
    import os

    data = xlsx_bytes(workdir, {"xl/media/noise.bin": os.urandom(30_000)})
    assert refused(personas.olga, "roster.xlsx", data).code == "zip_bomb"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("roster.xlsx", "姓名,身份证号码\n".encode(), "not_xlsx"),
        ("roster.xls", b"<html><table><tr><td>1</td></tr></table></html>", "not_xls"),
        ("roster.csv", b"PK\x03\x04" + b"\x00" * 50, "not_text"),
        ("roster.exe", b"MZ\x90\x00", "suffix"),
        ("roster.csv", b"", "empty"),
    ],
)
def test_refuses_content_that_is_not_what_the_name_says(city, personas, workdir, name, data, code):
    assert refused(personas.olga, name, data).code == code


def test_refuses_vba_inside_an_xls(city, personas, workdir):
    data = safety.OLE2_MAGIC + b"\x00" * 200 + "_VBA_PROJECT_CUR".encode("utf-16-le") + b"\x00" * 100
    assert refused(personas.olga, "roster.xls", data).code == "macro"


def test_staff_without_write_role_cannot_import(city, personas, workdir):
    from gongjiang.core.exceptions import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        create(personas.stan, "ok.xlsx", xlsx_bytes(workdir))
    assert not ImportJob.objects.exists()


def test_upload_and_working_files_are_deleted_after_the_import(city, personas, workdir):
    path = write_csv(workdir / "ok.csv", [["姓名", "身份证号码", "工作单位"], ["张三", factories.make_id_number(), "越城机械有限公司"]])
    job = services.run_import(actor=personas.olga, entity="people", path=path)
    assert job.status == ImportJob.Status.COMMITTED and Person.objects.filter(name="张三").exists()
    assert not list((workdir / "scratch").rglob("*.*"))


def test_a_file_without_an_extension_is_named_so_in_the_users_language(city, personas, workdir):
    from django.utils import translation

    with translation.override("en"):
        message = str(refused(personas.olga, "roster", b"MZ\x90\x00").message)
    assert "“no extension”" in message and "无扩展名" not in message
    with translation.override("zh-hans"):
        assert "“无扩展名”" in str(refused(personas.olga, "roster", b"MZ\x90\x00").message)
