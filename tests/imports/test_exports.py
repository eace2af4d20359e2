import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from gongjiang.core.exceptions import PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.imports import exporters, services
from gongjiang.imports.models import ImportJob
from gongjiang.people.models import Employment, Person
from gongjiang.people.services import ID_CIPHER_AAD, get_provider
from tests import factories


def rows_of(path):
    sheet = load_workbook(path).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def staff(city, personas):
    injected = factories.person("钱工", employer=city.yuecheng_machinery, region_obj=city.yuecheng, mobile="13900001111",
                                notes="=HYPERLINK(\"http://evil\",\"点我\")")
    other = factories.person("柯桥工", employer=city.keqiao_textile, region_obj=city.keqiao)
    return injected, other


def test_export_is_masked_scoped_formula_safe_and_audited(city, personas, staff, workdir):
    injected, other = staff
    target = workdir / "out.xlsx"
    # when
    rows = exporters.export_xlsx(exporter=exporters.get_exporter("people"), user=personas.olga, target=target)
    # then
    table = rows_of(target)
    header, body = table[0], table[1:]
    names = {row[0] for row in body}
    assert "钱工" in names and "柯桥工" not in names and rows == len(body)
    row = next(r for r in body if r[0] == "钱工")
    assert row[header.index("身份证号码")] == injected.id_number_masked
    assert row[header.index("手机号码")] == "139****1111"
    assert row[header.index("备注")].startswith("'=HYPERLINK")
    entry = AuditEntry.objects.get(action="imports.export.created", actor=personas.olga)
    assert entry.changes["rows"] == rows and entry.changes["reveal"] is False


def test_reveal_needs_a_role_that_may_see_numbers(city, personas, staff, workdir):
    with pytest.raises(PermissionDeniedError):
        exporters.export_xlsx(exporter=exporters.get_exporter("people"), user=personas.stan, target=workdir / "x.xlsx",
                              reveal=True)
    assert not (workdir / "x.xlsx").exists()
    assert AuditEntry.objects.filter(action="imports.export.refused", actor=personas.stan, outcome="denied").exists()
    with pytest.raises(PermissionDeniedError):
        exporters.export_xlsx(exporter=exporters.get_exporter("people"), user=None, target=workdir / "y.xlsx", reveal=True)


def test_filters_apply(city, personas, staff, workdir):
    target = workdir / "out.xlsx"
    exporters.export_xlsx(exporter=exporters.get_exporter("people"), user=personas.city, target=target,
                          filters={"organization": str(city.keqiao_textile.pk)})
    assert [row[0] for row in rows_of(target)[1:]] == ["柯桥工"]


def test_export_then_import_changes_nothing(city, personas, staff, workdir):
    # given
    target = workdir / "roundtrip.xlsx"
    exporters.export_xlsx(exporter=exporters.get_exporter("people"), user=personas.ada, target=target, reveal=True)
    assert AuditEntry.objects.filter(action="people.person.id_revealed", actor=personas.ada).exists()
    people = list(Person.objects.order_by("pk").values())
    jobs = list(Employment.objects.order_by("pk").values())
    # when
    job = services.run_import(actor=personas.ada, entity="people", path=target)
    # then
    assert job.status == ImportJob.Status.COMMITTED
    assert (job.rows_created, job.rows_updated, job.rows_unchanged) == (0, 0, len(people))
    assert list(Person.objects.order_by("pk").values()) == people
    assert list(Employment.objects.order_by("pk").values()) == jobs
    assert {c[1] for c in job.summary["unknown_columns"]} == {"当前技能等级", "主要职业"}


def test_export_command_writes_the_file(city, personas, staff, workdir, capsys):
    target = workdir / "cmd.xlsx"
    call_command("export", "people", "sex=male", "-o", str(target), "--as", "city", "--reveal")
    body = rows_of(target)[1:]
    injected = staff[0]
    number = get_provider().decrypt(injected.id_number_encrypted, associated_data=ID_CIPHER_AAD)
    assert number in {row[2] for row in body}
    assert "已导出" in capsys.readouterr().out


@pytest.mark.parametrize("entity", ["organizations", "certificates", "honors"])
def test_other_exporters_write_a_header_and_rows(city, personas, staff, workdir, entity):
    target = workdir / f"{entity}.xlsx"
    count = exporters.export_xlsx(exporter=exporters.get_exporter(entity), user=personas.dan, target=target)
    table = rows_of(target)
    assert len(table) == count + 1 and all(table[0])


@pytest.mark.parametrize("entity", ["organizations", "certificates", "honors"])
def test_other_entities_round_trip_unchanged(city, personas, staff, workdir, entity):
    # given: a certificate and an honour for someone, so every table has rows
    import datetime as dt

    from gongjiang.people import services as people_services

    injected = staff[0]
    people_services.certificate_record(actor=None, holder=injected, number="Y000033000001213100077",
                                       issue_date=dt.date(2021, 6, 30), occupation_name="车工")
    people_services.honor_add(actor=None, person=injected, title="craftsman", name="绍兴工匠", level="city", year=2023)
    target = workdir / f"{entity}.xlsx"
    count = exporters.export_xlsx(exporter=exporters.get_exporter(entity), user=personas.ada, target=target,
                                  reveal=True)
    # when
    job = services.run_import(actor=personas.ada, entity=entity, path=target)
    # then
    assert job.status == ImportJob.Status.COMMITTED, list(job.row_errors.values_list("row", "message"))
    assert (job.rows_created, job.rows_updated, job.rows_unchanged) == (0, 0, count)
