import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from gongjiang.people.models import Person
from tests import factories
from tests.imports.conftest import write_csv, write_xlsx

HEADER = ["姓名", "身份证号码", "工作单位"]


def call(*args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", *[str(a) for a in args])
    return exit_info.value.code


def test_exit_code_0_when_every_row_imports(city, workdir, capsys):
    path = write_csv(workdir / "ok.csv", [HEADER, ["张三", factories.make_id_number(), "越城机械有限公司"]])
    assert call("people", path) == 0
    assert Person.objects.filter(name="张三").count() == 1
    assert "新增 1" in capsys.readouterr().out


def test_exit_code_1_and_reports_for_row_errors(city, workdir, capsys):
    # given
    good = factories.make_id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    path = write_xlsx(workdir / "bad.xlsx", [HEADER, ["张三", good, "越城机械有限公司"], ["李四", bad, "越城机械有限公司"]],
                      text_columns=(1,))
    # when
    code = call("people", path, "--report", workdir / "r.json", "--report", workdir / "r.xlsx")
    # then
    assert code == 1
    assert not Person.objects.filter(name__in=["张三", "李四"]).exists()
    report = json.loads((workdir / "r.json").read_text(encoding="utf-8"))
    assert report["rows"] == {"total": 2, "ok": 1, "failed": 1}
    assert report["errors"] == [{"row": 3, "column": "身份证号码", "column_letter": "B", "code": "id_checksum",
                                 "message": report["errors"][0]["message"]}]
    sheet = load_workbook(workdir / "r.xlsx").active
    assert sheet["D1"].value == "错误说明"
    assert "校验位" in sheet["D3"].value and sheet["D2"].value is None
    assert sheet["B3"].fill.fgColor.rgb == "FFFFC7CE" and sheet["B2"].fill.fgColor.rgb != "FFFFC7CE"


def test_partial_imports_the_good_rows_and_still_exits_1(city, workdir):
    good = factories.make_id_number()
    path = write_csv(workdir / "mixed.csv", [HEADER, ["张三", good, "越城机械有限公司"], ["李四", "123", "越城机械有限公司"]])
    assert call("people", path, "--partial") == 1
    assert Person.objects.filter(name="张三").exists() and not Person.objects.filter(name="李四").exists()


def test_exit_code_2_for_an_unusable_file(city, workdir, capsys):
    path = workdir / "not-really.xlsx"
    path.write_text("姓名,身份证号码\n", encoding="utf-8")
    assert call("people", path) == 2
    assert "不是 Excel 工作簿" in capsys.readouterr().err


def test_exit_code_2_when_the_header_is_missing(city, workdir):
    path = write_csv(workdir / "nohead.csv", [["a", "b"], ["1", "2"]])
    assert call("people", path) == 2


def test_dry_run_writes_nothing(city, workdir, capsys):
    path = write_csv(workdir / "ok.csv", [HEADER, ["张三", factories.make_id_number(), "越城机械有限公司"]])
    assert call("people", path, "--dry-run") == 0
    assert not Person.objects.filter(name="张三").exists()
    assert "仅校验" in capsys.readouterr().out


def test_as_username_applies_that_users_scope(city, personas, workdir):
    path = write_csv(workdir / "other.csv", [HEADER, ["张三", factories.make_id_number(), "柯桥纺织有限公司"]])
    assert call("people", path, "--as", "olga") == 1
    assert not Person.objects.filter(name="张三").exists()


def test_report_of_a_large_file_keeps_only_the_rows_with_errors(city, workdir, settings):
    settings.IMPORT_REPORT_FULL_MAX_ROWS = 2
    good = [factories.make_id_number() for _ in range(3)]
    rows = [HEADER, *[["张三", number, "越城机械有限公司"] for number in good], ["李四", "12345", "越城机械有限公司"]]
    path = write_csv(workdir / "big.csv", rows)
    assert call("people", path, "--report", workdir / "r.xlsx") == 1
    table = [[c.value for c in row] for row in load_workbook(workdir / "r.xlsx").active.iter_rows()]
    assert table[0] == [*HEADER, "错误说明", "原行号"]
    assert len(table) == 2 and table[1][0] == "李四" and table[1][-1] == 5


def test_a_write_that_fails_is_reported_without_a_traceback(city, workdir, capsys, monkeypatch, caplog):
    """Someone registers the same person between the check and the write: the command says
    so in one line and exits 2, and nothing from the file is written."""
    from gongjiang.imports import services
    from gongjiang.imports.entities import people as people_entity

    taken = factories.make_id_number()
    path = write_csv(workdir / "race.csv", [HEADER, ["张三", factories.make_id_number(), "越城机械有限公司"],
                                            ["李四", taken, "越城机械有限公司"]])
    original = people_entity.PeopleEntity.resolve

    def resolve_then_lose_the_race(self, batch, ctx):
        original(self, batch, ctx)
        factories.person("李四", id_number=taken)  # registered meanwhile by someone else

    monkeypatch.setattr(people_entity.PeopleEntity, "resolve", resolve_then_lose_the_race)
    monkeypatch.setattr(people_entity, "_existing_people", lambda hashes: {})  # after the write's look-up
    assert call("people", path) == 2
    output = capsys.readouterr()
    assert services.ERR_CONFLICT in output.out and "Traceback" not in output.out + output.err
    assert not any(record.exc_info for record in caplog.records)  # the log says it in one line too
    assert not Person.objects.filter(name="张三").exists() and Person.objects.filter(name="李四").count() == 1
