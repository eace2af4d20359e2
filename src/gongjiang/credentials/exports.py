"""The credential list's columns for its Excel export (the page's columns, ID numbers masked)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongjiang.imports.exporters import Column

EXPORT_ACTION = "credentials.credential.exported"

COLUMNS = [
    Column(_("证书编号"), lambda c: c.number or c.code, width=24),
    Column(_("核验码"), lambda c: c.code, width=20),
    Column(_("证书类型"), lambda c: c.get_kind_display(), width=16),
    Column(_("证书名称"), lambda c: c.title, width=28),
    Column(_("持证人"), lambda c: c.holder_name, width=12),
    Column(_("证件号码（脱敏）"), lambda c: c.holder.id_number_masked if c.holder else "", width=22),
    Column(_("发证机构"), lambda c: c.issuer_name, width=24),
    Column(_("发证日期"), lambda c: c.issued_on, width=12),
    Column(_("有效期至"), lambda c: c.valid_until or "", width=12),
    Column(_("状态"), lambda c: c.get_status_display(), width=8),
]
