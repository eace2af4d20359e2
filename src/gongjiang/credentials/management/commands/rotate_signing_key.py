"""``gongjiang rotate_signing_key``: make a new signing key active; old keys stay published."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongjiang.credentials.signing import signing_key_rotate


class Command(BaseCommand):
    help = "轮换证书签名密钥：新密钥生效，旧密钥继续公开，已签发凭证仍可验证。"

    def handle(self, *args: Any, **options: Any) -> None:
        row = signing_key_rotate(actor=None)
        self.stdout.write(f"active signing key: {row.kid}")
