"""The score sheet template of a batch, filled with its candidates (openpyxl).

Filled-in sheets are read by the shared import pipeline (entity ``evaluation_scores`` in
:mod:`gongjiang.evaluation.imports`), whose columns are these.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from gongjiang.evaluation import rules
from gongjiang.evaluation.models import Application, EvaluationBatch
from gongjiang.evaluation.services.scoring import SCORE_COLUMNS


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
