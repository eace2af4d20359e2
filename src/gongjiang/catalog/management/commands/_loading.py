"""The shared body of the ``load_*`` reference-data commands.

Exit codes: 0 everything loaded (or, with ``--dry-run``, everything would load); 1 some rows
are wrong and nothing was written; 2 the file cannot be used at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjiang.catalog.services import LoadResult, RowsInvalidError
from gongjiang.catalog.tables import Column, UnusableFileError, read_table

EXIT_ROW_ERRORS = 1
EXIT_UNUSABLE_FILE = 2


class LoadCommand(BaseCommand):
    what = ""  # 行政区划 / 职业 / 行业
    columns: list[Column] = []
    loader: Callable[..., LoadResult]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or Excel file (first sheet)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report, but write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            table = read_table(options["file"], self.columns)
        except UnusableFileError as exc:
            raise CommandError(exc.message, returncode=EXIT_UNUSABLE_FILE) from None
        dry_run = options["dry_run"]
        try:
            result = self.loader(actor=None, table=table, dry_run=dry_run)
        except RowsInvalidError as exc:
            for error in exc.row_errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc.message), returncode=EXIT_ROW_ERRORS) from None
        prefix = "【试运行，未写入】" if dry_run else ""
        self.stdout.write(
            f"{prefix}{self.what}：共 {len(table.rows)} 行，新增 {len(result.created)}，"
            f"更新 {len(result.updated)}，未变 {len(result.unchanged)}。"
        )
