"""``gongjiang rotate_keys``: re-encrypt personal data with the active field-encryption key.

Key rotation, step by step (docs/deployment.md): add a new key to FIELD_ENCRYPTION_KEYS and
make it ``active``; restart; run this command; once it has finished, the old key may be
removed from the configuration. Each app that stores ciphertexts lists its re-encryption
function in the ``FIELD_KEY_ROTATORS`` setting (dotted paths; each takes ``batch_size`` and
returns how many rows it changed), so this command never imports a domain app itself.

The keyed hash (blind index) is not rotated: its key stays, so ID-number lookups keep working.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string

from gongjiang.core.crypto import get_provider


class Command(BaseCommand):
    help = "Re-encrypt personal data written under an older key with the active key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        provider = get_provider()
        total = 0
        for path in settings.FIELD_KEY_ROTATORS:
            changed = int(import_string(path)(batch_size=batch_size))
            total += changed
            self.stdout.write(f"{path}: re-encrypted {changed} rows.")
        self.stdout.write(
            f"Done: {total} rows now use key '{provider.active_key_id}' ({provider.suite} suite)."
        )
        others = sorted(k for k in provider.keys if k != provider.active_key_id)
        if others:
            self.stdout.write(
                "Keys no longer needed by the data above: " + ", ".join(others)
                + ". Remove them from FIELD_ENCRYPTION_KEYS once every rotator has run."
            )
