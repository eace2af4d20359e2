"""Competition set-up and entries over HTTP. Each view validates input, calls a selector or a
service, and renders; scope and rules live in competitions.selectors / competitions.services.

Objects outside what the user may see answer 404; objects the user may see but not change
answer 403 when written to.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongjiang.catalog.levels import SkillLevel
from gongjiang.competitions import rules, selectors, services
from gongjiang.competitions.api.serializers import (
    AppealOutput,
    BlindEntryOutput,
    CompetitionDetailOutput,
    CompetitionOutput,
    DelegationOutput,
    EntryOutput,
    EventOutput,
    JudgeOutput,
    JudgeWithConflictsOutput,
    ReasonInput,
    RewardRuleOutput,
    delegation_field,
    event_field,
    occupation_field,
    organization_field,
    person_field,
    user_field,
    work_type_field,
)
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
from gongjiang.core.api_base import ApiPagination, paginated_response
from gongjiang.core.api_base import InputSerializer as BaseInput
from gongjiang.people.models import Honor

TAG = "competitions"
# The outcomes an appeal can be decided with (named AppealDecisionEnum in the OpenAPI schema).
APPEAL_DECISIONS = [(Appeal.Status.UPHELD.value, Appeal.Status.UPHELD.label),
                    (Appeal.Status.REJECTED.value, Appeal.Status.REJECTED.label)]
ERRORS = {
    400: OpenApiResponse(description=_("输入有误：按字段列出的中文错误信息")),
    403: OpenApiResponse(description=_("无权执行此操作（角色、数据范围或裁判身份）")),
    404: OpenApiResponse(description=_("对象不存在，或不在您的数据范围内")),
}


def _competition_data(request: Request, competition: Competition) -> dict[str, Any]:
    return CompetitionDetailOutput(competition, context={"request": request}).data


# =================================================================================================
# Competitions
# =================================================================================================


class StageInput(BaseInput):
    name = serializers.CharField(max_length=50, label=_("阶段名称"))
    sequence = serializers.IntegerField(min_value=1, required=False, label=_("顺序"))
    heats = serializers.ListField(child=serializers.CharField(max_length=50), required=False, label=_("赛区"))
    advancement = serializers.ChoiceField(choices=Stage.Advancement.choices, default=Stage.Advancement.NONE,
                                          label=_("晋级规则"))
    advance_count = serializers.IntegerField(min_value=1, required=False, allow_null=True, label=_("晋级人数 N"))
    starts_on = serializers.DateField(required=False, allow_null=True, label=_("日期"))


class CompetitionFields(BaseInput):
    name = serializers.CharField(max_length=200, label=_("竞赛名称"))
    organizer = organization_field(label=_("主办单位"))
    level = serializers.ChoiceField(choices=Competition.Level.choices, label=_("竞赛级别"))
    start_date = serializers.DateField(label=_("开始日期"))
    end_date = serializers.DateField(label=_("结束日期"))
    year = serializers.IntegerField(required=False, min_value=1950, max_value=2100, label=_("年度"))
    co_organizers = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("协办/承办单位"))
    description = serializers.CharField(required=False, allow_blank=True, label=_("简介"))
    allow_multiple_events = serializers.BooleanField(required=False, default=False, label=_("允许一人报多个赛项"))
    default_quota = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                             label=_("每队每赛项默认名额"))


class CompetitionsApi(APIView):
    """``GET`` competitions the user may see; ``POST`` creates one (organisers)."""

    pagination_class = ApiPagination

    class FilterSerializer(BaseInput):
        year = serializers.IntegerField(required=False, min_value=1950, max_value=2100, label=_("年度"))
        q = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("名称"))

    class CreateInputSerializer(CompetitionFields):
        stages = StageInput(many=True, required=False, label=_("阶段（不填则只有决赛）"))

    @extend_schema(tags=[TAG], summary=_("竞赛列表"), parameters=[FilterSerializer],
                   responses={200: CompetitionOutput(many=True)})
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.competition_list(user=request.user, **filters.validated_data)
        return paginated_response(request=request, view=self, queryset=queryset, serializer_class=CompetitionOutput)

    @extend_schema(tags=[TAG], summary=_("创建竞赛"), request=CreateInputSerializer,
                   responses={201: CompetitionDetailOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.CreateInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        competition = services.competition_create(actor=request.user, **data)
        return Response(_competition_data(request, competition), status=status.HTTP_201_CREATED)


class CompetitionApi(APIView):
    class UpdateInputSerializer(CompetitionFields):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                field.required = False

    @extend_schema(tags=[TAG], summary=_("竞赛详情"), responses={200: CompetitionDetailOutput, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_competition_data(request, selectors.competition_get_for_user(user=request.user, pk=pk)))

    @extend_schema(tags=[TAG], summary=_("修改竞赛"), request=UpdateInputSerializer,
                   responses={200: CompetitionDetailOutput, **ERRORS})
    def patch(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk)
        serializer = self.UpdateInputSerializer(data=request.data, context={"request": request}, partial=True)
        serializer.is_valid(raise_exception=True)
        services.competition_update(actor=request.user, competition=competition, **serializer.validated_data)
        return Response(_competition_data(request, competition))


class CompetitionStatusApi(APIView):
    class InputSerializer(BaseInput):
        status = serializers.ChoiceField(choices=Competition.Status.choices, label=_("状态"))

    @extend_schema(tags=[TAG], summary=_("变更竞赛状态（筹备→报名→比赛→结束）"), request=InputSerializer,
                   responses={200: CompetitionDetailOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.competition_set_status(actor=request.user, competition=competition, **serializer.validated_data)
        return Response(_competition_data(request, competition))


class StagesApi(APIView):
    @extend_schema(tags=[TAG], summary=_("增加竞赛阶段（如赛区赛、决赛）"), request=StageInput,
                   responses={201: CompetitionDetailOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk)
        serializer = StageInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        final = selectors.final_stage(competition)
        data.setdefault("sequence", final.sequence + 1 if final else 1)
        services.stage_create(actor=request.user, competition=competition, **data)
        return Response(_competition_data(request, competition), status=status.HTTP_201_CREATED)


class ProgressApi(APIView):
    class OutputSerializer(serializers.Serializer):
        round = serializers.IntegerField(source="event_round.pk")
        event = serializers.CharField(source="event_round.event.name", label=_("赛项"))
        stage = serializers.CharField(source="event_round.stage.name", label=_("阶段"))
        status = serializers.CharField(source="event_round.status", label=_("状态"))
        entries = serializers.IntegerField(label=_("参赛数"))
        sheets_draft = serializers.IntegerField(label=_("草稿成绩单"))
        sheets_submitted = serializers.IntegerField(label=_("已提交成绩单"))
        sheets_locked = serializers.IntegerField(label=_("已锁定成绩单"))
        appeals_pending = serializers.IntegerField(label=_("待处理申诉"))

    @extend_schema(tags=[TAG], summary=_("竞赛进度（组织方）"), responses={200: OutputSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk, organize=True)
        rows = selectors.competition_progress(competition)
        return Response(self.OutputSerializer(rows, many=True).data)


# =================================================================================================
# Events and marking schemes
# =================================================================================================


class EventFields(BaseInput):
    code = serializers.CharField(max_length=20, label=_("赛项编号"))
    name = serializers.CharField(max_length=100, label=_("赛项名称"))
    occupation = occupation_field(required=False, allow_null=True, label=_("职业编码"))
    work_type = work_type_field(required=False, allow_null=True, label=_("工种"))
    team_size = serializers.IntegerField(required=False, min_value=1, max_value=10, label=_("每队人数"))
    min_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, label=_("最小年龄"))
    max_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, label=_("最大年龄"))
    min_level = serializers.ChoiceField(choices=SkillLevel.choices, required=False, allow_null=True,
                                        label=_("最低技能等级"))
    max_level = serializers.ChoiceField(choices=SkillLevel.choices, required=False, allow_null=True,
                                        label=_("最高技能等级"))
    theory_weight = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, label=_("理论权重（%）"))
    practical_weight = serializers.DecimalField(max_digits=5, decimal_places=2, required=False,
                                                label=_("实操权重（%）"))
    starts_at = serializers.DateTimeField(required=False, allow_null=True, label=_("比赛开始"))
    ends_at = serializers.DateTimeField(required=False, allow_null=True, label=_("比赛结束"))
    venue = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("比赛场地"))
    tie_breaks = serializers.ListField(child=serializers.ChoiceField(choices=list(rules.TIE_BREAKS)), required=False,
                                       label=_("并列时比较"))
    judgement_method = serializers.ChoiceField(choices=CompetitionEvent.JudgementMethod.choices, required=False,
                                               label=_("评价分换算"))
    judgement_tolerance = serializers.IntegerField(required=False, min_value=0, max_value=3, label=_("评价分允许差异"))
    medal_policy = serializers.ChoiceField(choices=CompetitionEvent.MedalPolicy.choices, required=False,
                                           label=_("奖牌规则"))
    excellence_fraction = serializers.DecimalField(max_digits=4, decimal_places=3, required=False,
                                                   label=_("优胜奖范围"))
    excellence_inclusive = serializers.BooleanField(required=False, label=_("优胜奖含恰好一半的名次"))
    gold_quota = serializers.DecimalField(max_digits=6, decimal_places=3, required=False, label=_("金牌名额/比例"))
    silver_quota = serializers.DecimalField(max_digits=6, decimal_places=3, required=False, label=_("银牌名额/比例"))
    bronze_quota = serializers.DecimalField(max_digits=6, decimal_places=3, required=False, label=_("铜牌名额/比例"))
    excellence_quota = serializers.DecimalField(max_digits=6, decimal_places=3, required=False,
                                                label=_("优胜奖名额/比例"))
    appeal_hours = serializers.IntegerField(required=False, min_value=0, max_value=720, label=_("申诉期（小时）"))


def _event_data(event: CompetitionEvent) -> dict[str, Any]:
    return EventOutput(event).data


class EventsApi(APIView):
    @extend_schema(tags=[TAG], summary=_("赛项列表"), responses={200: EventOutput(many=True), 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk)
        events = selectors.event_list(competition=competition).prefetch_related("rounds__stage", "aspects__section")
        return Response(EventOutput(events, many=True).data)

    @extend_schema(tags=[TAG], summary=_("增加赛项"), request=EventFields, responses={201: EventOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk)
        serializer = EventFields(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        event = services.event_create(actor=request.user, competition=competition, **serializer.validated_data)
        return Response(_event_data(event), status=status.HTTP_201_CREATED)


class EventApi(APIView):
    class UpdateInputSerializer(EventFields):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                field.required = False

    @extend_schema(tags=[TAG], summary=_("赛项详情（含评分方案）"), responses={200: EventOutput, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_event_data(selectors.event_get_for_user(user=request.user, pk=pk)))

    @extend_schema(tags=[TAG], summary=_("修改赛项"), request=UpdateInputSerializer,
                   responses={200: EventOutput, **ERRORS})
    def patch(self, request: Request, pk: int) -> Response:
        event = selectors.event_get_for_user(user=request.user, pk=pk)
        serializer = self.UpdateInputSerializer(data=request.data, context={"request": request}, partial=True)
        serializer.is_valid(raise_exception=True)
        services.event_update(actor=request.user, event=event, **serializer.validated_data)
        return Response(_event_data(event))


class SchemeApi(APIView):
    class AspectInput(BaseInput):
        code = serializers.CharField(max_length=20, required=False, allow_blank=True, label=_("评分项编号"))
        description = serializers.CharField(max_length=300, label=_("评分项"))
        kind = serializers.ChoiceField(choices=Aspect.Kind.choices, default=Aspect.Kind.MEASUREMENT, label=_("类型"))
        max_mark = serializers.DecimalField(max_digits=6, decimal_places=2, label=_("分值"))
        descriptors = serializers.ListField(child=serializers.CharField(max_length=200), required=False,
                                            label=_("评价标准（0–3 分含义）"))

    class SectionInput(BaseInput):
        name = serializers.CharField(max_length=100, label=_("模块名称"))

    class InputSerializer(BaseInput):
        sections = serializers.ListField(child=serializers.DictField(), min_length=1, label=_("模块"))

    @extend_schema(tags=[TAG], summary=_("设置评分方案（整体替换）"), request=InputSerializer,
                   responses={200: EventOutput, **ERRORS})
    def put(self, request: Request, pk: int) -> Response:
        event = selectors.event_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sections = []
        for raw in serializer.validated_data["sections"]:
            section = self.SectionInput(data=raw)
            section.is_valid(raise_exception=True)
            aspects = self.AspectInput(data=raw.get("aspects") or [], many=True)
            aspects.is_valid(raise_exception=True)
            sections.append({"name": section.validated_data["name"], "aspects": aspects.validated_data})
        services.marking_scheme_set(actor=request.user, event=event, sections=sections)
        return Response(_event_data(event))


# =================================================================================================
# Delegations, quotas, judges, reward rules
# =================================================================================================


class DelegationsApi(APIView):
    class InputSerializer(BaseInput):
        name = serializers.CharField(max_length=100, label=_("代表队名称"))
        kind = serializers.ChoiceField(choices=Delegation.Kind.choices, label=_("类型"))
        organization = organization_field(label=_("组队单位"))
        heat = serializers.CharField(required=False, allow_blank=True, max_length=50, label=_("默认赛区"))
        leader_name = serializers.CharField(required=False, allow_blank=True, max_length=50, label=_("领队"))
        contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=30, label=_("联系电话"))

    @extend_schema(tags=[TAG], summary=_("代表队列表"), responses={200: DelegationOutput(many=True), 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk)
        return Response(DelegationOutput(selectors.delegation_list(user=request.user, competition=competition),
                                         many=True).data)

    @extend_schema(tags=[TAG], summary=_("组建代表队"), request=InputSerializer,
                   responses={201: DelegationOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        delegation = services.delegation_create(actor=request.user, competition=competition,
                                                **serializer.validated_data)
        return Response(DelegationOutput(delegation).data, status=status.HTTP_201_CREATED)


class QuotaApi(APIView):
    class InputSerializer(BaseInput):
        event = event_field(label=_("赛项"))
        max_entries = serializers.IntegerField(min_value=0, max_value=1000, label=_("名额"))

    @extend_schema(tags=[TAG], summary=_("设置代表队在某赛项的名额"), request=InputSerializer,
                   responses={200: DelegationOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        delegation = selectors.delegation_get_for_user(user=request.user, pk=pk, write=False)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.quota_set(actor=request.user, delegation=delegation, **serializer.validated_data)
        return Response(DelegationOutput(delegation).data)


class JudgesApi(APIView):
    class InputSerializer(BaseInput):
        user = user_field(label=_("裁判账号（用户名）"))
        name = serializers.CharField(required=False, allow_blank=True, max_length=60, label=_("姓名"))
        organization = organization_field(required=False, allow_null=True, label=_("所在单位"))
        delegation = serializers.IntegerField(required=False, allow_null=True, label=_("所属代表队编号"))
        is_chief = serializers.BooleanField(required=False, default=False, label=_("裁判长"))

    @extend_schema(tags=[TAG], summary=_("赛项裁判（含须回避的参赛编号）"),
                   responses={200: JudgeWithConflictsOutput(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        event = selectors.event_get_for_user(user=request.user, pk=pk, organize=True)
        rows = []
        for judge, conflicts in selectors.judge_list(event=event):
            data = JudgeOutput(judge).data
            data["conflicting_entries"] = [e.number for e in conflicts]
            rows.append(data)
        return Response(rows)

    @extend_schema(tags=[TAG], summary=_("指派裁判"), request=InputSerializer,
                   responses={201: JudgeWithConflictsOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        event = selectors.event_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        delegation_id = data.pop("delegation", None)
        delegation = event.competition.delegations.filter(pk=delegation_id).first() if delegation_id else None
        if delegation_id and delegation is None:
            raise serializers.ValidationError({"delegation": [_("所属代表队须是本竞赛的代表队。")]})
        judge = services.judge_assign(actor=request.user, event=event, delegation=delegation, **data)
        out = JudgeOutput(judge).data
        out["conflicting_entries"] = [e.number for e in selectors.judge_conflicts(judge)]
        return Response(out, status=status.HTTP_201_CREATED)


class JudgeApi(APIView):
    @extend_schema(tags=[TAG], summary=_("撤销裁判"), request=None, responses={200: JudgeOutput, **ERRORS})
    def delete(self, request: Request, pk: int) -> Response:
        judge = selectors.judge_get_for_user(user=request.user, pk=pk)
        services.judge_remove(actor=request.user, judge=judge)
        return Response(JudgeOutput(judge).data)


class RewardRulesApi(APIView):
    class InputSerializer(BaseInput):
        name = serializers.CharField(max_length=100, label=_("奖励名称"))
        rank_from = serializers.IntegerField(required=False, allow_null=True, min_value=1, label=_("名次自"))
        rank_to = serializers.IntegerField(required=False, allow_null=True, min_value=1, label=_("名次至"))
        min_medal = serializers.ChoiceField(choices=Medal.choices, required=False, allow_blank=True,
                                            label=_("奖项不低于"))
        team_size = serializers.IntegerField(required=False, allow_null=True, min_value=1, label=_("仅限每队人数"))
        honor_title = serializers.ChoiceField(choices=Honor.Title.choices, required=False, allow_blank=True,
                                              label=_("授予称号"))
        honor_name = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("称号名称"))
        promotion = serializers.ChoiceField(choices=RewardRule.Promotion.choices, required=False,
                                            label=_("等级晋升"))
        promotion_level = serializers.ChoiceField(choices=SkillLevel.choices, required=False, allow_null=True,
                                                  label=_("晋升到"))
        promotion_cap = serializers.ChoiceField(choices=SkillLevel.choices, required=False, allow_null=True,
                                                label=_("最高晋升到"))

    @extend_schema(tags=[TAG], summary=_("奖励规则列表"), responses={200: RewardRuleOutput(many=True), 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk)
        return Response(RewardRuleOutput(competition.reward_rules.order_by("sequence", "id"), many=True).data)

    @extend_schema(tags=[TAG], summary=_("增加奖励规则"), request=InputSerializer,
                   responses={201: RewardRuleOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.reward_rule_create(actor=request.user, competition=competition, **serializer.validated_data)
        return Response(RewardRuleOutput(rule).data, status=status.HTTP_201_CREATED)


class RewardRuleApi(APIView):
    @extend_schema(tags=[TAG], summary=_("删除奖励规则"), request=None, responses={204: None, **ERRORS})
    def delete(self, request: Request, pk: int) -> Response:
        rule = selectors.reward_rule_get_for_user(user=request.user, pk=pk)
        services.reward_rule_delete(actor=request.user, rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RewardPlanRowOutput(serializers.Serializer):
    entry = serializers.CharField(source="entry.number", label=_("参赛编号"))
    event = serializers.CharField(source="entry.event.name", label=_("赛项"))
    person = serializers.CharField(source="person.name", label=_("姓名"))
    medal = serializers.CharField(allow_blank=True, label=_("奖项"))
    rules = serializers.SerializerMethodField(label=_("适用的奖励规则"))
    new_level = serializers.IntegerField(source="promotion.new_level", allow_null=True, default=None,
                                         label=_("晋升到"))

    def get_rules(self, obj: Any) -> list[str]:
        return [rule.name for rule in obj.rules]


class RewardsApi(APIView):
    class OutputSerializer(serializers.Serializer):
        applied_at = serializers.DateTimeField(allow_null=True, label=_("兑现时间"))
        problems = serializers.ListField(child=serializers.CharField(), label=_("尚不能兑现的原因"))
        plan = RewardPlanRowOutput(many=True, label=_("奖励名单"))

    @extend_schema(tags=[TAG], summary=_("奖励名单预览（组织方）"), responses={200: OutputSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk, organize=True)
        plan = services.reward_plan(competition)
        return Response({
            "applied_at": competition.rewards_applied_at,
            "problems": [] if competition.rewards_applied_at else services.reward_problems(competition),
            "plan": RewardPlanRowOutput(plan, many=True).data,
        })

    @extend_schema(tags=[TAG], summary=_("兑现奖励（称号、奖牌荣誉、以赛代评晋级；只能一次）"), request=None,
                   responses={200: OutputSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk)
        plan = services.rewards_apply(actor=request.user, competition=competition)
        competition.refresh_from_db()
        return Response({"applied_at": competition.rewards_applied_at, "problems": [],
                         "plan": RewardPlanRowOutput(plan, many=True).data})


# =================================================================================================
# Entries and appeals
# =================================================================================================


class EntriesApi(APIView):
    """``GET`` entries the user may see; ``POST`` registers one (delegation, organiser, or the worker)."""

    pagination_class = ApiPagination

    class FilterSerializer(BaseInput):
        event = serializers.IntegerField(required=False, label=_("赛项编号"))
        delegation = serializers.IntegerField(required=False, label=_("代表队编号"))

    class InputSerializer(BaseInput):
        event = event_field(label=_("赛项"))
        delegation = delegation_field(label=_("代表队"))
        people = serializers.ListField(child=person_field(), min_length=1, max_length=10, label=_("选手"))
        team_name = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("队名"))
        heat = serializers.CharField(required=False, allow_null=True, max_length=50, label=_("赛区"))

    @extend_schema(tags=[TAG], summary=_("参赛名单"), parameters=[FilterSerializer],
                   responses={200: EntryOutput(many=True), 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.entry_list(user=request.user, competition=competition)
        if filters.validated_data.get("event"):
            queryset = queryset.filter(event_id=filters.validated_data["event"])
        if filters.validated_data.get("delegation"):
            queryset = queryset.filter(delegation_id=filters.validated_data["delegation"])
        paginator = ApiPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        context = {"request": request, "organizer": selectors.can_organize(request.user, competition)}
        return paginator.get_paginated_response(EntryOutput(page, many=True, context=context).data)

    @extend_schema(tags=[TAG], summary=_("报名"), request=InputSerializer, responses={201: EntryOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        selectors.competition_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        entry = services.entry_register(actor=request.user, **serializer.validated_data)
        return Response(EntryOutput(selectors.entry_get_for_staff(user=request.user, pk=entry.pk)).data,
                        status=status.HTTP_201_CREATED)


class EntryConfirmApi(APIView):
    @extend_schema(tags=[TAG], summary=_("代表队确认选手自行报名"), request=None, responses={200: EntryOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.entry_get_for_user(user=request.user, pk=pk)
        services.entry_confirm(actor=request.user, entry=entry)
        return Response(EntryOutput(entry).data)


class EntryWithdrawApi(APIView):
    @extend_schema(tags=[TAG], summary=_("退赛"), request=ReasonInput, responses={200: EntryOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.entry_get_for_user(user=request.user, pk=pk)
        serializer = ReasonInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.entry_withdraw(actor=request.user, entry=entry, **serializer.validated_data)
        return Response(EntryOutput(entry).data)


class EntryDisqualifyApi(APIView):
    @extend_schema(tags=[TAG], summary=_("取消参赛资格（组织方或裁判长）"), request=ReasonInput,
                   responses={200: BlindEntryOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.entry_get_for_staff(user=request.user, pk=pk)
        serializer = ReasonInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.entry_disqualify(actor=request.user, entry=entry, **serializer.validated_data)
        return Response(BlindEntryOutput(entry).data)


class EntryScoresApi(APIView):
    class InputSerializer(BaseInput):
        theory_score = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True,
                                                label=_("理论成绩"))
        completion_seconds = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                                      label=_("完成用时（秒）"))
        reason = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                       label=_("更正原因（锁定后必填）"))

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        number = serializers.CharField(label=_("参赛编号"))
        theory_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, label=_("理论成绩"))
        completion_seconds = serializers.IntegerField(allow_null=True, label=_("完成用时（秒）"))

    @extend_schema(tags=[TAG], summary=_("录入理论成绩、完成用时（裁判长或组织方）"), request=InputSerializer,
                   responses={200: OutputSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.entry_get_for_staff(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.entry_record_scores(actor=request.user, entry=entry, **serializer.validated_data)
        return Response(self.OutputSerializer(entry).data)


class AppealsApi(APIView):
    @extend_schema(tags=[TAG], summary=_("提出申诉（成绩公布后、申诉期内）"), request=ReasonInput,
                   responses={201: AppealOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        entry = selectors.entry_get_for_user(user=request.user, pk=pk)
        serializer = ReasonInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        appeal = services.appeal_submit(actor=request.user, entry=entry, **serializer.validated_data)
        return Response(AppealOutput(appeal).data, status=status.HTTP_201_CREATED)


class AppealDecideApi(APIView):
    class InputSerializer(BaseInput):
        status = serializers.ChoiceField(choices=APPEAL_DECISIONS, label=_("处理结论"))
        outcome = serializers.CharField(max_length=2000, label=_("处理结果"))

    @extend_schema(tags=[TAG], summary=_("处理申诉（裁判长或组织方）"), request=InputSerializer,
                   responses={200: AppealOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        appeal = selectors.appeal_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.appeal_decide(actor=request.user, appeal=appeal, **serializer.validated_data)
        return Response(AppealOutput(appeal).data)
