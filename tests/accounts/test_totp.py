"""Optional TOTP second factor (django-otp): enrolment, the verify step, single use, roles."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp

from gongjiang.accounts import services
from gongjiang.accounts.models import SealedTOTPDevice
from gongjiang.accounts.selectors import STEP_ENROL_2FA, STEP_MESSAGES, STEP_VERIFY_2FA
from gongjiang.core.models import AuditEntry
from tests import factories

PASSWORD = "Pass-Word-123"


def current_code(device: SealedTOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def confirmed_device(user) -> SealedTOTPDevice:
    return SealedTOTPDevice.create_for(user=user, name="default", confirmed=True)


def sign_in(client, username="lina"):
    response = client.post(reverse("web:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.django_db
def test_enrolment_shows_a_local_qr_code_and_confirms_with_a_code(client):
    # given
    user = factories.user("lina")
    client.force_login(user)
    # when: the page is opened twice, the secret stays the same
    first = client.get(reverse("accounts:totp_enrol"))
    second = client.get(reverse("accounts:totp_enrol"))
    device = SealedTOTPDevice.objects.get(user=user)
    # then
    assert first.status_code == 200
    assert b"<svg" in first.content
    assert b"http" not in first.content.split(b"<svg", 1)[1].split(b"</svg>", 1)[0].replace(
        b"http://www.w3.org/2000/svg", b""
    )
    assert first.context["secret"] == second.context["secret"]
    assert not device.confirmed
    # when: the code from the app is entered
    response = client.post(reverse("accounts:totp_enrol"), {"token": current_code(device)})
    # then
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action=services.ACTION_2FA_ENROLLED, actor=user).count() == 1
    assert client.get(reverse("web:home")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_enrolment_code_confirms_nothing(client):
    user = factories.user("lina")
    client.force_login(user)
    client.get(reverse("accounts:totp_enrol"))
    device = SealedTOTPDevice.objects.get(user=user)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:totp_enrol"), {"token": wrong})
    assert response.status_code == 200
    assert services.ERR_TOTP_CODE in str(response.context["form"].errors)
    device.refresh_from_db()
    assert not device.confirmed
    assert AuditEntry.objects.filter(action=services.ACTION_2FA_FAILED).count() == 1


@pytest.mark.django_db
def test_a_user_with_a_device_must_enter_a_code_after_the_password(client):
    # given
    user = factories.user("lina")
    device = confirmed_device(user)
    # when
    sign_in(client)
    blocked = client.get(reverse("web:home"))
    api = client.get("/api/v1/people/")
    # then: every page leads to the code, the API refuses with the reason
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("accounts:totp_verify"))
    assert api.status_code == 403
    assert api.json()["code"] == STEP_VERIFY_2FA
    assert api.json()["detail"] == str(STEP_MESSAGES[STEP_VERIFY_2FA])
    # when
    response = client.post(
        reverse("accounts:totp_verify"), {"token": current_code(device), "next": reverse("web:home")}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200
    assert AuditEntry.objects.filter(action=services.ACTION_2FA_VERIFIED, actor=user).count() == 1


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(client):
    # given: lina signs in with a code
    user = factories.user("lina")
    device = confirmed_device(user)
    code = current_code(device)
    sign_in(client)
    assert client.post(reverse("accounts:totp_verify"), {"token": code}).status_code == 302
    client.post(reverse("web:logout"))
    # when: somebody replays the same code in a new session
    sign_in(client)
    response = client.post(reverse("accounts:totp_verify"), {"token": code})
    # then
    assert response.status_code == 200
    assert services.ERR_TOTP_CODE in str(response.context["form"].errors)
    assert client.get(reverse("web:home")).status_code == 302
    assert AuditEntry.objects.filter(action=services.ACTION_2FA_FAILED, actor=user).count() == 1


@pytest.mark.django_db
def test_an_open_redirect_is_not_followed_after_the_code(client):
    user = factories.user("lina")
    device = confirmed_device(user)
    sign_in(client)
    response = client.post(
        reverse("accounts:totp_verify"), {"token": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("web:home")


@override_settings(REQUIRE_2FA_ROLES=["platform_admin", "security_admin", "audit_admin"])
def test_required_roles_must_enrol_before_anything_else(client, personas):
    # given: ada (platform admin) has no device; city (bureau admin) is not in a required role
    client.force_login(personas.ada)
    # when
    response = client.get(reverse("web:home"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:totp_enrol"))
    api = client.get("/api/v1/people/")
    assert api.status_code == 403 and api.json()["code"] == STEP_ENROL_2FA
    client.force_login(personas.city)
    assert client.get(reverse("web:home")).status_code == 200


@override_settings(REQUIRE_2FA_ROLES=["security_admin"])
def test_after_enrolment_the_required_role_can_work(client, personas):
    client.force_login(personas.sam)
    client.get(reverse("accounts:totp_enrol"))
    device = SealedTOTPDevice.objects.get(user=personas.sam)
    client.post(reverse("accounts:totp_enrol"), {"token": current_code(device)})
    assert client.get(reverse("accounts:account_list")).status_code == 200


def test_the_security_admin_resets_a_lost_device(client, personas):
    # given
    confirmed_device(personas.city)
    client.force_login(personas.sam)
    # when
    response = client.post(reverse("accounts:account_action", args=[personas.city.pk, "reset-2fa"]))
    # then
    assert response.status_code == 302
    assert not SealedTOTPDevice.objects.filter(user=personas.city).exists()
    assert AuditEntry.objects.filter(action=services.ACTION_2FA_RESET, object_id=str(personas.city.pk)).count() == 1


@pytest.mark.django_db
def test_the_second_factor_pages_speak_english(client):
    from django.conf import settings

    user = factories.user("lina")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(reverse("accounts:totp_enrol")).content.decode()
    assert "Open the authenticator app on your phone" in text and "QR code" in text and ">Bind<" in text
    assert "扫描下面的二维码" not in text
    # and the service's error, too
    code = current_code(SealedTOTPDevice.objects.get(user=user))
    wrong = client.post(reverse("accounts:totp_enrol"), {"token": "000000" if code != "000000" else "111111"})
    wrong = wrong.content.decode()
    assert "The code is wrong or has been used already" in wrong and services.ERR_TOTP_CODE not in wrong
