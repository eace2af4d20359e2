"""Excel for competitions (openpyxl): exports of entries, score sheets and results, and the
marking and theory templates a judge or organiser fills in.

Exports are written with ``write_only`` workbooks. The filled-in templates are read by the shared
import pipeline only (``competitions.imports``: entities ``competition_marks`` and
``competition_theory``), never here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from gongjiang.competitions import selectors
from gongjiang.competitions.models import Entry, EventRound, Judge
from gongjiang.core.text import enumeration

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Column names of the templates; fixed Chinese (not translated) so a file filled in under one
# interface language reads under another (the import entities know them and their aliases).
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
    return enumeration(m.person.name for m in entry.members.all())


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
            enumeration(m.person.id_number_masked for m in entry.members.all()), entry.get_status_display(),
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
                        row.entry.completion_seconds, enumeration(a.code for a in row.missing)])
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
