"""Move django-otp's TOTP devices (secret in clear hex) to accounts.SealedTOTPDevice (secret
encrypted with the field keys, bound to its user), and empty django-otp's table.

Users keep their authenticator: the secret, its drift and its last used time step move with
it. A session verified with an old device asks for a code again (the device it named is gone).
Reversible: the way back decrypts into django-otp's table.
"""

from django.db import migrations

from gongjiang.core.crypto import get_provider


def _aad(user_id):
    return f"accounts.totp:{user_id}".encode()  # as accounts.models.key_associated_data


_COPIED = ("user_id", "name", "confirmed", "throttling_failure_timestamp", "throttling_failure_count", "created_at",
           "last_used_at", "step", "t0", "digits", "tolerance", "drift", "last_t")


def seal(apps, schema_editor):
    Old = apps.get_model("otp_totp", "TOTPDevice")
    New = apps.get_model("accounts", "SealedTOTPDevice")
    old = list(Old.objects.using(schema_editor.connection.alias).order_by("pk"))
    if not old:
        return
    provider = get_provider()
    for device in old:
        _move(New, device, key_encrypted=provider.encrypt(device.key.lower(), associated_data=_aad(device.user_id)))
    Old.objects.using(schema_editor.connection.alias).filter(pk__in=[d.pk for d in old]).delete()


def _move(model, device, **key):
    moved = model.objects.using(device._state.db).create(**key, **{field: getattr(device, field) for field in _COPIED})
    # created_at is auto_now_add: create() stamps it now; keep the original
    model.objects.using(device._state.db).filter(pk=moved.pk).update(created_at=device.created_at)


def unseal(apps, schema_editor):
    Old = apps.get_model("otp_totp", "TOTPDevice")
    New = apps.get_model("accounts", "SealedTOTPDevice")
    provider = get_provider()
    sealed = list(New.objects.using(schema_editor.connection.alias).order_by("pk"))
    for device in sealed:
        _move(Old, device, key=provider.decrypt(device.key_encrypted, associated_data=_aad(device.user_id)))
    New.objects.using(schema_editor.connection.alias).filter(pk__in=[d.pk for d in sealed]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_sealed_totp_device"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal, unseal)]
