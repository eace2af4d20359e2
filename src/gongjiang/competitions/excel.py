"""Excel for competitions (openpyxl): exports of entries, score sheets and results, the marking
template a judge fills in, and readers for bulk marks and theory scores.

Exports are written with ``write_only`` workbooks; uploads are read with ``read_only`` and
checked completely before anything is saved (STYLE.md §26–27): a problem is reported as
“第 N 行，“列名”列：原因” and nothing is written.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from gongjiang.competitions import selectors
from gongjiang.competitions.models import Aspect, Entry, EventRound, Judge
from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.rules import normalize_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20_000

ERR_UNREADABLE = "文件无法读取，请上传 .xlsx 格式的表格（可先下载模板）。"
ERR_HEADER = "表格第一行须为表头，且包含“{column}”列。"
ERR_ROW = "第 {row} 行，“{column}”列：{problem}"
ERR_UNKNOWN_NUMBER = "参赛编号 {number} 不在本轮。"
ERR_DUPLICATE_NUMBER = "参赛编号 {number} 与第 {row} 行重复。"
ERR_NOT_NUMBER = "“{value}”不是数字。"
ERR_NO_ROWS = "表格中没有数据行。"
ERR_TOO_MANY = "表格超过 {limit} 行，请分批上传。"

# Column names the readers look for; fixed Chinese (not translated) so a file filled in under one
# interface language reads under another.
COL_NUMBER = "参赛编号"
COL_THEORY = "理论成绩"
COL_TIME = "完成用时（秒）"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


def _header(sheet: Any, titles: Sequence[str]) -> None:
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    sheet.append(cells)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def entry_names(entry: Entry) -> str:
    return "、".join(m.person.name for m in entry.members.all())


# =================================================================================================
# Exports
# =================================================================================================


def entries_workbook(entries: Iterable[Entry]) -> bytes:
    """The entry list (报名表) as the user may see it; ID numbers masked."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("报名表"))
    _header(sheet, [_("赛项编号"), _("赛项"), _("阶段"), _("参赛编号"), _("赛区"), _("代表队"), _("队名"), _("选手"),
                    _("证件号码"), _("状态")])
    for entry in entries:
        sheet.append([
            entry.event.code, entry.event.name, entry.round.stage.name, entry.number, entry.heat,
            entry.delegation.name, entry.team_name, entry_names(entry),
            "、".join(m.person.id_number_masked for m in entry.members.all()), entry.get_status_display(),
        ])
    return _save(workbook)


