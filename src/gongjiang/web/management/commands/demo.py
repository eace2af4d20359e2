"""``gongjiang demo --people N --seed S [--if-empty] [--today YYYY-MM-DD]``: build the demo city.

Refuses in production (``DEMO_ALLOWED`` is False) and on a database that already has people,
unless ``--if-empty`` is given, in which case it does nothing there. Prints the demo logins.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjiang.orgs.models import Membership
from gongjiang.people.models import Person
from gongjiang.web.demo import DEMO_PASSWORD, DemoNotAllowedError, build_city
from gongjiang.web.demo.builder import ROLE_ACCOUNTS, check_allowed


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today 应为 YYYY-MM-DD 格式的日期，而不是“{value}”。") from None


class Command(BaseCommand):
    help = "Build the deterministic demo city (绍兴) with people, organisations and one login per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=2000, help="number of people (default 2000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if people already exist")
        parser.add_argument("--today", type=_date, default=None,
                            help="reference date for ages and issue dates (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            check_allowed()
        except DemoNotAllowedError as exc:
            raise CommandError(str(exc)) from None
        existing = Person.objects.count()
        if existing:
            if options["if_empty"]:
                self.stdout.write(f"数据库中已有 {existing} 名人员，跳过演示数据（--if-empty）。")
                self._print_existing_accounts()
                return
            raise CommandError(
                f"数据库中已有 {existing} 名人员：演示城市只能装入空库。请换一个新数据库，或加 --if-empty 跳过。"
            )
        started = time.monotonic()
        try:
            result = build_city(
                people=options["people"], seed=options["seed"], today=options["today"],
                log=lambda message: self.stdout.write(message),
            )
        except DemoNotAllowedError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.monotonic() - started
        counts = result.counts
        self.stdout.write(self.style.SUCCESS(
            f"完成，用时 {elapsed:.1f} 秒：单位 {counts['organizations']}，人员 {counts['people']}，"
            f"工作经历 {counts['employments']}，证书 {counts['certificates']}，荣誉 {counts['honors']}。"
        ))
        if result.extensions:
            self.stdout.write("已运行的扩展：" + "、".join(result.extensions))
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}，仅供演示）：")
        self._print_table([(a.username, DEMO_PASSWORD, a.role_label, a.scope) for a in result.context.accounts])

    def _print_existing_accounts(self) -> None:
        memberships = (
            Membership.objects.filter(user__username__in=[u for u, _r, _d in ROLE_ACCOUNTS], is_active=True)
            .select_related("user", "organization").order_by("user__id")
        )
        rows = [(m.user.username, DEMO_PASSWORD, str(m.get_role_display()), m.organization.name if m.organization else "—")
                for m in memberships]
        if rows:
            self.stdout.write(f"已有的演示账号（密码 {DEMO_PASSWORD}，如未修改）：")
            self._print_table(rows, header=("用户名", "密码", "角色", "所属单位"))

    def _print_table(self, rows: list[tuple[str, str, str, str]],
                     header: tuple[str, str, str, str] = ("用户名", "密码", "角色", "可见范围")) -> None:
        rows = [header, *rows]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [row[i] + " " * (widths[i] - _width(row[i])) for i in range(3)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)
