"""``gongjiang verify-credential FILE [--jwks KEYS.json]``: check a signed credential offline.

FILE holds a VC-JWT (``.jwt``), or a JSON answer of ``/api/v1/verify/<code>/`` that contains
one. Without ``--jwks`` the keys are this installation's; with it (a saved copy of
``/.well-known/jwks.json``) nothing but the two files is needed. Exit status 0 when valid, 1
when not, with the reason: bad signature, unknown key, expired, revoked, malformed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongjiang.credentials.selectors import credential_check_token

REASONS = {
    "valid": "有效：签名正确，未过期，未撤销",
    "malformed": "格式错误：不是有效的 JWS 紧凑格式凭证",
    "unknown_key": "未知密钥：签名所用密钥不在公开密钥集中",
    "bad_signature": "签名错误：凭证内容被篡改或签名不符",
    "unsupported_algorithm": "不支持的签名算法（应为 EdDSA）",
    "not_yet_valid": "尚未生效",
    "expired": "已过期",
    "revoked": "已撤销",
}


def read_token(path: Path) -> str:
    text = path.read_text(encoding="utf-8").strip()
    if text.startswith("{"):
        data = json.loads(text)
        token = data.get("jwt") or data.get("credential", {}).get("jwt")
        if not token:
            raise CommandError("JSON 文件中没有 jwt 字段。")
        return str(token)
    return text


class Command(BaseCommand):
    help = "离线核验一份数字证书凭证（VC-JWT，Ed25519 签名）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--jwks", type=Path, help="公开密钥集文件（/.well-known/jwks.json 的副本）")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        jwks = json.loads(options["jwks"].read_text(encoding="utf-8")) if options.get("jwks") else None
        outcome = credential_check_token(read_token(path), jwks=jwks)
        reason = outcome["reason"]
        line = f"{reason}: {REASONS.get(reason, reason)}"
        claims = outcome["claims"]
        if claims:
            vc = claims.get("vc", {})
            line += (
                f"\n  {vc.get('name', '')} · {vc.get('credentialSubject', {}).get('name', '')}"
                f" · {vc.get('issuer', {}).get('name', '')} · {vc.get('gongjiang', {}).get('number', '')}"
            )
        if outcome["ok"]:
            self.stdout.write(line)
            return
        self.stderr.write(line)
        raise SystemExit(1)