def score_sheet_workbook(event_round: EventRound) -> bytes:
    """Every mark of a round: one row per entry and aspect, one column per judge, the converted
    mark and whether the judges disagree (评分明细)."""
    judges = list(Judge.objects.filter(event=event_round.event).order_by("-is_chief", "name"))
    rows = selectors.round_marks(event_round, statuses=("draft", "submitted", "locked"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("评分明细"))
    _header(sheet, [_("参赛编号"), _("赛区"), _("模块"), _("评分项编号"), _("评分项"), _("类型"), _("分值"),
                    *[judge.name for judge in judges], _("得分"), _("须复议")])
    for row in rows:
        for aspect_marks in row.aspects:
            aspect = aspect_marks.aspect
            sheet.append([
                row.entry.number, row.entry.heat, aspect.section.name, aspect.code, aspect.description,
                aspect.get_kind_display(), float(aspect.max_mark),
                *[_number(aspect_marks.values.get(judge.pk)) for judge in judges],
                float(aspect_marks.mark), _("是") if aspect_marks.disagrees and not aspect_marks.moderated else "",
            ])
    summary = workbook.create_sheet(_("汇总"))
    _header(summary, [_("参赛编号"), _("实操得分"), _("理论成绩"), _("完成用时（秒）"), _("未评分项")])
    for row in rows:
        summary.append([row.entry.number, float(row.practical_marks), _number(row.entry.theory_score),
                        row.entry.completion_seconds, "、".join(a.code for a in row.missing)])
    return _save(workbook)


def results_workbook(event_round: EventRound, *, with_names: bool) -> bytes:
    """A round's results (成绩表): full names for staff, masked for the public."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("成绩"))
    _header(sheet, [_("名次"), _("参赛编号"), _("赛区"), _("选手"), _("代表队"), _("理论成绩"), _("实操成绩"),
                    _("总成绩"), _("700 分制"), _("奖项"), _("晋级")])
    if with_names:
        entries = (
            Entry.objects.filter(round=event_round, status__in=Entry.ACTIVE).select_related("delegation")
            .prefetch_related("members__person").order_by("heat", "position", "number")
        )
        for entry in entries:
            sheet.append([entry.position, entry.number, entry.heat, entry_names(entry), entry.delegation.name,
                          _number(entry.theory_score), _number(entry.practical_score), _number(entry.total_score),
                          _number(entry.scale_score), entry.get_medal_display(), _("是") if entry.is_advancing else ""])
    else:
        for result in selectors.public_results(event_round):
            sheet.append([result.position, result.number, result.heat, result.names, result.delegation,
                          _number(result.theory), _number(result.practical), _number(result.total),
                          _number(result.scale), result.medal_label, _("是") if result.advancing else ""])
    return _save(workbook)


def marks_template(event_round: EventRound, judge: Judge | None = None) -> bytes:
    """The bulk marking template: one row per entry the judge may mark, one column per aspect
    (its code), plus a second sheet explaining the aspects and the 0–3 descriptors."""
    aspects = selectors.aspects_of(event_round.event)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("评分"))
    _header(sheet, [COL_NUMBER, *[aspect.code for aspect in aspects]])
    entries = Entry.objects.filter(round=event_round, status__in=Entry.ACTIVE).prefetch_related(
        "members__person"
    ).select_related("delegation").order_by("number")
    for entry in entries:
        if judge is not None and selectors.judge_conflicts_with(judge, entry):
            continue
        sheet.append([entry.number])
    guide = workbook.create_sheet(_("评分项说明"))
    _header(guide, [_("评分项编号"), _("模块"), _("评分项"), _("类型"), _("分值"), _("0 分"), _("1 分"), _("2 分"),
                    _("3 分")])
    for aspect in aspects:
        descriptors = list(aspect.descriptors) + [""] * (4 - len(aspect.descriptors))
        guide.append([aspect.code, aspect.section.name, aspect.description, aspect.get_kind_display(),
                      float(aspect.max_mark), *descriptors[:4]])
    return _save(workbook)


def theory_template(event_round: EventRound) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("理论成绩"))
    _header(sheet, [COL_NUMBER, COL_THEORY, COL_TIME])
    for number in Entry.objects.filter(round=event_round, status__in=Entry.ACTIVE).order_by("number").values_list(
        "number", flat=True
    ):
        sheet.append([number])
    return _save(workbook)


def export_filename(stem: str) -> str:
    return f"{stem}_{timezone.localtime():%Y%m%d-%H%M}.xlsx"


# =================================================================================================
# Readers
# =================================================================================================


@dataclass
class ParsedRow:
    row: int
    entry: Entry
    values: dict[str, Any]


def _key(text: str) -> str:
    """How a header cell is compared: half-width, trimmed, upper case (（秒） and (秒) match)."""
    return normalize_text(text).upper()


def _rows(stream: IO[bytes], required: str) -> tuple[list[str], list[tuple[int, tuple[Any, ...]]]]:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # a corrupt or non-xlsx upload, whatever the library raises
        raise ApplicationError(_(ERR_UNREADABLE), field="file") from exc
    try:
        iterator = workbook.worksheets[0].iter_rows(values_only=True)
        header = [_key(str(cell or "")) for cell in next(iterator, ())]
        if _key(required) not in header:
            raise ApplicationError(_(ERR_HEADER).format(column=required), field="file")
        rows = []
        for number, row in enumerate(iterator, start=2):
            if number > MAX_ROWS + 1:
                raise ApplicationError(_(ERR_TOO_MANY).format(limit=MAX_ROWS), field="file")
            if row is None or all(cell in (None, "") for cell in row):
                continue
            rows.append((number, row))
    finally:
        workbook.close()
    if not rows:
        raise ApplicationError(_(ERR_NO_ROWS), field="file")
    return header, rows


def _entries_by_number(
    event_round: EventRound, header: list[str], rows: list[tuple[int, tuple[Any, ...]]],
    problems: list[tuple[int, str]],
) -> list[tuple[int, Entry, tuple[Any, ...]]]:
    number_column = header.index(_key(COL_NUMBER))
    entries = {e.number: e for e in Entry.objects.filter(round=event_round).select_related("delegation")}
    seen: dict[str, int] = {}
    found = []
    for row_number, row in rows:
        number = normalize_text(str(row[number_column] or "")).upper() if number_column < len(row) else ""
        entry = entries.get(number)
        if entry is None:
            problems.append((row_number, _(ERR_ROW).format(
                row=row_number, column=COL_NUMBER, problem=_(ERR_UNKNOWN_NUMBER).format(number=number or "（空）"))))
            continue
        if number in seen:
            problems.append((row_number, _(ERR_ROW).format(
                row=row_number, column=COL_NUMBER,
                problem=_(ERR_DUPLICATE_NUMBER).format(number=number, row=seen[number]))))
            continue
        seen[number] = row_number
        found.append((row_number, entry, row))
    return found


def _in_row_order(problems: list[tuple[int, str]]) -> list[str]:
    return [message for _row, message in sorted(problems, key=lambda item: item[0])]


def read_marks(stream: IO[bytes], event_round: EventRound) -> list[ParsedRow]:
    """Rows of a marking workbook: 参赛编号 and one column per aspect code (blank = not marked).

    Values are only parsed as numbers here; the ranges are checked by the marking service, which
    reports them per entry. Unknown columns are ignored so a judge may keep notes beside the marks.
    """
    header, rows = _rows(stream, COL_NUMBER)
    aspects: dict[str, Aspect] = {_key(a.code): a for a in selectors.aspects_of(event_round.event)}
    columns = {position: aspects[name] for position, name in enumerate(header) if name in aspects}
    problems: list[tuple[int, str]] = []
    parsed = []
    for row_number, entry, row in _entries_by_number(event_round, header, rows, problems):
        values: dict[str, Any] = {}
        for position, aspect in columns.items():
            raw = row[position] if position < len(row) else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                values[aspect.code] = Decimal(str(raw).strip())
            except InvalidOperation:
                problems.append((row_number, _(ERR_ROW).format(row=row_number, column=aspect.code,
                                                               problem=_(ERR_NOT_NUMBER).format(value=raw))))
        parsed.append(ParsedRow(row=row_number, entry=entry, values=values))
    if problems:
        raise ApplicationError(_("表格有误，未保存任何评分。"), errors={"file": _in_row_order(problems)})
    return parsed


def read_theory(stream: IO[bytes], event_round: EventRound) -> list[ParsedRow]:
    """Rows of a theory workbook: 参赛编号, 理论成绩, and optionally 完成用时（秒）."""
    header, rows = _rows(stream, COL_THEORY)
    if _key(COL_NUMBER) not in header:
        raise ApplicationError(_(ERR_HEADER).format(column=COL_NUMBER), field="file")
    theory_column = header.index(_key(COL_THEORY))
    time_column = header.index(_key(COL_TIME)) if _key(COL_TIME) in header else None
    problems: list[tuple[int, str]] = []
    parsed = []
    for row_number, entry, row in _entries_by_number(event_round, header, rows, problems):
        values: dict[str, Any] = {}
        for column, key, label in ((theory_column, "theory_score", COL_THEORY),
                                   (time_column, "completion_seconds", COL_TIME)):
            if column is None or column >= len(row) or row[column] in (None, ""):
                continue
            try:
                number = Decimal(str(row[column]).strip())
            except InvalidOperation:
                problems.append((row_number, _(ERR_ROW).format(
                    row=row_number, column=label, problem=_(ERR_NOT_NUMBER).format(value=row[column]))))
                continue
            values[key] = int(number) if key == "completion_seconds" else number
        parsed.append(ParsedRow(row=row_number, entry=entry, values=values))
    if problems:
        raise ApplicationError(_("表格有误，未保存任何成绩。"), errors={"file": _in_row_order(problems)})
    return parsed
