"""Generate people rosters for the import benchmark: .xlsx (shared strings, as Excel writes
them) and .csv, with valid, distinct resident ID numbers.

    python bench/imports/generate.py 100000 /tmp/people-100k.xlsx --credit-code 91330602...

The .xlsx is written as raw SpreadsheetML through zipfile (openpyxl would take ~2 minutes for a
million rows); calamine, openpyxl and the streaming reader all read it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

HEADER = ["姓名", "身份证号码", "手机号码", "学历", "工作单位", "岗位", "入职日期"]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰凤春梅海波宇浩"
EDUCATION = ["初中及以下", "高中", "中专/职高", "技工学校", "大专/高职", "本科"]
POSTS = ["车工", "钳工", "焊工", "电工", "数控车工", "装配工", "质检员", "班组长"]
REGIONS = ["330602", "330603", "330604", "330624", "330681", "330683"]


def id_number(index: int) -> str:
    """A distinct valid resident ID for each index (up to ~33 million)."""
    region = REGIONS[index % len(REGIONS)]
    serial = index // len(REGIONS)
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=serial // 500 % 16000)
    sequence = serial % 500 * 2 + (index % 2)
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def people_rows(count: int, employer: str) -> Iterator[list[str]]:
    for index in range(count):
        name = SURNAMES[index % len(SURNAMES)] + GIVEN[index // 7 % len(GIVEN)] + GIVEN[index // 13 % len(GIVEN)]
        yield [
            name,
            id_number(index),
            f"13{index % 10}{index:08d}"[:11],
            EDUCATION[index % len(EDUCATION)],
            employer,
            POSTS[index % len(POSTS)],
            f"{2010 + index % 14}-{index % 12 + 1:02d}-{index % 28 + 1:02d}",
        ]


def _col(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def write_xlsx(path: Path, rows: Iterator[list[str]], header: list[str] = HEADER) -> None:
    strings: dict[str, int] = {}

    def sid(value: str) -> int:
        found = strings.get(value)
        if found is None:
            found = strings[value] = len(strings)
        return found

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            buffer: list[str] = []
            for number, row in enumerate([header, *rows] if isinstance(rows, list) else _chain(header, rows), start=1):
                cells = "".join(f'<c r="{_col(i)}{number}" t="s"><v>{sid(v)}</v></c>' for i, v in enumerate(row))
                buffer.append(f'<row r="{number}">{cells}</row>')
                if len(buffer) >= 5000:
                    sheet.write("".join(buffer).encode())
                    buffer = []
            sheet.write("".join(buffer).encode())
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
            shared.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                f'spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'.encode()
            )
            chunk: list[str] = []
            for value in strings:
                chunk.append(f"<si><t>{escape(value)}</t></si>")
                if len(chunk) >= 10000:
                    shared.write("".join(chunk).encode())
                    chunk = []
            shared.write("".join(chunk).encode() + b"</sst>")
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main'
            '+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.'
            'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>'))


def _chain(header: list[str], rows: Iterator[list[str]]) -> Iterator[list[str]]:
    yield header
    yield from rows


def write_csv(path: Path, rows: Iterator[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        handle.write(",".join(header) + "\r\n")
        for row in rows:
            handle.write(",".join(row) + "\r\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rows", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--employer", default="越城机械有限公司", help="employer name or credit code in every row")
    args = parser.parse_args()
    rows = people_rows(args.rows, args.employer)
    if args.output.suffix == ".csv":
        write_csv(args.output, rows)
    else:
        write_xlsx(args.output, rows)


if __name__ == "__main__":
    main()
