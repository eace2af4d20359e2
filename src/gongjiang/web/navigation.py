"""The main navigation. Each capability adds one entry: (url name, label, roles or None for all)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NAV_ITEMS: list[tuple[str, object, frozenset[str] | None]] = [
    ("web:home", _("首页"), None),
    ("people:list", _("技能人才库"), None),
    ("orgs:list", _("单位"), None),
    ("competitions:home", _("职业技能竞赛"), None),
    ("evaluation:index", _("等级认定"), None),
    ("credentials:list", _("证书"), None),
    ("training:program_list", _("培训与学徒"), frozenset({"platform_admin", "city_admin", "district_admin", "org_admin", "org_staff", "worker"})),
    ("international:partner_list", _("国际合作"), frozenset({"platform_admin", "city_admin", "district_admin", "org_admin", "org_staff"})),
    ("imports:index", _("批量导入导出"), frozenset({"platform_admin", "city_admin", "district_admin", "org_admin"})),
    ("accounts:account_list", _("账号管理"), frozenset({"security_admin"})),
    ("accounts:audit_list", _("审计日志"), frozenset({"audit_admin"})),
]
