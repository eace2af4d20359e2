"""Forms of the competition pages. They validate input shapes; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog import selectors as catalog_selectors
from gongjiang.catalog.levels import SkillLevel
from gongjiang.competitions import rules, selectors
from gongjiang.competitions.models import (
    Appeal,
    Aspect,
    Competition,
    CompetitionEvent,
    Delegation,
    Medal,
    RewardRule,
    Stage,
)
from gongjiang.core.models import User
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset
from gongjiang.people.models import Honor
from gongjiang.web.forms import choice_field, model_choice_field

ERR_SCHEME_LINE = _("第 {n} 行应为：模块|编号|评分项|类型（测量/评价）|分值|0分含义;1分含义;2分含义;3分含义（测量类可省略最后一项）")
ERR_OCCUPATION = _("职业编码“{code}”不在职业分类大典中。")
ERR_USERNAME = _("没有用户名为“{username}”的有效账号。")
ERR_NO_PEOPLE = _("请至少填写一位选手的证件号码。")

LEVEL_CHOICES = [("", "—")] + [(str(v), label) for v, label in SkillLevel.choices]
TIE_CHOICES = [("", _("（不再比较）")), (rules.TIE_PRACTICAL, _("实操成绩高者在前")),
               (rules.TIE_THEORY, _("理论成绩高者在前")), (rules.TIE_TIME, _("用时短者在前"))]
DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _level(value: str) -> int | None:
    return int(value) if value not in ("", None) else None


class CompetitionForm(forms.Form):
    name = forms.CharField(label=_("竞赛名称"), max_length=200)
    organizer: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(label=_("主办单位"), queryset=None)
    level = forms.ChoiceField(label=_("竞赛级别"), choices=Competition.Level.choices)
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    end_date = forms.DateField(label=_("结束日期"), widget=DATE)
    co_organizers = forms.CharField(label=_("协办/承办单位"), max_length=300, required=False)
    allow_multiple_events = forms.BooleanField(label=_("允许一人报多个赛项"), required=False)
    default_quota = forms.IntegerField(label=_("每队每赛项默认名额"), min_value=0, required=False,
                                       help_text=_("留空为不限；可再按代表队、赛项单独设置。"))
    heats = forms.CharField(label=_("赛区赛的赛区"), required=False,
                            help_text=_("分赛区初赛再决赛时填写，用逗号分隔，如：越城赛区，柯桥赛区；不填则只有决赛。"))
    advancement = forms.ChoiceField(label=_("赛区赛晋级规则"), required=False,
                                    choices=[(Stage.Advancement.TOP_PER_HEAT, Stage.Advancement.TOP_PER_HEAT.label),
                                             (Stage.Advancement.TOP_OVERALL, Stage.Advancement.TOP_OVERALL.label)])
    advance_count = forms.IntegerField(label=_("晋级人数 N"), min_value=1, required=False)
    description = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organizer").queryset = organization_queryset(user, write=True).order_by("name")

    def stages(self) -> list[dict[str, Any]] | None:
        heats = [h.strip() for h in self.cleaned_data["heats"].replace("，", ",").split(",") if h.strip()]
        if not heats:
            return None
        return [
            {"name": str(_("赛区赛")), "heats": heats, "advancement": self.cleaned_data["advancement"],
             "advance_count": self.cleaned_data["advance_count"]},
            {"name": str(_("决赛"))},
        ]


class EventForm(forms.Form):
    code = forms.CharField(label=_("赛项编号"), max_length=20, help_text=_("如 E01，用作参赛编号前缀。"))
    name = forms.CharField(label=_("赛项名称"), max_length=100)
    occupation = forms.CharField(label=_("职业编码"), max_length=12, required=False,
                                 help_text=_("职业分类大典编码，如 6-18-01-01（车工）；晋升证书按此职业登记。"))
    team_size = forms.IntegerField(label=_("每队人数"), min_value=1, max_value=10, initial=1)
    min_age = forms.IntegerField(label=_("最小年龄"), min_value=0, required=False, initial=16)
    max_age = forms.IntegerField(label=_("最大年龄"), min_value=0, required=False)
    min_level = forms.ChoiceField(label=_("最低技能等级"), choices=LEVEL_CHOICES, required=False)
    max_level = forms.ChoiceField(label=_("最高技能等级"), choices=LEVEL_CHOICES, required=False)
    theory_weight = forms.DecimalField(label=_("理论权重（%）"), initial=Decimal("30"), max_digits=5, decimal_places=2)
    practical_weight = forms.DecimalField(label=_("实操权重（%）"), initial=Decimal("70"), max_digits=5,
                                          decimal_places=2)
    starts_at = forms.DateTimeField(label=_("比赛开始"), required=False, widget=DATETIME)
    venue = forms.CharField(label=_("比赛场地"), max_length=200, required=False)
    tie_break_1 = forms.ChoiceField(label=_("总分相同时先比"), choices=TIE_CHOICES, required=False,
                                    initial=rules.TIE_PRACTICAL)
    tie_break_2 = forms.ChoiceField(label=_("再比"), choices=TIE_CHOICES, required=False, initial=rules.TIE_TIME)
    tie_break_3 = forms.ChoiceField(label=_("最后比"), choices=TIE_CHOICES, required=False)
    judgement_method = forms.ChoiceField(label=_("评价分换算"), choices=CompetitionEvent.JudgementMethod.choices)
    judgement_tolerance = forms.IntegerField(label=_("评价分允许差异"), min_value=0, max_value=3, initial=1)
    medal_policy = forms.ChoiceField(label=_("奖牌规则"), choices=CompetitionEvent.MedalPolicy.choices)
    excellence_fraction = forms.DecimalField(label=_("优胜奖范围（占参赛人数比例）"), initial=Decimal("0.5"),
                                             max_digits=4, decimal_places=3)
    excellence_inclusive = forms.BooleanField(label=_("优胜奖含恰好一半的名次"), required=False, initial=True)
    gold_quota = forms.DecimalField(label=_("金牌名额/比例"), initial=Decimal("1"), max_digits=6, decimal_places=3,
                                    help_text=_("仅“固定名额/比例”时使用。"))
    silver_quota = forms.DecimalField(label=_("银牌名额/比例"), initial=Decimal("1"), max_digits=6, decimal_places=3)
    bronze_quota = forms.DecimalField(label=_("铜牌名额/比例"), initial=Decimal("1"), max_digits=6, decimal_places=3)
    excellence_quota = forms.DecimalField(label=_("优胜奖名额/比例"), initial=Decimal("0"), max_digits=6,
                                          decimal_places=3)
    appeal_hours = forms.IntegerField(label=_("申诉期（小时）"), min_value=0, max_value=720, initial=24)

    def clean_occupation(self) -> Any:
        code = self.cleaned_data["occupation"].strip()
        if not code:
            return None
        try:
            return catalog_selectors.occupation_get(code=code)
        except Http404:
            raise forms.ValidationError(ERR_OCCUPATION.format(code=code)) from None

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["tie_breaks"] = [t for t in (data.pop("tie_break_1"), data.pop("tie_break_2"), data.pop("tie_break_3")) if t]
        data["min_level"] = _level(data["min_level"])
        data["max_level"] = _level(data["max_level"])
        return data

    @classmethod
    def initial_for(cls, event: CompetitionEvent) -> dict[str, Any]:
        initial = {name: getattr(event, name) for name in cls.base_fields if hasattr(event, name)}
        initial["occupation"] = event.occupation.code if event.occupation else ""
        for index, rule in enumerate(event.tie_breaks[:3], start=1):
            initial[f"tie_break_{index}"] = rule
        for index in range(len(event.tie_breaks) + 1, 4):
            initial[f"tie_break_{index}"] = ""
        return initial


class SchemeForm(forms.Form):
    lines = forms.CharField(
        label=_("评分方案"), widget=forms.Textarea(attrs={"rows": 10, "class": "mono"}),
        help_text=_("每行一个评分项：模块|编号|评分项|类型（测量/评价）|分值|0分含义;1分含义;2分含义;3分含义"),
    )

    KINDS = {"测量": Aspect.Kind.MEASUREMENT, "measurement": Aspect.Kind.MEASUREMENT,
             "评价": Aspect.Kind.JUDGEMENT, "judgement": Aspect.Kind.JUDGEMENT}

    def clean_lines(self) -> list[dict[str, Any]]:
        sections: dict[str, list[dict[str, Any]]] = {}
        problems = []
        for number, line in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            if len(parts) < 5 or parts[3] not in self.KINDS:
                problems.append(ERR_SCHEME_LINE.format(n=number))
                continue
            descriptors = [d.strip() for d in parts[5].replace("；", ";").split(";")] if len(parts) > 5 else []
            sections.setdefault(parts[0], []).append({
                "code": parts[1], "description": parts[2], "kind": self.KINDS[parts[3]], "max_mark": parts[4],
                "descriptors": descriptors,
            })
        if problems:
            raise forms.ValidationError(problems)
        return [{"name": name, "aspects": aspects} for name, aspects in sections.items()]

    @staticmethod
    def text_for(event: CompetitionEvent) -> str:
        lines = []
        for aspect in selectors.aspects_of(event):
            kind = "评价" if aspect.is_judgement else "测量"
            line = f"{aspect.section.name}|{aspect.code}|{aspect.description}|{kind}|{aspect.max_mark.normalize()}"
            if aspect.is_judgement:
                line += "|" + ";".join(aspect.descriptors)
            lines.append(line)
        return "\n".join(lines)


class DelegationForm(forms.Form):
    name = forms.CharField(label=_("代表队名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Delegation.Kind.choices)
    organization: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(label=_("组队单位"), queryset=None)
    heat = forms.ChoiceField(label=_("默认赛区"), required=False)
    leader_name = forms.CharField(label=_("领队"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)

    def __init__(self, *args: Any, user: Any, competition: Competition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = organization_queryset(user).order_by("name")
        heats = [h for s in competition.stages.all() for h in s.heats]
        choice_field(self, "heat").choices = [("", "—")] + [(h, h) for h in heats]


class QuotaForm(forms.Form):
    delegation: forms.ModelChoiceField[Delegation] = forms.ModelChoiceField(label=_("代表队"), queryset=None)
    event: forms.ModelChoiceField[CompetitionEvent] = forms.ModelChoiceField(label=_("赛项"), queryset=None)
    max_entries = forms.IntegerField(label=_("名额"), min_value=0, max_value=1000)

    def __init__(self, *args: Any, competition: Competition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "delegation").queryset = competition.delegations.order_by("name")
        model_choice_field(self, "event").queryset = competition.events.order_by("code")


class JudgeForm(forms.Form):
    username = forms.CharField(label=_("裁判账号（用户名）"), max_length=150)
    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    organization: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label=_("所在单位"), queryset=None, required=False, help_text=_("用于回避：不能为本单位选手评分。"))
    delegation: forms.ModelChoiceField[Delegation] = forms.ModelChoiceField(
        label=_("所属代表队"), queryset=None, required=False)
    is_chief = forms.BooleanField(label=_("裁判长"), required=False)

    def __init__(self, *args: Any, user: Any, event: CompetitionEvent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = organization_queryset(user).order_by("name")
        model_choice_field(self, "delegation").queryset = event.competition.delegations.order_by("name")

    def clean_username(self) -> Any:
        username = self.cleaned_data["username"].strip()
        account = User.objects.filter(username=username, is_active=True).first()
        if account is None:
            raise forms.ValidationError(ERR_USERNAME.format(username=username))
        return account


class RewardRuleForm(forms.Form):
    name = forms.CharField(label=_("奖励名称"), max_length=100, help_text=_("如：优胜奖及以上晋升技师"))
    rank_from = forms.IntegerField(label=_("名次自"), min_value=1, required=False)
    rank_to = forms.IntegerField(label=_("名次至"), min_value=1, required=False)
    min_medal = forms.ChoiceField(label=_("奖项不低于"), choices=[("", "—"), *Medal.choices], required=False)
    team_size = forms.IntegerField(label=_("仅限每队人数"), min_value=1, required=False)
    honor_title = forms.ChoiceField(label=_("授予称号"), choices=[("", "—"), *Honor.Title.choices], required=False)
    honor_name = forms.CharField(label=_("称号名称"), max_length=100, required=False,
                                 help_text=_("如：绍兴市技术能手"))
    promotion = forms.ChoiceField(label=_("等级晋升"), choices=RewardRule.Promotion.choices)
    promotion_level = forms.ChoiceField(label=_("晋升到"), choices=LEVEL_CHOICES, required=False)
    promotion_cap = forms.ChoiceField(label=_("最高晋升到"), choices=LEVEL_CHOICES, required=False,
                                      initial=str(int(SkillLevel.SENIOR_TECHNICIAN)))

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["promotion_level"] = _level(data["promotion_level"])
        data["promotion_cap"] = _level(data["promotion_cap"])
        return data


class EntryForm(forms.Form):
    event: forms.ModelChoiceField[CompetitionEvent] = forms.ModelChoiceField(label=_("赛项"), queryset=None)
    id_numbers = forms.CharField(
        label=_("选手证件号码"), widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_("团队赛每行一人。选手须已登记在人才库中，且在您的管理范围内。"),
    )
    team_name = forms.CharField(label=_("队名"), max_length=100, required=False)
    heat = forms.ChoiceField(label=_("赛区"), required=False)

    def __init__(self, *args: Any, delegation: Delegation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "event").queryset = delegation.competition.events.order_by("code")
        first = selectors.first_stage(delegation.competition)
        heats = first.heats if first else []
        choice_field(self, "heat").choices = [("", _("（代表队默认赛区）"))] + [(h, h) for h in heats]

    def numbers(self) -> list[str]:
        numbers = [line.strip() for line in self.cleaned_data["id_numbers"].splitlines() if line.strip()]
        if not numbers:
            raise forms.ValidationError(ERR_NO_PEOPLE)
        return numbers


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300)


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AppealDecideForm(forms.Form):
    status = forms.ChoiceField(label=_("处理结论"), choices=[(Appeal.Status.UPHELD, Appeal.Status.UPHELD.label),
                                                          (Appeal.Status.REJECTED, Appeal.Status.REJECTED.label)])
    outcome = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class CorrectionForm(forms.Form):
    mark = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.CharField(label=_("更正后的分数"), max_length=20)
    reason = forms.CharField(label=_("更正原因"), max_length=300)


class UploadForm(forms.Form):
    """A marking sheet, checked by the import pipeline (gongjiang.imports): the result, with every
    problem by row and column, is shown before anything is saved."""

    file = forms.FileField(
        label=_("评分表（.xlsx、.xls 或 .csv）"),
        help_text=_("保存后直接提交成绩单：加一列“提交成绩单”填“是”。裁判长代其他裁判录入：加一列“裁判”填该裁判姓名。"),
    )


class TheoryUploadForm(forms.Form):
    file = forms.FileField(
        label=_("理论成绩表（.xlsx、.xls 或 .csv）"),
        help_text=_("成绩锁定后导入即为更正：加一列“更正原因”写明原因。"),
    )


class CompetitionEditForm(CompetitionForm):
    """The competition's own facts; stages are set when it is created."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("heats", "advancement", "advance_count"):
            del self.fields[name]


class _OpenDelegationField(forms.ModelChoiceField[Delegation]):
    """A delegation open for registration, labelled with its competition."""

    def label_from_instance(self, obj: Delegation) -> str:
        return f"{obj.competition.name} · {obj.name}"


class _OpenEventField(forms.ModelChoiceField[CompetitionEvent]):
    """An event open for registration, labelled with its competition."""

    def label_from_instance(self, obj: CompetitionEvent) -> str:
        return f"{obj.competition.name} · {obj.code} {obj.name}"


class SelfEntryForm(forms.Form):
    """A worker enters a competition through a delegation open for registration."""

    delegation = _OpenDelegationField(label=_("代表队"), queryset=None)
    event = _OpenEventField(label=_("赛项"), queryset=None)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        delegations = selectors.delegations_open_for(user).order_by("competition__name", "name")
        model_choice_field(self, "delegation").queryset = delegations
        model_choice_field(self, "event").queryset = CompetitionEvent.objects.filter(
            competition__status=Competition.Status.REGISTRATION, team_size=1
        ).select_related("competition").order_by("competition__name", "code")
