from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core import rules as core_rules
from gongjiang.core.models import BaseModel


class Person(BaseModel):
    """A registry entry (技能人才). The ID number is stored encrypted and found by a keyed hash.

    ``current_level`` and ``primary_occupation`` are derived from the person's valid
    certificates by ``people.services.person_refresh_level`` and never typed in;
    ``current_employer`` follows the open employment record.
    """

    class IdType(models.TextChoices):
        RESIDENT_ID = core_rules.RESIDENT_ID, _("居民身份证")
        PASSPORT = core_rules.PASSPORT, _("护照")
        HK_MACAO_PERMIT = core_rules.HK_MACAO_PERMIT, _("港澳居民来往内地通行证")
        TAIWAN_PERMIT = core_rules.TAIWAN_PERMIT, _("台湾居民来往大陆通行证")
        FOREIGN_PERMANENT_ID = core_rules.FOREIGN_PERMANENT_ID, _("外国人永久居留身份证")

    class Sex(models.TextChoices):
        MALE = core_rules.SEX_MALE, _("男")
        FEMALE = core_rules.SEX_FEMALE, _("女")

    class Education(models.TextChoices):
        JUNIOR_HIGH = "junior_high", _("初中及以下")
        HIGH_SCHOOL = "high_school", _("高中")
        SECONDARY_VOCATIONAL = "secondary_vocational", _("中专/职高")
        TECHNICAL_SCHOOL = "technical_school", _("技工学校")
        SENIOR_TECHNICAL_SCHOOL = "senior_technical_school", _("高级技工学校/技师学院")
        JUNIOR_COLLEGE = "junior_college", _("大专/高职")
        BACHELOR = "bachelor", _("本科")
        MASTER = "master", _("硕士研究生")
        DOCTOR = "doctor", _("博士研究生")

    name = models.CharField(_("姓名"), max_length=60)
    id_type = models.CharField(_("证件类型"), max_length=30, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number_encrypted = models.TextField(_("证件号码（密文）"), editable=False)
    id_number_hash = models.CharField(_("证件号码索引"), max_length=64, editable=False)
    id_number_masked = models.CharField(_("证件号码"), max_length=40, editable=False)
    sex = models.CharField(_("性别"), max_length=10, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    mobile_encrypted = models.TextField(_("手机号码（密文）"), blank=True, editable=False)
    mobile_masked = models.CharField(_("手机号码"), max_length=20, blank=True, editable=False)
    education = models.CharField(_("学历"), max_length=30, choices=Education.choices, blank=True)
    residence_region = models.ForeignKey(
        "catalog.Region", verbose_name=_("常住地"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="residents", db_index=False,  # indexed where set: see Meta.indexes
    )
    current_employer = models.ForeignKey(
        "orgs.Organization", verbose_name=_("现工作单位"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="current_staff", editable=False,
    )
    current_level = models.PositiveSmallIntegerField(
        _("当前技能等级"), choices=SkillLevel.choices, null=True, blank=True, editable=False
    )
    primary_occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("主要职业"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False, db_index=False,  # indexed where set: see Meta.indexes
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="person",
    )
    notes = models.TextField(_("备注"), blank=True)
    # Not indexed (BaseModel's is): nothing lists or filters people by when they were entered.
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("技能人才")
        verbose_name_plural = _("技能人才")
        ordering = ["name", "id"]
        # Every index is paid for on each row a bulk import writes (docs/imports.md), so each
        # one here is one a query needs, declared here rather than with db_index/unique:
        # * on PostgreSQL a field's index on a varchar comes with a second, varchar_pattern_ops
        #   index for LIKE, which neither the keyed hash nor the name is ever searched with;
        # * the level and the primary occupation are derived from certificates and empty for
        #   most people when they are registered (the residence region is often not given):
        #   their indexes hold only the people who have them (a filter "level = 3" or "occupation = X" implies the value is set, so both
        #   databases use the partial index for it);
        # * the birth date has no index of its own: the registry's age bands each select a
        #   large share of everyone (a scan is cheaper), and level + age uses the level index.
        indexes = [
            models.Index(fields=["current_level", "birth_date"], name="people_person_level_birth_idx",
                         condition=models.Q(current_level__isnull=False)),
            models.Index(fields=["name"], name="people_person_name_idx"),
            models.Index(fields=["primary_occupation"], name="people_person_occup_idx",
                         condition=models.Q(primary_occupation__isnull=False)),
            # The region code: often not given on import. One index for both equality and the
            # district-prefix LIKE (PostgreSQL's pattern operator class serves both).
            models.Index(fields=["residence_region"], name="people_person_region_idx",
                         condition=models.Q(residence_region__isnull=False), opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            # One person per ID number (people.services; imports upsert by it).
            models.UniqueConstraint(fields=["id_number_hash"], name="people_person_id_number_hash_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"

    @property
    def is_high_skilled(self) -> bool:
        return self.current_level is not None and self.current_level >= SkillLevel.SENIOR


class Employment(BaseModel):
    """A period of work at an organisation. An open record (no end date) is the current job."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="employments")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="employments"
    )
    post = models.CharField(_("岗位/职务"), max_length=100, blank=True)
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("职业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,  # indexed where set: see Meta.indexes
    )
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    # Not indexed (BaseModel's is): nothing lists or filters jobs by when they were entered.
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工作经历")
        verbose_name_plural = _("工作经历")
        ordering = ["-start_date", "-id"]
        # As for Person: only the indexes queries need, since a bulk import pays for each.
        indexes = [
            models.Index(fields=["occupation"], name="people_job_occupation_idx",
                         condition=models.Q(occupation__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="people_employment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} @ {self.organization.name}"


class Certificate(BaseModel):
    """A certificate a person holds. Issuance by the platform (evaluation, competition) and
    import of historical certificates both end in one of these records."""

    class Kind(models.TextChoices):
        SKILL_LEVEL = "skill_level", _("职业技能等级证书")
        QUALIFICATION = "qualification", _("职业资格证书")
        SPECIAL_ABILITY = "special_ability", _("专项职业能力证书")
        INTERNATIONAL = "international", _("境外/国际职业资格证书")
        POST_APPOINTMENT = "post_appointment", _("特级技师/首席技师聘任")

    class Scheme(models.TextChoices):
        NATIONAL = "national", _("全国统一编码（22 位）")
        LEGACY = "legacy", _("职业资格证书旧编码（16 位）")
        OTHER = "other", _("其他编码")

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")
        EXPIRED = "expired", _("已过期")

    class Source(models.TextChoices):
        MANUAL = "manual", _("人工登记")
        IMPORT = "import", _("批量导入")
        EVALUATION = "evaluation", _("等级认定")
        COMPETITION = "competition", _("以赛代评")
        RECOGNITION = "recognition", _("国际认可")
        APPOINTMENT = "appointment", _("评聘")
        TRAINING = "training", _("培训")

    kind = models.CharField(_("证书类型"), max_length=30, choices=Kind.choices, default=Kind.SKILL_LEVEL)
    number = models.CharField(_("证书编号"), max_length=40, db_index=True)
    scheme = models.CharField(_("编码规则"), max_length=10, choices=Scheme.choices, default=Scheme.OTHER)
    holder = models.ForeignKey(Person, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates")
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("职业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    occupation_name = models.CharField(_("职业（工种）名称"), max_length=100, blank=True)
    work_type = models.ForeignKey(
        "catalog.WorkType", verbose_name=_("工种"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("等级"), choices=SkillLevel.choices, null=True, blank=True)
    issuer = models.ForeignKey(
        "orgs.Organization", verbose_name=_("发证机构"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="issued_certificates",
    )
    issuer_name = models.CharField(_("发证机构名称"), max_length=200, blank=True)
    issue_date = models.DateField(_("发证日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.VALID, db_index=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    source_ref = models.CharField(_("来源记录"), max_length=100, blank=True)
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="people_certificate_number_unique_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Honor(BaseModel):
    """A title or award: 中华技能大奖, 全国技术能手, 首席技师, 技能大师, craftsman titles, medals."""

    class Title(models.TextChoices):
        CHINA_SKILL_AWARD = "china_skill_award", _("中华技能大奖")
        NATIONAL_TECHNICAL_EXPERT = "national_technical_expert", _("全国技术能手")
        PROVINCIAL_TECHNICAL_EXPERT = "provincial_technical_expert", _("省技术能手")
        CITY_TECHNICAL_EXPERT = "city_technical_expert", _("市技术能手")
        TECHNICAL_CHAMPION = "technical_champion", _("技术状元")
        CHIEF_TECHNICIAN = "chief_technician", _("首席技师")
        SKILL_MASTER = "skill_master", _("技能大师")
        CRAFTSMAN = "craftsman", _("工匠")
        MODEL_WORKER = "model_worker", _("劳动模范")
        COMPETITION_MEDAL = "competition_medal", _("竞赛奖牌")
        OTHER = "other", _("其他")

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        CITY = "city", _("市级")
        DISTRICT = "district", _("区县级")
        ENTERPRISE = "enterprise", _("企业级")
        INTERNATIONAL = "international", _("国际")

    person = models.ForeignKey(Person, verbose_name=_("获得者"), on_delete=models.CASCADE, related_name="honors")
    title = models.CharField(_("荣誉类别"), max_length=40, choices=Title.choices)
    name = models.CharField(_("荣誉名称"), max_length=100, help_text=_("如：绍兴工匠、浙江省技术能手"))
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    awarded_by = models.CharField(_("授予单位"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=20, default="manual")
    source_ref = models.CharField(_("来源记录"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=1950) & models.Q(year__lte=2100), name="people_honor_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"
