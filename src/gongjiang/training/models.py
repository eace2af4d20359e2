"""Training programmes, enrolments, attendance, points, apprenticeships and subsidies."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.models import BaseModel
from gongjiang.training import rules


class TrainingProgram(BaseModel):
    """A programme: a study tour abroad, a course or class, a certification programme, or an
    apprenticeship cohort. Organised by a bureau, union or employer; delivered by a provider."""

    class Kind(models.TextChoices):
        OVERSEAS_STUDY = "overseas_study", _("境外研修")
        COURSE = "course", _("培训班")
        NIGHT_SCHOOL = "night_school", _("职工夜校")
        YOUNG_TECHNICIAN = "young_technician", _("青年技师素质提升")
        INTERNATIONAL_CERTIFICATION = "international_certification", _("国际认证项目")
        ENTERPRISE_NEW_TYPE = "enterprise_new_type", _("企业新型学徒制")
        MODERN_APPRENTICESHIP = "modern", _("现代学徒制")
        TRAINEE_HIRE = "trainee_hire", _("技培生")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("推荐报名中")
        IN_PROGRESS = "in_progress", _("培训中")
        FINISHED = "finished", _("已结束")
        CANCELLED = "cancelled", _("已取消")

    class FundingSource(models.TextChoices):
        GOVERNMENT = "government", _("财政资金")
        UNEMPLOYMENT_INSURANCE = "unemployment_insurance", _("失业保险基金")
        EMPLOYMENT_FUND = "employment_fund", _("就业补助资金")
        ENTERPRISE = "enterprise", _("企业自筹")
        TRADE_UNION = "trade_union", _("工会经费")
        SELF_FUNDED = "self_funded", _("个人自费")
        MIXED = "mixed", _("多渠道")

    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类型"), max_length=30, choices=Kind.choices, db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    organizer = models.ForeignKey(
        "orgs.Organization", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="organized_programs"
    )
    provider = models.ForeignKey(
        "orgs.Organization", verbose_name=_("承办/培训机构"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="provided_programs",
    )
    partners = models.ManyToManyField(
        "orgs.Organization", verbose_name=_("合作单位"), blank=True, related_name="partner_programs"
    )
    region = models.ForeignKey(
        "catalog.Region", verbose_name=_("所属地区"), on_delete=models.PROTECT, related_name="training_programs"
    )
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("职业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    occupation_name = models.CharField(_("职业（工种）/专业方向"), max_length=100, blank=True)
    target_level = models.PositiveSmallIntegerField(_("目标等级"), choices=SkillLevel.choices, null=True, blank=True)
    destination_country = models.CharField(_("研修目的国"), max_length=2, blank=True)
    host_partner = models.ForeignKey(
        "orgs.Organization", verbose_name=_("境外接待机构"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="hosted_programs",
    )
    days = models.PositiveSmallIntegerField(_("天数"), null=True, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    nomination_deadline = models.DateField(_("推荐截止日期"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True)
    hours = models.DecimalField(_("总学时"), max_digits=6, decimal_places=1, default=Decimal("0"))
    cost_per_person = models.DecimalField(_("人均费用（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    funding_source = models.CharField(
        _("经费来源"), max_length=30, choices=FundingSource.choices, default=FundingSource.GOVERNMENT
    )
    subsidy_policy = models.ForeignKey(
        "training.SubsidyPolicy", verbose_name=_("适用补贴政策"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="programs",
    )
    selection_criteria = models.TextField(_("遴选条件"), blank=True)
    min_attendance_rate = models.PositiveSmallIntegerField(
        _("结业最低出勤率（%）"), default=80, validators=[MaxValueValidator(100)]
    )
    assessment_required = models.BooleanField(_("结业须考核"), default=True)
    awards_international_certificate = models.BooleanField(_("颁发国际证书"), default=False)
    certificate_title = models.CharField(_("国际证书名称"), max_length=200, blank=True)
    certificate_awarding_body = models.CharField(_("国际证书颁发机构"), max_length=200, blank=True)
    leads_to_evaluation = models.BooleanField(_("结业后参加技能等级认定"), default=False)
    points_per_hour = models.DecimalField(_("每学时积分"), max_digits=5, decimal_places=2, default=Decimal("1"))
    max_hours_points = models.PositiveIntegerField(_("学时积分上限"), null=True, blank=True)
    completion_points = models.PositiveIntegerField(_("结业积分"), default=10)
    certificate_points = models.PositiveIntegerField(_("取证积分"), default=20)
    description = models.TextField(_("项目说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("培训项目")
        verbose_name_plural = _("培训项目")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="training_program_end_after_start"),
            models.CheckConstraint(condition=models.Q(min_attendance_rate__lte=100),
                                   name="training_program_attendance_rate_max_100"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_apprenticeship(self) -> bool:
        return self.kind in APPRENTICESHIP_PROGRAM_KINDS

    def points_rule(self) -> rules.PointsRule:
        level_points = {self.target_level: self.certificate_points} if self.target_level is not None else {}
        return rules.PointsRule(
            points_per_hour=self.points_per_hour,
            max_hours_points=self.max_hours_points,
            completion_points=self.completion_points,
            certificate_points=level_points,
            international_certificate_points=self.certificate_points if self.awards_international_certificate else 0,
        )


APPRENTICESHIP_PROGRAM_KINDS = frozenset({
    TrainingProgram.Kind.ENTERPRISE_NEW_TYPE, TrainingProgram.Kind.MODERN_APPRENTICESHIP,
    TrainingProgram.Kind.TRAINEE_HIRE,
})


class TrainingSession(BaseModel):
    """One session (课次) of a programme; attendance is recorded per session."""

    program = models.ForeignKey(TrainingProgram, verbose_name=_("培训项目"), on_delete=models.CASCADE,
                                related_name="sessions")
    sequence = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("内容"), max_length=200)
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    end_time = models.TimeField(_("结束时间"), null=True, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, default=Decimal("0"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    teacher = models.CharField(_("授课/带教"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("课次")
        verbose_name_plural = _("课次")
        ordering = ["program", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["program", "sequence"], name="training_session_unique_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.sequence}. {self.title}"


class Nomination(BaseModel):
    """A person put forward for a programme: by their employer, by themselves, or by the organiser."""

    class Channel(models.TextChoices):
        EMPLOYER = "employer", _("单位推荐")
        SELF = "self", _("个人报名")
        ORGANIZER = "organizer", _("主办方指定")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("待遴选")
        SELECTED = "selected", _("已入选")
        NOT_SELECTED = "not_selected", _("未入选")
        WITHDRAWN = "withdrawn", _("已撤回")

    program = models.ForeignKey(TrainingProgram, verbose_name=_("培训项目"), on_delete=models.CASCADE,
                                related_name="nominations")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="training_nominations")
    employer = models.ForeignKey("orgs.Organization", verbose_name=_("推荐单位"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="training_nominations")
    channel = models.CharField(_("报名方式"), max_length=20, choices=Channel.choices, default=Channel.EMPLOYER)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NOMINATED,
                              db_index=True)
    reason = models.TextField(_("推荐理由"), blank=True)
    score = models.DecimalField(_("遴选评分"), max_digits=5, decimal_places=1, null=True, blank=True)
    decision_note = models.TextField(_("遴选意见"), blank=True)
    decided_at = models.DateTimeField(_("遴选时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("遴选人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("推荐人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("推荐报名")
        verbose_name_plural = _("推荐报名")
        ordering = ["program", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "person"], name="training_nomination_unique_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} → {self.program.name}"


class Enrollment(BaseModel):
    """A participant of a programme (学员). One person, one enrolment per programme."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("在训")
        COMPLETED = "completed", _("已结业")
        DROPPED = "dropped", _("已退出")

    program = models.ForeignKey(TrainingProgram, verbose_name=_("培训项目"), on_delete=models.PROTECT,
                                related_name="enrollments")
    person = models.ForeignKey("people.Person", verbose_name=_("学员"), on_delete=models.PROTECT,
                               related_name="training_enrollments")
    employer = models.ForeignKey("orgs.Organization", verbose_name=_("所在单位"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="training_enrollments")
    nomination = models.OneToOneField(Nomination, verbose_name=_("推荐报名"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="enrollment")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ENROLLED,
                              db_index=True)
    enrolled_on = models.DateField(_("报到日期"))
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)
    dropped_on = models.DateField(_("退出日期"), null=True, blank=True)
    dropout_reason = models.CharField(_("退出原因"), max_length=300, blank=True)
    assessment_score = models.DecimalField(_("考核成绩"), max_digits=5, decimal_places=1, null=True, blank=True)
    assessment_passed = models.BooleanField(_("考核合格"), null=True, blank=True)
    assessment_note = models.CharField(_("考核说明"), max_length=300, blank=True)
    hours_attended = models.DecimalField(_("实际学时"), max_digits=6, decimal_places=1, default=Decimal("0"))
    international_certificate = models.ForeignKey(
        "people.Certificate", verbose_name=_("取得的国际证书"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    completion_certificate_number = models.CharField(_("结业证书编号"), max_length=60, blank=True)
    completion_credential = models.OneToOneField(
        "credentials.Credential", verbose_name=_("结业证书（可核验）"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="training_enrollment",
    )
    evaluation_application_id = models.PositiveBigIntegerField(_("技能等级认定申报编号"), null=True, blank=True)

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        ordering = ["program", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "person"], name="training_enrollment_unique_person"),
            models.CheckConstraint(
                condition=~models.Q(status="dropped") | ~models.Q(dropout_reason=""),
                name="training_enrollment_dropout_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.program.name}"


class Attendance(BaseModel):
    class Status(models.TextChoices):
        PRESENT = "present", _("出勤")
        ABSENT = "absent", _("缺勤")
        LEAVE = "leave", _("请假")

    enrollment = models.ForeignKey(Enrollment, verbose_name=_("学员"), on_delete=models.CASCADE,
                                   related_name="attendances")
    session = models.ForeignKey(TrainingSession, verbose_name=_("课次"), on_delete=models.CASCADE,
                                related_name="attendances")
    status = models.CharField(_("出勤情况"), max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "session"], name="training_attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} · {self.session} · {self.get_status_display()}"


class PointsEntry(BaseModel):
    """One line of a person's training points ledger (积分制). Lines are never edited: a correction
    is another line of kind ``adjustment``."""

    class Kind(models.TextChoices):
        HOURS = rules.POINTS_HOURS, _("学时积分")
        COMPLETION = rules.POINTS_COMPLETION, _("结业积分")
        CERTIFICATE = rules.POINTS_CERTIFICATE, _("取证积分")
        ADJUSTMENT = rules.POINTS_ADJUSTMENT, _("调整")

    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="points_entries")
    organization = models.ForeignKey("orgs.Organization", verbose_name=_("所在单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="points_entries")
    program = models.ForeignKey(TrainingProgram, verbose_name=_("培训项目"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="points_entries")
    enrollment = models.ForeignKey(Enrollment, verbose_name=_("学员记录"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="points_entries")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    points = models.IntegerField(_("积分"))
    reason = models.CharField(_("说明"), max_length=300)
    occurred_on = models.DateField(_("日期"), db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("培训积分")
        verbose_name_plural = _("培训积分")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind"], condition=models.Q(enrollment__isnull=False) & ~models.Q(kind="adjustment"),
                name="training_points_once_per_enrollment_kind",
            ),
            models.CheckConstraint(condition=~models.Q(points=0), name="training_points_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.points:+d} {self.reason}"


class SubsidyPolicy(BaseModel):
    """A region's subsidy policy for one year and one kind (DOMAIN.md §9–§10). Data, not code."""

    class Kind(models.TextChoices):
        SKILL_UPGRADE = rules.SKILL_UPGRADE, _("技能提升补贴")
        VOCATIONAL_TRAINING = rules.VOCATIONAL_TRAINING, _("职业培训补贴")
        APPRENTICESHIP = rules.APPRENTICESHIP, _("学徒培训补贴")

    region = models.ForeignKey("catalog.Region", verbose_name=_("地区"), on_delete=models.PROTECT,
                               related_name="subsidy_policies")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField(_("补贴类型"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("政策名称"), max_length=200)
    document_number = models.CharField(_("政策文号"), max_length=100, blank=True)
    # {"1": "1000", "2": "1500", ...}: SkillLevel value → amount in yuan
    amounts_by_level = models.JSONField(_("各等级补贴标准"), default=dict, blank=True)
    per_person_year = models.DecimalField(_("每人每年标准（元）"), max_digits=10, decimal_places=2, null=True,
                                          blank=True)
    amount_cap = models.DecimalField(_("封顶金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    shortage_uplift_percent = models.PositiveSmallIntegerField(_("紧缺职业上浮（%）"), default=0)
    max_claims_per_year = models.PositiveSmallIntegerField(_("每人每年最多申领次数"), null=True, blank=True)
    min_insured_months = models.PositiveSmallIntegerField(_("最少参保月数"), default=0)
    claim_window_months = models.PositiveSmallIntegerField(_("发证后申领期限（月）"), null=True, blank=True)
    exclusive_with = models.JSONField(_("不得叠加的补贴"), default=list, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期止"), null=True, blank=True)
    notes = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("补贴政策")
        verbose_name_plural = _("补贴政策")
        ordering = ["-year", "region", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "kind"], name="training_subsidy_policy_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def terms(self) -> rules.PolicyTerms:
        return rules.PolicyTerms(
            kind=self.kind,
            year=self.year,
            amounts_by_level={int(k): Decimal(str(v)) for k, v in (self.amounts_by_level or {}).items()},
            per_person_year=self.per_person_year,
            amount_cap=self.amount_cap,
            shortage_uplift_percent=self.shortage_uplift_percent,
            max_claims_per_year=self.max_claims_per_year,
            min_insured_months=self.min_insured_months,
            claim_window_months=self.claim_window_months,
            exclusive_with=frozenset(self.exclusive_with or ()),
            valid_from=self.valid_from,
            valid_until=self.valid_until,
        )


class Apprenticeship(BaseModel):
    """An apprenticeship agreement (学徒培养): apprentice, employer, school, two mentors (双导师)."""

    class Kind(models.TextChoices):
        ENTERPRISE_NEW_TYPE = "enterprise_new_type", _("企业新型学徒制")
        MODERN = "modern", _("现代学徒制")
        TRAINEE_HIRE = "trainee_hire", _("技培生")

    class Status(models.TextChoices):
        WAITING = rules.WAITING, _("待开始")
        ACTIVE = rules.ACTIVE, _("培养中")
        PAUSED = rules.PAUSED, _("已暂停")
        STOPPED = rules.STOPPED, _("已终止")
        COMPLETED = rules.COMPLETED, _("已结业")

    kind = models.CharField(_("学徒类型"), max_length=30, choices=Kind.choices, db_index=True)
    apprentice = models.ForeignKey("people.Person", verbose_name=_("学徒"), on_delete=models.PROTECT,
                                   related_name="apprenticeships")
    employer = models.ForeignKey("orgs.Organization", verbose_name=_("用人企业"), on_delete=models.PROTECT,
                                 related_name="apprenticeships")
    school = models.ForeignKey("orgs.Organization", verbose_name=_("院校/培训机构"), on_delete=models.PROTECT,
                               related_name="school_apprenticeships")
    enterprise_mentor = models.ForeignKey("people.Person", verbose_name=_("企业导师"), on_delete=models.PROTECT,
                                          related_name="mentored_apprenticeships")
    school_mentor = models.ForeignKey("people.Person", verbose_name=_("院校导师"), on_delete=models.PROTECT,
                                      related_name="school_mentored_apprenticeships")
    program = models.ForeignKey(TrainingProgram, verbose_name=_("学徒班"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="apprenticeships")
    occupation = models.ForeignKey("catalog.Occupation", verbose_name=_("职业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    occupation_name = models.CharField(_("职业（工种）"), max_length=100, blank=True)
    target_level = models.PositiveSmallIntegerField(_("目标等级"), choices=SkillLevel.choices)
    start_date = models.DateField(_("培养期开始"))
    planned_end_date = models.DateField(_("培养期结束"))
    extension_reason = models.CharField(_("延长原因"), max_length=300, blank=True)
    contract_start = models.DateField(_("劳动合同起始日期"))
    contract_end = models.DateField(_("劳动合同终止日期"), null=True, blank=True,
                                    help_text=_("无固定期限劳动合同不填"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.WAITING,
                              db_index=True)
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    agreement_number = models.CharField(_("培养协议编号"), max_length=60, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("学徒培养")
        verbose_name_plural = _("学徒培养")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(planned_end_date__gt=models.F("start_date")),
                                   name="training_apprenticeship_end_after_start"),
            models.CheckConstraint(condition=~models.Q(apprentice=models.F("enterprise_mentor"))
                                   & ~models.Q(apprentice=models.F("school_mentor")),
                                   name="training_apprenticeship_mentor_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.apprentice.name} · {self.employer.name}"


class ApprenticeshipStatusChange(BaseModel):
    """Every status change, dated and reasoned, in order."""

    apprenticeship = models.ForeignKey(Apprenticeship, verbose_name=_("学徒培养"), on_delete=models.CASCADE,
                                       related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=20, choices=Apprenticeship.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Apprenticeship.Status.choices)
    changed_on = models.DateField(_("变更日期"))
    reason = models.CharField(_("原因"), max_length=300)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("学徒状态变更")
        verbose_name_plural = _("学徒状态变更")
        ordering = ["apprenticeship", "changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.changed_on} {self.from_status}→{self.to_status}"


class ProgressReview(BaseModel):
    """A progress review (培养进度考核), signed off by the enterprise mentor and the school mentor."""

    apprenticeship = models.ForeignKey(Apprenticeship, verbose_name=_("学徒培养"), on_delete=models.CASCADE,
                                       related_name="reviews")
    period_label = models.CharField(_("考核阶段"), max_length=60)
    review_date = models.DateField(_("考核日期"))
    progress_percent = models.PositiveSmallIntegerField(_("培养进度（%）"), validators=[MaxValueValidator(100)])
    summary = models.TextField(_("考核意见"))
    enterprise_signed_at = models.DateTimeField(_("企业导师签字时间"), null=True, blank=True)
    enterprise_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("企业导师签字人"), null=True,
                                             blank=True, on_delete=models.SET_NULL, related_name="+")
    school_signed_at = models.DateTimeField(_("院校导师签字时间"), null=True, blank=True)
    school_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("院校导师签字人"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("培养进度考核")
        verbose_name_plural = _("培养进度考核")
        ordering = ["apprenticeship", "review_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress_percent__lte=100),
                                   name="training_review_progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.apprenticeship} · {self.period_label}"

    @property
    def is_fully_signed(self) -> bool:
        return self.enterprise_signed_at is not None and self.school_signed_at is not None


class MentorAllowance(BaseModel):
    """导师带徒津贴: set and paid by the enterprise; recorded here for the record and statistics."""

    apprenticeship = models.ForeignKey(Apprenticeship, verbose_name=_("学徒培养"), on_delete=models.PROTECT,
                                       related_name="mentor_allowances")
    mentor = models.ForeignKey("people.Person", verbose_name=_("导师"), on_delete=models.PROTECT,
                               related_name="mentor_allowances")
    period_start = models.DateField(_("期间起"))
    period_end = models.DateField(_("期间止"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("导师带徒津贴")
        verbose_name_plural = _("导师带徒津贴")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["apprenticeship", "mentor", "period_start"],
                                    name="training_mentor_allowance_unique_period"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="training_mentor_allowance_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.name} {self.period_start}–{self.period_end} {self.amount}"


class SubsidyClaim(BaseModel):
    """A claim under a policy, with the computed eligibility, amount and the reasons for both."""

    class Status(models.TextChoices):
        ASSESSED = "assessed", _("已核算待审核")
        REFUSED = "refused", _("不符合条件")
        APPROVED = "approved", _("已审核")
        PAID = "paid", _("已发放")
        CANCELLED = "cancelled", _("已撤销")

    policy = models.ForeignKey(SubsidyPolicy, verbose_name=_("补贴政策"), on_delete=models.PROTECT,
                               related_name="claims")
    kind = models.CharField(_("补贴类型"), max_length=30, choices=SubsidyPolicy.Kind.choices, db_index=True)
    person = models.ForeignKey("people.Person", verbose_name=_("申领人"), on_delete=models.PROTECT,
                               related_name="subsidy_claims")
    employer = models.ForeignKey("orgs.Organization", verbose_name=_("所在单位"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="subsidy_claims")
    enrollment = models.ForeignKey(Enrollment, verbose_name=_("培训记录"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="subsidy_claims")
    apprenticeship = models.ForeignKey(Apprenticeship, verbose_name=_("学徒培养"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="subsidy_claims")
    certificate = models.ForeignKey("people.Certificate", verbose_name=_("证书"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="subsidy_claims")
    occupation_code = models.CharField(_("职业编码"), max_length=12, blank=True)
    occupation_name = models.CharField(_("职业（工种）"), max_length=100, blank=True)
    level = models.PositiveSmallIntegerField(_("等级"), choices=SkillLevel.choices, null=True, blank=True)
    claim_date = models.DateField(_("申领日期"))
    claim_year = models.PositiveSmallIntegerField(_("申领年度"), editable=False)
    certificate_date = models.DateField(_("发证日期"), null=True, blank=True)
    insured_months = models.PositiveSmallIntegerField(_("参保月数"), default=0)
    is_shortage_occupation = models.BooleanField(_("紧缺职业"), default=False)
    months_covered = models.PositiveSmallIntegerField(_("覆盖培养月数"), default=12)
    contract_months = models.PositiveSmallIntegerField(_("劳动合同月数"), null=True, blank=True)
    eligible = models.BooleanField(_("符合条件"))
    amount = models.DecimalField(_("核定金额（元）"), max_digits=10, decimal_places=2)
    explanation = models.JSONField(_("核算说明"), default=dict)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    LIVE_STATUSES = ("assessed", "approved", "paid")

    class Meta:
        verbose_name = _("补贴申领")
        verbose_name_plural = _("补贴申领")
        ordering = ["-claim_date", "-id"]
        constraints = [
            # No double claims, whatever raced: one live claim per person, kind, occupation and
            # level; one live apprenticeship claim per apprenticeship and year.
            models.UniqueConstraint(
                fields=["person", "kind", "occupation_code", "level"],
                condition=models.Q(status__in=("assessed", "approved", "paid")) & ~models.Q(kind="apprenticeship"),
                name="training_subsidy_claim_once_per_level",
            ),
            models.UniqueConstraint(
                fields=["apprenticeship", "claim_year"],
                condition=models.Q(status__in=("assessed", "approved", "paid")) & models.Q(kind="apprenticeship"),
                name="training_subsidy_claim_once_per_apprentice_year",
            ),
            models.CheckConstraint(condition=models.Q(eligible=True) | models.Q(amount=0),
                                   name="training_subsidy_claim_refused_is_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_kind_display()} · {self.amount}"
