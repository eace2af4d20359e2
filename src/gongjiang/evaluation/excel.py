"""Excel templates and readers for bulk score entry (openpyxl; small files, read fully)."""

from __future__ import annotations

import io
from typing import IO, Any

from openpyxl import Workbook, load_workbook

from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.rules import normalize_text
from gongjiang.evaluation import rules
from gongjiang.evaluation.models import Application, EvaluationBatch
from gongjiang.evaluation.services.scoring import SCORE_COLUMNS

ERR_HEADER = "成绩表第一行须为表头：{columns}（缺少：{missing}）。"
ERR_UNREADABLE = "文件无法读取，请上传 .xlsx 格式的成绩表（可先下载模板）。"
MAX_ROWS = 20_000


def score_template(batch: EvaluationBatch) -> bytes:
    """A workbook with one row per required score of every accepted, present application."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "成绩"
    sheet.append(list(SCORE_COLUMNS))
    panel = {
        component: [a.evaluator for a in batch.assignments.filter(component=component).select_related("evaluator")]
        for component in (rules.PRACTICAL, rules.REVIEW)
    }
    applications = batch.applications.filter(status=Application.Status.ACCEPTED).exclude(
        result=Application.Result.ABSENT
    ).select_related("person").order_by("id")
    for application in applications:
        for component in application.components:
            label = rules.COMPONENT_LABELS[component]
            if component == rules.THEORY:
                sheet.append([application.pk, application.person.name, label, None, ""])
            else:
                for evaluator in panel[component]:
                    sheet.append([application.pk, application.person.name, label, None, evaluator.card_number])
    for column, width in zip("ABCDE", (10, 12, 14, 8, 16), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_scores(stream: IO[bytes]) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a score workbook as (Excel row number, {field: value}); header names map to fields."""
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # a corrupt or non-xlsx upload, whatever the library raises
        raise ApplicationError(ERR_UNREADABLE, field="file") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [normalize_text(str(cell or "")) for cell in next(rows, [])]
    missing = [name for name in ("申报编号", "科目", "成绩") if name not in header]
    if missing:
        raise ApplicationError(
            ERR_HEADER.format(columns="、".join(SCORE_COLUMNS), missing="、".join(missing)), field="file"
        )
    index = {SCORE_COLUMNS[name]: position for position, name in enumerate(header) if name in SCORE_COLUMNS}
    result = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            break
        if row is None or all(cell in (None, "") for cell in row):
            continue
        values = {field: (row[position] if position < len(row) else None) for field, position in index.items()}
        values = {k: ("" if v is None else v) for k, v in values.items()}
        if isinstance(values.get("name"), str):
            values["name"] = normalize_text(values["name"])
        result.append((number, values))
    workbook.close()
    return result
