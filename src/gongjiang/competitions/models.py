"""Skill competitions (职业技能竞赛): competitions, stages, events, marking schemes, delegations,
entries, judges, score sheets and marks, appeals, reward rules and the rewards granted.

A competition runs in stages (e.g. 赛区赛 → 决赛). Each event (赛项) has one ``EventRound`` per
stage; entries belong to a round, so heats and the final are marked, locked and published
separately, and those who advance get a new entry in the next round (``advanced_from``).
Results (marks, total, rank, medal) are computed by competitions.services and stored on the
entry when the round is locked; they are public only once the chief judge publishes the round.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.levels import SkillLevel
from gongjiang.competitions import rules
from gongjiang.core.models import BaseModel
from gongjiang.people.models import Honor


def default_tie_breaks() -> list[str]:
    return list(rules.DEFAULT_TIE_BREAKS)


class Medal(models.TextChoices):
    GOLD = rules.GOLD, _("金牌")
    SILVER = rules.SILVER, _("银牌")
    BRONZE = rules.BRONZE, _("铜牌")
    EXCELLENCE = rules.EXCELLENCE, _("优胜奖")


class Competition(BaseModel):
    """A competition (大赛) with its level, organiser, dates and stages."""

    class Level(models.TextChoices):
        NATIONAL_1 = "national_1", _("国家级一类")
        NATIONAL_2 = "national_2", _("国家级二类")
        PROVINCIAL_1 = "provincial_1", _("省级一类")
        PROVINCIAL_2 = "provincial_2", _("省级二类")
        CITY = "city", _("市级")
        DISTRICT = "district", _("区县级")
        ENTERPRISE = "enterprise", _("企业")
        SCHOOL = "school", _("院校")

    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        REGISTRATION = "registration", _("报名中")
        UNDERWAY = "underway", _("比赛进行中")
        FINISHED = "finished", _("已结束")

    name = models.CharField(_("竞赛名称"), max_length=200)
    organizer = models.ForeignKey(
        "orgs.Organization", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="competitions"
    )
    co_organizers = models.CharField(_("协办/承办单位"), max_length=300, blank=True)
    level = models.CharField(_("竞赛级别"), max_length=20, choices=Level.choices, db_index=True)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(1950), MaxValueValidator(2100)], db_index=True
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    description = models.TextField(_("简介"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    allow_multiple_events = models.BooleanField(
        _("允许一人报多个赛项"), default=False, help_text=_("默认每人只能参加一个赛项。")
    )
    default_quota = models.PositiveSmallIntegerField(
        _("每队每赛项默认名额"), null=True, blank=True, help_text=_("代表队在某赛项没有单独设名额时适用；留空为不限。")
    )
    rewards_applied_at = models.DateTimeField(_("奖励兑现时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("竞赛")
        verbose_name_plural = _("竞赛")
        ordering = ["-year", "-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="competitions_competition_name_year_unique"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="competitions_competition_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def honor_level(self) -> str:
        """The people.Honor level its titles and medals carry."""
        return {
            "national_1": "national", "national_2": "national", "provincial_1": "provincial",
            "provincial_2": "provincial", "city": "city", "district": "district",
        }.get(self.level, "enterprise")


class Stage(BaseModel):
    """A stage of a competition (赛区赛, 决赛) and who advances from it."""

    class Advancement(models.TextChoices):
        NONE = "none", _("不晋级（决赛）")
        TOP_PER_HEAT = "top_per_heat", _("各赛区前 N 名晋级")
        TOP_OVERALL = "top_overall", _("总排名前 N 名晋级")

    competition = models.ForeignKey(Competition, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="stages")
    sequence = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("阶段名称"), max_length=50)
    heats = models.JSONField(_("赛区"), default=list, blank=True, help_text=_("如：越城赛区、柯桥赛区；决赛一般不分赛区。"))
    advancement = models.CharField(_("晋级规则"), max_length=20, choices=Advancement.choices, default=Advancement.NONE)
    advance_count = models.PositiveSmallIntegerField(_("晋级人数 N"), null=True, blank=True)
    starts_on = models.DateField(_("日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("竞赛阶段")
        verbose_name_plural = _("竞赛阶段")
        ordering = ["competition", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "sequence"], name="competitions_stage_sequence_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class CompetitionEvent(BaseModel):
    """An event (赛项): occupation, individual or team, limits, weights, marking and medal rules."""

    class JudgementMethod(models.TextChoices):
        SUM = rules.JUDGEMENT_SUM, _("三位裁判分数之和 ÷ 9 × 分值")
        MEDIAN = rules.JUDGEMENT_MEDIAN, _("中位数 ÷ 3 × 分值")

    class MedalPolicy(models.TextChoices):
        NATIONAL = rules.POLICY_NATIONAL, _("全国大赛规则：前三名金银铜，前一半优胜奖")
        WORLDSKILLS = rules.POLICY_WORLDSKILLS, _("世赛规则：700 分制，前三名奖牌，≥700 分优胜奖")
        FIXED_COUNTS = rules.POLICY_FIXED_COUNTS, _("固定名额")
        FIXED_SHARES = rules.POLICY_FIXED_SHARES, _("固定比例")

    competition = models.ForeignKey(Competition, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="events")
    code = models.CharField(_("赛项编号"), max_length=20)
    name = models.CharField(_("赛项名称"), max_length=100)
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name=_("职业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    work_type = models.ForeignKey(
        "catalog.WorkType", verbose_name=_("工种"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team_size = models.PositiveSmallIntegerField(
        _("每队人数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)], help_text=_("1 为个人赛。")
    )
    min_age = models.PositiveSmallIntegerField(_("最小年龄"), null=True, blank=True, default=16)
    max_age = models.PositiveSmallIntegerField(_("最大年龄"), null=True, blank=True)
    min_level = models.PositiveSmallIntegerField(_("最低技能等级"), choices=SkillLevel.choices, null=True, blank=True)
    max_level = models.PositiveSmallIntegerField(_("最高技能等级"), choices=SkillLevel.choices, null=True, blank=True)
    theory_weight = models.DecimalField(_("理论权重（%）"), max_digits=5, decimal_places=2, default=Decimal("30"))
    practical_weight = models.DecimalField(_("实操权重（%）"), max_digits=5, decimal_places=2, default=Decimal("70"))
    starts_at = models.DateTimeField(_("比赛开始"), null=True, blank=True)
    ends_at = models.DateTimeField(_("比赛结束"), null=True, blank=True)
    venue = models.CharField(_("比赛场地"), max_length=200, blank=True)
    tie_breaks = models.JSONField(_("并列时比较"), default=default_tie_breaks, blank=True)
    judgement_method = models.CharField(
        _("评价分换算"), max_length=10, choices=JudgementMethod.choices, default=JudgementMethod.SUM
    )
    judgement_tolerance = models.PositiveSmallIntegerField(
        _("评价分允许差异"), default=rules.DEFAULT_JUDGEMENT_TOLERANCE, help_text=_("裁判间相差超过此分数须复议。")
    )
    medal_policy = models.CharField(_("奖牌规则"), max_length=20, choices=MedalPolicy.choices, default=MedalPolicy.NATIONAL)
    excellence_fraction = models.DecimalField(
        _("优胜奖范围（占参赛人数比例）"), max_digits=4, decimal_places=3, default=Decimal("0.5")
    )
    excellence_inclusive = models.BooleanField(_("优胜奖含恰好一半的名次"), default=True)
    gold_quota = models.DecimalField(_("金牌名额/比例"), max_digits=6, decimal_places=3, default=Decimal("1"))
    silver_quota = models.DecimalField(_("银牌名额/比例"), max_digits=6, decimal_places=3, default=Decimal("1"))
    bronze_quota = models.DecimalField(_("铜牌名额/比例"), max_digits=6, decimal_places=3, default=Decimal("1"))
    excellence_quota = models.DecimalField(_("优胜奖名额/比例"), max_digits=6, decimal_places=3, default=Decimal("0"))
    appeal_hours = models.PositiveSmallIntegerField(_("申诉期（小时）"), default=24)

    class Meta:
        verbose_name = _("赛项")
        verbose_name_plural = _("赛项")
        ordering = ["competition", "code"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "code"], name="competitions_event_code_unique"),
            models.CheckConstraint(
                condition=models.Q(theory_weight__gte=0) & models.Q(practical_weight__gte=0),
                name="competitions_event_weights_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_team(self) -> bool:
        return self.team_size > 1

    def medal_rules(self) -> rules.MedalPolicy:
        return rules.MedalPolicy(
            kind=self.medal_policy, excellence_fraction=self.excellence_fraction,
            excellence_inclusive=self.excellence_inclusive, gold=self.gold_quota, silver=self.silver_quota,
            bronze=self.bronze_quota, excellence=self.excellence_quota,
        )


class MarkingSection(BaseModel):
    """A section of an event's marking scheme (模块/评分项), grouping aspects."""

    event = models.ForeignKey(CompetitionEvent, verbose_name=_("赛项"), on_delete=models.CASCADE, related_name="sections")
    sequence = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("模块名称"), max_length=100)

    class Meta:
        verbose_name = _("评分模块")
        verbose_name_plural = _("评分模块")
        ordering = ["event", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["event", "sequence"], name="competitions_section_sequence_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Aspect(BaseModel):
    """One marked aspect: a measurement (marks against a max) or a judgement (0–3 by each judge)."""

    class Kind(models.TextChoices):
        MEASUREMENT = "measurement", _("测量（客观）")
        JUDGEMENT = "judgement", _("评价（主观，0–3 分）")

    event = models.ForeignKey(CompetitionEvent, verbose_name=_("赛项"), on_delete=models.CASCADE, related_name="aspects")
    section = models.ForeignKey(MarkingSection, verbose_name=_("模块"), on_delete=models.CASCADE, related_name="aspects")
    sequence = models.PositiveSmallIntegerField(_("顺序"))
    code = models.CharField(_("评分项编号"), max_length=20)
    description = models.CharField(_("评分项"), max_length=300)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.MEASUREMENT)
    max_mark = models.DecimalField(
        _("分值"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    descriptors = models.JSONField(
        _("评价标准（0–3 分含义）"), default=list, blank=True, help_text=_("评价类评分项须写明 0、1、2、3 分各代表什么。")
    )

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["event", "section__sequence", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="competitions_aspect_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    @property
    def is_judgement(self) -> bool:
        return self.kind == self.Kind.JUDGEMENT


class Delegation(BaseModel):
    """A team sent by a district, city, enterprise or college (代表队)."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("区县")
        CITY = "city", _("地市")
        ENTERPRISE = "enterprise", _("企业")
        COLLEGE = "college", _("院校")
        OTHER = "other", _("其他")

    competition = models.ForeignKey(
        Competition, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="delegations"
    )
    name = models.CharField(_("代表队名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("组队单位"), on_delete=models.PROTECT, related_name="delegations"
    )
    heat = models.CharField(_("默认赛区"), max_length=50, blank=True)
    leader_name = models.CharField(_("领队"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("代表队")
        verbose_name_plural = _("代表队")
        ordering = ["competition", "name"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "name"], name="competitions_delegation_name_unique"),
            models.UniqueConstraint(
                fields=["competition", "organization"], name="competitions_delegation_organization_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DelegationQuota(BaseModel):
    """How many entries a delegation may send to one event (名额)."""

    delegation = models.ForeignKey(Delegation, verbose_name=_("代表队"), on_delete=models.CASCADE, related_name="quotas")
    event = models.ForeignKey(CompetitionEvent, verbose_name=_("赛项"), on_delete=models.CASCADE, related_name="quotas")
    max_entries = models.PositiveSmallIntegerField(_("名额"))

    class Meta:
        verbose_name = _("参赛名额")
        verbose_name_plural = _("参赛名额")
        constraints = [
            models.UniqueConstraint(fields=["delegation", "event"], name="competitions_quota_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.delegation} · {self.event}: {self.max_entries}"


class EventRound(BaseModel):
    """One event in one stage: its entries are marked, locked and published together."""

    class Status(models.TextChoices):
        OPEN = "open", _("评分中")
        LOCKED = "locked", _("已锁定")
        PUBLISHED = "published", _("已公布")

    event = models.ForeignKey(CompetitionEvent, verbose_name=_("赛项"), on_delete=models.CASCADE, related_name="rounds")
    stage = models.ForeignKey(Stage, verbose_name=_("阶段"), on_delete=models.CASCADE, related_name="rounds")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("公布人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    appeal_deadline = models.DateTimeField(_("申诉截止"), null=True, blank=True)
    advanced_at = models.DateTimeField(_("晋级名单生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("赛项轮次")
        verbose_name_plural = _("赛项轮次")
        ordering = ["event", "stage__sequence"]
        constraints = [
            models.UniqueConstraint(fields=["event", "stage"], name="competitions_round_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.event.name} · {self.stage.name}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Entry(BaseModel):
    """A registration in one round of an event (参赛), with its computed result."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待代表队确认")
        REGISTERED = "registered", _("已报名")
        WITHDRAWN = "withdrawn", _("已退赛")
        DISQUALIFIED = "disqualified", _("取消资格")

    ACTIVE = (Status.PENDING, Status.REGISTERED)

    event = models.ForeignKey(CompetitionEvent, verbose_name=_("赛项"), on_delete=models.PROTECT, related_name="entries")
    round = models.ForeignKey(EventRound, verbose_name=_("轮次"), on_delete=models.PROTECT, related_name="entries")
    delegation = models.ForeignKey(Delegation, verbose_name=_("代表队"), on_delete=models.PROTECT, related_name="entries")
    number = models.CharField(_("参赛编号"), max_length=30)
    heat = models.CharField(_("赛区"), max_length=50, blank=True)
    team_name = models.CharField(_("队名"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报名人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    advanced_from = models.OneToOneField(
        "self", verbose_name=_("晋级自"), null=True, blank=True, on_delete=models.PROTECT, related_name="advanced_to"
    )
    completion_seconds = models.PositiveIntegerField(_("完成用时（秒）"), null=True, blank=True)
    theory_score = models.DecimalField(
        _("理论成绩"), max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    # Computed by competitions.services when the round is locked (and after corrections).
    practical_marks = models.DecimalField(_("实操得分"), max_digits=8, decimal_places=2, null=True, blank=True, editable=False)
    practical_score = models.DecimalField(_("实操成绩（百分制）"), max_digits=6, decimal_places=2, null=True, blank=True, editable=False)
    total_score = models.DecimalField(_("总成绩"), max_digits=6, decimal_places=2, null=True, blank=True, editable=False)
    position = models.PositiveIntegerField(_("名次"), null=True, blank=True, editable=False)
    medal = models.CharField(_("奖项"), max_length=20, choices=Medal.choices, blank=True, editable=False)
    scale_score = models.DecimalField(_("700 分制成绩"), max_digits=6, decimal_places=0, null=True, blank=True, editable=False)
    is_advancing = models.BooleanField(_("晋级"), default=False, editable=False)

    class Meta:
        verbose_name = _("参赛")
        verbose_name_plural = _("参赛")
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="competitions_entry_number_unique"),
        ]
        indexes = [
            models.Index(fields=["round", "status", "position"], name="competitions_entry_result_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class EntryMember(BaseModel):
    """A person in an entry: the one competitor of an individual event, or a team member."""

    entry = models.ForeignKey(Entry, verbose_name=_("参赛"), on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", verbose_name=_("选手"), on_delete=models.PROTECT, related_name="competition_entries")
    sequence = models.PositiveSmallIntegerField(_("顺序"), default=1)

    class Meta:
        verbose_name = _("选手")
        verbose_name_plural = _("选手")
        ordering = ["entry", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "person"], name="competitions_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.person.name}"


class Judge(BaseModel):
    """A judge assigned to an event (裁判). The chief judge (裁判长) locks and publishes results."""

    event = models.ForeignKey(CompetitionEvent, verbose_name=_("赛项"), on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("裁判账号"), on_delete=models.PROTECT, related_name="competition_judging"
    )
    name = models.CharField(_("姓名"), max_length=60)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delegation = models.ForeignKey(
        Delegation, verbose_name=_("所属代表队"), null=True, blank=True, on_delete=models.PROTECT, related_name="judges"
    )
    is_chief = models.BooleanField(_("裁判长"), default=False)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("裁判")
        verbose_name_plural = _("裁判")
        ordering = ["event", "-is_chief", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="competitions_judge_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ScoreSheet(BaseModel):
    """One judge's marks for one entry: draft → submitted → locked (成绩单)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        LOCKED = "locked", _("已锁定")

    entry = models.ForeignKey(Entry, verbose_name=_("参赛"), on_delete=models.CASCADE, related_name="sheets")
    judge = models.ForeignKey(Judge, verbose_name=_("裁判"), on_delete=models.PROTECT, related_name="sheets")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("成绩单")
        verbose_name_plural = _("成绩单")
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="competitions_sheet_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.judge}"


class Mark(BaseModel):
    """One mark on a score sheet: marks for a measurement aspect, 0–3 for a judgement aspect."""

    sheet = models.ForeignKey(ScoreSheet, verbose_name=_("成绩单"), on_delete=models.CASCADE, related_name="marks")
    aspect = models.ForeignKey(Aspect, verbose_name=_("评分项"), on_delete=models.PROTECT, related_name="marks")
    value = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "aspect"], name="competitions_mark_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.aspect.code}: {self.value}"


class MarkCorrection(BaseModel):
    """An audited change to a locked mark, with its reason (成绩更正)."""

    mark = models.ForeignKey(Mark, verbose_name=_("评分"), on_delete=models.CASCADE, related_name="corrections")
    previous_value = models.DecimalField(_("原分数"), max_digits=6, decimal_places=2)
    new_value = models.DecimalField(_("更正后"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("更正原因"), max_length=300)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更正人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("成绩更正")
        verbose_name_plural = _("成绩更正")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.mark}: {self.previous_value} → {self.new_value}"


class Moderation(BaseModel):
    """The chief judge's decision to keep judgement scores that differ by more than allowed (复议)."""

    entry = models.ForeignKey(Entry, verbose_name=_("参赛"), on_delete=models.CASCADE, related_name="moderations")
    aspect = models.ForeignKey(Aspect, verbose_name=_("评分项"), on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("复议意见"), max_length=300)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("裁判长"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("评分复议")
        verbose_name_plural = _("评分复议")
        constraints = [
            models.UniqueConstraint(fields=["entry", "aspect"], name="competitions_moderation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.aspect.code}"


class Appeal(BaseModel):
    """An appeal against a published result (申诉), lodged within the appeal window."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("申诉成立")
        REJECTED = "rejected", _("驳回")

    entry = models.ForeignKey(Entry, verbose_name=_("参赛"), on_delete=models.CASCADE, related_name="appeals")
    reason = models.TextField(_("申诉理由"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申诉人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    outcome = models.TextField(_("处理结果"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entry} · {self.get_status_display()}"


class RewardRule(BaseModel):
    """A reward for a rank or medal band (DOMAIN.md §6.2): a title, a medal honour, a promotion."""

    class Promotion(models.TextChoices):
        NONE = rules.PROMOTION_NONE, _("不晋升")
        TO_LEVEL = rules.PROMOTION_TO_LEVEL, _("晋升到指定等级（已达到的再晋一级）")
        PLUS_ONE = rules.PROMOTION_PLUS_ONE, _("晋升一级")

    competition = models.ForeignKey(Competition, verbose_name=_("竞赛"), on_delete=models.CASCADE, related_name="reward_rules")
    sequence = models.PositiveSmallIntegerField(_("顺序"), default=1)
    name = models.CharField(_("奖励名称"), max_length=100, help_text=_("如：优胜奖及以上晋升技师"))
    rank_from = models.PositiveIntegerField(_("名次自"), null=True, blank=True)
    rank_to = models.PositiveIntegerField(_("名次至"), null=True, blank=True)
    min_medal = models.CharField(_("奖项不低于"), max_length=20, choices=Medal.choices, blank=True)
    team_size = models.PositiveSmallIntegerField(_("仅限每队人数"), null=True, blank=True)
    honor_title = models.CharField(_("授予称号"), max_length=40, choices=Honor.Title.choices, blank=True)
    honor_name = models.CharField(_("称号名称"), max_length=100, blank=True, help_text=_("如：绍兴市技术能手"))
    promotion = models.CharField(_("等级晋升"), max_length=20, choices=Promotion.choices, default=Promotion.NONE)
    promotion_level = models.PositiveSmallIntegerField(_("晋升到"), choices=SkillLevel.choices, null=True, blank=True)
    promotion_cap = models.PositiveSmallIntegerField(
        _("最高晋升到"), choices=SkillLevel.choices, null=True, blank=True, default=SkillLevel.SENIOR_TECHNICIAN
    )

    class Meta:
        verbose_name = _("奖励规则")
        verbose_name_plural = _("奖励规则")
        ordering = ["competition", "sequence", "id"]

    def __str__(self) -> str:
        return self.name

    def band(self) -> rules.RewardBand:
        return rules.RewardBand(
            rank_from=self.rank_from, rank_to=self.rank_to, min_medal=self.min_medal, team_size=self.team_size
        )


class RewardGrant(BaseModel):
    """A reward given to one person for one entry under one rule — at most once (奖励兑现)."""

    rule = models.ForeignKey(RewardRule, verbose_name=_("奖励规则"), on_delete=models.PROTECT, related_name="grants")
    entry = models.ForeignKey(Entry, verbose_name=_("参赛"), on_delete=models.PROTECT, related_name="grants")
    person = models.ForeignKey("people.Person", verbose_name=_("获奖人"), on_delete=models.PROTECT, related_name="+")
    honor = models.ForeignKey(
        "people.Honor", verbose_name=_("荣誉"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    certificate = models.ForeignKey(
        "people.Certificate", verbose_name=_("等级证书"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_level = models.PositiveSmallIntegerField(_("原等级"), choices=SkillLevel.choices, null=True, blank=True)
    new_level = models.PositiveSmallIntegerField(_("晋升后"), choices=SkillLevel.choices, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("奖励兑现")
        verbose_name_plural = _("奖励兑现")
        constraints = [
            models.UniqueConstraint(fields=["rule", "entry", "person"], name="competitions_grant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.person}"


class MedalHonor(BaseModel):
    """The medal honour recorded on a medallist's registry entry (once per person and entry)."""

    entry = models.ForeignKey(Entry, verbose_name=_("参赛"), on_delete=models.PROTECT, related_name="medal_honors")
    person = models.ForeignKey("people.Person", verbose_name=_("获奖人"), on_delete=models.PROTECT, related_name="+")
    honor = models.ForeignKey("people.Honor", verbose_name=_("荣誉"), null=True, on_delete=models.SET_NULL, related_name="+")
    award_reference = models.CharField(_("获奖证书"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("奖牌记录")
        verbose_name_plural = _("奖牌记录")
        constraints = [
            models.UniqueConstraint(fields=["entry", "person"], name="competitions_medal_honor_once"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.person}"


class RoundImport(BaseModel):
    """An import job started from one round (its page or ``rounds/<id>/marks-import/`` …): the
    competition entities then take only that round's entries, whatever the file says."""

    job = models.OneToOneField("imports.ImportJob", verbose_name=_("导入任务"), on_delete=models.CASCADE,
                               related_name="competition_round")
    round = models.ForeignKey(EventRound, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("轮次导入")
        verbose_name_plural = _("轮次导入")

    def __str__(self) -> str:
        return f"{self.round} · {self.job_id}"
