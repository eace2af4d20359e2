"""Helpers for the list-export tests: read an .xlsx download, count a list page's rows."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    """The rows of a downloaded workbook (header first). Consumes the stream so it gets closed."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def column(rows: list[tuple[Any, ...]], label: str) -> list[Any]:
    index = rows[0].index(label)
    return [row[index] for row in rows[1:]]
