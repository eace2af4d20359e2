"""Forms validate input only; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from gongjiang.core.models import AuditEntry
from gongjiang.orgs.models import Membership


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("新密码"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"), max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                   "pattern": "[0-9 ]*"}
        ),
        help_text=_("验证器应用（如 FreeOTP、Google Authenticator、微信小程序“腾讯身份验证器”）显示的 6 位数字。"),
    )


class AccountCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名/显示名称"), max_length=100, required=False)
    password = forms.CharField(
        label=_("初始密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("用户首次登录时须修改。"),
    )


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("临时密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("用户下次登录时须修改；其现有会话立即结束。"),
    )


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Membership.Role.choices)
    organization = forms.CharField(
        label=_("所属单位"), required=False, max_length=200,
        help_text=_("填单位全称或统一社会信用代码。系统、安全、审计管理员与技能人才本人不填；其他角色必填。"),
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.CharField(label=_("操作"), required=False, max_length=100,
                             help_text=_("前缀匹配，如 auth. 或 people.person"))
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=100,
                                  widget=forms.TextInput(attrs={"list": "object-types"}))
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    outcome = forms.ChoiceField(label=_("结果"), required=False,
                                choices=[("", _("全部")), *AuditEntry.Outcome.choices])
    date_from = forms.DateField(label=_("起始日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data
