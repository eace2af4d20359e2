"""Setting a competition up: the competition, its stages, events, marking schemes, delegations,
quotas, judges and reward rules. Only organisers (write scope over the organising organisation)
may do this; ``actor=None`` is a system job (the demo, an import)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.catalog.levels import SkillLevel
from gongjiang.catalog.models import Occupation, WorkType
from gongjiang.competitions import rules, selectors
from gongjiang.competitions.models import (
    Aspect,
    Competition,
    CompetitionEvent,
    Delegation,
    DelegationQuota,
    EventRound,
    Judge,
    MarkingSection,
    RewardRule,
    ScoreSheet,
    Stage,
)
from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.rules import normalize_text
from gongjiang.core.text import enumeration
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset
from gongjiang.people.models import Honor

ERR_NAME = gettext_noop("请填写竞赛名称。")
ERR_ORGANIZER_SCOPE = gettext_noop("主办单位须是您有管理权限的单位。")
ERR_DATES = gettext_noop("结束日期不能早于开始日期。")
ERR_YEAR = gettext_noop("年度应与开始日期所在年份一致（开始日期为 {year} 年）。")
ERR_NAME_TAKEN = gettext_noop("{year} 年已有名为“{name}”的竞赛。")
ERR_STATUS_STEP = gettext_noop("竞赛状态不能从“{current}”改为“{target}”；可改为：{allowed}。")
ERR_STATUS_NO_EVENTS = gettext_noop("竞赛还没有赛项，不能开始报名。")
ERR_STAGE_NAME = gettext_noop("请填写阶段名称（如：赛区赛、决赛）。")
ERR_STAGE_SEQUENCE_TAKEN = gettext_noop("阶段顺序 {sequence} 已被“{name}”使用。")
ERR_STAGE_ADVANCE_COUNT = gettext_noop("晋级规则为“{rule}”时须填写晋级人数 N（正整数）。")
ERR_STAGE_HEATS = gettext_noop("“各赛区前 N 名晋级”须至少设置一个赛区。")
ERR_STAGE_LOCKED = gettext_noop("竞赛已开始报名，不能再增加或修改阶段。")
ERR_EVENT_CODE = gettext_noop("请填写赛项编号（字母、数字或短横线，最多 20 位）。")
ERR_EVENT_CODE_TAKEN = gettext_noop("赛项编号“{code}”已被赛项“{name}”使用。")
ERR_EVENT_NAME = gettext_noop("请填写赛项名称。")
ERR_WORK_TYPE = gettext_noop("工种“{work_type}”不属于职业“{occupation}”。")
ERR_AGE_RANGE = gettext_noop("最大年龄不能小于最小年龄。")
ERR_LEVEL_RANGE = gettext_noop("最高技能等级不能低于最低技能等级。")
ERR_TIE_BREAKS = gettext_noop("并列比较规则只能是：practical_desc（实操成绩高者在前）、theory_desc（理论成绩高者在前）、time_asc（用时短者在前），且不重复。")
ERR_POLICY_QUOTA = gettext_noop("“固定名额”的金、银、铜、优胜奖名额须为非负整数。")
ERR_POLICY_SHARE = gettext_noop("“固定比例”的金、银、铜、优胜奖比例须在 0 到 1 之间，且合计不超过 1。")
ERR_EXCELLENCE_FRACTION = gettext_noop("优胜奖范围须在 0 到 1 之间（如 0.5 表示参赛人数的一半）。")
ERR_EVENT_FROZEN = gettext_noop("赛项已有轮次锁定成绩，不能再修改{fields}。")
ERR_SCHEME_FROZEN = gettext_noop("赛项已有评分记录，不能再修改评分方案。")
ERR_SCHEME_EMPTY = gettext_noop("评分方案至少需要一个模块，每个模块至少一个评分项。")
ERR_SCHEME_SECTION = gettext_noop("第 {n} 个模块：请填写模块名称。")
ERR_SCHEME_ASPECT = gettext_noop("模块“{section}”第 {n} 个评分项：{problem}")
ERR_ASPECT_CODE_DUP = gettext_noop("评分项编号“{code}”重复。")
ERR_ASPECT_MAX = gettext_noop("分值须为大于 0 的数字")
ERR_ASPECT_KIND = gettext_noop("类型须为 measurement（测量）或 judgement（评价）")
ERR_ASPECT_DESCRIPTORS = gettext_noop("评价类评分项须写明 0、1、2、3 分各自的含义（4 条）")
ERR_DELEGATION_NAME = gettext_noop("请填写代表队名称。")
ERR_DELEGATION_TAKEN = gettext_noop("本竞赛已有代表队“{name}”。")
ERR_DELEGATION_ORG_TAKEN = gettext_noop("单位“{organization}”已组建代表队“{name}”。")
ERR_DELEGATION_HEAT = gettext_noop("赛区“{heat}”不在本竞赛的赛区中（{heats}）。")
ERR_QUOTA_EVENT = gettext_noop("赛项与代表队不属于同一竞赛。")
ERR_JUDGE_NAME = gettext_noop("请填写裁判姓名。")
ERR_JUDGE_TAKEN = gettext_noop("该账号已是本赛项的裁判。")
ERR_JUDGE_CHIEF_TAKEN = gettext_noop("本赛项已有裁判长（{name}），请先取消其裁判长身份。")
ERR_JUDGE_DELEGATION = gettext_noop("裁判所属代表队须是本竞赛的代表队。")
ERR_JUDGE_HAS_SHEETS = gettext_noop("该裁判已有提交的成绩单，不能撤销其裁判资格。")
ERR_RULE_NAME = gettext_noop("请填写奖励名称。")
ERR_RULE_BAND = gettext_noop("请填写名次范围（名次自/至）或“奖项不低于”，至少一项。")
ERR_RULE_RANKS = gettext_noop("名次自不能大于名次至。")
ERR_RULE_NOTHING = gettext_noop("奖励须授予称号或晋升等级，至少一项。")
ERR_RULE_PROMOTION_LEVEL = gettext_noop("“晋升到指定等级”须选择要晋升到的等级。")
ERR_RULE_LEVEL_CEILING = gettext_noop("以赛代评最高晋升到高级技师（一级）；特级技师、首席技师须通过评聘。")
ERR_RULE_TITLE_NAME = gettext_noop("授予称号时请填写称号名称（如：绍兴市技术能手）。")
ERR_RULES_APPLIED = gettext_noop("奖励已兑现，不能再修改奖励规则。")

STATUS_STEPS = {
    Competition.Status.DRAFT: (Competition.Status.REGISTRATION,),
    Competition.Status.REGISTRATION: (Competition.Status.DRAFT, Competition.Status.UNDERWAY),
    Competition.Status.UNDERWAY: (Competition.Status.REGISTRATION, Competition.Status.FINISHED),
    Competition.Status.FINISHED: (),
}

# Fields of an event that decide results: frozen once any round is locked.
RESULT_FIELDS = (
    "theory_weight", "practical_weight", "tie_breaks", "judgement_method", "judgement_tolerance", "medal_policy",
    "excellence_fraction", "excellence_inclusive", "gold_quota", "silver_quota", "bronze_quota",
    "excellence_quota",
)
EVENT_FIELDS = (
    "code", "name", "occupation", "work_type", "team_size", "min_age", "max_age", "min_level", "max_level",
    "starts_at", "ends_at", "venue", "appeal_hours", *RESULT_FIELDS,
)
COMPETITION_FIELDS = (
    "name", "organizer", "co_organizers", "level", "year", "start_date", "end_date", "description",
    "allow_multiple_events", "default_quota",
)


def require_organizer(actor: Any, competition: Competition) -> None:
    if not selectors.can_organize(actor, competition):
        raise PermissionDeniedError()


def _require_organizer_of(actor: Any, organizer: Organization) -> None:
    if actor is not None and not organization_queryset(actor, write=True).filter(pk=organizer.pk).exists():
        raise ApplicationError(_(ERR_ORGANIZER_SCOPE), field="organizer", code="permission_denied")


# =================================================================================================
# Competition and stages
# =================================================================================================


def _clean_competition(data: dict[str, Any], instance: Competition | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    if "name" in cleaned:
        cleaned["name"] = normalize_text(cleaned["name"] or "")
        if not cleaned["name"]:
            errors.setdefault("name", []).append(_(ERR_NAME))
    start = cleaned.get("start_date", instance.start_date if instance else None)
    end = cleaned.get("end_date", instance.end_date if instance else None)
    year = cleaned.get("year", instance.year if instance else None)
    if start and end and end < start:
        errors.setdefault("end_date", []).append(_(ERR_DATES))
    if start and year and int(year) != start.year:
        errors.setdefault("year", []).append(_(ERR_YEAR).format(year=start.year))
    name = cleaned.get("name", instance.name if instance else "")
    if name and year:
        clash = Competition.objects.filter(name=name, year=year)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.setdefault("name", []).append(_(ERR_NAME_TAKEN).format(year=year, name=name))
    if errors:
        raise ApplicationError(_("竞赛信息有误，请按提示修改。"), errors=errors)
    return cleaned


@transaction.atomic
def competition_create(
    *,
    actor: Any,
    name: str,
    organizer: Organization,
    level: str,
    start_date: dt.date,
    end_date: dt.date,
    year: int | None = None,
    co_organizers: str = "",
    description: str = "",
    allow_multiple_events: bool = False,
    default_quota: int | None = None,
    stages: list[dict[str, Any]] | None = None,
) -> Competition:
    """Create a competition in draft, organised by an organisation the actor may write to.

    Without ``stages`` it gets one stage, 决赛; with them, each is created in order (see
    :func:`stage_create` for the keys).
    """
    _require_organizer_of(actor, organizer)
    cleaned = _clean_competition(
        {"name": name, "start_date": start_date, "end_date": end_date, "year": year or start_date.year},
        None,
    )
    competition = Competition(
        name=cleaned["name"], organizer=organizer, level=level, year=cleaned["year"], start_date=start_date,
        end_date=end_date, co_organizers=co_organizers, description=description,
        allow_multiple_events=allow_multiple_events, default_quota=default_quota,
    )
    competition.full_clean()
    competition.save()
    audit.record("competitions.competition.created", obj=competition, changes=audit.snapshot(competition), actor=actor)
    for index, stage in enumerate(stages or [{"name": _("决赛")}], start=1):
        stage_create(actor=actor, competition=competition, sequence=stage.get("sequence", index),
                     **{k: v for k, v in stage.items() if k != "sequence"})
    return competition


@transaction.atomic
def competition_update(*, actor: Any, competition: Competition, **data: Any) -> Competition:
    require_organizer(actor, competition)
    unknown = set(data) - set(COMPETITION_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "organizer" in data:
        _require_organizer_of(actor, data["organizer"])
    cleaned = _clean_competition(data, competition)
    before = audit.snapshot(competition)
    for key, value in cleaned.items():
        setattr(competition, key, value)
    competition.full_clean()
    competition.save(update_fields=[*cleaned, "updated_at"])
    audit.record("competitions.competition.updated", obj=competition,
                 changes=audit.diff(before, audit.snapshot(competition)), actor=actor)
    return competition


@transaction.atomic
def competition_set_status(*, actor: Any, competition: Competition, status: str) -> Competition:
    """Move the competition along draft → registration → underway → finished (one step back allowed)."""
    require_organizer(actor, competition)
    allowed = STATUS_STEPS[Competition.Status(competition.status)]
    if status not in allowed:
        raise ApplicationError(
            _(ERR_STATUS_STEP).format(
                current=competition.get_status_display(), target=Competition.Status(status).label
                if status in Competition.Status.values else status,
                allowed=enumeration(str(Competition.Status(s).label) for s in allowed) or _("无"),
            ),
            field="status",
        )
    if status == Competition.Status.REGISTRATION and not competition.events.exists():
        raise ApplicationError(_(ERR_STATUS_NO_EVENTS), field="status")
    previous = competition.status
    competition.status = status
    competition.save(update_fields=["status", "updated_at"])
    audit.record("competitions.competition.status_changed", obj=competition,
                 changes={"status": [previous, status]}, actor=actor)
    return competition


@transaction.atomic
def stage_create(
    *,
    actor: Any,
    competition: Competition,
    name: str,
    sequence: int,
    heats: list[str] | None = None,
    advancement: str = Stage.Advancement.NONE,
    advance_count: int | None = None,
    starts_on: dt.date | None = None,
) -> Stage:
    """Add a stage (e.g. 赛区赛 with its heats, then 决赛); every event gets a round in it."""
    require_organizer(actor, competition)
    if competition.status != Competition.Status.DRAFT:
        raise ApplicationError(_(ERR_STAGE_LOCKED), field="stage")
    errors: dict[str, list[str]] = {}
    name = normalize_text(name or "")
    heats = [normalize_text(h) for h in (heats or []) if normalize_text(h)]
    if not name:
        errors.setdefault("name", []).append(_(ERR_STAGE_NAME))
    taken = competition.stages.filter(sequence=sequence).first()
    if taken is not None:
        errors.setdefault("sequence", []).append(_(ERR_STAGE_SEQUENCE_TAKEN).format(sequence=sequence, name=taken.name))
    if advancement != Stage.Advancement.NONE and not advance_count:
        errors.setdefault("advance_count", []).append(
            _(ERR_STAGE_ADVANCE_COUNT).format(rule=Stage.Advancement(advancement).label)
        )
    if advancement == Stage.Advancement.TOP_PER_HEAT and not heats:
        errors.setdefault("heats", []).append(_(ERR_STAGE_HEATS))
    if errors:
        raise ApplicationError(_("阶段信息有误，请按提示修改。"), errors=errors)
    stage = Stage(competition=competition, name=name, sequence=sequence, heats=heats, advancement=advancement,
                  advance_count=advance_count if advancement != Stage.Advancement.NONE else None,
                  starts_on=starts_on)
    stage.full_clean()
    stage.save()
    for event in competition.events.all():
        EventRound.objects.create(event=event, stage=stage)
    audit.record("competitions.stage.created", obj=stage, changes=audit.snapshot(stage), actor=actor)
    return stage


# =================================================================================================
# Events and marking schemes
# =================================================================================================


def _event_field(name: str) -> models.Field[Any, Any]:
    """The event's own field ``name`` (``get_field`` may also return a reverse relation)."""
    field = CompetitionEvent._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _clean_event(data: dict[str, Any], instance: CompetitionEvent | None, competition: Competition) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)

    def current(key: str) -> Any:
        if key in cleaned:
            return cleaned[key]
        if instance is not None:
            return getattr(instance, key)
        return _event_field(key).get_default()

    if "code" in cleaned:
        cleaned["code"] = normalize_text(cleaned["code"] or "").upper()
        code = cleaned["code"]
        if not code or len(code) > 20 or not all(c.isalnum() or c == "-" for c in code):
            errors.setdefault("code", []).append(_(ERR_EVENT_CODE))
        else:
            clash = competition.events.filter(code=code)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            other = clash.first()
            if other is not None:
                errors.setdefault("code", []).append(_(ERR_EVENT_CODE_TAKEN).format(code=code, name=other.name))
    if "name" in cleaned:
        cleaned["name"] = normalize_text(cleaned["name"] or "")
        if not cleaned["name"]:
            errors.setdefault("name", []).append(_(ERR_EVENT_NAME))
    occupation: Occupation | None = current("occupation")
    work_type: WorkType | None = current("work_type")
    if work_type is not None and (occupation is None or work_type.occupation_id != occupation.pk):
        errors.setdefault("work_type", []).append(
            _(ERR_WORK_TYPE).format(work_type=work_type.name, occupation=occupation.name if occupation else "-")
        )
    if current("min_age") is not None and current("max_age") is not None and current("max_age") < current("min_age"):
        errors.setdefault("max_age", []).append(_(ERR_AGE_RANGE))
    if (current("min_level") is not None and current("max_level") is not None
            and current("max_level") < current("min_level")):
        errors.setdefault("max_level", []).append(_(ERR_LEVEL_RANGE))
    try:
        rules.check_weights(Decimal(current("theory_weight")), Decimal(current("practical_weight")))
    except rules.CompetitionRuleError as exc:
        errors.setdefault("practical_weight", []).append(str(exc.message))
    tie_breaks = current("tie_breaks")
    if not isinstance(tie_breaks, (list, tuple)) or len(set(tie_breaks)) != len(tie_breaks) or any(
        t not in rules.TIE_BREAKS for t in tie_breaks
    ):
        errors.setdefault("tie_breaks", []).append(_(ERR_TIE_BREAKS))
    else:
        cleaned["tie_breaks"] = list(tie_breaks)
    _check_medal_policy(current, errors)
    if errors:
        raise ApplicationError(_("赛项信息有误，请按提示修改。"), errors=errors)
    return cleaned


