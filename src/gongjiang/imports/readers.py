"""Readers: a checked file in, numbered rows of raw cell values out.

* .xlsx and .xls are read with python-calamine (Rust; ~10× openpyxl). Calamine loads a whole
  sheet into memory, about 100 bytes a cell, so a sheet whose XML expands beyond
  ``IMPORT_STREAMING_SHEET_BYTES`` (64 MB, roughly 300,000 rows) is read instead by
  :class:`StreamingXlsxSheet`, which inflates the XML in chunks and keeps only the shared strings
  — constant memory for a million rows, at about half calamine's speed.
* .csv in UTF-8, UTF-8 with BOM, UTF-16 with BOM or GB18030 (GBK's superset), detected from the
  bytes; comma, tab or semicolon separated, detected from the first lines.

Rows come as ``(row_number, cells)``: the number is what Excel shows at the left (title rows
included), ``cells[0]`` is column A. Cells merged across rows carry the merged value in every
row they cover (a roster often merges the employer down a block of rows). Entirely empty rows
are skipped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import html
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gongjiang.imports.safety import CSV, XLS, XLSX, CheckedFile, UnusableFileError

ERR_UNREADABLE = _("文件无法读取：{detail}。请在 Excel 中打开后另存为 .xlsx 再上传。")
ERR_ENCODING = _("CSV 文件的文字编码无法识别（既不是 UTF-8 也不是 GB18030/GBK）。请在 Excel 中另存为“CSV UTF-8”或 .xlsx。")
ERR_NO_SHEET = _("工作簿中没有可见的工作表。")

Row = tuple[int, list[Any]]


@dataclass
class Table:
    """One sheet (or the CSV) being read."""

    sheet_name: str
    rows: Iterator[Row]
    estimated_rows: int = 0
    encoding: str = ""
    reader: str = ""
    other_sheets: list[str] = field(default_factory=list)


def streaming_threshold() -> int:
    return int(getattr(settings, "IMPORT_STREAMING_SHEET_BYTES", 64 * 1024 * 1024))


def _is_empty(cells: list[Any]) -> bool:
    for cell in cells:
        if cell is not None and cell != "" and not (isinstance(cell, str) and not cell.strip()):
            return False
    return True


# --- Merged cells -------------------------------------------------------------------------------
MergedRange = tuple[tuple[int, int], tuple[int, int]]  # ((row0, col0), (row1, col1)), 0-based


def _fill_merged(rows: Iterator[tuple[int, list[Any]]], merged: list[MergedRange]) -> Iterator[tuple[int, list[Any]]]:
    """Copy a merged block's value into every cell it covers, for blocks spanning rows.

    ``rows`` yields (0-based row index, cells). Blocks within one row (a heading spread across
    columns) are left alone: copying them would invent values in other columns.
    """
    starts: dict[int, list[MergedRange]] = {}
    for block in merged:
        (row0, _col0), (row1, _col1) = block
        if row1 > row0:
            starts.setdefault(row0, []).append(block)
    if not starts:
        yield from rows
        return
    active: list[tuple[int, int, int, Any]] = []  # (last row, col0, col1, value)
    for index, cells in rows:
        for (_row0, col0), (row1, col1) in starts.pop(index, ()):
            value = cells[col0] if col0 < len(cells) else None
            active.append((row1, col0, col1, value))
        if active:
            still = []
            for row1, col0, col1, value in active:
                if index > row1:
                    continue
                if len(cells) <= col1:
                    cells.extend([None] * (col1 + 1 - len(cells)))
                for col in range(col0, col1 + 1):
                    cells[col] = value
                still.append((row1, col0, col1, value))
            active = still
        yield index, cells


# --- Calamine ----------------------------------------------------------------------------------
def _calamine_rows(sheet: Any) -> Iterator[Row]:
    start = sheet.start or (0, 0)
    first_row, first_col = start
    pad = [None] * first_col

    def indexed() -> Iterator[tuple[int, list[Any]]]:
        for offset, cells in enumerate(sheet.iter_rows()):
            yield first_row + offset, (pad + list(cells)) if first_col else list(cells)

    for index, cells in _fill_merged(indexed(), list(sheet.merged_cell_ranges or [])):
        if not _is_empty(cells):
            yield index + 1, cells


def _open_calamine(path: Path, *, sheet_index: int | None) -> Table:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        visible = [
            meta.name
            for meta in workbook.sheets_metadata
            if meta.visible == python_calamine.SheetVisibleEnum.Visible
            and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        if not visible:
            raise UnusableFileError(ERR_NO_SHEET, "no_sheet")
        name = visible[sheet_index or 0]
        sheet = workbook.get_sheet_by_name(name)
    except UnusableFileError:
        raise
    except IndexError:
        raise UnusableFileError(ERR_NO_SHEET, "no_sheet") from None
    except Exception as exc:  # calamine's errors: corrupt, password-protected, unsupported
        raise UnusableFileError(str(ERR_UNREADABLE).format(detail=type(exc).__name__), "unreadable") from None
    return Table(
        sheet_name=name,
        rows=_calamine_rows(sheet),
        estimated_rows=max(sheet.height, 0),
        reader="calamine",
        other_sheets=[n for n in visible if n != name],
    )


# --- Streaming .xlsx ---------------------------------------------------------------------------
_NS = rb"(?:[\w.-]+:)?"
_ROW_RE = re.compile(rb"<" + _NS + rb"row\b([^>]*?)(?:/>|>(.*?)</" + _NS + rb"row>)", re.S)
_CELL_RE = re.compile(rb"<" + _NS + rb"c\b([^>]*?)(?:/>|>(.*?)</" + _NS + rb"c>)", re.S)
_ATTR_RE = re.compile(rb'([\w:]+)="([^"]*)"')
_V_RE = re.compile(rb"<" + _NS + rb"v>(.*?)</" + _NS + rb"v>", re.S)
_T_RE = re.compile(rb"<" + _NS + rb"t(?:\s[^>]*)?>(.*?)</" + _NS + rb"t>", re.S)
_RPH_RE = re.compile(rb"<" + _NS + rb"rPh\b.*?</" + _NS + rb"rPh>", re.S)
_SI_RE = re.compile(rb"<" + _NS + rb"si>(.*?)</" + _NS + rb"si>|<" + _NS + rb"si/>", re.S)
_MERGE_RE = re.compile(rb'<' + _NS + rb'mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DIMENSION_RE = re.compile(rb'<' + _NS + rb'dimension\s+ref="[A-Z]+\d+:?[A-Z]*(\d*)"')
_REL_RE = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)/?>")
_SHEET_RE = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)/?>")
_NUMFMT_RE = re.compile(rb'<(?:[\w.-]+:)?numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"')
_CELLXFS_RE = re.compile(rb"<(?:[\w.-]+:)?cellXfs\b[^>]*>(.*?)</(?:[\w.-]+:)?cellXfs>", re.S)
_XF_RE = re.compile(rb"<(?:[\w.-]+:)?xf\b([^>]*)")

_BUILTIN_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - spreadsheet values carry no zone


def _text(raw: bytes) -> str:
    value = raw.decode("utf-8")
    if "&" in value:
        value = html.unescape(value)
    if "_x" in value:
        value = _ESCAPE_RE.sub(lambda m: chr(int(m[1], 16)), value)
    return value


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


def _is_date_format(code: str) -> bool:
    cleaned = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
    return any(token in cleaned for token in ("y", "d", "h", "s")) or (
        "m" in cleaned and "0" not in cleaned
    )


class StreamingXlsxSheet:
    """A constant-memory reader of one worksheet of an .xlsx (for very large sheets)."""

    def __init__(self, path: Path, *, sheet_index: int | None = None) -> None:
        self.path = path
        self.archive = zipfile.ZipFile(path)
        names = {info.filename.lower(): info.filename for info in self.archive.infolist()}
        self._names = names
        sheets = self._sheets()
        if not sheets:
            raise UnusableFileError(ERR_NO_SHEET, "no_sheet")
        try:
            self.sheet_name, self.sheet_path = sheets[sheet_index or 0]
        except IndexError:
            raise UnusableFileError(ERR_NO_SHEET, "no_sheet") from None
        self.other_sheets = [name for name, _p in sheets if name != self.sheet_name]
        self.shared = self._shared_strings()
        self.date_styles = self._date_styles()
        self._column_cache: dict[bytes, int] = {}

    def _read(self, name: str) -> bytes:
        real = self._names.get(name.lower())
        return self.archive.read(real) if real else b""

    def _sheets(self) -> list[tuple[str, str]]:
        rels: dict[str, str] = {}
        for match in _REL_RE.finditer(self._read("xl/_rels/workbook.xml.rels")):
            attrs = dict(_ATTR_RE.findall(match[1]))
            target = attrs.get(b"Target", b"").decode()
            target = target.lstrip("/")
            if not target.startswith("xl/"):
                target = "xl/" + target
            rels[attrs.get(b"Id", b"").decode()] = target
        result = []
        for match in _SHEET_RE.finditer(self._read("xl/workbook.xml")):
            attrs = {key.split(b":")[-1]: value for key, value in _ATTR_RE.findall(match[1])}
            if attrs.get(b"state", b"visible") != b"visible":
                continue
            target = rels.get(attrs.get(b"id", b"").decode(), "")
            if target.lower() in self._names and "/worksheets/" in target.lower():
                result.append((_text(attrs.get(b"name", b"")), self._names[target.lower()]))
        return result

    def _shared_strings(self) -> list[str]:
        data = self._read("xl/sharedStrings.xml")
        strings = []
        for match in _SI_RE.finditer(data):
            body = match[1] or b""
            if b"<rPh" in body or b":rPh" in body:
                body = _RPH_RE.sub(b"", body)
            strings.append("".join(_text(t) for t in _T_RE.findall(body)))
        return strings

    def _date_styles(self) -> set[int]:
        data = self._read("xl/styles.xml")
        custom = {int(fid): _is_date_format(html.unescape(code.decode())) for fid, code in _NUMFMT_RE.findall(data)}
        found = _CELLXFS_RE.search(data)
        styles = set()
        if found:
            for index, xf in enumerate(_XF_RE.findall(found[1])):
                attrs = dict(_ATTR_RE.findall(xf))
                fmt = int(attrs.get(b"numFmtId", b"0") or 0)
                if fmt in _BUILTIN_DATE_FORMATS or custom.get(fmt, False):
                    styles.add(index)
        return styles

    def estimated_rows(self) -> int:
        with self.archive.open(self.sheet_path) as handle:
            head = handle.read(4096)
        found = _DIMENSION_RE.search(head)
        return int(found[1]) if found and found[1] else 0

    def merged_ranges(self) -> list[MergedRange]:
        ranges: list[MergedRange] = []
        tail = b""
        with self.archive.open(self.sheet_path) as handle:
            while chunk := handle.read(1 << 22):
                data = tail + chunk
                if b"mergeCell" in data:
                    for col0, row0, col1, row1 in _MERGE_RE.findall(data):
                        ranges.append(
                            ((int(row0) - 1, _column_index(col0)), (int(row1) - 1, _column_index(col1)))
                        )
                tail = data[-200:] if b"mergeCell" not in data[-200:] else b""
        return ranges

    def _typed(self, kind: bytes, style: int, raw: bytes) -> Any:
        if kind == b"s":
            try:
                return self.shared[int(raw)]
            except (ValueError, IndexError):
                return None
        if kind in (b"str", b"d"):
            return _text(raw)
        if kind == b"b":
            return raw.strip() == b"1"
        if kind == b"e":
            return None
        try:
            number = float(raw)
        except ValueError:
            return _text(raw)
        if style in self.date_styles and 0 <= number < 2958466:
            moment = _EXCEL_EPOCH + dt.timedelta(days=number)
            return moment.date() if number.is_integer() else moment
        return number

    def _value(self, attrs: bytes, body: bytes | None) -> Any:
        """A cell's value from its attributes and inner XML (the general, regex path)."""
        if not body:
            return None
        kind = b"n"
        style = 0
        for key, value in _ATTR_RE.findall(attrs):
            if key == b"t":
                kind = value
            elif key == b"s":
                style = int(value or 0)
        if kind == b"inlineStr":
            return "".join(_text(t) for t in _T_RE.findall(body)) or None
        found = _V_RE.search(body)
        if found is None:
            return None
        return self._typed(kind, style, found[1])

    def _cells_fast(self, body: bytes) -> list[Any]:
        """The cells of one row of un-prefixed SpreadsheetML, with bytes.find instead of regexes.

        This is the shape Excel, WPS and openpyxl write; it runs ~4× faster than the regex path.
        """
        cells: list[Any] = []
        columns = self._column_cache
        for piece in body.split(b"<c ")[1:]:
            head, _sep, rest = piece.partition(b">")
            at = head.find(b'r="')
            if at >= 0:
                ref = head[at + 3 : head.find(b'"', at + 3)]
                col = columns.get(ref)
                if col is None:
                    col = columns[ref] = _column_index(ref.rstrip(b"0123456789"))
                    if len(columns) > 100_000:
                        columns.clear()
            else:
                col = len(cells)
            if head[-1:] == b"/":
                continue
            kind = b"n"
            at = head.find(b't="')
            if at >= 0:
                kind = head[at + 3 : head.find(b'"', at + 3)]
            style = 0
            at = head.find(b's="')
            if at >= 0:
                style = int(head[at + 3 : head.find(b'"', at + 3)] or 0)
            if kind == b"inlineStr":
                start = rest.find(b"<t>")
                if start >= 0 and b"<r>" not in rest:
                    value: Any = _text(rest[start + 3 : rest.find(b"</t>", start)]) or None
                else:
                    value = "".join(_text(t) for t in _T_RE.findall(rest)) or None
            else:
                start = rest.find(b"<v>")
                if start < 0:
                    continue
                value = self._typed(kind, style, rest[start + 3 : rest.find(b"</v>", start)])
            if col >= len(cells):
                cells.extend([None] * (col + 1 - len(cells)))
            cells[col] = value
        return cells

    def _indexed(self) -> Iterator[tuple[int, list[Any]]]:
        with self.archive.open(self.sheet_path) as handle:
            head = handle.read(1 << 16)
            prefixed = re.search(rb"<[\w.-]+:(?:row|sheetData)\b", head) is not None
        if prefixed:
            yield from self._indexed_regex()
        else:
            yield from self._indexed_fast()

    def _indexed_fast(self) -> Iterator[tuple[int, list[Any]]]:
        """Rows of un-prefixed XML: split on ``</row>`` (C speed) instead of a lazy regex."""
        buffer = b""
        next_row = 0
        with self.archive.open(self.sheet_path) as handle:
            while True:
                chunk = handle.read(1 << 22)
                buffer += chunk
                pieces = buffer.split(b"</row>")
                buffer = pieces.pop() if chunk else b""
                for piece in pieces:
                    starts = piece.split(b"<row")
                    # Anything before the first "<row" is sheet preamble; all starts but the
                    # last are self-closing (empty) rows.
                    for part_index, part in enumerate(starts[1:], start=1):
                        attrs, _sep, body = part.partition(b">")
                        number = next_row
                        at = attrs.find(b'r="')
                        if at >= 0:
                            number = int(attrs[at + 3 : attrs.find(b'"', at + 3)]) - 1
                        next_row = number + 1
                        if part_index < len(starts) - 1 or attrs.endswith(b"/"):
                            continue
                        yield number, self._cells_fast(body) if body else []
                if not chunk:
                    break

    def _indexed_regex(self) -> Iterator[tuple[int, list[Any]]]:
        """Rows of namespace-prefixed XML (some .NET and Java writers): the general path."""
        buffer = b""
        next_row = 0
        with self.archive.open(self.sheet_path) as handle:
            while True:
                chunk = handle.read(1 << 22)
                buffer += chunk
                last = 0
                for match in _ROW_RE.finditer(buffer):
                    last = match.end()
                    attrs, body = match[1], match[2]
                    number = next_row
                    at = attrs.find(b'r="')
                    if at >= 0:
                        number = int(attrs[at + 3 : attrs.find(b'"', at + 3)]) - 1
                    next_row = number + 1
                    cells: list[Any] = []
                    for cell_attrs, cell_body in _CELL_RE.findall(body or b""):
                        ref = re.match(rb'.*?\br="([A-Z]+)\d+"', cell_attrs)
                        col = _column_index(ref[1]) if ref else len(cells)
                        if col >= len(cells):
                            cells.extend([None] * (col + 1 - len(cells)))
                        cells[col] = self._value(cell_attrs, cell_body)
                    yield number, cells
                buffer = buffer[last:]
                if not chunk:
                    break

    def rows(self) -> Iterator[Row]:
        try:
            for index, cells in _fill_merged(self._indexed(), self.merged_ranges()):
                if not _is_empty(cells):
                    yield index + 1, cells
        except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError, ValueError) as exc:
            raise UnusableFileError(str(ERR_UNREADABLE).format(detail=type(exc).__name__), "unreadable") from None
        finally:
            self.archive.close()


