"""``gongjiang export ENTITY [key=value ...] -o FILE.xlsx [--reveal --as USERNAME]``

Writes what the account (``--as``; default: the server operator, who sees everything) may see,
filtered like the list pages, in constant memory. ID numbers stay masked unless ``--reveal``
is given with an account whose role may see them; the export and any reveal are audited.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gongjiang.core.exceptions import ApplicationError
from gongjiang.imports import exporters


class Command(BaseCommand):
    help = "导出人员、单位、证书、荣誉到 Excel（.xlsx），常量内存，证件号码默认脱敏。"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        names = ", ".join(e.name for e in exporters.all_exporters())
        parser.add_argument("entity", help=f"导出内容：{names}")
        parser.add_argument("filters", nargs="*", help="筛选条件 key=value，如 level=3 region=330602 organization=12")
        parser.add_argument("-o", "--output", type=Path, required=True, help="输出文件（.xlsx）")
        parser.add_argument("--reveal", action="store_true", help="导出完整证件号码和手机号码（须 --as 一个有权查看的账号；记入审计日志）")
        parser.add_argument("--as", dest="username", help="以该账号的数据范围导出")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["username"]:
            try:
                user = get_user_model().objects.get(username=options["username"], is_active=True)
            except get_user_model().DoesNotExist:
                raise CommandError(_("没有这个账号：{name}").format(name=options["username"])) from None
        filters = {}
        for item in options["filters"]:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(_("筛选条件应写成 key=value：{item}").format(item=item))
            filters[key.strip()] = value.strip()
        output: Path = options["output"]
        if output.suffix.lower() != ".xlsx":
            raise CommandError(_("输出文件须以 .xlsx 结尾。"))
        started = time.monotonic()
        show = sys.stderr.isatty()

        def progress(rows: int) -> None:
            if show:
                sys.stderr.write("\r" + _("已导出 {rows} 行").format(rows=f"{rows:,}"))
                sys.stderr.flush()

        try:
            exporter = exporters.get_exporter(options["entity"])
            rows = exporters.export_xlsx(exporter=exporter, user=user, filters=filters, target=output,
                                         reveal=options["reveal"], progress=progress)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        if show:
            sys.stderr.write("\n")
        elapsed = time.monotonic() - started
        self.stdout.write(_("已导出 {rows} 行到 {path}（用时 {seconds} 秒）。").format(
            rows=f"{rows:,}", path=output, seconds=f"{elapsed:.1f}") + ("" if options["reveal"] else _("证件号码已脱敏。")))
