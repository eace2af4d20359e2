import datetime as dt
import io
import re
import zipfile

import pytest

from gongjiang.imports import readers, safety
from tests.imports.conftest import write_csv, write_xlsx

ROWS = [
    ["2024 年花名册"],
    [],
    ["姓名", "身份证号码", "入职日期", "工作单位", "人数"],
    ["张 三", "33060219900517001X", dt.date(2023, 10, 12), "越城机械", 3],
    ["李四", 330602199005170000.0, "2023年10月12日", None, 2.5],
    ["王五", "'330602199005170029", 45211, None, True],
]


def read(path, settings, *, streaming):
    """Rows as the pipeline sees them: an empty cell is "" (calamine) or None (streaming)."""
    settings.IMPORT_STREAMING_SHEET_BYTES = 0 if streaming else 1 << 40
    table = readers.open_table(safety.check_file(path, limit_size=False))
    assert table.reader == ("streaming" if streaming else "calamine")
    rows = []
    for number, cells in table.rows:
        cells = [None if cell == "" else cell for cell in cells]
        while cells and cells[-1] is None:
            cells.pop()
        rows.append((number, cells))
    return rows


def test_streaming_reader_reads_what_calamine_reads(tmp_path, settings):
    path = write_xlsx(tmp_path / "r.xlsx", ROWS, merges=["A1:E1", "D4:D6"])
    calamine = read(path, settings, streaming=False)
    streaming = read(path, settings, streaming=True)
    assert streaming == calamine
    assert [number for number, _cells in calamine] == [1, 3, 4, 5, 6]
    assert calamine[2][1][2] == dt.date(2023, 10, 12) and calamine[3][1][1] == 330602199005170000.0
    assert [cells[3] for _n, cells in calamine[2:]] == ["越城机械"] * 3  # merged down


def test_streaming_reader_handles_namespace_prefixed_xml(tmp_path, settings):
    source = write_xlsx(tmp_path / "r.xlsx", ROWS[2:4])
    prefixed = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(prefixed, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                text = re.sub(r"<(/?)(worksheet|sheetData|row|c|v|is|t|dimension|sheetViews|sheetView|"
                              r"selection|sheetFormatPr|pageMargins)\b", r"<\1x:\2", text)
                text = text.replace('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                                    'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
                data = text.encode()
            new.writestr(item, data)
    rows = read(prefixed, settings, streaming=True)
    assert rows == read(source, settings, streaming=False)


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                    ("gb18030", "gb18030"), ("utf-16", "utf-16")])
def test_csv_encoding_detection(tmp_path, encoding, expected):
    path = write_csv(tmp_path / "x.csv", [["姓名", "单位"], ["欧阳娜", "越城机械"]], encoding=encoding)
    assert readers.detect_encoding(path) == expected


def test_empty_rows_are_skipped_and_numbered_as_in_excel(tmp_path):
    path = write_csv(tmp_path / "x.csv", [["标题"], ["", ""], ["姓名", "单位"], ["张三", "越城"]])
    rows = readers.read_all(safety.check_file(path))
    assert [number for number, _ in rows] == [1, 3, 4]


def test_a_truncated_workbook_is_unusable(tmp_path, settings):
    path = write_xlsx(tmp_path / "r.xlsx", ROWS)
    data = path.read_bytes()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(safety.UnusableFileError):
        readers.read_all(safety.check_file(broken, limit_size=False))
    assert io.BytesIO(data).read(4) == safety.ZIP_MAGIC
