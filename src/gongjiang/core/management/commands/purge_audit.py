"""``gongjiang purge_audit --older-than-days N``: remove audit entries past their retention."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongjiang.core import retention
from gongjiang.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Delete audit entries older than N days; N may not be below AUDIT_RETENTION_DAYS (min 183)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=int, required=True, dest="older_than_days")
        parser.add_argument("--dry-run", action="store_true", help="Only count what would go.")

    def handle(self, *args: Any, older_than_days: int, dry_run: bool, **options: Any) -> None:
        try:
            if dry_run:
                count = retention.audit_purge_count(older_than_days=older_than_days)
                self.stdout.write(f"{count} audit entries are older than {older_than_days} days (dry run).")
                return
            count = retention.audit_purge(older_than_days=older_than_days)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(f"Deleted {count} audit entries older than {older_than_days} days.")
