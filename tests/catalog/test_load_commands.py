"""The load_regions / load_occupations / load_industries commands, with good and bad files."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gongjiang.catalog import rules, services, tables
from gongjiang.catalog.models import Industry, Occupation, Region, WorkType
from gongjiang.core.models import AuditEntry


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(tmp_path, name: str, rows: list[list[object]]):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def run(*args):
    call_command(*args)


def snapshot():
    return (
        sorted(Region.objects.values_list("code", "name", "parent_id")),
        sorted(Occupation.objects.values_list("code", "name", "is_verified")),
        sorted(Industry.objects.values_list("code", "name", "parent_id")),
        WorkType.objects.count(),
    )


# --- load_regions -------------------------------------------------------------------------------


def test_loads_regions_inferring_parents_from_codes(db, tmp_path, capsys):
    # given: a prefecture and counties, one under a municipality without a prefecture row
    path = write(tmp_path, "regions.csv", "code,name\n330700,金华市\n330702,婺城区\n110101,东城区\n")
    # when
    run("load_regions", str(path))
    # then
    assert Region.objects.get(code="330700").parent_id == "330000"
    assert Region.objects.get(code="330702").parent_id == "330700"
    assert Region.objects.get(code="330702").level == Region.Level.COUNTY
    assert Region.objects.get(code="110101").parent_id == "110000"
    assert "新增 3" in capsys.readouterr().out
    entry = AuditEntry.objects.get(action="catalog.regions.loaded")
    assert sorted(entry.changes["created"]) == ["110101", "330700", "330702"]


def test_reloading_the_same_regions_changes_nothing(db, tmp_path, capsys):
    path = write(tmp_path, "regions.csv", "code,name,parent\n330700,金华市,330000\n330702,婺城区,\n")
    run("load_regions", str(path))
    before = snapshot()
    run("load_regions", str(path))
    assert snapshot() == before
    assert "新增 0，更新 0，未变 2" in capsys.readouterr().out


def test_renames_an_existing_region(db, tmp_path):
    path = write(tmp_path, "regions.csv", "代码,名称\n330602,越城区（新）\n")
    run("load_regions", str(path))
    assert Region.objects.get(code="330602").name == "越城区（新）"


def test_bad_region_rows_are_reported_by_row_and_column_and_nothing_is_written(db, tmp_path, capsys):
    # given
    path = write(
        tmp_path, "regions.csv",
        "code,name,parent\n"
        "330700,金华市,\n"        # row 2: fine
        "33070,短码,\n"           # row 3: bad code
        "990100,无省,\n"          # row 4: unknown province
        "330703,,\n"              # row 5: no name
        "330704,金东区,330600\n"  # row 6: parent that is not an ancestor
        "330700,金华,\n"          # row 7: duplicate
        "340102,瑶海区,340100\n", # row 8: parent missing everywhere
    )
    before = snapshot()
    # when
    with pytest.raises(CommandError) as err:
        run("load_regions", str(path))
    # then
    assert err.value.returncode == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        str(services.RowError(3, "code（行政区划代码）", str(rules.ERR_REGION_CODE))),
        str(services.RowError(4, "code（行政区划代码）", rules.ERR_REGION_PROVINCE.format(prefix="99"))),
        str(services.RowError(5, "name（名称）", services.ERR_REQUIRED)),
        str(services.RowError(6, "parent（上级代码）", rules.ERR_REGION_PARENT_NOT_ANCESTOR.format(parent="330600", code="330704"))),
        str(services.RowError(7, "code（行政区划代码）", services.ERR_DUPLICATE_ROW.format(code="330700", row=2))),
        str(services.RowError(8, "parent（上级代码）", services.ERR_PARENT_MISSING.format(parent="340100"))),
    ]
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="catalog.regions.loaded").exists()


def test_row_error_names_the_header_as_written(db, tmp_path, capsys):
    path = write(tmp_path, "regions.csv", "区划代码,名称\n12345,某地\n")
    with pytest.raises(CommandError):
        run("load_regions", str(path))
    assert capsys.readouterr().err.startswith("第 2 行，“区划代码（行政区划代码）”列：")


def test_region_without_any_ancestor_is_refused(db, tmp_path, capsys):
    # given: no Shandong rows at all (one statement; the self-reference is checked at commit)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_region WHERE code LIKE '37%%'")
    path = write(tmp_path, "regions.csv", "code,name\n370100,济南市\n")
    with pytest.raises(CommandError) as err:
        run("load_regions", str(path))
    assert err.value.returncode == 1
    assert services.ERR_NO_ANCESTOR.format(code="370100", tried="370000") in capsys.readouterr().err


def test_dry_run_checks_but_writes_nothing(db, tmp_path, capsys):
    path = write(tmp_path, "regions.csv", "code,name\n330700,金华市\n")
    run("load_regions", str(path), "--dry-run")
    assert not Region.objects.filter(code="330700").exists()
    assert "试运行" in capsys.readouterr().out
    assert not AuditEntry.objects.filter(action="catalog.regions.loaded").exists()


def test_dry_run_still_reports_row_errors(db, tmp_path):
    path = write(tmp_path, "regions.csv", "code,name\nabc,金华市\n")
    with pytest.raises(CommandError) as err:
        run("load_regions", str(path), "--dry-run")
    assert err.value.returncode == 1


def test_gbk_csv_from_chinese_excel_is_read(db, tmp_path):
    path = write(tmp_path, "regions.csv", "代码,名称\r\n330700,金华市\r\n", encoding="gb18030")
    run("load_regions", str(path))
    assert Region.objects.get(code="330700").name == "金华市"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("regions.csv", "name\n金华市\n", tables.ERR_FILE_MISSING_COLUMNS.split("：")[0]),
        ("regions.csv", "", tables.ERR_FILE_EMPTY),
        ("regions.csv", "code,name\n", tables.ERR_FILE_NO_ROWS),
        ("regions.pdf", "code,name\n330700,金华市\n", "不支持的文件类型"),
        ("regions.xlsx", "this is not a workbook", "无法读取文件"),
        ("regions.csv", "code,code,name\n1,2,3\n", "出现了两次"),
    ],
)
def test_unusable_file_exits_with_2(db, tmp_path, name, content, message):
    path = write(tmp_path, name, content)
    before = snapshot()
    with pytest.raises(CommandError) as err:
        run("load_regions", str(path))
    assert err.value.returncode == 2
    assert message in str(err.value)
    assert snapshot() == before


def test_missing_file_exits_with_2(db, tmp_path):
    with pytest.raises(CommandError) as err:
        run("load_regions", str(tmp_path / "nowhere.csv"))
    assert err.value.returncode == 2


def test_refusals_are_given_in_the_users_language(db, tmp_path, capsys):
    from django.utils import translation

    twice = write(tmp_path, "regions.csv", "code,code,name\n1,2,3\n")
    unnamed = write(tmp_path, "counties.csv", "code,name\n330700,金华市\n330703,\n")
    with translation.override("en"), pytest.raises(CommandError) as err:
        run("load_regions", str(twice))
    assert str(err.value) == 'The column "code" appears twice in the header.'
    with translation.override("en"), pytest.raises(CommandError) as err:
        run("load_regions", str(unnamed))
    assert str(err.value) == "Errors found in the file: 1. No data was written."
    assert capsys.readouterr().err.strip().endswith(": Cannot be empty.")
    with translation.override("zh-hans"), pytest.raises(CommandError) as err:
        run("load_regions", str(twice))
    assert str(err.value) == "表头中“code”列出现了两次。"


def test_regions_from_excel_with_numeric_codes(db, tmp_path):
    path = write_xlsx(tmp_path, "regions.xlsx", [["代码", "名称", "上级"], [330700, "金华市", None], [330702, "婺城区", 330700]])
    run("load_regions", str(path))
    assert Region.objects.get(code="330702").parent_id == "330700"


# --- load_occupations ---------------------------------------------------------------------------


def test_loads_occupations_with_levels_and_work_types(db, tmp_path):
    path = write(
        tmp_path, "occupations.csv",
        "code,name,levels,work_types,verified,source\n"
        "6-18-01-02,铣工,五级/四级/三级/二级/一级,普通铣工、数控铣工,否,\n"
        "6-18-01-01,车工,\"5,4,3,2,1\",仪表车工;数控车工,是,车工国家职业技能标准\n",
    )
    run("load_occupations", str(path))
    milling = Occupation.objects.get(code="6-18-01-02")
    assert milling.national_grades == [5, 4, 3, 2, 1] and not milling.is_verified
    assert set(milling.work_types.values_list("name", flat=True)) == {"普通铣工", "数控铣工"}
    lathe = Occupation.objects.get(code="6-18-01-01")
    # existing work types are kept, new ones added, none doubled
    assert sorted(lathe.work_types.values_list("name", flat=True)) == sorted(["普通车工", "数控车工", "仪表车工"])
    assert lathe.source == "车工国家职业技能标准"


def test_occupations_from_excel(db, tmp_path):
    path = write_xlsx(
        tmp_path, "occupations.xlsx",
        [["职业编码", "职业名称", "等级", "工种", "已核实", "来源"],
         ["6-31-01-99", "试验工", "四级-一级", None, "否", None]],
    )
    run("load_occupations", str(path))
    assert Occupation.objects.get(code="6-31-01-99").national_grades == [4, 3, 2, 1]


def test_bad_occupation_rows_are_reported_and_nothing_is_written(db, tmp_path, capsys):
    path = write(
        tmp_path, "occupations.csv",
        "code,name,levels,work_types,verified,source\n"
        "6-18-1-01,铣工,5,,否,\n"           # row 2: bad code
        "6-18-01-02,铣工,六级,,否,\n"       # row 3: bad level
        "6-18-01-03,刨插工,5,,也许,\n"      # row 4: bad boolean
        "6-18-01-04,磨工,5,,是,\n"          # row 5: verified without source
        "6-18-01-04,磨工,5,,否,\n",         # row 6: duplicate
    )
    before = snapshot()
    with pytest.raises(CommandError) as err:
        run("load_occupations", str(path))
    assert err.value.returncode == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        str(services.RowError(2, "code（职业编码）", str(rules.ERR_OCCUPATION_CODE))),
        str(services.RowError(3, "levels（等级）", rules.ERR_LEVELS.format(token="六级"))),
        str(services.RowError(4, "verified（已核实）", rules.ERR_BOOLEAN.format(value="也许"))),
        str(services.RowError(5, "source（来源）", services.ERR_VERIFIED_NEEDS_SOURCE)),
        str(services.RowError(6, "code（职业编码）", services.ERR_DUPLICATE_ROW.format(code="6-18-01-04", row=5))),
    ]
    assert snapshot() == before


def test_occupation_dry_run_writes_nothing(db, tmp_path, capsys):
    path = write(tmp_path, "o.csv", "code,name,levels\n6-18-01-02,铣工,5\n")
    run("load_occupations", str(path), "--dry-run")
    assert not Occupation.objects.filter(code="6-18-01-02").exists()
    assert "新增 1" in capsys.readouterr().out


def test_occupation_file_without_name_column_is_unusable(db, tmp_path):
    path = write(tmp_path, "o.csv", "code,levels\n6-18-01-02,5\n")
    with pytest.raises(CommandError) as err:
        run("load_occupations", str(path))
    assert err.value.returncode == 2


# --- load_industries ----------------------------------------------------------------------------


def test_loads_industries_with_parents_from_codes(db, tmp_path):
    path = write(tmp_path, "i.csv", "code,name\n171,棉纺织及印染精加工\n1711,棉纺纱加工\n34,通用设备制造业\n")
    run("load_industries", str(path))
    assert Industry.objects.get(code="171").parent_id == "17"
    assert Industry.objects.get(code="1711").parent_id == "171"
    assert Industry.objects.get(code="34").parent_id == "C"


def test_bad_industry_rows_are_reported_and_nothing_is_written(db, tmp_path, capsys):
    path = write(
        tmp_path, "i.csv",
        "code,name,parent\n"
        "U,未知门类,\n"        # row 2: bad code
        "98,不存在,\n"         # row 3: no section holds 98
        "171,棉纺织,C\n"       # row 4: wrong parent
        "C,制造业,A\n"         # row 5: section with a parent
        "9211,某小类,\n",      # row 6: parent 921 missing
    )
    before = snapshot()
    with pytest.raises(CommandError) as err:
        run("load_industries", str(path))
    assert err.value.returncode == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        str(services.RowError(2, "code（行业代码）", str(rules.ERR_INDUSTRY_CODE))),
        str(services.RowError(3, "code（行业代码）", rules.ERR_INDUSTRY_DIVISION.format(code="98"))),
        str(services.RowError(4, "parent（上级代码）", services.ERR_INDUSTRY_PARENT_MISMATCH.format(expected="17", parent="C"))),
        str(services.RowError(5, "parent（上级代码）", services.ERR_INDUSTRY_PARENT_FOR_SECTION)),
        str(services.RowError(6, "parent（上级代码）", services.ERR_PARENT_MISSING.format(parent="921"))),
    ]
    assert snapshot() == before


def test_shipped_files_load_cleanly_and_change_nothing(db, tmp_path, capsys):
    # The files the migration loads are valid input for the commands, and already loaded.
    from pathlib import Path

    data = Path(services.__file__).parent / "data"
    before = snapshot()
    for command, name in [("load_regions", "regions.csv"), ("load_industries", "industries.csv"),
                          ("load_occupations", "occupations.csv")]:
        run(command, str(data / name))
    assert snapshot() == before
    out = capsys.readouterr().out
    assert out.count("新增 0，更新 0") == 3
