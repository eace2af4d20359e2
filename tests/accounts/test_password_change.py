"""Password rules, forced change and optional expiry (等保 2.0 身份鉴别 a)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from gongjiang.accounts import services
from gongjiang.accounts.selectors import STEP_CHANGE_PASSWORD
from gongjiang.core.models import AuditEntry, User
from tests import factories

PASSWORD = "Pass-Word-123"
NEW_PASSWORD = "Fresh-Start-2026"
CHANGE = reverse("accounts:password_change")


@pytest.mark.django_db
def test_setting_a_password_stamps_its_age():
    user = factories.user("lina")
    user.set_password(NEW_PASSWORD)
    user.save()
    user.refresh_from_db()
    assert user.password_changed_at is not None
    assert timezone.now() - user.password_changed_at < dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_a_must_change_user_is_sent_to_the_change_page_until_done(client):
    # given
    user = factories.user("lina", must_change_password=True)
    client.force_login(user)
    # when / then
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(CHANGE)
    api = client.get("/api/v1/people/")
    assert api.status_code == 403 and api.json()["code"] == STEP_CHANGE_PASSWORD
    # when
    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    # then
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)
    assert client.get(reverse("web:home")).status_code == 200  # still signed in
    assert AuditEntry.objects.filter(action=services.ACTION_PASSWORD_CHANGED, actor=user).count() == 1


@pytest.mark.django_db
@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_an_expired_password_must_be_changed(client):
    user = factories.user("lina")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response["Location"].startswith(CHANGE)
    assert client.get(CHANGE).context["expired"] is True


@pytest.mark.django_db
@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_a_password_younger_than_the_limit_is_fine(client):
    user = factories.user("lina")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=89))
    client.force_login(user)
    assert client.get(reverse("web:home")).status_code == 200


@pytest.mark.django_db
def test_expiry_is_off_by_default(client):
    user = factories.user("lina")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=3650))
    client.force_login(user)
    assert client.get(reverse("web:home")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("wrong-old", NEW_PASSWORD, "old_password"),
        (PASSWORD, PASSWORD, "new_password1"),
        (PASSWORD, "short1A", "new_password1"),
        (PASSWORD, "alllowercaseletters", "new_password1"),
    ],
)
def test_bad_changes_are_refused_and_nothing_changes(client, old, new, field):
    user = factories.user("lina")
    client.force_login(user)
    response = client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action=services.ACTION_PASSWORD_CHANGED).exists()


@pytest.mark.django_db
def test_changing_the_password_ends_the_other_sessions(client):
    user = factories.user("lina")
    other = client.__class__()
    other.post(reverse("web:login"), {"username": "lina", "password": PASSWORD})
    client.post(reverse("web:login"), {"username": "lina", "password": PASSWORD})
    client.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.get(reverse("web:home")).status_code == 200
    assert other.get(reverse("web:home")).status_code == 302
    assert user.pk


@pytest.mark.django_db
def test_an_htmx_request_is_sent_to_the_step_as_a_whole_page(client):
    user = factories.user("lina", must_change_password=True)
    client.force_login(user)
    response = client.get(reverse("web:home"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == CHANGE


@pytest.mark.django_db
def test_the_account_page_links_to_password_and_second_factor(client):
    user = factories.user("lina")
    client.force_login(user)
    response = client.get(reverse("accounts:security"))
    assert response.status_code == 200
    assert response.context["has_2fa"] is False
    body = response.content.decode()
    assert reverse("accounts:password_change") in body and reverse("accounts:totp_enrol") in body
    assert f'href="{reverse("accounts:security")}"' in body  # from the user name in the top bar
