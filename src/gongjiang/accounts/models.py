"""The TOTP second factor, with its secret encrypted at rest.

django-otp's own ``otp_totp.TOTPDevice`` keeps each secret as hex in its table: anyone who can
read the table (a backup, a replica, a stolen dump) can generate every user's codes. This
device is the same device — the same fields, and django-otp's own code for checking a code
(``verify_token``: single use, drift, throttling) and for the authenticator link
(``config_url``) — with the secret encrypted by the field keys (``core.crypto``: AES-256-GCM,
or SM4-GCM with the SM suite) and bound to its user (the associated data names the user, so a
ciphertext copied onto another user's device does not decrypt). The key rotation command
re-encrypts it with the personal data (``rotate_totp_keys`` in ``FIELD_KEY_ROTATORS``).

django-otp finds it as it finds its own devices (any installed ``Device`` subclass), so its
middleware, ``login`` and ``user_has_device`` work unchanged. Migration ``accounts.0002``
moved existing ``otp_totp`` devices here and emptied that table.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice as _OtpTOTPDevice

from gongjiang.core.crypto import get_provider

KEY_BYTES = 20  # 160 bits, as django-otp and RFC 4226 recommend


def key_associated_data(user_id: int) -> bytes:
    """What a secret's ciphertext is bound to: its user."""
    return f"accounts.totp:{user_id}".encode()


def seal_key(user_id: int, key: bytes) -> str:
    return get_provider().encrypt(key.hex(), associated_data=key_associated_data(user_id))


class SealedTOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """A TOTP authenticator (RFC 6238) whose secret is stored encrypted."""

    key_encrypted = models.TextField(_("密钥（密文）"), editable=False)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("动态口令设备")
        verbose_name_plural = _("动态口令设备")

    @classmethod
    def create_for(cls, *, user: Any, name: str, confirmed: bool = False, key: bytes | None = None) -> SealedTOTPDevice:
        """A new device for ``user`` with a fresh random secret (or ``key``)."""
        device = cls(user=user, name=name, confirmed=confirmed)
        device.key_encrypted = seal_key(user.pk, key if key is not None else secrets.token_bytes(KEY_BYTES))
        device.save()
        return device

    @property
    def bin_key(self) -> bytes:
        """The secret, decrypted (django-otp's name for it)."""
        plain = get_provider().decrypt(self.key_encrypted, associated_data=key_associated_data(self.user_id))
        return bytes.fromhex(plain)

    # django-otp's own implementations, which reach the secret only through ``bin_key``.
    verify_token = _OtpTOTPDevice.verify_token
    get_throttle_factor = _OtpTOTPDevice.get_throttle_factor
    config_url = _OtpTOTPDevice.config_url
    _read_str_from_settings = _OtpTOTPDevice._read_str_from_settings
