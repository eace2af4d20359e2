from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.models import BaseModel
from gongjiang.core.text import enumeration
from gongjiang.evaluation import rules

# The national levels as the pages name them, in the user's language. Certificates keep the
# national wording (rules.GRADE_NAMES) whatever the language of the person issuing them.
GRADE_LABELS = {grade: _(name) for grade, name in rules.GRADE_NAMES.items()}
GRADE_CHOICES = [(grade, label) for grade, label in sorted(GRADE_LABELS.items(), reverse=True)]


class EvaluationBody(BaseModel):
    """A filed (备案) evaluation body: an employer evaluating its own staff (category Y) or a
    social training-evaluation organisation (S). Its codes make up the first 13 characters of
    every certificate number it issues (DOMAIN.md §4.1)."""

    class Category(models.TextChoices):
        EMPLOYER = "Y", _("用人单位（企业自主评价）")
        SOCIAL = "S", _("社会培训评价组织")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        SUSPENDED = "suspended", _("暂停")
        REVOKED = "revoked", _("撤销备案")

    organization = models.OneToOneField(
        "orgs.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="evaluation_body"
    )
    filed_name = models.CharField(_("备案名称"), max_length=200, help_text=_("证书上的评价机构名称须与备案名称一致"))
    category = models.CharField(_("机构类别"), max_length=1, choices=Category.choices)
    filing_authority = models.CharField(_("备案机关"), max_length=100)
    filing_number = models.CharField(_("备案编号"), max_length=60, unique=True)
    institution_code = models.CharField(
        _("评价机构代码"), max_length=4, validators=[RegexValidator(r"^\d{4}$")],
        help_text=_("人社部备案的为 4 位代码；向省级人社部门备案的为 0000"),
    )
    province_code = models.CharField(_("所在地省级代码"), max_length=2, validators=[RegexValidator(r"^\d{2}$")])
    site_code = models.CharField(_("站点序列码"), max_length=6, validators=[RegexValidator(r"^\d{6}$")])
    valid_from = models.DateField(_("备案有效期自"))
    valid_until = models.DateField(_("备案有效期至"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("状态变更原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("评价机构")
        verbose_name_plural = _("评价机构")
        ordering = ["filed_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "institution_code", "province_code", "site_code"], name="evaluation_body_codes_unique"
            ),
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")), name="evaluation_body_validity"),
        ]

    def __str__(self) -> str:
        return self.filed_name

    @property
    def number_prefix(self) -> str:
        return f"{self.category}{self.institution_code}{self.province_code}{self.site_code}"


class BodyScope(BaseModel):
    """One line of a body's filed scope: an occupation (and 工种) and the levels it may evaluate."""

    body = models.ForeignKey(EvaluationBody, verbose_name=_("评价机构"), on_delete=models.CASCADE, related_name="scopes")
    occupation = models.ForeignKey("catalog.Occupation", verbose_name=_("职业"), on_delete=models.PROTECT, related_name="+")
    work_type = models.ForeignKey(
        "catalog.WorkType", verbose_name=_("工种"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grades = models.JSONField(_("可认定等级"), default=list, help_text=_("国家等级代码 1–5"))

    class Meta:
        verbose_name = _("备案范围")
        verbose_name_plural = _("备案范围")
        ordering = ["occupation__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "occupation", "work_type"], name="evaluation_scope_unique"),
        ]

    def __str__(self) -> str:
        work_type = self.work_type  # None without a query when no work type is set
        return f"{self.occupation.name}{'（' + work_type.name + '）' if work_type is not None else ''}"


class Evaluator(BaseModel):
    """A person on a body's roster: 考评员, 高级考评员 or 督导员, with their own skill level."""

    class Role(models.TextChoices):
        EVALUATOR = "evaluator", _("考评员")
        SENIOR_EVALUATOR = "senior_evaluator", _("高级考评员")
        SUPERVISOR = "supervisor", _("督导员")

    body = models.ForeignKey(EvaluationBody, verbose_name=_("评价机构"), on_delete=models.CASCADE, related_name="evaluators")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="evaluator_roles")
    role = models.CharField(_("类别"), max_length=20, choices=Role.choices, default=Role.EVALUATOR)
    level = models.PositiveSmallIntegerField(_("本人技能等级"), choices=SkillLevel.choices)
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("考评职业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    card_number = models.CharField(_("证卡编号"), max_length=40, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)

    class Meta:
        verbose_name = _("考评员/督导员")
        verbose_name_plural = _("考评员/督导员")
        ordering = ["body", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "person", "role"], name="evaluation_evaluator_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_role_display()}）"


class EligibilityRuleSet(BaseModel):
    """申报条件 of an occupation standard: per grade, a list of alternatives (rules.evaluate).

    ``occupation`` empty = a template any batch may use. The staffing ratios and pass mark of
    the standard travel with it and are copied into each batch."""

    class Template(models.TextChoices):
        T2018 = "2018", _("2018 版标准通用条件")
        RELAXED = "relaxed", _("新版放宽条件")
        CUSTOM = "custom", _("按标准自定义")

    name = models.CharField(_("名称"), max_length=200)
    template = models.CharField(_("模板"), max_length=10, choices=Template.choices, default=Template.CUSTOM)
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("职业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="eligibility_rule_sets",
    )
    standard_title = models.CharField(_("国家职业技能标准"), max_length=200, blank=True)
    source = models.CharField(_("依据"), max_length=300, blank=True)
    grades = models.JSONField(_("条件"), default=dict)
    related_occupations = models.JSONField(_("相关职业编码"), default=list, blank=True)
    related_majors = models.JSONField(_("相关专业"), default=list, blank=True)
    pass_mark = models.DecimalField(_("合格分"), max_digits=4, decimal_places=1, default=Decimal("60"))
    practical_evaluators_min = models.PositiveSmallIntegerField(_("每考场技能考核考评员至少"), default=3)
    candidates_per_evaluator = models.PositiveSmallIntegerField(_("每名考评员对应考生至多"), default=5)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("申报条件")
        verbose_name_plural = _("申报条件")
        ordering = ["occupation__code", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def as_rule_data(self) -> dict[str, object]:
        return {"grades": self.grades}


class EvaluationBatch(BaseModel):
    """认定计划/批次: one occupation (and 工种), some levels, a schedule, a state."""

    class Status(models.TextChoices):
        DRAFT = rules.DRAFT, _("草稿")
        OPEN = rules.OPEN, _("报名中")
        CLOSED = rules.CLOSED, _("报名截止")
        EXAMINING = rules.EXAMINING, _("考试中")
        SCORING = rules.SCORING, _("评分中")
        PUBLICITY = rules.PUBLICITY, _("公示中")
        CERTIFIED = rules.CERTIFIED, _("已发证")
        CANCELLED = rules.CANCELLED, _("已取消")

    class Combine(models.TextChoices):
        MEAN = "mean", _("平均分")
        MEDIAN = "median", _("中位数")

    body = models.ForeignKey(EvaluationBody, verbose_name=_("评价机构"), on_delete=models.PROTECT, related_name="batches")
    name = models.CharField(_("名称"), max_length=200)
    occupation = models.ForeignKey("catalog.Occupation", verbose_name=_("职业"), on_delete=models.PROTECT, related_name="+")
    work_type = models.ForeignKey(
        "catalog.WorkType", verbose_name=_("工种"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grades = models.JSONField(_("认定等级"), default=list)
    rule_set = models.ForeignKey(EligibilityRuleSet, verbose_name=_("申报条件"), on_delete=models.PROTECT, related_name="batches")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    applications_open = models.DateField(_("报名开始"))
    applications_close = models.DateField(_("报名截止"))
    theory_exam_on = models.DateField(_("理论考试日期"), null=True, blank=True)
    practical_exam_on = models.DateField(_("技能考核日期"), null=True, blank=True)
    review_on = models.DateField(_("综合评审日期"), null=True, blank=True)
    sites = models.CharField(_("考点"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("计划人数"), default=0, help_text=_("0 表示不限"))
    fee = models.DecimalField(_("收费（元/人）"), max_digits=8, decimal_places=2, default=Decimal("0"))
    pass_mark = models.DecimalField(_("合格分"), max_digits=4, decimal_places=1, default=Decimal("60"))
    practical_evaluators_min = models.PositiveSmallIntegerField(_("每考场技能考核考评员至少"), default=3)
    candidates_per_evaluator = models.PositiveSmallIntegerField(_("每名考评员对应考生至多"), default=5)
    practical_combine = models.CharField(_("技能考核成绩合成"), max_length=10, choices=Combine.choices, default=Combine.MEAN)
    recheck_share = models.DecimalField(
        _("抽查复核比例"), max_digits=3, decimal_places=2, default=Decimal("0.10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    recheck_tolerance = models.DecimalField(_("复核差异容许（分）"), max_digits=4, decimal_places=1, default=Decimal("5"))
    publicity_days = models.PositiveSmallIntegerField(_("公示天数"), default=7)
    certified_on = models.DateField(_("发证日期"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("认定批次")
        verbose_name_plural = _("认定批次")
        ordering = ["-applications_open", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(applications_close__gte=models.F("applications_open")),
                name="evaluation_batch_application_window",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def grade_names(self) -> str:
        return enumeration(GRADE_LABELS[g] for g in sorted(self.grades, reverse=True))


class Application(BaseModel):
    """申报: a person applies to a batch for a grade, with the facts the rule set needs."""

    class Route(models.TextChoices):
        REGULAR = "regular", _("正常申报")
        DIRECT = "direct", _("直接认定（企业自主评价）")
        PROMOTION = "promotion", _("破格晋升（企业自主评价）")

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("已受理")
        REFUSED = "refused", _("不符合条件")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Result(models.TextChoices):
        PENDING = "pending", _("待评定")
        PASSED = "passed", _("合格")
        FAILED = "failed", _("不合格")
        ABSENT = "absent", _("缺考")
        EXCLUDED = "excluded", _("公示异议成立，取消")

    class Title(models.TextChoices):
        NONE = "", _("无")
        JUNIOR = "junior", _("初级职称")
        INTERMEDIATE = "intermediate", _("中级职称")
        SENIOR = "senior", _("高级职称")

    class Grounds(models.TextChoices):
        TECHNICAL_PROBLEM = "technical_problem", _("解决重大工艺技术难题或重大质量问题")
        PROVINCIAL_AWARD = "provincial_award", _("技术创新成果获省部级以上奖项")
        MENTORING = "mentoring", _("“师带徒”业绩突出")
        OUTSTANDING = "outstanding", _("技能高超、业绩突出的一线职工")

    batch = models.ForeignKey(EvaluationBatch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="applications")
    person = models.ForeignKey("people.Person", verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="evaluation_applications")
    grade = models.PositiveSmallIntegerField(_("申报等级"), choices=GRADE_CHOICES)
    route = models.CharField(_("申报方式"), max_length=12, choices=Route.choices, default=Route.REGULAR)
    grounds_kind = models.CharField(_("认定/破格依据类别"), max_length=20, choices=Grounds.choices, blank=True)
    grounds = models.TextField(_("认定/破格依据"), blank=True)
    employer = models.ForeignKey(
        "orgs.Organization", verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_bulk = models.BooleanField(_("单位集体申报"), default=False)
    # Supporting facts (申报材料), as declared; prior certificates also come from the registry.
    occupation_start = models.DateField(_("开始从事本职业工作日期"), null=True, blank=True)
    prior_grade = models.PositiveSmallIntegerField(_("已有证书等级"), choices=GRADE_CHOICES, null=True, blank=True)
    prior_certificate_number = models.CharField(_("已有证书编号"), max_length=40, blank=True)
    prior_certificate_date = models.DateField(_("已有证书发证日期"), null=True, blank=True)
    education = models.CharField(_("学历"), max_length=30, blank=True)
    education_related = models.BooleanField(_("本专业或相关专业"), default=False)
    is_graduating = models.BooleanField(_("在校应届毕业生"), default=False)
    programs = models.JSONField(_("培养类别"), default=list, blank=True)
    title_level = models.CharField(_("职称"), max_length=15, choices=Title.choices, blank=True)
    title_date = models.DateField(_("职称取得日期"), null=True, blank=True)
    apprenticeship_completed = models.BooleanField(_("学徒期满"), default=False)
    flags = models.JSONField(_("其他情形"), default=list, blank=True)
    # Eligibility and decision
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, db_index=True)
    eligibility = models.JSONField(_("资格审查结果"), default=dict, blank=True)
    is_exception = models.BooleanField(_("破格受理"), default=False)
    exception_reason = models.CharField(_("破格理由"), max_length=300, blank=True)
    exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("破格批准人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(_("评定结果"), max_length=10, choices=Result.choices, default=Result.PENDING, db_index=True)
    certificate = models.OneToOneField(
        "people.Certificate", verbose_name=_("证书"), null=True, blank=True, on_delete=models.PROTECT, related_name="evaluation_application"
    )

    class Meta:
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "person"], condition=~models.Q(status="withdrawn"), name="evaluation_application_once_per_batch"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {rules.GRADE_NAMES[self.grade]} · {self.batch.name}"

    @property
    def components(self) -> tuple[str, ...]:
        return rules.required_components(self.grade, route=self.route)


class EvaluatorAssignment(BaseModel):
    """An evaluator placed on a component (and practical station) of a batch."""

    class Component(models.TextChoices):
        THEORY = rules.THEORY, _("理论知识考试")
        PRACTICAL = rules.PRACTICAL, _("技能考核")
        REVIEW = rules.REVIEW, _("综合评审")

    batch = models.ForeignKey(EvaluationBatch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="assignments")
    evaluator = models.ForeignKey(Evaluator, verbose_name=_("考评员"), on_delete=models.PROTECT, related_name="assignments")
    component = models.CharField(_("科目"), max_length=10, choices=Component.choices)
    station = models.CharField(_("考场/工位"), max_length=50, default="1")

    class Meta:
        verbose_name = _("考评员安排")
        verbose_name_plural = _("考评员安排")
        ordering = ["batch", "component", "station", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "evaluator", "component"], name="evaluation_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} · {self.get_component_display()} · {self.station}"


class ScoreSheet(BaseModel):
    """成绩单: one component of one application. draft → submitted → locked."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        LOCKED = "locked", _("已锁定")

    application = models.ForeignKey(Application, verbose_name=_("申报"), on_delete=models.PROTECT, related_name="score_sheets")
    component = models.CharField(_("科目"), max_length=10, choices=EvaluatorAssignment.Component.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    score = models.DecimalField(_("成绩"), max_digits=4, decimal_places=1, null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    recheck_score = models.DecimalField(_("复核成绩"), max_digits=4, decimal_places=1, null=True, blank=True)
    recheck_by = models.ForeignKey(
        Evaluator, verbose_name=_("复核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_sampled = models.BooleanField(_("抽中复核"), default=False)
    is_discrepant = models.BooleanField(_("复核差异"), default=False)

    class Meta:
        verbose_name = _("成绩单")
        verbose_name_plural = _("成绩单")
        ordering = ["application", "component"]
        constraints = [
            models.UniqueConstraint(fields=["application", "component"], name="evaluation_sheet_unique"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | (models.Q(score__gte=0) & models.Q(score__lte=100)),
                name="evaluation_sheet_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.person.name} · {self.get_component_display()}"


class ScoreEntry(BaseModel):
    """One evaluator's score on a practical (or review) sheet; the sheet combines them."""

    sheet = models.ForeignKey(ScoreSheet, verbose_name=_("成绩单"), on_delete=models.CASCADE, related_name="entries")
    evaluator = models.ForeignKey(Evaluator, verbose_name=_("考评员"), on_delete=models.PROTECT, related_name="score_entries")
    score = models.DecimalField(
        _("评分"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("考评员评分")
        verbose_name_plural = _("考评员评分")
        ordering = ["sheet", "evaluator"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "evaluator"], name="evaluation_entry_once_per_evaluator"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} {self.score}"


class ScoreCorrection(BaseModel):
    """A change to a locked score, with its reason (the audit log has it as well)."""

    sheet = models.ForeignKey(ScoreSheet, verbose_name=_("成绩单"), on_delete=models.PROTECT, related_name="corrections")
    old_score = models.DecimalField(_("原成绩"), max_digits=4, decimal_places=1, null=True)
    new_score = models.DecimalField(_("更正后成绩"), max_digits=4, decimal_places=1)
    reason = models.CharField(_("更正原因"), max_length=300)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更正人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("成绩更正")
        verbose_name_plural = _("成绩更正")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.sheet}: {self.old_score} → {self.new_score}"


class Publicity(BaseModel):
    """公示 of a batch's pass list: certificates may be issued only after it ends."""

    batch = models.OneToOneField(EvaluationBatch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="publicity")
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    notice = models.TextField(_("公示说明"), blank=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self) -> str:
        return f"{self.batch} {self.starts_on}–{self.ends_on}"


class Objection(BaseModel):
    """An objection raised during publicity, and how it was resolved."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    batch = models.ForeignKey(EvaluationBatch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="objections")
    application = models.ForeignKey(
        Application, verbose_name=_("涉及申报"), null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    raised_by = models.CharField(_("异议人"), max_length=100)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    content = models.TextField(_("异议内容"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.batch}: {self.content[:30]}"


class SerialCounter(models.Model):
    """The last certificate serial issued by a body for one year and level. Locked with
    SELECT … FOR UPDATE inside the issuing transaction, so serials are unique and gap-free:
    a failed issuance rolls its increment back with everything else."""

    body = models.ForeignKey(EvaluationBody, verbose_name=_("评价机构"), on_delete=models.PROTECT, related_name="serial_counters")
    year = models.PositiveSmallIntegerField(_("年份"))
    grade = models.PositiveSmallIntegerField(_("等级"))
    last_serial = models.PositiveIntegerField(_("已用最大序列号"), default=0)

    class Meta:
        verbose_name = _("证书序列号")
        verbose_name_plural = _("证书序列号")
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "grade"], name="evaluation_serial_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.year} {self.grade}: {self.last_serial}"


class PostAppointment(BaseModel):
    """特级技师/首席技师: an enterprise post held by appointment (评聘) for a term."""

    class Post(models.IntegerChoices):
        PRINCIPAL_TECHNICIAN = SkillLevel.PRINCIPAL_TECHNICIAN, _("特级技师")
        CHIEF_TECHNICIAN = SkillLevel.CHIEF_TECHNICIAN, _("首席技师")

    class Status(models.TextChoices):
        ACTIVE = "active", _("在聘")
        ENDED = "ended", _("聘期结束")
        REVOKED = "revoked", _("解聘")

    body = models.ForeignKey(EvaluationBody, verbose_name=_("评价机构（企业）"), on_delete=models.PROTECT, related_name="appointments")
    person = models.ForeignKey("people.Person", verbose_name=_("受聘人"), on_delete=models.PROTECT, related_name="post_appointments")
    post = models.PositiveSmallIntegerField(_("岗位"), choices=Post.choices)
    occupation = models.ForeignKey("catalog.Occupation", verbose_name=_("职业"), on_delete=models.PROTECT, related_name="+")
    term_start = models.DateField(_("聘期开始"))
    term_end = models.DateField(_("聘期结束"))
    grounds = models.TextField(_("评聘依据"), help_text=_("业绩评审、现场答辩、综合评审结论及主要业绩"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    certificate = models.OneToOneField(
        "people.Certificate", verbose_name=_("聘书"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("特级技师/首席技师聘任")
        verbose_name_plural = _("特级技师/首席技师聘任")
        ordering = ["-term_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(term_end__gt=models.F("term_start")), name="evaluation_appointment_term"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_post_display()}"


class BatchImport(BaseModel):
    """An import job started from one batch's page (its scores page, its bulk-application page):
    the evaluation entities then take only that batch's rows, whatever the file says."""

    job = models.OneToOneField("imports.ImportJob", verbose_name=_("导入任务"), on_delete=models.CASCADE,
                               related_name="evaluation_batch")
    batch = models.ForeignKey(EvaluationBatch, verbose_name=_("认定批次"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("批次导入")
        verbose_name_plural = _("批次导入")

    def __str__(self) -> str:
        return f"{self.batch} · {self.job_id}"
