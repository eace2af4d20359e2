"""The organisation list's columns for its Excel export (the same columns as the page)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongjiang.imports.exporters import Column

EXPORT_ACTION = "orgs.organization.exported"

COLUMNS = [
    Column(_("名称"), lambda o: o.name, width=28),
    Column(_("简称"), lambda o: o.short_name, width=12),
    Column(_("类型"), lambda o: o.get_kind_display(), width=14),
    Column(_("统一社会信用代码"), lambda o: o.credit_code or "", width=22),
    Column(_("所在地区"), lambda o: o.region.name if o.region else "", width=14),
    Column(_("上级单位"), lambda o: o.parent.name if o.parent else "", width=24),
    Column(_("状态"), lambda o: _("有效") if o.is_active else _("已停用"), width=8),
]