def _check_medal_policy(current: Any, errors: dict[str, list[str]]) -> None:
    policy = current("medal_policy")
    try:
        quotas = [Decimal(current(f"{m}_quota")) for m in ("gold", "silver", "bronze", "excellence")]
        fraction = Decimal(current("excellence_fraction"))
    except (InvalidOperation, TypeError, ValueError):
        errors.setdefault("medal_policy", []).append(_(ERR_POLICY_QUOTA))
        return
    if not Decimal(0) <= fraction <= Decimal(1):
        errors.setdefault("excellence_fraction", []).append(_(ERR_EXCELLENCE_FRACTION))
    if policy == rules.POLICY_FIXED_COUNTS and any(q < 0 or q != q.to_integral_value() for q in quotas):
        errors.setdefault("gold_quota", []).append(_(ERR_POLICY_QUOTA))
    if policy == rules.POLICY_FIXED_SHARES and (any(q < 0 or q > 1 for q in quotas) or sum(quotas) > 1):
        errors.setdefault("gold_quota", []).append(_(ERR_POLICY_SHARE))


@transaction.atomic
def event_create(*, actor: Any, competition: Competition, code: str, name: str, **data: Any) -> CompetitionEvent:
    """Add an event (赛项) with a round in every stage of the competition."""
    require_organizer(actor, competition)
    unknown = set(data) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    cleaned = _clean_event({"code": code, "name": name, **data}, None, competition)
    event = CompetitionEvent(competition=competition, **cleaned)
    event.full_clean()
    event.save()
    for stage in competition.stages.all():
        EventRound.objects.create(event=event, stage=stage)
    audit.record("competitions.event.created", obj=event, changes=audit.snapshot(event), actor=actor)
    return event


