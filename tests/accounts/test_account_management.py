"""The security administrator manages accounts at /accounts/manage/; nobody else can."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.urls import reverse
from rest_framework.authtoken.models import Token

from gongjiang.accounts import services
from gongjiang.core.models import AuditEntry, User
from gongjiang.core.signals import ACTION_PERMISSION_DENIED
from gongjiang.orgs.models import Membership
from gongjiang.orgs.services import ERR_SEPARATED_ROLES

PASSWORD = "Pass-Word-123"
NEW_PASSWORD = "Fresh-Start-2026"

PAGES = ["accounts:account_list", "accounts:account_create"]


@pytest.mark.parametrize("persona", ["ada", "aud", "city", "dan", "olga", "stan", "wang", "kira"])
def test_only_the_security_admin_may_open_account_management(client, personas, persona):
    client.force_login(getattr(personas, persona))
    users_before = User.objects.count()
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("accounts:account_detail", args=[personas.wang.pk])).status_code == 403
    response = client.post(reverse("accounts:account_action", args=[personas.wang.pk, "disable"]))
    assert response.status_code == 403
    response = client.post(
        reverse("accounts:account_create"), {"username": "mole", "password": NEW_PASSWORD}
    )
    assert response.status_code == 403
    # nothing changed, and every refusal is in the log
    assert User.objects.count() == users_before
    assert User.objects.get(pk=personas.wang.pk).is_active
    assert AuditEntry.objects.filter(action=ACTION_PERMISSION_DENIED).count() == 5


def test_the_security_admin_lists_and_searches_accounts(client, personas):
    client.force_login(personas.sam)
    response = client.get(reverse("accounts:account_list"), {"q": "ol"})
    assert response.status_code == 200
    assert [u.username for u in response.context["page"].object_list] == ["olga"]


def test_creating_an_account_forces_a_password_change(client, personas):
    # given
    client.force_login(personas.sam)
    # when
    response = client.post(
        reverse("accounts:account_create"),
        {"username": "zhao", "display_name": "赵工", "password": NEW_PASSWORD},
    )
    # then
    user = User.objects.get(username="zhao")
    assert response.status_code == 302
    assert user.must_change_password and user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action=services.ACTION_USER_CREATED, actor=personas.sam).count() == 1


def test_a_weak_initial_password_is_refused_and_nothing_is_saved(client, personas):
    client.force_login(personas.sam)
    response = client.post(reverse("accounts:account_create"), {"username": "zhao", "password": "abc"})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="zhao").exists()


def test_a_taken_username_is_refused(client, personas):
    client.force_login(personas.sam)
    response = client.post(reverse("accounts:account_create"), {"username": "OLGA", "password": NEW_PASSWORD})
    assert services.ERR_USERNAME_TAKEN.format(username="OLGA") in response.context["form"].errors["username"]
    assert User.objects.filter(username__iexact="olga").count() == 1


def test_disabling_an_account_ends_its_sessions_and_tokens(client, personas):
    # given: city is signed in somewhere and has an API token
    other = client.__class__()
    other.force_login(personas.city)
    Token.objects.create(user=personas.city)
    assert other.get(reverse("web:home")).status_code == 200
    client.force_login(personas.sam)
    # when
    response = client.post(reverse("accounts:account_action", args=[personas.city.pk, "disable"]))
    # then
    assert response.status_code == 302
    personas.city.refresh_from_db()
    assert not personas.city.is_active
    assert other.get(reverse("web:home")).status_code == 302
    assert not Token.objects.filter(user=personas.city).exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(personas.city.pk)]
    entry = AuditEntry.objects.get(action=services.ACTION_USER_DISABLED)
    assert entry.actor == personas.sam and entry.changes["tokens_revoked"] == 1
    assert entry.changes["sessions_ended"] == 1


def test_a_disabled_account_cannot_sign_in_and_can_be_enabled_again(client, personas):
    services.user_disable(actor=personas.sam, user=personas.city)
    response = client.post(reverse("web:login"), {"username": "city", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    services.user_enable(actor=personas.sam, user=personas.city)
    response = client.post(reverse("web:login"), {"username": "city", "password": PASSWORD})
    assert response.status_code == 302


def test_the_security_admin_cannot_disable_themself(client, personas):
    client.force_login(personas.sam)
    client.post(reverse("accounts:account_action", args=[personas.sam.pk, "disable"]))
    personas.sam.refresh_from_db()
    assert personas.sam.is_active


def test_the_security_admin_unlocks_a_locked_account(client, personas):
    # given: city is locked out
    anonymous = client.__class__()
    for _ in range(5):
        anonymous.post(reverse("web:login"), {"username": "city", "password": "wrong"})
    assert anonymous.post(reverse("web:login"), {"username": "city", "password": PASSWORD}).status_code == 429
    client.force_login(personas.sam)
    detail = client.get(reverse("accounts:account_detail", args=[personas.city.pk]))
    assert detail.context["is_locked"] is True
    # when
    client.post(reverse("accounts:account_action", args=[personas.city.pk, "unlock"]))
    # then
    assert not AccessAttempt.objects.filter(username="city").exists()
    assert anonymous.post(reverse("web:login"), {"username": "city", "password": PASSWORD}).status_code == 302
    assert AuditEntry.objects.filter(action=services.ACTION_USER_UNLOCKED, actor=personas.sam).count() == 1


def test_resetting_a_password_forces_a_change_and_ends_sessions(client, personas):
    other = client.__class__()
    other.force_login(personas.city)
    client.force_login(personas.sam)
    client.post(reverse("accounts:account_action", args=[personas.city.pk, "reset-password"]), {"password": NEW_PASSWORD})
    personas.city.refresh_from_db()
    assert personas.city.check_password(NEW_PASSWORD) and personas.city.must_change_password
    assert other.get(reverse("web:home")).status_code == 302


def test_granting_and_revoking_a_role_is_audited(client, personas, city):
    # given
    from tests import factories

    newcomer = factories.user("newcomer")
    client.force_login(personas.sam)
    # when
    client.post(
        reverse("accounts:account_action", args=[newcomer.pk, "grant"]),
        {"role": "org_staff", "organization": city.yuecheng_machinery.credit_code},
    )
    membership = Membership.objects.get(user=newcomer, role="org_staff")
    client.post(reverse("accounts:account_action", args=[newcomer.pk, "revoke"]), {"membership": membership.pk})
    # then
    membership.refresh_from_db()
    assert membership.organization == city.yuecheng_machinery and not membership.is_active
    actions = list(AuditEntry.objects.filter(actor=personas.sam, action__startswith="orgs.membership").values_list("action", flat=True))
    assert sorted(actions) == ["orgs.membership.granted", "orgs.membership.revoked"]


def test_an_unknown_organisation_is_refused_when_granting(client, personas):
    from tests import factories

    newcomer = factories.user("newcomer")
    client.force_login(personas.sam)
    response = client.post(
        reverse("accounts:account_action", args=[newcomer.pk, "grant"]),
        {"role": "org_staff", "organization": "不存在的公司"},
    )
    assert response.status_code == 400
    assert response.context["grant_form"].errors["organization"]
    assert not Membership.objects.filter(user=newcomer).exists()


def test_nobody_may_hold_two_of_the_three_administrator_roles(client, personas):
    # given: ada is the platform administrator
    client.force_login(personas.sam)
    # when: sam tries to make ada the audit administrator as well
    response = client.post(reverse("accounts:account_action", args=[personas.ada.pk, "grant"]), {"role": "audit_admin"})
    # then
    assert response.status_code == 400
    expected = ERR_SEPARATED_ROLES.format(role=Membership.Role.PLATFORM_ADMIN.label)
    assert expected in response.context["grant_form"].errors["role"]
    assert list(Membership.objects.filter(user=personas.ada).values_list("role", flat=True)) == ["platform_admin"]


@pytest.mark.parametrize(
    ("held", "wanted"),
    [("platform_admin", "security_admin"), ("security_admin", "audit_admin"), ("audit_admin", "platform_admin")],
)
def test_the_separation_holds_in_the_service_for_every_pair(personas, held, wanted):
    from gongjiang.core.exceptions import ApplicationError
    from gongjiang.orgs.services import membership_grant
    from tests import factories

    user = factories.user(f"x-{held}")
    membership_grant(actor=None, user=user, role=held)
    with pytest.raises(ApplicationError):
        membership_grant(actor=None, user=user, role=wanted)
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [held]


def test_the_security_admin_cannot_grant_themself_a_role(personas, city):
    from gongjiang.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as caught:
        services.user_role_grant(actor=personas.sam, user=personas.sam, role="city_admin", organization=city.city_bureau)
    assert str(caught.value.message) == services.ERR_NOT_YOURSELF
    assert list(Membership.objects.filter(user=personas.sam).values_list("role", flat=True)) == ["security_admin"]
