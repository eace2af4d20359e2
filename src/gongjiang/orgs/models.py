from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjiang.core.models import BaseModel


class Organization(BaseModel):
    """An enterprise, college, training institution, bureau, union, foreign partner or alliance."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        TECHNICAL_COLLEGE = "technical_college", _("技工院校/技师学院")
        VOCATIONAL_SCHOOL = "vocational_school", _("职业院校")
        TRAINING_INSTITUTION = "training_institution", _("培训机构")
        EVALUATION_BODY = "evaluation_body", _("社会培训评价组织")
        TRADE_UNION = "trade_union", _("工会")
        GOVERNMENT = "government", _("政府部门")
        FOREIGN_PARTNER = "foreign_partner", _("境外合作机构")
        ALLIANCE = "alliance", _("联盟")

    name = models.CharField(_("名称"), max_length=200, db_index=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices, db_index=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True
    )
    country = models.CharField(_("国家/地区"), max_length=2, default="CN", help_text=_("ISO 3166-1 二位代码"))
    foreign_registration = models.CharField(_("境外注册号"), max_length=100, blank=True)
    region = models.ForeignKey(
        "catalog.Region", verbose_name=_("所在地区"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="organizations",
    )
    industry = models.ForeignKey(
        "catalog.Industry", verbose_name=_("所属行业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of ancestor ids ("/1/5/12/") so "this organisation and below" is one
    # indexed prefix query. Maintained by orgs.services only.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(country="CN") | ~models.Q(kind="foreign_partner"),
                name="orgs_foreign_partner_not_cn",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """A user's role, in an organisation (or platform-wide for the three administrator roles)."""

    class Role(models.TextChoices):
        PLATFORM_ADMIN = "platform_admin", _("系统管理员")
        SECURITY_ADMIN = "security_admin", _("安全管理员")
        AUDIT_ADMIN = "audit_admin", _("审计管理员")
        CITY_ADMIN = "city_admin", _("市级人社管理员")
        DISTRICT_ADMIN = "district_admin", _("区县人社管理员")
        ORG_ADMIN = "org_admin", _("单位管理员")
        ORG_STAFF = "org_staff", _("单位工作人员（只读）")
        WORKER = "worker", _("技能人才本人")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("成员角色")
        verbose_name_plural = _("成员角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="orgs_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization or '-'}"
