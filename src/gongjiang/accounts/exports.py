"""Columns of the account list and the audit log for their Excel exports.

Each has exactly the columns its page shows, no more: the audit export carries nothing the
audit page does not show.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjiang.core.text import clauses
from gongjiang.imports.exporters import Column

ACCOUNT_EXPORT_ACTION = "accounts.user.exported"
AUDIT_EXPORT_ACTION = "core.audit.exported"


def _roles(account: Any) -> str:
    return clauses(
        f"{m.get_role_display()}（{m.organization.name}）" if m.organization else str(m.get_role_display())
        for m in account.memberships.all()
    )


def account_columns(locked: set[str]) -> list[Column]:
    def status(account: Any) -> str:
        if not account.is_active:
            return str(_("已停用"))
        return str(_("已锁定")) if account.username in locked else str(_("正常"))

    return [
        Column(_("用户名"), lambda a: a.username, width=18),
        Column(_("姓名"), lambda a: a.display_name, width=12),
        Column(_("角色"), _roles, width=40),
        Column(_("状态"), status, width=8),
        Column(_("最近登录"), lambda a: timezone.localtime(a.last_login).replace(tzinfo=None) if a.last_login else "",
               width=20),
    ]


def _local(moment: Any) -> Any:
    return timezone.localtime(moment).replace(tzinfo=None)  # Excel keeps no time zone


def changes_text(entry: Any) -> str:
    """An audit entry's changes as one line of JSON, Chinese kept readable ("" for none):
    the page and the Excel export show the same text."""
    return json.dumps(entry.changes, ensure_ascii=False, default=str) if entry.changes else ""


AUDIT_COLUMNS = [
    Column(_("时间"), lambda e: _local(e.at), width=20),
    Column(_("操作人"), lambda e: e.actor_username, width=14),
    Column(_("来源地址"), lambda e: e.ip_address or "", width=16),
    Column(_("操作"), lambda e: e.action, width=28),
    Column(_("对象类型"), lambda e: e.object_type, width=20),
    Column(_("对象编号"), lambda e: e.object_id, width=10),
    Column(_("对象"), lambda e: e.object_repr, width=24),
    Column(_("结果"), lambda e: e.get_outcome_display(), width=8),
    Column(_("变更内容"), changes_text, width=40),
]