def _sheet_size(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        sizes = [i.file_size for i in archive.infolist() if i.filename.lower().startswith("xl/worksheets/")]
    return max(sizes, default=0)


# --- CSV ---------------------------------------------------------------------------------------
def detect_encoding(path: Path) -> str:
    """utf-8-sig / utf-16 by BOM; else utf-8 if every byte decodes as UTF-8; else gb18030."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


def _sniff_delimiter(sample: str) -> str:
    lines = sample.splitlines()[:20]
    counts = {delimiter: sum(line.count(delimiter) for line in lines) for delimiter in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(path: Path, encoding: str) -> Iterator[Row]:
    try:
        with path.open("r", encoding=encoding, newline="", errors="strict") as handle:
            sample = handle.read(64 * 1024)
            handle.seek(0)
            delimiter = _sniff_delimiter(sample)
            for number, record in enumerate(csv.reader(handle, delimiter=delimiter), start=1):
                cells: list[Any] = [value if value != "" else None for value in record]
                if not _is_empty(cells):
                    yield number, cells
    except UnicodeDecodeError:
        raise UnusableFileError(ERR_ENCODING, "encoding") from None
    except csv.Error as exc:
        raise UnusableFileError(str(ERR_UNREADABLE).format(detail=str(exc)[:80]), "unreadable") from None


def _estimate_csv_rows(path: Path, encoding: str, size: int) -> int:
    with path.open("rb") as handle:
        sample = handle.read(64 * 1024)
    lines = sample.count(b"\n")
    if not lines:
        return 1
    if len(sample) < 64 * 1024:
        return lines + (0 if sample.endswith(b"\n") else 1)
    return int(size / (len(sample) / lines))


# --- Entry point ---------------------------------------------------------------------------------
def open_table(checked: CheckedFile, *, sheet_index: int | None = None) -> Table:
    """Open the first visible worksheet (or ``sheet_index``) of a checked file."""
    path = checked.path
    if checked.kind == CSV:
        encoding = detect_encoding(path)
        try:
            codecs.lookup(encoding)
        except LookupError:  # pragma: no cover - the names above are all built in
            raise UnusableFileError(ERR_ENCODING, "encoding") from None
        return Table(
            sheet_name="",
            rows=_csv_rows(path, encoding),
            estimated_rows=_estimate_csv_rows(path, encoding, checked.size),
            encoding=encoding,
            reader="csv",
        )
    if checked.kind == XLSX and _sheet_size(path) > streaming_threshold():
        try:
            sheet = StreamingXlsxSheet(path, sheet_index=sheet_index)
        except UnusableFileError:
            raise
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise UnusableFileError(str(ERR_UNREADABLE).format(detail=type(exc).__name__), "unreadable") from None
        return Table(
            sheet_name=sheet.sheet_name,
            rows=sheet.rows(),
            estimated_rows=sheet.estimated_rows(),
            reader="streaming",
            other_sheets=sheet.other_sheets,
        )
    if checked.kind in (XLSX, XLS):
        return _open_calamine(path, sheet_index=sheet_index)
    raise UnusableFileError(str(ERR_UNREADABLE).format(detail=checked.kind), "unreadable")  # pragma: no cover


def read_all(checked: CheckedFile, *, sheet_index: int | None = None) -> list[Row]:
    """Every row of a small file (tests, templates, the error report of small files)."""
    return list(open_table(checked, sheet_index=sheet_index).rows)

