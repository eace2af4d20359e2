"""International cooperation: partners, agreements, alliances, joint projects, international
mentors, exchange events and the recognition of foreign qualifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.models import BaseModel
from gongjiang.international import rules


class PartnerProfile(BaseModel):
    """What the platform knows about a foreign partner beyond its ``orgs.Organization`` row
    (kind ``foreign_partner``). ``managed_by`` is the local body that keeps the relationship:
    it decides who sees and edits the partner."""

    class PartnerKind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        EVALUATION_BODY = "evaluation_body", _("培训评价/认证机构")
        COLLEGE = "college", _("院校")
        ASSOCIATION = "association", _("行业协会/学会")
        HR_SERVICE = "hr_service", _("人力资源服务机构")
        OTHER = "other", _("其他")

    organization = models.OneToOneField("orgs.Organization", verbose_name=_("单位"), on_delete=models.PROTECT,
                                        related_name="partner_profile")
    partner_kind = models.CharField(_("机构类型"), max_length=30, choices=PartnerKind.choices)
    name_original = models.CharField(_("外文名称"), max_length=200, blank=True)
    city = models.CharField(_("所在城市"), max_length=100, blank=True)
    website = models.URLField(_("网址"), blank=True)
    fields_of_cooperation = models.CharField(_("合作领域"), max_length=300, blank=True)
    managed_by = models.ForeignKey("orgs.Organization", verbose_name=_("联系管理单位"), on_delete=models.PROTECT,
                                   related_name="managed_partners")
    since = models.DateField(_("建立合作日期"), null=True, blank=True)
    is_active = models.BooleanField(_("合作中"), default=True)

    class Meta:
        verbose_name = _("境外合作机构")
        verbose_name_plural = _("境外合作机构")
        ordering = ["organization__country", "organization__name"]

    def __str__(self) -> str:
        return self.organization.name


class Agreement(BaseModel):
    """A cooperation agreement. Every party approves one exact version, named by the SHA-256
    ``content_hash`` of the agreed fields and the document; a change makes a new version."""

    class Kind(models.TextChoices):
        FRAMEWORK = "framework", _("框架合作协议")
        SCHOOL_ENTERPRISE = "school_enterprise", _("校企合作协议")
        INTER_SCHOOL = "inter_school", _("校际合作协议")
        JOINT_TRAINING = "joint_training", _("联合培养协议")

    class Status(models.TextChoices):
        DRAFT = rules.DRAFT, _("草拟中")
        PENDING = rules.PENDING, _("待各方确认")
        IN_FORCE = rules.IN_FORCE, _("生效中")
        EXPIRED = rules.EXPIRED, _("已到期")
        TERMINATED = rules.TERMINATED, _("已终止")

    title = models.CharField(_("协议名称"), max_length=200)
    kind = models.CharField(_("协议类型"), max_length=30, choices=Kind.choices, db_index=True)
    summary = models.TextField(_("主要内容"), blank=True)
    managed_by = models.ForeignKey("orgs.Organization", verbose_name=_("管理单位"), on_delete=models.PROTECT,
                                   related_name="managed_agreements")
    signed_date = models.DateField(_("签订日期"), null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"), null=True, blank=True)
    end_date = models.DateField(_("到期日期"), null=True, blank=True, editable=False)
    document = models.FileField(_("协议文本"), upload_to="agreements/%Y/", blank=True)
    document_name = models.CharField(_("文件名"), max_length=200, blank=True)
    document_sha256 = models.CharField(_("文本 SHA-256"), max_length=64, blank=True, editable=False)
    content_hash = models.CharField(_("版本哈希"), max_length=64, blank=True, editable=False, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT,
                              db_index=True, editable=False)
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    termination_reason = models.CharField(_("终止原因"), max_length=300, blank=True)
    alliance = models.ForeignKey("international.Alliance", verbose_name=_("联盟"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="agreements")

    class Meta:
        verbose_name = _("合作协议")
        verbose_name_plural = _("合作协议")
        ordering = ["-signed_date", "-id"]

    def __str__(self) -> str:
        return self.title


class AgreementParty(BaseModel):
    """A party to an agreement and the version it approved (``approved_hash``)."""

    agreement = models.ForeignKey(Agreement, verbose_name=_("协议"), on_delete=models.CASCADE,
                                  related_name="parties")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("签约方"), on_delete=models.PROTECT,
                                     related_name="agreement_parties")
    role = models.CharField(_("角色"), max_length=60, blank=True, help_text=_("如：甲方、乙方、见证方"))
    signatory = models.CharField(_("签署人"), max_length=100, blank=True)
    approved_hash = models.CharField(_("已确认版本哈希"), max_length=64, blank=True)
    approved_version = models.PositiveIntegerField(_("已确认版本"), null=True, blank=True)
    approved_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认经办人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approval_evidence = models.CharField(_("确认依据"), max_length=300, blank=True,
                                         help_text=_("境外方的确认方式，如：电子邮件 2024-11-20"))

    class Meta:
        verbose_name = _("协议签约方")
        verbose_name_plural = _("协议签约方")
        ordering = ["agreement", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organization"], name="international_party_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.organization}"


class Alliance(BaseModel):
    """An alliance (联盟), itself an ``orgs.Organization`` of kind ``alliance``, with members."""

    organization = models.OneToOneField("orgs.Organization", verbose_name=_("联盟"), on_delete=models.PROTECT,
                                        related_name="alliance_profile")
    founded_on = models.DateField(_("成立日期"))
    guided_by = models.ForeignKey("orgs.Organization", verbose_name=_("指导单位"), on_delete=models.PROTECT,
                                  related_name="guided_alliances")
    secretariat = models.ForeignKey("orgs.Organization", verbose_name=_("秘书处单位"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="alliance_secretariats")
    description = models.TextField(_("简介"), blank=True)

    class Meta:
        verbose_name = _("联盟")
        verbose_name_plural = _("联盟")
        ordering = ["-founded_on", "id"]

    def __str__(self) -> str:
        return self.organization.name


class AllianceMember(BaseModel):
    class Role(models.TextChoices):
        FOUNDING = "founding", _("首批成员")
        MEMBER = "member", _("成员")
        COUNCIL = "council", _("理事单位")

    alliance = models.ForeignKey(Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="members")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("成员单位"), on_delete=models.PROTECT,
                                     related_name="alliance_memberships")
    role = models.CharField(_("成员类型"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("加入日期"))
    certificate_number = models.CharField(_("成员证书编号"), max_length=60, blank=True)
    certificate_issued_on = models.DateField(_("证书颁发日期"), null=True, blank=True)
    left_on = models.DateField(_("退出日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("联盟成员")
        verbose_name_plural = _("联盟成员")
        ordering = ["alliance", "joined_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "organization"], name="international_alliance_member_unique"),
            models.UniqueConstraint(fields=["alliance", "certificate_number"],
                                    condition=~models.Q(certificate_number=""),
                                    name="international_alliance_certificate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.alliance} · {self.organization}"


class JointProject(BaseModel):
    """A joint training project (联合培养项目) linking partners, programmes and people."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        ACTIVE = "active", _("实施中")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    name = models.CharField(_("项目名称"), max_length=200)
    managed_by = models.ForeignKey("orgs.Organization", verbose_name=_("管理单位"), on_delete=models.PROTECT,
                                   related_name="managed_joint_projects")
    partners = models.ManyToManyField("orgs.Organization", verbose_name=_("合作机构"),
                                      related_name="joint_projects")
    agreement = models.ForeignKey(Agreement, verbose_name=_("依据协议"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="joint_projects")
    programs = models.ManyToManyField("training.TrainingProgram", verbose_name=_("培训项目"), blank=True,
                                      related_name="joint_projects")
    participants = models.ManyToManyField("people.Person", verbose_name=_("参与人员"), blank=True,
                                          related_name="joint_projects")
    occupation_name = models.CharField(_("职业/专业方向"), max_length=100, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED,
                              db_index=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("联合培养项目")
        verbose_name_plural = _("联合培养项目")
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.name


class InternationalMentor(BaseModel):
    """A mentor brought in from abroad (国际导师)."""

    name = models.CharField(_("姓名"), max_length=100)
    country = models.CharField(_("国籍/国家"), max_length=2)
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("所在机构"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="international_mentors")
    expertise = models.CharField(_("专长领域"), max_length=200)
    title = models.CharField(_("职务/资格"), max_length=200, blank=True)
    managed_by = models.ForeignKey("orgs.Organization", verbose_name=_("引进单位"), on_delete=models.PROTECT,
                                   related_name="managed_international_mentors")
    introduced_on = models.DateField(_("引进日期"))
    is_active = models.BooleanField(_("在聘"), default=True)

    class Meta:
        verbose_name = _("国际导师")
        verbose_name_plural = _("国际导师")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class MentorEngagement(BaseModel):
    mentor = models.ForeignKey(InternationalMentor, verbose_name=_("国际导师"), on_delete=models.CASCADE,
                               related_name="engagements")
    program = models.ForeignKey("training.TrainingProgram", verbose_name=_("培训项目"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="international_mentor_engagements")
    joint_project = models.ForeignKey(JointProject, verbose_name=_("联合培养项目"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="mentor_engagements")
    description = models.CharField(_("工作内容"), max_length=300)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    hours = models.DecimalField(_("授课/指导学时"), max_digits=6, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("国际导师聘用")
        verbose_name_plural = _("国际导师聘用")
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return f"{self.mentor} · {self.description}"


class ExchangeEvent(BaseModel):
    """A training, competition or exchange event held with foreign partners (活动场次)."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("培训")
        COMPETITION = "competition", _("竞赛")
        EXCHANGE = "exchange", _("交流")
        CONFERENCE = "conference", _("会议/论坛")

    name = models.CharField(_("活动名称"), max_length=200)
    kind = models.CharField(_("活动类型"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("举办日期"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    country = models.CharField(_("举办国家/地区"), max_length=2, default="CN")
    managed_by = models.ForeignKey("orgs.Organization", verbose_name=_("主办单位"), on_delete=models.PROTECT,
                                   related_name="international_events")
    partners = models.ManyToManyField("orgs.Organization", verbose_name=_("参与境外机构"), blank=True,
                                      related_name="+")
    participant_count = models.PositiveIntegerField(_("参与人数"), default=0)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("国际交流活动")
        verbose_name_plural = _("国际交流活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Recognition(BaseModel):
    """A foreign or international qualification on the recognition list (认可清单), and the
    domestic skill level or professional title it is recognised as (比照对应)."""

    class Category(models.TextChoices):
        SKILL = "skill", _("技能类")
        PROFESSIONAL = "professional", _("专业技术类")

    class Decision(models.TextChoices):
        PENDING = rules.PENDING_DECISION, _("待认定")
        RECOGNISED = rules.RECOGNISED, _("认可")
        MAPPED = rules.MAPPED, _("认可并比照对应")
        NOT_RECOGNISED = rules.NOT_RECOGNISED, _("不予认可")

    qualification = models.CharField(_("资格名称"), max_length=200)
    qualification_original = models.CharField(_("外文名称"), max_length=200, blank=True)
    awarding_body = models.CharField(_("颁发机构"), max_length=200)
    awarding_organization = models.ForeignKey("orgs.Organization", verbose_name=_("颁发机构（已登记）"), null=True,
                                              blank=True, on_delete=models.PROTECT, related_name="recognitions")
    country = models.CharField(_("国家/地区"), max_length=2)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, default=Category.SKILL)
    occupation = models.ForeignKey("catalog.Occupation", verbose_name=_("对应职业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    domestic_level = models.PositiveSmallIntegerField(_("比照职业技能等级"), choices=SkillLevel.choices, null=True,
                                                      blank=True)
    domestic_title = models.CharField(_("比照职称"), max_length=100, blank=True)
    decision = models.CharField(_("认定结果"), max_length=20, choices=Decision.choices, default=Decision.PENDING,
                                db_index=True)
    decision_date = models.DateField(_("决定日期"), null=True, blank=True)
    batch = models.CharField(_("发布批次"), max_length=60, blank=True)
    document_number = models.CharField(_("文件编号"), max_length=100, blank=True)
    decided_by = models.ForeignKey("orgs.Organization", verbose_name=_("认定单位"), on_delete=models.PROTECT,
                                   related_name="recognition_decisions")

    class Meta:
        verbose_name = _("国际职业资格认可")
        verbose_name_plural = _("国际职业资格认可")
        ordering = ["country", "qualification", "id"]
        constraints = [
            models.UniqueConstraint(fields=["qualification", "awarding_body", "country", "decided_by"],
                                    name="international_recognition_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.qualification}（{self.awarding_body}）"


class ForeignCertificate(BaseModel):
    """Links a person's certificate of kind "international" to the recognition it falls under."""

    certificate = models.OneToOneField("people.Certificate", verbose_name=_("证书"), on_delete=models.PROTECT,
                                       related_name="foreign_link")
    recognition = models.ForeignKey(Recognition, verbose_name=_("认可依据"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="certificates")
    country = models.CharField(_("国家/地区"), max_length=2)
    program = models.ForeignKey("training.TrainingProgram", verbose_name=_("取证培训项目"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="foreign_certificates")

    class Meta:
        verbose_name = _("境外/国际证书认可")
        verbose_name_plural = _("境外/国际证书认可")

    def __str__(self) -> str:
        return str(self.certificate)