@transaction.atomic
def event_update(*, actor: Any, event: CompetitionEvent, **data: Any) -> CompetitionEvent:
    """Change an event. What decides results (weights, tie-breaks, medal rules) is frozen once a
    round is locked, so published results cannot be changed by editing the rules."""
    require_organizer(actor, event.competition)
    unknown = set(data) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    frozen = [key for key in data if key in RESULT_FIELDS and data[key] != getattr(event, key)]
    if frozen and event.rounds.exclude(status=EventRound.Status.OPEN).exists():
        labels = enumeration(str(_event_field(k).verbose_name) for k in frozen)
        raise ApplicationError(_(ERR_EVENT_FROZEN).format(fields=labels), field=frozen[0])
    cleaned = _clean_event(data, event, event.competition)
    before = audit.snapshot(event)
    for key, value in cleaned.items():
        setattr(event, key, value)
    event.full_clean()
    event.save()
    audit.record("competitions.event.updated", obj=event, changes=audit.diff(before, audit.snapshot(event)), actor=actor)
    return event


def _clean_scheme(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    problems: list[str] = []
    codes: set[str] = set()
    cleaned_sections = []
    if not sections or any(not s.get("aspects") for s in sections):
        raise ApplicationError(_(ERR_SCHEME_EMPTY), field="sections")
    for index, section in enumerate(sections, start=1):
        section_name = normalize_text(section.get("name") or "")
        if not section_name:
            problems.append(_(ERR_SCHEME_SECTION).format(n=index))
        aspects = []
        for number, aspect in enumerate(section["aspects"], start=1):
            code = normalize_text(str(aspect.get("code") or "")).upper() or f"{index}.{number}"
            kind = aspect.get("kind", Aspect.Kind.MEASUREMENT)
            descriptors = [normalize_text(str(d)) for d in (aspect.get("descriptors") or [])]

            def problem(text: str, section_name: str = section_name, number: int = number) -> None:
                problems.append(_(ERR_SCHEME_ASPECT).format(section=section_name, n=number, problem=text))

            if code in codes:
                problems.append(_(ERR_ASPECT_CODE_DUP).format(code=code))
            codes.add(code)
            try:
                max_mark = Decimal(str(aspect.get("max_mark")))
                if max_mark <= 0:
                    raise InvalidOperation
            except (InvalidOperation, TypeError, ValueError):
                problem(_(ERR_ASPECT_MAX))
                max_mark = Decimal(0)
            if kind not in Aspect.Kind.values:
                problem(_(ERR_ASPECT_KIND))
            elif kind == Aspect.Kind.JUDGEMENT and len([d for d in descriptors if d]) != 4:
                problem(_(ERR_ASPECT_DESCRIPTORS))
            description = normalize_text(str(aspect.get("description") or ""))
            if not description:
                problem(_("请填写评分项内容"))
            aspects.append({"code": code, "description": description, "kind": kind, "max_mark": max_mark,
                            "descriptors": descriptors if kind == Aspect.Kind.JUDGEMENT else []})
        cleaned_sections.append({"name": section_name, "aspects": aspects})
    if problems:
        raise ApplicationError(_("评分方案有误，请按提示修改。"), errors={"sections": problems})
    return cleaned_sections


@transaction.atomic
def marking_scheme_set(*, actor: Any, event: CompetitionEvent, sections: list[dict[str, Any]]) -> list[Aspect]:
    """Replace an event's marking scheme: sections, each with aspects (measurement or judgement).

    ``sections`` = ``[{"name": ..., "aspects": [{"code", "description", "kind", "max_mark",
    "descriptors": [0 分含义, 1 分, 2 分, 3 分]}]}]``. Refused once any mark exists.
    """
    require_organizer(actor, event.competition)
    if ScoreSheet.objects.filter(entry__event=event).exists():
        raise ApplicationError(_(ERR_SCHEME_FROZEN), field="sections")
    cleaned = _clean_scheme(sections)
    event.aspects.all().delete()
    event.sections.all().delete()
    created: list[Aspect] = []
    for index, section in enumerate(cleaned, start=1):
        section_obj = MarkingSection.objects.create(event=event, sequence=index, name=section["name"])
        for number, aspect in enumerate(section["aspects"], start=1):
            obj = Aspect(event=event, section=section_obj, sequence=number, **aspect)
            obj.full_clean()
            obj.save()
            created.append(obj)
    total = sum((a.max_mark for a in created), Decimal(0))
    audit.record("competitions.event.scheme_set", obj=event,
                 changes={"sections": len(cleaned), "aspects": len(created), "max_marks": str(total)}, actor=actor)
    return created


# =================================================================================================
# Delegations and quotas
# =================================================================================================


@transaction.atomic
def delegation_create(
    *,
    actor: Any,
    competition: Competition,
    name: str,
    kind: str,
    organization: Organization,
    heat: str = "",
    leader_name: str = "",
    contact_phone: str = "",
) -> Delegation:
    """Admit a delegation (代表队) of a district, city, enterprise or college."""
    require_organizer(actor, competition)
    errors: dict[str, list[str]] = {}
    name = normalize_text(name or "")
    heat = normalize_text(heat or "")
    if not name:
        errors.setdefault("name", []).append(_(ERR_DELEGATION_NAME))
    elif competition.delegations.filter(name=name).exists():
        errors.setdefault("name", []).append(_(ERR_DELEGATION_TAKEN).format(name=name))
    other = competition.delegations.filter(organization=organization).first()
    if other is not None:
        errors.setdefault("organization", []).append(
            _(ERR_DELEGATION_ORG_TAKEN).format(organization=organization.name, name=other.name)
        )
    heats = [h for stage in competition.stages.all() for h in stage.heats]
    if heat and heat not in heats:
        errors.setdefault("heat", []).append(
            _(ERR_DELEGATION_HEAT).format(heat=heat, heats=enumeration(heats) or _("未设赛区"))
        )
    if errors:
        raise ApplicationError(_("代表队信息有误，请按提示修改。"), errors=errors)
    delegation = Delegation(competition=competition, name=name, kind=kind, organization=organization, heat=heat,
                            leader_name=leader_name, contact_phone=contact_phone)
    delegation.full_clean()
    delegation.save()
    audit.record("competitions.delegation.created", obj=delegation, changes=audit.snapshot(delegation), actor=actor)
    return delegation


@transaction.atomic
def quota_set(*, actor: Any, delegation: Delegation, event: CompetitionEvent, max_entries: int) -> DelegationQuota:
    """Set how many entries a delegation may send to an event."""
    require_organizer(actor, delegation.competition)
    if event.competition_id != delegation.competition_id:
        raise ApplicationError(_(ERR_QUOTA_EVENT), field="event")
    quota, _created = DelegationQuota.objects.update_or_create(
        delegation=delegation, event=event, defaults={"max_entries": max_entries}
    )
    audit.record("competitions.quota.set", obj=quota,
                 changes={"delegation": delegation.pk, "event": event.pk, "max_entries": max_entries}, actor=actor)
    return quota


# =================================================================================================
# Judges
# =================================================================================================


@transaction.atomic
def judge_assign(
    *,
    actor: Any,
    event: CompetitionEvent,
    user: Any,
    name: str = "",
    organization: Organization | None = None,
    delegation: Delegation | None = None,
    is_chief: bool = False,
) -> Judge:
    """Assign a judge to an event. The entries they may not mark are shown by
    :func:`competitions.selectors.judge_conflicts`; marking them is refused."""
    require_organizer(actor, event.competition)
    errors: dict[str, list[str]] = {}
    name = normalize_text(name or "") or normalize_text(user.get_full_name() or "") or user.username
    if not name:
        errors.setdefault("name", []).append(_(ERR_JUDGE_NAME))
    existing = event.judges.filter(user=user).first()
    if existing is not None and existing.is_active:
        errors.setdefault("user", []).append(_(ERR_JUDGE_TAKEN))
    if is_chief:
        chief = event.judges.filter(is_chief=True, is_active=True).exclude(user=user).first()
        if chief is not None:
            errors.setdefault("is_chief", []).append(_(ERR_JUDGE_CHIEF_TAKEN).format(name=chief.name))
    if delegation is not None and delegation.competition_id != event.competition_id:
        errors.setdefault("delegation", []).append(_(ERR_JUDGE_DELEGATION))
    if errors:
        raise ApplicationError(_("裁判信息有误，请按提示修改。"), errors=errors)
    if existing is not None:
        judge = existing
        judge.name, judge.organization, judge.delegation = name, organization, delegation
        judge.is_chief, judge.is_active = is_chief, True
    else:
        judge = Judge(event=event, user=user, name=name, organization=organization, delegation=delegation,
                      is_chief=is_chief)
    judge.full_clean()
    judge.save()
    conflicts = [e.number for e in selectors.judge_conflicts(judge)]
    audit.record("competitions.judge.assigned", obj=judge,
                 changes={**audit.snapshot(judge), "conflicting_entries": conflicts}, actor=actor)
    return judge


@transaction.atomic
def judge_remove(*, actor: Any, judge: Judge) -> Judge:
    """Withdraw a judge who has not submitted anything; their draft sheets go with them."""
    require_organizer(actor, judge.event.competition)
    if judge.sheets.exclude(status=ScoreSheet.Status.DRAFT).exists():
        raise ApplicationError(_(ERR_JUDGE_HAS_SHEETS), field="judge")
    judge.sheets.all().delete()
    judge.is_active = False
    judge.is_chief = False
    judge.save(update_fields=["is_active", "is_chief", "updated_at"])
    audit.record("competitions.judge.removed", obj=judge, changes={"event": judge.event_id}, actor=actor)
    return judge


# =================================================================================================
# Reward rules
# =================================================================================================


@transaction.atomic
def reward_rule_create(
    *,
    actor: Any,
    competition: Competition,
    name: str,
    rank_from: int | None = None,
    rank_to: int | None = None,
    min_medal: str = "",
    team_size: int | None = None,
    honor_title: str = "",
    honor_name: str = "",
    promotion: str = RewardRule.Promotion.NONE,
    promotion_level: int | None = None,
    promotion_cap: int | None = SkillLevel.SENIOR_TECHNICIAN,
    sequence: int | None = None,
) -> RewardRule:
    """A reward for a rank band or medal band: a title (an honour on the person) and/or a level
    promotion (以赛代评: e.g. 优胜奖 and above → 技师, existing 技师 → 高级技师, capped)."""
    require_organizer(actor, competition)
    if competition.rewards_applied_at is not None:
        raise ApplicationError(_(ERR_RULES_APPLIED), field="competition")
    errors: dict[str, list[str]] = {}
    name = normalize_text(name or "")
    if not name:
        errors.setdefault("name", []).append(_(ERR_RULE_NAME))
    if rank_from is None and rank_to is None and not min_medal:
        errors.setdefault("rank_from", []).append(_(ERR_RULE_BAND))
    if rank_from is not None and rank_to is not None and rank_from > rank_to:
        errors.setdefault("rank_to", []).append(_(ERR_RULE_RANKS))
    if not honor_title and promotion == RewardRule.Promotion.NONE:
        errors.setdefault("honor_title", []).append(_(ERR_RULE_NOTHING))
    if honor_title and honor_title not in Honor.Title.values:
        errors.setdefault("honor_title", []).append(_("称号类别不正确。"))
    if honor_title and not normalize_text(honor_name or ""):
        errors.setdefault("honor_name", []).append(_(ERR_RULE_TITLE_NAME))
    if promotion == RewardRule.Promotion.TO_LEVEL and promotion_level is None:
        errors.setdefault("promotion_level", []).append(_(ERR_RULE_PROMOTION_LEVEL))
    for key, level in (("promotion_level", promotion_level), ("promotion_cap", promotion_cap)):
        if level is not None and level > rules.PROMOTION_CEILING:
            errors.setdefault(key, []).append(_(ERR_RULE_LEVEL_CEILING))
    if errors:
        raise ApplicationError(_("奖励规则有误，请按提示修改。"), errors=errors)
    if sequence is None:
        sequence = competition.reward_rules.count() + 1
    rule = RewardRule(
        competition=competition, sequence=sequence, name=name, rank_from=rank_from, rank_to=rank_to,
        min_medal=min_medal, team_size=team_size, honor_title=honor_title,
        honor_name=normalize_text(honor_name or ""), promotion=promotion, promotion_level=promotion_level,
        promotion_cap=promotion_cap,
    )
    rule.full_clean()
    rule.save()
    audit.record("competitions.reward_rule.created", obj=rule, changes=audit.snapshot(rule), actor=actor)
    return rule


@transaction.atomic
def reward_rule_delete(*, actor: Any, rule: RewardRule) -> None:
    require_organizer(actor, rule.competition)
    if rule.competition.rewards_applied_at is not None or rule.grants.exists():
        raise ApplicationError(_(ERR_RULES_APPLIED), field="rule")
    audit.record("competitions.reward_rule.deleted", obj=rule, changes=audit.snapshot(rule), actor=actor)
    rule.delete()
