"""``gongjiang verify_audit [--expect-head SEQ:MAC] [--json]``: check the audit log's HMAC chain.

Exit status 0 when the chain holds, 1 when an entry was altered or removed (each problem is
printed with its place in the chain), 2 for a malformed ``--expect-head``. The last line gives
the chain's head: record it elsewhere and pass it back later with ``--expect-head`` to prove the
newest entries have not been cut off. The verification is itself audited.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongjiang.core import auditchain

HEAD_PATTERN = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = "Verify the audit log's HMAC chain; exit 1 if any entry was altered or removed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--expect-head", dest="expect_head", default="",
                            help="A head printed by an earlier run (SEQ:MAC) that must still be in the chain.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, expect_head: str, json: bool, **options: Any) -> None:
        expected: tuple[int, str] | None = None
        if expect_head:
            match = HEAD_PATTERN.match(expect_head.strip().lower())
            if match is None:
                self.stderr.write(
                    f"--expect-head {expect_head!r} is not SEQ:MAC (a number, a colon and 64 hex digits), "
                    "as the last line of an earlier verify_audit prints it."
                )
                sys.exit(2)
            expected = (int(match.group(1)), match.group(2))
        result = auditchain.run_verification(expect_head=expected)
        if json:
            self.stdout.write(_json_dumps(result.as_dict()))
        else:
            self._print(result)
        if not result.ok:
            sys.exit(1)

    def _print(self, result: auditchain.Verification) -> None:
        for problem in result.problems:
            self.stdout.write(f"PROBLEM {problem.code} (seq {problem.seq}): {problem.message}")
        span = f"seq {result.first_seq}–{result.head_seq}" if result.checked else "empty"
        verdict = "holds" if result.ok else f"is BROKEN: {len(result.problems)} problem(s)"
        self.stdout.write(f"Checked {result.checked} sealed audit entries ({span}); the chain {verdict}.")
        if result.unsealed:
            self.stdout.write(
                f"{result.unsealed} entries are not sealed yet (oldest {result.oldest_unsealed_at:%Y-%m-%d %H:%M}); "
                "`gongjiang seal_audit` seals them."
            )
        if result.head:
            self.stdout.write(f"Head: {result.head}")


def _json_dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)
