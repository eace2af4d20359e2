"""``gongjiang seal_audit``: seal every audit entry not yet in the HMAC chain.

Entries are sealed right after their transaction commits; this seals the rest (an entry whose
transaction ran longer than AUDIT_SEAL_LOOKBACK_MINUTES, a failed after-commit seal, the log
as it was before the chain existed). Safe to run at any time, e.g. hourly from cron.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongjiang.core import auditchain


class Command(BaseCommand):
    help = "Seal every audit entry that is not yet in the audit log's HMAC chain."

    def handle(self, *args: Any, **options: Any) -> None:
        count = auditchain.seal_pending()
        self.stdout.write(f"Sealed {count} audit entries.")
