"""``gongjiang createadmin``: create a NAMED administrator; no default accounts ever ship.

By default a platform (system) administrator; ``--role security_admin`` or ``--role
audit_admin`` creates the other two of the three separated administrators (三权分立). The
password must meet the password rules. Interactive unless ``--username`` and
``--password-file`` are given (``-`` reads the password from standard input).
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjiang.accounts import services
from gongjiang.core.exceptions import ApplicationError
from gongjiang.orgs import roles

ROLE_CHOICES = sorted(str(role) for role in roles.SEPARATED_ADMIN_ROLES)


class Command(BaseCommand):
    help = "Create a named platform, security or audit administrator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--password-file", help="File holding the password (first line); '-' for stdin.")
        parser.add_argument("--role", choices=ROLE_CHOICES, default="platform_admin")

    def handle(self, *args: Any, username: str | None, display_name: str, password_file: str | None,
               role: str, **options: Any) -> None:
        if not username:
            username = input("Username: ").strip()
        password = self._password(password_file)
        try:
            user = services.admin_account_create(
                username=username, password=password, role=role, display_name=display_name
            )
        except ApplicationError as exc:
            details = "; ".join(str(m) for messages in exc.errors.values() for m in messages)
            raise CommandError(f"{exc.message} {details}".strip()) from None
        self.stdout.write(f"Created {role} '{user.username}'.")

    def _password(self, password_file: str | None) -> str:
        if password_file == "-":
            return sys.stdin.readline().rstrip("\r\n")
        if password_file:
            try:
                return Path(password_file).read_text(encoding="utf-8").splitlines()[0]
            except (OSError, IndexError) as exc:
                raise CommandError(f"Cannot read a password from {password_file}: {exc}") from None
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password (again): ")
        if first != second:
            raise CommandError("The two passwords differ.")
        return first
