"""The TOTP secret is encrypted at rest (accounts.SealedTOTPDevice), bound to its user,
rotated with the field keys, and moved there from django-otp's clear-text table."""

from __future__ import annotations

import base64
import datetime as dt
import importlib
import io
import logging

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django_otp import devices_for_user, user_has_device
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice as ClearTOTPDevice

from gongjiang.accounts import services
from gongjiang.accounts.models import SealedTOTPDevice, key_associated_data
from gongjiang.core.crypto import DecryptionError, get_provider
from tests import factories
from tests.accounts.test_totp import PASSWORD, current_code, sign_in

MOVE = importlib.import_module("gongjiang.accounts.migrations.0002_move_totp_devices")
K2 = base64.b64encode(b"2" * 32).decode()


class _Editor:
    connection = connection


@pytest.mark.django_db
def test_the_secret_is_stored_encrypted_and_only_the_device_can_read_it():
    user = factories.user("lina")
    device = SealedTOTPDevice.create_for(user=user, name="default")
    stored = SealedTOTPDevice.objects.filter(pk=device.pk).values_list("key_encrypted", flat=True).get()
    secret = device.bin_key
    assert len(secret) == 20
    assert secret.hex() not in stored and secret.hex().upper() not in stored
    assert stored.startswith("v1$")
    assert get_provider().decrypt(stored, associated_data=key_associated_data(user.pk)) == secret.hex()
    # bound to its user: the same ciphertext does not open as another user's
    with pytest.raises(DecryptionError):
        get_provider().decrypt(stored, associated_data=key_associated_data(user.pk + 1))
    # django-otp itself finds it, as one of the user's devices
    device.confirmed = True
    device.save()
    assert user_has_device(user) and [d.pk for d in devices_for_user(user)] == [device.pk]
    assert device.persistent_id == f"accounts.sealedtotpdevice/{device.pk}"


@pytest.mark.django_db
def test_a_secret_copied_onto_another_users_device_lets_nobody_in(client, caplog):
    # given: mallory copies lina's encrypted secret onto her own device (database access)
    lina = factories.user("lina", password=PASSWORD)
    mallory = factories.user("mallory", password=PASSWORD)
    linas = SealedTOTPDevice.create_for(user=lina, name="default", confirmed=True)
    mallorys = SealedTOTPDevice.create_for(user=mallory, name="default", confirmed=True)
    SealedTOTPDevice.objects.filter(pk=mallorys.pk).update(key_encrypted=linas.key_encrypted)
    # when: she signs in with a code from lina's authenticator
    sign_in(client, "mallory")
    with caplog.at_level(logging.ERROR, logger="gongjiang.accounts.services"):
        response = client.post(reverse("accounts:totp_verify"), {"token": current_code(linas)})
    # then: refused as a wrong code (no error page), counted for throttling, logged
    assert response.status_code == 200
    assert services.ERR_TOTP_CODE in response.content.decode()
    mallorys.refresh_from_db()
    assert mallorys.throttling_failure_count == 1
    assert "does not decrypt" in caplog.text
    assert client.get(reverse("web:home")).status_code == 302  # still not through


@pytest.mark.django_db
def test_a_pending_secret_that_no_longer_decrypts_is_replaced(client):
    user = factories.user("lina")
    client.force_login(user)
    client.get(reverse("accounts:totp_enrol"))
    pending = SealedTOTPDevice.objects.get(user=user)
    SealedTOTPDevice.objects.filter(pk=pending.pk).update(key_encrypted="v1$aes$gone$AAAA")
    response = client.get(reverse("accounts:totp_enrol"))
    assert response.status_code == 200
    fresh = SealedTOTPDevice.objects.get(user=user)
    assert fresh.pk != pending.pk and len(fresh.bin_key) == 20


@pytest.mark.django_db
def test_clear_text_devices_move_to_the_sealed_table_and_back():
    # given: a device as django-otp stored it before this migration, with its history
    user = factories.user("lina")
    old = ClearTOTPDevice.objects.create(user=user, name="default", confirmed=True, drift=1, last_t=123)
    created = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    ClearTOTPDevice.objects.filter(pk=old.pk).update(created_at=created)
    secret = old.bin_key
    # when
    MOVE.seal(apps, _Editor())
    # then: the clear table is empty; the same secret and state, now encrypted
    assert not ClearTOTPDevice.objects.exists()
    moved = SealedTOTPDevice.objects.get(user=user)
    assert moved.bin_key == secret and old.key not in moved.key_encrypted
    assert (moved.confirmed, moved.drift, moved.last_t, moved.created_at) == (True, 1, 123, created)
    assert current_code(moved) == f"{totp(secret, 30, 0, 6, 1):06d}"
    # and the way back restores django-otp's row
    MOVE.unseal(apps, _Editor())
    assert not SealedTOTPDevice.objects.exists()
    back = ClearTOTPDevice.objects.get(user=user)
    assert back.bin_key == secret and back.last_t == 123 and back.created_at == created


@pytest.mark.django_db
def test_the_secret_is_rotated_to_the_new_field_key():
    user = factories.user("lina")
    device = SealedTOTPDevice.create_for(user=user, name="default", confirmed=True)
    secret = device.bin_key
    before = get_provider().key_id_of(device.key_encrypted)
    # when: k2 becomes the active key and the rotation runs
    with override_settings(FIELD_ENCRYPTION_KEYS={**settings.FIELD_ENCRYPTION_KEYS, "k2": K2},
                           FIELD_ENCRYPTION_ACTIVE_KEY="k2"):
        out = io.StringIO()
        call_command("rotate_keys", stdout=out)
        assert "gongjiang.accounts.services.rotate_totp_keys: re-encrypted 1 rows." in out.getvalue()
    # then: with the old key gone, the secret is the same, under k2
    with override_settings(FIELD_ENCRYPTION_KEYS={"k2": K2}, FIELD_ENCRYPTION_ACTIVE_KEY="k2"):
        device.refresh_from_db()
        assert before != "k2" and get_provider().key_id_of(device.key_encrypted) == "k2"
        assert device.bin_key == secret
        assert services.rotate_totp_keys() == 0  # nothing left to do


def test_the_admin_cannot_create_clear_text_devices():
    from django.contrib import admin

    assert ClearTOTPDevice not in admin.site._registry
    assert SealedTOTPDevice not in admin.site._registry
