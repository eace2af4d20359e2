"""Builders for import files: real .xlsx (openpyxl), .csv in several encodings, and paths."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook


def write_xlsx(path: Path, rows: list[list[Any]], *, merges: list[str] = (), text_columns: tuple[int, ...] = ()) -> Path:
    """An .xlsx with ``rows`` from A1; ``merges`` like "A1:G1"; ``text_columns`` get the "@" format."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if c - 1 in text_columns:
                cell.number_format = "@"
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for ref in merges:
        sheet.merge_cells(ref)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    lines = [delimiter.join("" if v is None else str(v) for v in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.fixture
def workdir(tmp_path: Path, settings: Any) -> Iterator[Path]:
    settings.IMPORT_SCRATCH_DIR = tmp_path / "scratch"
    yield tmp_path
