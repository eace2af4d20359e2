"""Response shapes and reference fields of the competitions API.

Entries are shown with people's names to those who may see them (organisers, delegations,
employers, the entrants); judges get numbers only (blind marking); public results mask names.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gongjiang.catalog import selectors as catalog_selectors
from gongjiang.competitions import selectors
from gongjiang.competitions.models import (
    Appeal,
    Aspect,
    Competition,
    CompetitionEvent,
    Delegation,
    Entry,
    EventRound,
    Judge,
    RewardRule,
    ScoreSheet,
    Stage,
)
from gongjiang.core.api_base import (
    CodeReferenceField,
    IdReferenceField,
    InputSerializer,
    OccupationReference,
    OrganizationReference,
)
from gongjiang.orgs import selectors as org_selectors
from gongjiang.people import selectors as people_selectors

ERRORS_DOC = _("400 输入有误（按字段列出中文错误）；403 无权执行；404 不存在或不在您的数据范围内")


def occupation_field(**kwargs: Any) -> CodeReferenceField:
    return CodeReferenceField(
        lookup=lambda request, value: catalog_selectors.occupation_get(code=value), scoped=False, **kwargs
    )


def work_type_field(**kwargs: Any) -> IdReferenceField:
    return IdReferenceField(
        lookup=lambda request, value: catalog_selectors.work_type_get(pk=value), scoped=False, **kwargs
    )


def organization_field(**kwargs: Any) -> IdReferenceField:
    return IdReferenceField(
        lookup=lambda request, value: org_selectors.organization_get_for_user(user=request.user, pk=value), **kwargs
    )


def person_field(**kwargs: Any) -> IdReferenceField:
    return IdReferenceField(
        lookup=lambda request, value: people_selectors.person_get_for_user(user=request.user, pk=value), **kwargs
    )


def delegation_field(**kwargs: Any) -> IdReferenceField:
    """A delegation the user may see (manages, organises, or — for workers — open for registration)."""

    def lookup(request: Any, value: int) -> Delegation:
        found = (
            selectors.managed_delegations(request.user, write=False).filter(pk=value).first()
            or selectors.delegations_open_for(request.user).filter(pk=value).first()
        )
        if found is None:
            from django.http import Http404

            raise Http404
        return found

    return IdReferenceField(lookup=lookup, **kwargs)


def event_field(**kwargs: Any) -> IdReferenceField:
    return IdReferenceField(
        lookup=lambda request, value: selectors.event_get_for_user(user=request.user, pk=value), **kwargs
    )


def user_field(**kwargs: Any) -> serializers.SlugRelatedField:
    from gongjiang.core.models import User

    return serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True), **kwargs)


class ReasonInput(InputSerializer):
    reason = serializers.CharField(max_length=300, label=_("原因"))


class StageOutput(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", "sequence", "name", "heats", "advancement", "advance_count", "starts_on"]


class CompetitionOutput(serializers.ModelSerializer):
    organizer = OrganizationReference(label=_("主办单位"))
    level_display = serializers.CharField(source="get_level_display", label=_("竞赛级别"))
    status_display = serializers.CharField(source="get_status_display", label=_("状态"))

    class Meta:
        model = Competition
        fields = ["id", "name", "organizer", "co_organizers", "level", "level_display", "year", "start_date",
                  "end_date", "description", "status", "status_display", "allow_multiple_events", "default_quota",
                  "rewards_applied_at"]


class CompetitionDetailOutput(CompetitionOutput):
    stages = StageOutput(many=True, read_only=True)

    class Meta(CompetitionOutput.Meta):
        fields = [*CompetitionOutput.Meta.fields, "stages"]


class AspectOutput(serializers.ModelSerializer):
    section = serializers.CharField(source="section.name", label=_("模块"))

    class Meta:
        model = Aspect
        fields = ["id", "section", "sequence", "code", "description", "kind", "max_mark", "descriptors"]


class RoundOutput(serializers.ModelSerializer):
    stage = serializers.CharField(source="stage.name", label=_("阶段"))
    event = serializers.CharField(source="event.name", label=_("赛项"))

    class Meta:
        model = EventRound
        fields = ["id", "event", "stage", "status", "locked_at", "published_at", "appeal_deadline", "advanced_at"]


class EventOutput(serializers.ModelSerializer):
    occupation = OccupationReference(allow_null=True, label=_("职业"))
    work_type = serializers.CharField(source="work_type.name", allow_null=True, default=None, label=_("工种"))
    rounds = RoundOutput(many=True, read_only=True)
    aspects = AspectOutput(many=True, read_only=True)

    class Meta:
        model = CompetitionEvent
        fields = ["id", "competition", "code", "name", "occupation", "work_type", "team_size", "min_age", "max_age",
                  "min_level", "max_level", "theory_weight", "practical_weight", "starts_at", "ends_at", "venue",
                  "tie_breaks", "judgement_method", "judgement_tolerance", "medal_policy", "excellence_fraction",
                  "excellence_inclusive", "gold_quota", "silver_quota", "bronze_quota", "excellence_quota",
                  "appeal_hours", "rounds", "aspects"]


class DelegationOutput(serializers.ModelSerializer):
    organization = OrganizationReference(label=_("组队单位"))
    quotas = serializers.SerializerMethodField(label=_("名额（赛项编号 → 人数）"))

    class Meta:
        model = Delegation
        fields = ["id", "competition", "name", "kind", "organization", "heat", "leader_name", "contact_phone", "quotas"]

    def get_quotas(self, obj: Delegation) -> dict[str, int]:
        return {q.event.code: q.max_entries for q in obj.quotas.select_related("event")}


class MemberOutput(serializers.Serializer):
    """One member of an entry (an ``EntryMember``)."""

    person_id = serializers.IntegerField()
    name = serializers.CharField(source="person.name", label=_("姓名"))
    id_number_masked = serializers.CharField(source="person.id_number_masked", label=_("证件号码"))


class EntryOutput(serializers.ModelSerializer):
    event = serializers.CharField(source="event.code", label=_("赛项编号"))
    stage = serializers.CharField(source="round.stage.name", label=_("阶段"))
    delegation = serializers.CharField(source="delegation.name", label=_("代表队"))
    members = MemberOutput(many=True, label=_("选手"))
    status_display = serializers.CharField(source="get_status_display", label=_("状态"))
    results_published = serializers.SerializerMethodField(label=_("成绩已公布"))
    # Results are null until published (embargo), except for the organiser.
    practical_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, read_only=True,
                                               label=_("实操成绩（百分制）"))
    total_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, read_only=True,
                                           label=_("总成绩"))
    position = serializers.IntegerField(allow_null=True, read_only=True, label=_("名次"))
    medal = serializers.CharField(allow_null=True, allow_blank=True, read_only=True,
                                  label=_("奖项（gold/silver/bronze/excellence，空为无）"))
    scale_score = serializers.DecimalField(max_digits=6, decimal_places=0, allow_null=True, read_only=True,
                                           label=_("700 分制成绩"))
    is_advancing = serializers.BooleanField(allow_null=True, read_only=True, label=_("晋级"))

    class Meta:
        model = Entry
        fields = ["id", "event", "stage", "round", "number", "heat", "team_name", "delegation", "members", "status",
                  "status_display", "theory_score", "completion_seconds", "practical_score", "total_score",
                  "position", "medal", "scale_score", "is_advancing", "results_published"]

    def get_results_published(self, obj: Entry) -> bool:
        return obj.round.status == EventRound.Status.PUBLISHED

    def to_representation(self, instance: Entry) -> dict[str, Any]:
        data = super().to_representation(instance)
        # Results are embargoed until published, except for those who run the competition.
        if not data["results_published"] and not self.context.get("organizer"):
            for key in ("practical_score", "total_score", "position", "medal", "scale_score", "is_advancing"):
                data[key] = None
        return data


class BlindEntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(label=_("参赛编号"))
    heat = serializers.CharField(label=_("赛区"))


class JudgeOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", label=_("账号"))
    organization = OrganizationReference(allow_null=True, label=_("所在单位"))
    delegation = serializers.CharField(source="delegation.name", allow_null=True, default=None, label=_("所属代表队"))

    class Meta:
        model = Judge
        fields = ["id", "event", "username", "name", "organization", "delegation", "is_chief", "is_active"]


class JudgeWithConflictsOutput(JudgeOutput):
    conflicting_entries = serializers.ListField(child=serializers.CharField(), label=_("须回避的参赛编号"))

    class Meta(JudgeOutput.Meta):
        fields = [*JudgeOutput.Meta.fields, "conflicting_entries"]


class SheetOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, label=_("成绩单编号（尚未评分时为空）"))
    entry = BlindEntryOutput(label=_("参赛"))
    judge = serializers.CharField(label=_("裁判"))
    status = serializers.CharField(allow_blank=True, label=_("状态（draft 草稿 / submitted 已提交 / locked 已锁定）"))
    submitted_at = serializers.DateTimeField(allow_null=True, label=_("提交时间"))
    marks = serializers.DictField(child=serializers.CharField(), label=_("评分（评分项编号 → 分数）"))


def sheet_data(sheet: ScoreSheet | None, *, entry: Entry, judge: Judge) -> dict[str, Any]:
    marks = {m.aspect.code: str(m.value) for m in sheet.marks.select_related("aspect")} if sheet else {}
    return SheetOutput({
        "id": sheet.pk if sheet else None, "entry": entry, "judge": judge.name,
        "status": sheet.status if sheet else "", "submitted_at": sheet.submitted_at if sheet else None,
        "marks": marks,
    }).data


class AppealOutput(serializers.ModelSerializer):
    entry = serializers.CharField(source="entry.number", label=_("参赛编号"))

    class Meta:
        model = Appeal
        fields = ["id", "entry", "reason", "status", "outcome", "created_at", "decided_at"]


class RewardRuleOutput(serializers.ModelSerializer):
    class Meta:
        model = RewardRule
        fields = ["id", "competition", "sequence", "name", "rank_from", "rank_to", "min_medal", "team_size",
                  "honor_title", "honor_name", "promotion", "promotion_level", "promotion_cap"]


class MedalRowOutput(serializers.Serializer):
    position = serializers.IntegerField(label=_("名次"))
    label = serializers.CharField(label=_("代表队"))  # type: ignore[assignment]  # DRF's own attribute name, the API's field
    gold = serializers.IntegerField(label=_("金牌"))
    silver = serializers.IntegerField(label=_("银牌"))
    bronze = serializers.IntegerField(label=_("铜牌"))
    excellence = serializers.IntegerField(label=_("优胜奖"))
    points = serializers.IntegerField(label=_("奖牌积分（4/3/2/1）"))


class PublicResultOutput(serializers.Serializer):
    position = serializers.IntegerField(allow_null=True, label=_("名次"))
    number = serializers.CharField(label=_("参赛编号"))
    names = serializers.CharField(label=_("选手（姓名已遮挡）"))
    delegation = serializers.CharField(label=_("代表队"))
    heat = serializers.CharField(label=_("赛区"))
    theory = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, label=_("理论"))
    practical = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, label=_("实操"))
    total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, label=_("总成绩"))
    scale = serializers.DecimalField(max_digits=6, decimal_places=0, allow_null=True, label=_("700 分制"))
    medal = serializers.CharField(label=_("奖项"))
    medal_label = serializers.CharField(label=_("奖项名称"))
    advancing = serializers.BooleanField(label=_("晋级"))
