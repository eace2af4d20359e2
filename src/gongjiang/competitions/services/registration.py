"""Entries (参赛): registration by a delegation or by the worker, checked against the event's
limits and the delegation's quota; confirmation, withdrawal, disqualification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.competitions import rules, selectors
from gongjiang.competitions.lock_objects import round_for_update
from gongjiang.competitions.models import (
    Competition,
    CompetitionEvent,
    Delegation,
    Entry,
    EntryMember,
    EventRound,
)
from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.rules import normalize_text
from gongjiang.core.text import enumeration
from gongjiang.people.models import Person
from gongjiang.people.selectors import person_queryset

ERR_NOT_REGISTERING = gettext_noop("竞赛“{name}”当前状态为“{status}”，不在报名期内。")
ERR_DELEGATION_EVENT = gettext_noop("代表队与赛项不属于同一竞赛。")
ERR_TEAM_SIZE = gettext_noop("本赛项每队 {size} 人，收到 {count} 人。")
ERR_DUPLICATE_MEMBER = gettext_noop("同一选手不能在一支队伍中出现两次。")
ERR_PERSON_SCOPE = gettext_noop("选手 {name} 不在您的管理范围内，请由其所在地区或单位的代表队报名。")
ERR_ALREADY_ENTERED = gettext_noop("{name} 已报名本赛项（参赛编号 {number}）。")
ERR_ONE_EVENT = gettext_noop("{name} 已报名本竞赛的赛项“{event}”；本竞赛每人只能参加一个赛项。")
ERR_QUOTA_FULL = gettext_noop("代表队“{delegation}”在赛项“{event}”的名额为 {quota} 个，已全部报满。")
ERR_QUOTA_NONE = gettext_noop("代表队“{delegation}”在赛项“{event}”没有名额。")
ERR_HEAT = gettext_noop("赛区“{heat}”不在本阶段的赛区中（{heats}）。")
ERR_HEAT_REQUIRED = gettext_noop("本阶段分赛区进行，请选择赛区（{heats}）。")
ERR_PERSON_REFUSED = gettext_noop("{name}：{reason}")
ERR_NOT_PENDING = gettext_noop("只有“待代表队确认”的报名需要确认。")
ERR_NOT_ACTIVE = gettext_noop("该报名已是“{status}”状态。")
ERR_REASON = gettext_noop("请填写原因。")
ERR_MARKED = gettext_noop("该选手已有评分，不能退赛；如需取消成绩，请由裁判长取消资格。")
ERR_NO_STAGE = gettext_noop("竞赛还没有设置阶段。")


def _competition_day(event: CompetitionEvent) -> dt.date:
    """The day ages are counted on: the event's start, else the competition's."""
    if event.starts_at is not None:
        return event.starts_at.date()
    return event.competition.start_date


def _first_round(event: CompetitionEvent) -> EventRound:
    stage = selectors.first_stage(event.competition)
    if stage is None:
        raise ApplicationError(_(ERR_NO_STAGE), field="event")
    return EventRound.objects.get(event=event, stage=stage)


def next_number(event_round: EventRound) -> str:
    """The next bib number in a round: ``<event code>-<nnn>``."""
    prefix = f"{event_round.event.code}-"
    numbers = [
        int(n[len(prefix):]) for n in event_round.entries.filter(number__startswith=prefix).values_list("number", flat=True)
        if n[len(prefix):].isdigit()
    ]
    return f"{prefix}{(max(numbers) if numbers else 0) + 1:03d}"


def _check_people(
    *, event: CompetitionEvent, first_round: EventRound, people: Sequence[Person], errors: dict[str, list[str]]
) -> None:
    competition = event.competition
    day = _competition_day(event)
    for person in people:
        refusals = rules.eligibility_refusals(
            birth_date=person.birth_date, competition_day=day, level=person.current_level,
            min_age=event.min_age, max_age=event.max_age, min_level=event.min_level, max_level=event.max_level,
        )
        for reason in refusals.values():
            errors.setdefault("people", []).append(_(ERR_PERSON_REFUSED).format(name=person.name, reason=reason))
        same_event = EntryMember.objects.filter(
            person=person, entry__round=first_round, entry__status__in=Entry.ACTIVE
        ).select_related("entry").first()
        if same_event is not None:
            errors.setdefault("people", []).append(
                _(ERR_ALREADY_ENTERED).format(name=person.name, number=same_event.entry.number)
            )
        elif not competition.allow_multiple_events:
            other = EntryMember.objects.filter(
                person=person, entry__event__competition=competition, entry__status__in=Entry.ACTIVE,
                entry__advanced_from__isnull=True,
            ).exclude(entry__event=event).select_related("entry__event").first()
            if other is not None:
                errors.setdefault("people", []).append(
                    _(ERR_ONE_EVENT).format(name=person.name, event=other.entry.event.name)
                )


@transaction.atomic
def entry_register(
    *,
    actor: Any,
    event: CompetitionEvent,
    delegation: Delegation,
    people: Sequence[Person],
    team_name: str = "",
    heat: str | None = None,
) -> Entry:
    """Register an entry in the event's first stage.

    A delegation manager (or the organiser) registers people in their scope and the entry is
    registered at once; a worker may register only themself, and the entry waits for the
    delegation to confirm it. Every refusal names the person and the limit they fail.
    """
    competition = event.competition
    people = list(people)
    is_manager = selectors.can_manage_delegation(actor, delegation)
    own_person = selectors.user_person_id(actor)
    is_self = (
        actor is not None and not is_manager and own_person is not None
        and [p.pk for p in people] == [own_person] and event.team_size == 1
    )
    if not is_manager and not is_self:
        raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    if competition.status != Competition.Status.REGISTRATION:
        raise ApplicationError(
            _(ERR_NOT_REGISTERING).format(name=competition.name, status=competition.get_status_display()),
            field="competition",
        )
    if delegation.competition_id != event.competition_id:
        raise ApplicationError(_(ERR_DELEGATION_EVENT), field="delegation")
    first_round = round_for_update(_first_round(event).pk)
    if len(people) != event.team_size:
        errors.setdefault("people", []).append(_(ERR_TEAM_SIZE).format(size=event.team_size, count=len(people)))
    if len({p.pk for p in people}) != len(people):
        errors.setdefault("people", []).append(_(ERR_DUPLICATE_MEMBER))
    if actor is not None and is_manager and not selectors.can_organize(actor, competition):
        visible = set(person_queryset(actor).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
        for person in people:
            if person.pk not in visible:
                errors.setdefault("people", []).append(_(ERR_PERSON_SCOPE).format(name=person.name))
    _check_people(event=event, first_round=first_round, people=people, errors=errors)
    quota = selectors.quota_for(delegation, event)
    if quota is not None:
        used = first_round.entries.filter(delegation=delegation, status__in=Entry.ACTIVE).count()
        if quota == 0:
            errors.setdefault("delegation", []).append(
                _(ERR_QUOTA_NONE).format(delegation=delegation.name, event=event.name)
            )
        elif used >= quota:
            errors.setdefault("delegation", []).append(
                _(ERR_QUOTA_FULL).format(delegation=delegation.name, event=event.name, quota=quota)
            )
    heats = first_round.stage.heats
    chosen_heat = normalize_text(heat if heat is not None else delegation.heat)
    if heats:
        if not chosen_heat:
            errors.setdefault("heat", []).append(_(ERR_HEAT_REQUIRED).format(heats=enumeration(heats)))
        elif chosen_heat not in heats:
            errors.setdefault("heat", []).append(_(ERR_HEAT).format(heat=chosen_heat, heats=enumeration(heats)))
    else:
        chosen_heat = ""
    if errors:
        raise ApplicationError(_("报名未通过，请按提示处理。"), errors=errors)
    entry = Entry(
        event=event, round=first_round, delegation=delegation, number=next_number(first_round), heat=chosen_heat,
        team_name=normalize_text(team_name or ""),
        status=Entry.Status.REGISTERED if is_manager else Entry.Status.PENDING,
        registered_by=actor if actor is not None and actor.is_authenticated else None,
    )
    entry.full_clean()
    entry.save()
    for index, person in enumerate(people, start=1):
        EntryMember.objects.create(entry=entry, person=person, sequence=index)
    audit.record(
        "competitions.entry.registered", obj=entry,
        changes={"event": event.pk, "delegation": delegation.pk, "people": [p.pk for p in people],
                 "status": entry.status, "heat": entry.heat},
        actor=actor,
    )
    return entry


@transaction.atomic
def entry_confirm(*, actor: Any, entry: Entry) -> Entry:
    """A delegation confirms a worker's own registration (checked again against the quota)."""
    if not selectors.can_manage_delegation(actor, entry.delegation):
        raise PermissionDeniedError()
    if entry.status != Entry.Status.PENDING:
        raise ApplicationError(_(ERR_NOT_PENDING), field="status")
    event_round = round_for_update(entry.round_id)
    quota = selectors.quota_for(entry.delegation, entry.event)
    if quota is not None:
        used = event_round.entries.filter(delegation=entry.delegation, status=Entry.Status.REGISTERED).count()
        if used >= quota:
            raise ApplicationError(
                _(ERR_QUOTA_FULL).format(delegation=entry.delegation.name, event=entry.event.name, quota=quota),
                field="delegation",
            )
    entry.status = Entry.Status.REGISTERED
    entry.save(update_fields=["status", "updated_at"])
    audit.record("competitions.entry.confirmed", obj=entry, changes={"status": entry.status}, actor=actor)
    return entry


