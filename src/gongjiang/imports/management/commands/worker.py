"""``gongjiang worker``: run background jobs (imports, exports, and every other module's tasks).

A thin wrapper over django-tasks-db's ``db_worker`` that processes every queue and first
expires import jobs a killed worker left half-done. See docs/adr/0001-background-jobs.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gongjiang.imports.services import import_jobs_sweep


class Command(BaseCommand):
    help = "运行后台任务（批量导入等）。需要 TASK_BACKEND=database。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queues", default="*", help="要处理的队列，逗号分隔；默认全部")
        parser.add_argument("--batch", action="store_true", help="处理完积压的任务后退出")
        parser.add_argument("--interval", type=float, default=1.0, help="空闲时轮询间隔（秒）")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "TASK_BACKEND", "") != "database":
            raise CommandError(_("TASK_BACKEND 不是 database：任务在提交它的请求中直接执行，不需要 worker。"
                                 "生产环境请设置 TASK_BACKEND=database 并运行 gongjiang worker。"))
        swept = import_jobs_sweep()
        if swept:
            self.stdout.write(_("已清理 {count} 个过期或中断的导入任务。").format(count=swept))
        worker_options: dict[str, Any] = {"queue_name": options["queues"], "interval": options["interval"],
                                          "reload": False}
        if options["batch"]:
            worker_options["batch"] = True
        call_command("db_worker", **worker_options)
