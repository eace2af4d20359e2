"""Signing and verifying credentials: compact JWS (VC-JWT) with Ed25519 (JOSE ``alg: EdDSA``).

The signer sits behind a small interface (:class:`Signer`): ``alg``, ``kid``, ``sign(bytes)``
and ``public_jwk()``. The software implementation keeps its private key in the database,
encrypted with the field-encryption keys; a deployment that must use a certified 密码机/KMS (or
SM2 under 国密 rules) replaces :func:`active_signer` with a provider that calls the device.

Keys rotate: :func:`signing_key_rotate` makes a new key active and retires the old one, which
stays published in the JWKS (``/.well-known/jwks.json``) so every earlier credential still
verifies. Third parties verify with any standard JOSE library (PyJWT, jose, joserfc ...).
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongjiang.core import audit
from gongjiang.core.crypto import get_provider
from gongjiang.credentials.models import SigningKey

PRIVATE_KEY_AAD = b"credentials.signing_key"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    padding = "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(text + padding)


class Signer(Protocol):
    @property
    def alg(self) -> str: ...

    @property
    def kid(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...

    def public_jwk(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class Ed25519Signer:
    kid: str
    private_key: Ed25519PrivateKey
    key_row_id: int
    alg: str = "EdDSA"

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    def public_jwk(self) -> dict[str, str]:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return ed25519_jwk(self.kid, b64url(raw))


def ed25519_jwk(kid: str, x: str) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"}


def _new_key_row() -> SigningKey:
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    raw_public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kid = f"gj-{timezone.now():%Y%m%d}-{secrets.token_hex(4)}"
    return SigningKey(
        kid=kid,
        public_key=b64url(raw_public),
        private_key_encrypted=get_provider().encrypt(b64url(raw_private), associated_data=PRIVATE_KEY_AAD),
        is_active=True,
    )


def _signer_for(row: SigningKey) -> Ed25519Signer:
    raw = b64url_decode(get_provider().decrypt(row.private_key_encrypted, associated_data=PRIVATE_KEY_AAD))
    return Ed25519Signer(kid=row.kid, private_key=Ed25519PrivateKey.from_private_bytes(raw), key_row_id=row.pk)


def active_signer() -> Ed25519Signer:
    """The signer for new credentials; the first call on a fresh installation creates the key."""
    row = SigningKey.objects.filter(is_active=True).first()
    if row is None:
        try:
            with transaction.atomic():
                row = _new_key_row()
                row.save()
                audit.record("credentials.signing_key.created", obj=row, changes={"kid": row.kid})
        except IntegrityError:
            # Another process created the first key at the same moment; use theirs.
            row = SigningKey.objects.get(is_active=True)
    return _signer_for(row)


@transaction.atomic
def signing_key_rotate(*, actor: Any = None) -> SigningKey:
    """Retire the active key (it stays published) and make a new one active."""
    old = list(SigningKey.objects.select_for_update().filter(is_active=True))
    for row in old:
        row.is_active = False
        row.retired_at = timezone.now()
        row.save(update_fields=["is_active", "retired_at", "updated_at"])
    row = _new_key_row()
    row.save()
    audit.record(
        "credentials.signing_key.rotated", obj=row,
        changes={"kid": row.kid, "retired": [r.kid for r in old]}, actor=actor,
    )
    return row


def public_jwks() -> dict[str, list[dict[str, str]]]:
    """Every key ever used, newest first: the document served at /.well-known/jwks.json."""
    rows = SigningKey.objects.order_by("-created_at", "-id").values_list("kid", "public_key")
    return {"keys": [ed25519_jwk(kid, x) for kid, x in rows]}


def encode_jws(claims: dict[str, Any], signer: Signer) -> str:
    header = {"alg": signer.alg, "kid": signer.kid, "typ": "JWT"}
    signing_input = (
        b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + b64url(json.dumps(claims, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    )
    return signing_input + "." + b64url(signer.sign(signing_input.encode("ascii")))


class VerificationFailure(Exception):
    """The token does not verify; ``reason`` is one of the REASON_* codes."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


REASON_MALFORMED = "malformed"
REASON_UNKNOWN_KEY = "unknown_key"
REASON_BAD_SIGNATURE = "bad_signature"
REASON_UNSUPPORTED_ALG = "unsupported_algorithm"


def decode_jws(token: str, jwks: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check the signature of a compact JWS against a JWKS; return (header, claims).

    Expiry and revocation are the caller's business (see credentials.selectors.credential_check_token).
    """
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise VerificationFailure(REASON_MALFORMED, "a compact JWS has three dot-separated parts")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError) as exc:
        raise VerificationFailure(REASON_MALFORMED, str(exc)) from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise VerificationFailure(REASON_MALFORMED, "header and payload must be JSON objects")
    if header.get("alg") != "EdDSA":
        raise VerificationFailure(REASON_UNSUPPORTED_ALG, str(header.get("alg")))
    key = next((k for k in jwks.get("keys", []) if k.get("kid") == header.get("kid")), None)
    if key is None or key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
        raise VerificationFailure(REASON_UNKNOWN_KEY, str(header.get("kid")))
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(key["x"]))
    try:
        public.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature:
        raise VerificationFailure(REASON_BAD_SIGNATURE) from None
    return header, claims