@transaction.atomic
def entry_withdraw(*, actor: Any, entry: Entry, reason: str) -> Entry:
    """Withdraw an entry before it is marked (the delegation, the organiser, or the entrant)."""
    own = selectors.user_person_id(actor)
    is_entrant = own is not None and entry.members.filter(person_id=own).exists()
    if not selectors.can_manage_delegation(actor, entry.delegation) and not is_entrant:
        raise PermissionDeniedError()
    reason = normalize_text(reason or "")
    if not reason:
        raise ApplicationError(_(ERR_REASON), field="reason")
    if not entry.is_active:
        raise ApplicationError(_(ERR_NOT_ACTIVE).format(status=entry.get_status_display()), field="status")
    if entry.sheets.exists():
        raise ApplicationError(_(ERR_MARKED), field="status")
    previous = entry.status
    entry.status = Entry.Status.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    audit.record("competitions.entry.withdrawn", obj=entry, changes={"status": [previous, entry.status],
                                                                      "reason": reason}, actor=actor)
    return entry


@transaction.atomic
def entry_disqualify(*, actor: Any, entry: Entry, reason: str) -> Entry:
    """Disqualify an entry (organiser or the event's chief judge) while its round is open."""
    judge = selectors.judge_for(actor, entry.event)
    if not (selectors.can_organize(actor, entry.event.competition) or (judge is not None and judge.is_chief)):
        raise PermissionDeniedError()
    reason = normalize_text(reason or "")
    if not reason:
        raise ApplicationError(_(ERR_REASON), field="reason")
    if not entry.is_active:
        raise ApplicationError(_(ERR_NOT_ACTIVE).format(status=entry.get_status_display()), field="status")
    if entry.round.status != EventRound.Status.OPEN:
        from gongjiang.competitions.services.judging import ERR_ROUND_NOT_OPEN

        raise ApplicationError(_(ERR_ROUND_NOT_OPEN), field="round")
    previous = entry.status
    entry.status = Entry.Status.DISQUALIFIED
    entry.save(update_fields=["status", "updated_at"])
    audit.record("competitions.entry.disqualified", obj=entry,
                 changes={"status": [previous, entry.status], "reason": reason}, actor=actor)
    return entry

