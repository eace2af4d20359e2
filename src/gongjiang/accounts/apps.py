from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Logins and accounts: the sign-in gates (second factor, password expiry), account
    management by the security administrator, and the audit log for the audit administrator."""

    name = "gongjiang.accounts"
    label = "accounts"
    verbose_name = _("账号与安全")
