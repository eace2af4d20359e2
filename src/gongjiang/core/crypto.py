"""Field encryption and keyed hashes for personal data (ID numbers, mobile numbers).

Two suites, chosen by ``FIELD_CRYPTO_SUITE``:

* ``aes``: AES-256-GCM for encryption, HMAC-SHA256 for the keyed hash (blind index);
* ``sm``: SM4-GCM (128-bit key, the first 16 bytes of the configured key) and HMAC-SM3, for
  deployments that must use the national (国密) algorithms.

A ciphertext carries its suite and key id (``v1$aes$k1$<base64 nonce+ciphertext+tag>``) so keys
can rotate: new writes use the active key, old ones stay readable while their key is listed,
and ``gongjiang rotate_keys`` re-encrypts them. Everything sits behind :class:`CryptoProvider`
so a certified 密码机/KMS can replace the software implementation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

FORMAT_VERSION = "v1"


class DecryptionError(Exception):
    """The ciphertext is damaged, or its key is no longer configured."""


@dataclass(frozen=True)
class CryptoProvider:
    suite: str
    keys: dict[str, bytes]
    active_key_id: str
    blind_index_key: bytes

    def encrypt(self, plaintext: str, *, associated_data: bytes = b"") -> str:
        key = self.keys[self.active_key_id]
        nonce = os.urandom(12)
        body = _encrypt(self.suite, key, nonce, plaintext.encode("utf-8"), associated_data)
        token = base64.b64encode(nonce + body).decode("ascii")
        return f"{FORMAT_VERSION}${self.suite}${self.active_key_id}${token}"

    def decrypt(self, token: str, *, associated_data: bytes = b"") -> str:
        try:
            version, suite, key_id, payload = token.split("$", 3)
        except ValueError:
            raise DecryptionError("not a Gongjiang ciphertext") from None
        if version != FORMAT_VERSION:
            raise DecryptionError(f"unknown ciphertext version {version!r}")
        if key_id not in self.keys:
            raise DecryptionError(f"key {key_id!r} is not configured")
        raw = base64.b64decode(payload)
        try:
            plain = _decrypt(suite, self.keys[key_id], raw[:12], raw[12:], associated_data)
        except Exception as exc:  # InvalidTag and friends: damaged or wrong key
            raise DecryptionError("ciphertext failed authentication") from exc
        return plain.decode("utf-8")

    def key_id_of(self, token: str) -> str:
        parts = token.split("$", 3)
        return parts[2] if len(parts) == 4 else ""

    def needs_rotation(self, token: str) -> bool:
        parts = token.split("$", 3)
        return len(parts) != 4 or parts[1] != self.suite or parts[2] != self.active_key_id

    def blind_index(self, value: str, *, purpose: str) -> str:
        """A keyed hash to find and de-duplicate a value without decrypting anything.

        ``purpose`` separates domains, so the same number hashed for two fields differs.
        """
        return hmac_hex(self.blind_index_key, f"{purpose}\x00{value}".encode(), sm3=self.suite == "sm")


def hmac_hex(key: bytes, message: bytes, *, sm3: bool) -> str:
    """HMAC-SM3 (the national suite) or HMAC-SHA256 of ``message``, as hex."""
    if sm3:
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(message)
        return mac.finalize().hex()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _encrypt(suite: str, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    if suite == "aes":
        return AESGCM(key).encrypt(nonce, data, aad or None)
    if suite == "sm":
        encryptor = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce)).encryptor()
        if aad:
            encryptor.authenticate_additional_data(aad)
        body = encryptor.update(data) + encryptor.finalize()
        return body + encryptor.tag
    raise ValueError(f"unknown suite {suite!r}")


def _decrypt(suite: str, key: bytes, nonce: bytes, body: bytes, aad: bytes) -> bytes:
    if suite == "aes":
        return AESGCM(key).decrypt(nonce, body, aad or None)
    if suite == "sm":
        ciphertext, tag = body[:-16], body[-16:]
        decryptor = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce, tag)).decryptor()
        if aad:
            decryptor.authenticate_additional_data(aad)
        return decryptor.update(ciphertext) + decryptor.finalize()
    raise ValueError(f"unknown suite {suite!r}")


def build_provider(
    *, suite: str, keys: dict[str, str], active_key_id: str, blind_index_key: str
) -> CryptoProvider:
    return CryptoProvider(
        suite=suite,
        keys={key_id: base64.b64decode(value) for key_id, value in keys.items()},
        active_key_id=active_key_id,
        blind_index_key=base64.b64decode(blind_index_key),
    )


@lru_cache(maxsize=1)
def _cached_provider(
    suite: str, keys: tuple[tuple[str, str], ...], active: str, blind: str
) -> CryptoProvider:
    return build_provider(suite=suite, keys=dict(keys), active_key_id=active, blind_index_key=blind)


def get_provider() -> CryptoProvider:
    """The provider for the current settings (cached; tests may override settings freely)."""
    return _cached_provider(
        settings.FIELD_CRYPTO_SUITE,
        tuple(sorted(settings.FIELD_ENCRYPTION_KEYS.items())),
        settings.FIELD_ENCRYPTION_ACTIVE_KEY,
        settings.BLIND_INDEX_KEY,
    )
