"""``gongjiang import ENTITY FILE [--dry-run] [--partial] [--report PATH] [--as USERNAME]``

Exit codes: 0 everything imported (or, with --dry-run, every row is valid); 1 some rows have
errors (nothing written unless --partial); 2 the file cannot be imported at all.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.text import enumeration
from gongjiang.imports import reports, services
from gongjiang.imports.entities.base import all_entities
from gongjiang.imports.models import ImportJob

EXIT_OK, EXIT_ROW_ERRORS, EXIT_UNUSABLE = 0, 1, 2


class ProgressBar:
    """A one-line progress bar on stderr (only when stderr is a terminal, or --progress)."""

    def __init__(self, stream: Any, *, enabled: bool) -> None:
        self.stream, self.enabled = stream, enabled
        self.started = time.monotonic()
        self.phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        labels = {"validating": _("校验"), "writing": _("写入")}
        if phase != self.phase:
            if self.phase:
                self.stream.write("\n")
            self.started = time.monotonic()  # the rate is per phase
        self.phase = phase
        width = 30
        fraction = done / total if total else 0
        filled = int(width * min(fraction, 1))
        rate = done / max(time.monotonic() - self.started, 1e-6)
        self.stream.write(
            f"\r{labels.get(phase, phase)} [{'#' * filled}{'.' * (width - filled)}] "
            + _("{done}/{total} 行 {rate} 行/秒").format(done=f"{done:,}", total=f"{total:,}", rate=f"{rate:,.0f}")
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.phase:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "批量导入人员、单位、历史证书、荣誉等（Excel .xlsx/.xls 或 CSV）。"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        names = ", ".join(e.name for e in all_entities())
        parser.add_argument("entity", help=f"导入内容：{names}")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--partial", action="store_true", help="导入正确的行，跳过有错的行（默认：全部正确才导入）")
        parser.add_argument("--report", type=Path, action="append", default=[],
                            help="写出错误报告：.xlsx（原文件标注错误）或 .json；可重复")
        parser.add_argument("--as", dest="username", help="以该账号的角色和数据范围导入（默认：系统任务，不限范围）")
        parser.add_argument("--progress", action="store_true", help="即使不是终端也显示进度")
        parser.add_argument("--limit-size", action="store_true", help="同样执行网页上传的文件大小上限")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["username"]:
            try:
                actor = get_user_model().objects.get(username=options["username"], is_active=True)
            except get_user_model().DoesNotExist:
                raise CommandError(_("没有这个账号：{name}").format(name=options["username"])) from None
        path: Path = options["file"]
        if not path.exists():
            self.stderr.write(_("文件不存在：{path}").format(path=path))
            sys.exit(EXIT_UNUSABLE)
        bar = ProgressBar(sys.stderr, enabled=options["progress"] or sys.stderr.isatty())
        started = time.monotonic()
        try:
            job = services.run_import(
                actor=actor, entity=options["entity"], path=path,
                mode=ImportJob.Mode.PARTIAL if options["partial"] else ImportJob.Mode.ATOMIC,
                dry_run=options["dry_run"], progress=bar, limit_size=options["limit_size"],
            )
        except ApplicationError as exc:
            bar.close()
            self.stderr.write(_("无法导入：{message}").format(message=exc.message))
            sys.exit(EXIT_UNUSABLE)
        bar.close()
        elapsed = time.monotonic() - started
        self._write_reports(job, options["report"])
        self._summary(job, elapsed)
        if job.status == ImportJob.Status.FAILED:
            sys.exit(EXIT_UNUSABLE)
        if job.rows_failed:
            sys.exit(EXIT_ROW_ERRORS)
        sys.exit(EXIT_OK)

    def _write_reports(self, job: ImportJob, targets: list[Path]) -> None:
        for target in targets:
            if target.suffix.lower() == ".xlsx":
                source = services.report_path(job) if job.scratch_dir else None
                if source is not None and source.exists():
                    shutil.copyfile(source, target)
                    self.stderr.write(_("错误报告（Excel）：{path}").format(path=target))
                else:
                    self.stderr.write(_("没有错误，未生成 Excel 报告：{path}").format(path=target))
            else:
                target.write_text(json.dumps(reports.json_report(job), ensure_ascii=False, indent=2), encoding="utf-8")
                self.stderr.write(_("错误报告（JSON）：{path}").format(path=target))
        if job.scratch_dir:
            services._remove_files(job)

    def _summary(self, job: ImportJob, elapsed: float) -> None:
        out = self.stdout
        if job.status == ImportJob.Status.FAILED:
            out.write(_("文件无法导入：{message}").format(message=job.error_message))
            return
        rate = job.rows_total / elapsed if elapsed else 0
        out.write(_("{file}：表头在第 {header} 行，数据 {total} 行，正确 {ok} 行，错误 {failed} 行（用时 {seconds} 秒，{rate} 行/秒）").format(
            file=job.original_filename, header=job.header_row, total=f"{job.rows_total:,}", ok=f"{job.rows_ok:,}",
            failed=f"{job.rows_failed:,}", seconds=f"{elapsed:.1f}", rate=f"{rate:,.0f}"))
        unknown = (job.summary or {}).get("unknown_columns") or []
        if unknown:
            out.write(_("未识别的列（已忽略）：") + enumeration(f"{letter}“{text}”" for letter, text in unknown))
        if job.status == ImportJob.Status.COMMITTED:
            out.write(_("已导入：新增 {created}，更新 {updated}，无变化 {unchanged}。").format(
                created=f"{job.rows_created:,}", updated=f"{job.rows_updated:,}", unchanged=f"{job.rows_unchanged:,}"))
        elif job.dry_run:
            preview = (job.summary or {}).get("actions", {})
            out.write(_("仅校验，未写入。若导入：新增 {created}，更新 {updated}，无变化 {unchanged}。").format(
                created=f"{preview.get('created', 0):,}", updated=f"{preview.get('updated', 0):,}",
                unchanged=f"{preview.get('unchanged', 0):,}"))
        elif job.status == ImportJob.Status.REJECTED:
            out.write(_("有错误，未导入任何数据（全部正确才导入）。修改后重试，或加 --partial 只导入正确的行。"))
        for error in job.row_errors.all()[:20]:
            where = _("第 {row} 行").format(row=error.row) + (f"“{error.column}”" if error.column else "")
            out.write(f"  {where} [{error.code}] {error.message}")
        if job.errors_total > 20:
            out.write("  " + _("…… 共 {count} 个错误，完整列表见 --report。").format(count=f"{job.errors_total:,}"))
