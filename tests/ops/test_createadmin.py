"""``gongjiang createadmin`` creates NAMED administrators and enforces the password rules."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from gongjiang.core.models import User
from gongjiang.orgs.models import Membership

PASSWORD = "Strong-Admin-2026"


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "pw.txt"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_creates_a_named_platform_admin(password_file):
    out = io.StringIO()
    call_command("createadmin", "--username", "zhangsan", "--password-file", password_file, stdout=out)
    user = User.objects.get(username="zhangsan")
    assert user.check_password(PASSWORD) and user.is_staff and not user.is_superuser
    assert list(Membership.objects.filter(user=user).values_list("role", "organization")) == [("platform_admin", None)]
    assert "zhangsan" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["security_admin", "audit_admin"])
def test_creates_the_other_two_administrators(password_file, role):
    call_command("createadmin", "--username", f"admin-{role}", "--password-file", password_file, "--role", role)
    user = User.objects.get(username=f"admin-{role}")
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [role]
    assert not user.is_staff


@pytest.mark.django_db
def test_a_weak_password_is_refused_and_nothing_is_created(tmp_path):
    weak = tmp_path / "weak.txt"
    weak.write_text("admin123\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("createadmin", "--username", "zhangsan", "--password-file", str(weak))
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.django_db
def test_reads_the_password_from_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    call_command("createadmin", "--username", "lisi", "--password-file", "-")
    assert User.objects.get(username="lisi").check_password(PASSWORD)


@pytest.mark.django_db
def test_interactive(monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt="": "wangwu")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    call_command("createadmin")
    assert User.objects.get(username="wangwu").check_password(PASSWORD)


@pytest.mark.django_db
def test_an_existing_username_is_refused(password_file):
    call_command("createadmin", "--username", "zhangsan", "--password-file", password_file)
    with pytest.raises(CommandError):
        call_command("createadmin", "--username", "zhangsan", "--password-file", password_file, "--role", "audit_admin")
    assert Membership.objects.filter(user__username="zhangsan").count() == 1
