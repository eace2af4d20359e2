"""Excel/CSV imports of competition data through the shared import pipeline (gongjiang.imports).

``competition_entries`` (报名名单): a delegation registers its contestants in bulk. Each row names
the event by its ID (the number in the event page's address), the delegation by name (or none,
when the importer manages exactly one delegation of that competition) and the contestant — for a
team event every member — by name and ID number; people must be registered.

Every row is checked against the same rules as :func:`competitions.services.entry_register`
(registration period, the importer's delegations and data scope, team size, age and level limits,
one entry per person and event, one event per person unless allowed, the delegation's quota, the
stage's heats), counting the rows above it in the file. The write then calls ``entry_register``
for each row, so entries get their numbers, members and audit entries exactly as on the pages;
should the service refuse a row meanwhile (someone filled the quota between check and confirm),
the whole import rolls back.

Registered from ``CompetitionsConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongjiang.core import rules as core_rules
from gongjiang.core.rules import RuleError
from gongjiang.core.text import enumeration
from gongjiang.imports import rules
from gongjiang.imports.entities.base import (
    CODE_DUPLICATE_IN_FILE,
    Column,
    Entity,
    ImportContext,
    JobPin,
    RowState,
    WriteResult,
    foreign_dependents,
    register,
)
from gongjiang.imports.entities.holders import (
    CODE_HOLDER_NAME,
    CODE_HOLDER_NOT_FOUND,
    CODE_OUT_OF_SCOPE,
    ERR_HOLDER_NAME,
    ERR_HOLDER_NOT_FOUND,
    check_holder,
    holder_columns,
)

MAX_TEAM = 10  # CompetitionEvent.team_size's upper limit
TEMPLATE_TEAM = 3  # members shown in the downloadable template (the others are still read)

ERR_EVENT_ID = _("赛项ID应为整数（赛项页面地址中的编号）。")
ERR_EVENT_NOT_FOUND = _("赛项 {pk} 不存在，或您无权查看。")
ERR_DELEGATION_NOT_FOUND = _("本竞赛没有名为“{name}”的代表队。")
ERR_DELEGATION_REQUIRED = _("请填写代表队名称（您可为本竞赛的多个代表队报名，或不管理任何代表队）。")
ERR_DELEGATION_SCOPE = _("您不能为代表队“{name}”报名（只有代表队所属单位、地区和竞赛主办方可以）。")
ERR_MEMBER_INCOMPLETE = _("队员的姓名和身份证号码须同时填写。")
ERR_IN_FILE = _("{name} 已在本文件第 {row} 行报名本竞赛的赛项“{event}”。")
ERR_ROLLBACK_MARKED = _("参赛编号 {numbers} 已有评分或成绩，不能撤销。")
ERR_ROLLBACK_STATUS = _("参赛编号 {numbers} 的报名已变更（退赛、取消资格或轮次已锁定），不能撤销。")
ERR_ROLLBACK_DEPENDENTS = _("本次导入的报名已有后续记录（{names}），不能撤销。")

CODE_EVENT = "event"
CODE_NOT_REGISTERING = "not_registering"
CODE_NO_STAGE = "no_stage"
CODE_DELEGATION = "delegation"
CODE_TEAM_SIZE = "team_size"
CODE_DUPLICATE_MEMBER = "duplicate_member"
CODE_INELIGIBLE = "ineligible"
CODE_ALREADY_ENTERED = "already_entered"
CODE_ONE_EVENT = "one_event"
CODE_QUOTA = "quota"
CODE_HEAT = "heat"
CODE_MEMBER = "member_incomplete"


def _event_id(value: Any) -> int | None:
    try:
        return rules.whole_number(value)
    except RuleError:
        raise RuleError(str(ERR_EVENT_ID), CODE_EVENT) from None


def member_columns() -> tuple[Column, ...]:
    """Columns for the 2nd … 10th member of a team (the first is the row's 姓名 / 身份证号码)."""
    columns: list[Column] = []
    for n in range(2, MAX_TEAM + 1):
        columns.append(Column(
            f"member{n}_name", format_lazy(_("队员{n}姓名"), n=n), (f"选手{n}姓名", f"成员{n}姓名", f"队员{n}"),
            rules.person_name, help=format_lazy(_("团队赛：第 {n} 名队员的姓名；个人赛不填。"), n=n), width=12,
        ))
        columns.append(Column(
            f"member{n}_id_number", format_lazy(_("队员{n}身份证号码"), n=n),
            (f"选手{n}身份证号码", f"成员{n}身份证号码", f"队员{n}证件号码", f"队员{n}身份证号"),
            rules.id_number_text, help=format_lazy(_("第 {n} 名队员的居民身份证号码（设为文本格式）。"), n=n), width=22,
        ))
    return tuple(columns)


def _hash_resident(ctx: ImportContext, text_number: str) -> str:
    from gongjiang.people.services import ID_HASH_PURPOSE

    number = rules.resident_id(text_number, today=ctx.today).number
    return ctx.crypto.blind_index(f"{core_rules.RESIDENT_ID}:{number}", purpose=ID_HASH_PURPOSE)


def _event(ctx: ImportContext, pk: int) -> Any:
    from gongjiang.competitions.models import CompetitionEvent
    from gongjiang.competitions.selectors import competition_queryset

    cache = ctx.memo("competitions.event")
    if pk not in cache:
        queryset = CompetitionEvent.objects.select_related("competition")
        if ctx.actor is not None:
            queryset = queryset.filter(competition__in=competition_queryset(ctx.actor))
        cache[pk] = queryset.filter(pk=pk).first()
    return cache[pk]


def _first_round(ctx: ImportContext, event: Any) -> Any:
    from gongjiang.competitions import selectors
    from gongjiang.competitions.models import EventRound

    cache = ctx.memo("competitions.first_round")
    if event.pk not in cache:
        stage = selectors.first_stage(event.competition)
        cache[event.pk] = (EventRound.objects.select_related("stage").filter(event=event, stage=stage).first()
                           if stage is not None else None)
    return cache[event.pk]


def _delegation(ctx: ImportContext, competition: Any, name: str) -> tuple[Any, Any]:
    """(delegation, error message): by name in the competition, or the importer's only one."""
    from gongjiang.competitions import selectors
    from gongjiang.competitions.models import Delegation

    cache = ctx.memo("competitions.delegation")
    key = (competition.pk, name)
    if key not in cache:
        if name:
            found = Delegation.objects.filter(competition=competition, name=name).first()
            cache[key] = (found, None if found else str(ERR_DELEGATION_NOT_FOUND).format(name=name))
        else:
            managed = (list(selectors.managed_delegations(ctx.actor).filter(competition=competition)[:2])
                       if ctx.actor is not None else [])
            cache[key] = (managed[0], None) if len(managed) == 1 else (None, str(ERR_DELEGATION_REQUIRED))
    return cache[key]


def _manages(ctx: ImportContext, delegation: Any) -> bool:
    from gongjiang.competitions import selectors

    if ctx.actor is None:
        return True
    cache = ctx.memo("competitions.manages")
    if delegation.pk not in cache:
        cache[delegation.pk] = selectors.can_manage_delegation(ctx.actor, delegation)
    return cache[delegation.pk]


def _organizes(ctx: ImportContext, competition: Any) -> bool:
    from gongjiang.competitions import selectors

    if ctx.actor is None:
        return True
    cache = ctx.memo("competitions.organizes")
    if competition.pk not in cache:
        cache[competition.pk] = selectors.can_organize(ctx.actor, competition)
    return cache[competition.pk]


@register
class EntriesEntity(Entity):
    name = "competition_entries"
    label = _("竞赛报名名单")
    description = _(
        "代表队批量报名参赛：每行一个参赛者（团队赛每行一队，填写各队员）。赛项ID见赛项页面地址；选手须已登记在人才库中，"
        "且在您的管理范围内；年龄、等级、名额、赛区等要求与页面报名相同。"
    )
    duplicate_column = "holder_id_number"
    columns = (
        Column("event", _("赛项ID"), ("赛项页面编号", "赛项序号"), _event_id, required=True,
               help=_("赛项页面地址中的编号，如 /competitions/events/12/ 中的 12。"), example="12", width=10),
        Column("delegation", _("代表队"), ("代表队名称", "参赛队", "参赛代表队", "代表单位"), rules.text_normalizer(100),
               help=_("代表队名称；您只管理本竞赛一个代表队时可不填。"), example="越城区代表队", width=18),
        *holder_columns(),
        Column("team_name", _("队名"), ("团队名称", "队伍名称"), rules.text_normalizer(100),
               help=_("团队赛的队名，可不填。"), width=14),
        Column("heat", _("赛区"), ("参赛赛区",), rules.text_normalizer(50),
               help=_("分赛区进行时填写；不填为代表队的默认赛区。"), width=12),
        *member_columns(),
    )

    def pinned_to(self, job: Any) -> JobPin | None:
        return round_pin(job)

    def template_columns(self) -> list[Column]:
        shown = {f"member{n}_{part}" for n in range(2, TEMPLATE_TEAM + 1) for part in ("name", "id_number")}
        return [c for c in self.columns if not c.key.startswith("member") or c.key in shown]

    def row_key(self, state: RowState) -> Any:
        values = state.values
        return (values.get("_holder_hash"), values.get("event")) if values.get("_holder_hash") else None

    def key_label(self) -> str:
        return gettext("选手、赛项")

    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        check_holder(state, ctx)
        values = state.values
        members: list[tuple[str, str | None, str]] = [("holder_id_number", values.get("_holder_hash"),
                                                       values.get("holder_name") or "")]
        for n in range(2, MAX_TEAM + 1):
            name, number = values.get(f"member{n}_name"), values.get(f"member{n}_id_number")
            if not name and not number:
                continue
            column = f"member{n}_id_number"
            if not name or not number:
                state.error(f"member{n}_name" if not name else column, CODE_MEMBER, ERR_MEMBER_INCOMPLETE)
                continue
            try:
                members.append((column, _hash_resident(ctx, number), name))
            except RuleError as exc:
                state.error(column, exc.code, exc.message)
        values["_members"] = members

    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        from gongjiang.competitions import selectors
        from gongjiang.competitions.models import Entry, EntryMember
        from gongjiang.people.models import Person
        from gongjiang.people.selectors import person_queryset

        hashes = {h for s in batch if s.ok for _c, h, _n in s.values["_members"] if h}
        people = {p.id_number_hash: p for p in Person.objects.filter(id_number_hash__in=list(hashes)).only(
            "pk", "name", "id_number_hash", "birth_date", "current_level")}
        visible: set[int] | None = None
        planned = ctx.memo("competitions.planned_people")  # (competition, person) → (event pk, event name, row)
        quota_used = ctx.memo("competitions.quota_used")  # (delegation, round) → active entries + planned
        for state in batch:
            if not state.ok:
                continue
            values = state.values
            # people
            persons = []
            for column, hash_, name in values["_members"]:
                person = people.get(hash_)
                if person is None:
                    state.error(column, CODE_HOLDER_NOT_FOUND, ERR_HOLDER_NOT_FOUND)
                elif person.name != name:
                    state.error("holder_name" if column == "holder_id_number" else column.replace("_id_number", "_name"),
                                CODE_HOLDER_NAME, str(ERR_HOLDER_NAME).format(masked=core_rules.mask_name(person.name)))
                else:
                    persons.append((column, person))
            if not state.ok:
                continue
            # event, registration period, first round
            event = _event(ctx, values["event"])
            if event is None:
                state.error("event", CODE_EVENT, str(ERR_EVENT_NOT_FOUND).format(pk=values["event"]))
                continue
            competition = event.competition
            if competition.status != competition.Status.REGISTRATION:
                state.error("event", CODE_NOT_REGISTERING, _registration_text("ERR_NOT_REGISTERING").format(
                    name=competition.name, status=competition.get_status_display()))
                continue
            first_round = _first_round(ctx, event)
            if first_round is None:
                state.error("event", CODE_NO_STAGE, _registration_text("ERR_NO_STAGE"))
                continue
            # delegation and the importer's right to enter for it
            delegation, problem = _delegation(ctx, competition, values.get("delegation") or "")
            if delegation is None:
                state.error("delegation", CODE_DELEGATION, problem)
                continue
            if not _manages(ctx, delegation):
                state.error("delegation", CODE_OUT_OF_SCOPE, str(ERR_DELEGATION_SCOPE).format(name=delegation.name))
                continue
            # re-import: the same people already entered for this delegation → unchanged
            pks = [p.pk for _c, p in persons]
            current = list(EntryMember.objects.filter(
                person_id__in=pks, entry__round=first_round, entry__status__in=Entry.ACTIVE,
            ).values_list("person_id", "entry_id", "entry__number", "entry__delegation_id"))
            entries = {entry for _p, entry, _n, _d in current}
            if len(entries) == 1 and len(current) == len(pks) and current[0][3] == delegation.pk and \
                    EntryMember.objects.filter(entry_id=current[0][1]).count() == len(pks):
                state.action = "unchanged"
                state.payload = (state.number, event.pk, delegation.pk, pks, "", None, current[0][1])
                continue
            numbers = {p: n for p, _e, n, _d in current}
            # team size, duplicates within the row
            if len(persons) != event.team_size:
                state.error("holder_id_number", CODE_TEAM_SIZE, _registration_text("ERR_TEAM_SIZE").format(
                    size=event.team_size, count=len(persons)))
            if len(set(pks)) != len(pks):
                state.error("holder_id_number", CODE_DUPLICATE_MEMBER, _registration_text("ERR_DUPLICATE_MEMBER"))
            # data scope over the people (as the service: organisers may enter anyone)
            if ctx.actor is not None and not _organizes(ctx, competition):
                if visible is None:
                    visible = set(person_queryset(ctx.actor).filter(
                        pk__in=[p.pk for p in people.values()]).values_list("pk", flat=True))
                for column, person in persons:
                    if person.pk not in visible:
                        state.error(column, CODE_OUT_OF_SCOPE, _registration_text("ERR_PERSON_SCOPE").format(
                            name=person.name))
            self._check_people(state, ctx, event, first_round, persons, numbers, planned)
            # quota, counting the rows above in the file
            quota = selectors.quota_for(delegation, event)
            slot = (delegation.pk, first_round.pk)
            if quota is not None:
                if slot not in quota_used:
                    quota_used[slot] = first_round.entries.filter(delegation=delegation, status__in=Entry.ACTIVE).count()
                if quota == 0:
                    state.error("delegation", CODE_QUOTA, _registration_text("ERR_QUOTA_NONE").format(
                        delegation=delegation.name, event=event.name))
                elif quota_used[slot] >= quota:
                    state.error("delegation", CODE_QUOTA, _registration_text("ERR_QUOTA_FULL").format(
                        delegation=delegation.name, event=event.name, quota=quota))
            # heat
            heats = first_round.stage.heats
            chosen = core_rules.normalize_text(values.get("heat") or delegation.heat)
            if heats:
                if not chosen:
                    state.error("heat", CODE_HEAT, _registration_text("ERR_HEAT_REQUIRED").format(heats=enumeration(heats)))
                elif chosen not in heats:
                    state.error("heat", CODE_HEAT, _registration_text("ERR_HEAT").format(
                        heat=chosen, heats=enumeration(heats)))
            if not state.ok:
                continue
            quota_used[slot] = quota_used.get(slot, 0) + 1
            for _column, person in persons:
                planned[(competition.pk, person.pk)] = (event.pk, event.name, state.number)
            state.action = "created"
            state.payload = (state.number, event.pk, delegation.pk, pks, values.get("team_name") or "",
                             values.get("heat") or None, 0)

    @staticmethod
    def _check_people(state: RowState, ctx: ImportContext, event: Any, first_round: Any,
                      persons: list[tuple[str, Any]], numbers: dict[int, str], planned: dict[Any, Any]) -> None:
        """Eligibility, one entry per event, one event per competition (the service's _check_people),
        counting people entered by the rows above."""
        from gongjiang.competitions import rules as competition_rules
        from gongjiang.competitions.models import Entry, EntryMember
        from gongjiang.competitions.services.registration import _competition_day

        competition = event.competition
        day = _competition_day(event)
        for column, person in persons:
            refusals = competition_rules.eligibility_refusals(
                birth_date=person.birth_date, competition_day=day, level=person.current_level,
                min_age=event.min_age, max_age=event.max_age, min_level=event.min_level, max_level=event.max_level,
            )
            for reason in refusals.values():
                state.error(column, CODE_INELIGIBLE, _registration_text("ERR_PERSON_REFUSED").format(
                    name=person.name, reason=reason))
            earlier = planned.get((competition.pk, person.pk))
            if person.pk in numbers:
                state.error(column, CODE_ALREADY_ENTERED, _registration_text("ERR_ALREADY_ENTERED").format(
                    name=person.name, number=numbers[person.pk]))
            elif earlier is not None and (earlier[0] == event.pk or not competition.allow_multiple_events):
                state.error(column, CODE_DUPLICATE_IN_FILE, str(ERR_IN_FILE).format(
                    name=person.name, row=earlier[2], event=earlier[1]))
            elif not competition.allow_multiple_events:
                other = EntryMember.objects.filter(
                    person=person, entry__event__competition=competition, entry__status__in=Entry.ACTIVE,
                    entry__advanced_from__isnull=True,
                ).exclude(entry__event=event).select_related("entry__event").first()
                if other is not None:
                    state.error(column, CODE_ONE_EVENT, _registration_text("ERR_ONE_EVENT").format(
                        name=person.name, event=other.entry.event.name))

    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        from gongjiang.competitions import services
        from gongjiang.competitions.models import CompetitionEvent, Delegation
        from gongjiang.people.models import Person

        result = WriteResult()
        actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
        events = CompetitionEvent.objects.select_related("competition").in_bulk({p[1] for p in payloads})
        delegations = Delegation.objects.in_bulk({p[2] for p in payloads})
        people = Person.objects.in_bulk({pk for p in payloads for pk in p[3]})
        created = []
        for _row, event, delegation, person_pks, team_name, heat, existing in payloads:
            if existing:
                result.counts["unchanged"] += 1
                continue
            entry = services.entry_register(
                actor=actor, event=events[event], delegation=delegations[delegation],
                people=[people[pk] for pk in person_pks], team_name=team_name, heat=heat,
            )
            created.append(entry.pk)
        if created:
            result.add_created("competitions.entry", created)
            result.counts["created"] += len(created)
        return result

    def rollback_conflicts(self, *, records: list[Any], since: dt.datetime) -> list[str]:
        from gongjiang.competitions.models import Entry, EntryMember, EventRound

        created = [pk for r in records if r.action == "created" for pk in r.object_ids]
        problems: list[str] = []
        for start in range(0, len(created), 900):
            entries = Entry.objects.filter(pk__in=created[start:start + 900])
            marked = list(entries.filter(sheets__isnull=False).distinct().values_list("number", flat=True)[:10])
            marked += list(entries.exclude(theory_score=None).values_list("number", flat=True)[:10])
            if marked:
                problems.append(str(ERR_ROLLBACK_MARKED).format(numbers=enumeration(sorted(set(marked)))))
            changed = list(entries.exclude(status__in=Entry.ACTIVE).values_list("number", flat=True)[:10])
            changed += list(entries.exclude(round__status=EventRound.Status.OPEN).values_list("number", flat=True)[:10])
            if changed:
                problems.append(str(ERR_ROLLBACK_STATUS).format(numbers=enumeration(sorted(set(changed)))))
            if not problems:
                names = foreign_dependents(entries, own={Entry, EntryMember})
                if names:
                    problems.append(str(ERR_ROLLBACK_DEPENDENTS).format(names=enumeration(names)))
            if problems:
                break
        return problems

    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        from gongjiang.competitions.models import Entry
        from gongjiang.core import audit

        created = [pk for r in records if r.action == "created" for pk in r.object_ids]
        deleted = 0
        for start in range(0, len(created), 900):
            entries = list(Entry.objects.filter(pk__in=created[start:start + 900]).select_related("event"))
            for entry in entries:
                audit.record("competitions.entry.import_undone", obj=entry,
                             changes={"event": entry.event_id, "delegation": entry.delegation_id,
                                      "number": entry.number, "job": ctx.job_ref}, actor=ctx.actor)
            deleted += len(entries)
            Entry.objects.filter(pk__in=[e.pk for e in entries]).delete()
        return {"deleted": deleted, "restored": 0}


def _registration_text(name: str) -> str:
    """A message of the registration service, translated as the service translates it."""
    from gongjiang.competitions.services import registration

    return gettext(getattr(registration, name))


# =================================================================================================
# Marks (评分) and theory scores (理论成绩): the sheets excel.marks_template / theory_template write
# =================================================================================================

ERR_MARK_NUMBER = _("“{value}”不是数字。")
ERR_ROUND_ID = _("轮次ID应为整数（轮次页面地址中的编号）。")
ERR_ENTRY_NOT_FOUND = _("参赛编号 {number} 不在您可以录入的轮次中。")
ERR_ENTRY_AMBIGUOUS = _("参赛编号 {number} 在多个轮次中都有（{rounds}），请加一列“轮次ID”注明。")
ERR_ASPECT_UNKNOWN = _("评分项 {aspect} 不属于赛项“{event}”。")
ERR_JUDGE_NOT_FOUND = _("赛项“{event}”没有名为“{name}”的裁判。")
ERR_NO_JUDGE = _("请在“裁判”列填写为哪位裁判录入。")
ERR_SUBMITTED_NOTHING = _("成绩单还没有任何评分，不能提交。")
ERR_NOT_CHIEF_OR_ORGANIZER = _("只有赛项的裁判长或竞赛主办方可以录入理论成绩。")
ERR_OTHER_ROUND = _("本次导入限定在上传地址中的轮次（轮次ID {pinned}），本行的轮次ID为 {value}。")
ERR_NOT_IN_ROUND = _("参赛编号 {number} 不在本次导入的轮次（{round}）中。")
ERR_MARKS_CHANGED = _("本次导入的评分之后已被修改或成绩已锁定，不能撤销。")
ERR_SCORES_CHANGED = _("本次导入的理论成绩之后已被修改或成绩已锁定，不能撤销。")

CODE_ENTRY = "entry"
CODE_MARK = "mark"
CODE_ASPECT = "aspect_unknown"
CODE_JUDGE = "judge"
CODE_NOT_UNDERWAY = "not_underway"
CODE_ROUND_LOCKED = "round_locked"
CODE_ENTRY_INACTIVE = "entry_inactive"
CODE_CONFLICT = "conflict"
CODE_SHEET = "sheet_submitted"
CODE_REASON = "reason_required"
CODE_SCORE = "score"
CODE_REWARDS = "rewards_applied"

ASPECT_PREFIX = "aspect:"
_ASPECT_HEADER = re.compile(r"^[a-z]+\d[a-z0-9]*$")
YES_NO = {"是": "1", "提交": "1", "yes": "1", "y": "1", "√": "1", "否": "0", "不提交": "0", "no": "0", "n": "0"}


def entry_number(value: Any) -> str:
    """A bib number as the round pages write it: half-width, trimmed, upper case."""
    return core_rules.normalize_text(rules.cell_to_text(value)).upper()[:30]


def mark_value(value: Any) -> str | None:
    text = rules.cell_to_text(value).replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RuleError(str(ERR_MARK_NUMBER).format(value=text[:20]), CODE_MARK) from None
    if not number.is_finite():
        raise RuleError(str(ERR_MARK_NUMBER).format(value=text[:20]), CODE_MARK)
    return str(number)


def _round_id(value: Any) -> int | None:
    try:
        return rules.whole_number(value)
    except RuleError:
        raise RuleError(str(ERR_ROUND_ID), CODE_ENTRY) from None


class _AspectHeaders(dict):
    """The alias index of the marks entity: its fixed columns, and any header that looks like an
    aspect code (A1, B2, M3 …) as a column of its own — the aspects differ per event, so they
    cannot be declared once. Which codes belong to the row's event is checked per row."""

    def get(self, key: Any, default: Any = None) -> Any:
        found = super().get(key)
        if found is not None:
            return found
        if isinstance(key, str) and _ASPECT_HEADER.match(key):
            return ASPECT_PREFIX + key
        return default

    def __missing__(self, key: Any) -> Any:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found


class _AspectColumns(dict):
    def __missing__(self, key: Any) -> Column:
        if isinstance(key, str) and key.startswith(ASPECT_PREFIX):
            return Column(key, key[len(ASPECT_PREFIX):].upper(), normalize=mark_value)
        raise KeyError(key)


def _round_columns() -> tuple[Column, ...]:
    return (
        Column("entry", _("参赛编号"), ("选手编号", "参赛号", "编号"), entry_number, required=True,
               help=_("本轮的参赛编号，如 E01-001（评分模板已列出）。"), example="E01-001", width=12),
        Column("round", _("轮次ID"), ("轮次编号", "轮次"), _round_id,
               help=_("轮次页面地址中的编号；参赛编号只在一个可录入的轮次中出现时可不填。"), example="", width=10),
    )


def _pinned_round(ctx: ImportContext) -> Any:
    """The round a job was started from (:func:`round_import_start`), or None."""
    from gongjiang.competitions.models import RoundImport

    memo = ctx.memo("competitions.pinned_round")
    if "round" not in memo:
        public_id = ctx.job_public_id
        pin = (RoundImport.objects.filter(job__public_id=public_id).select_related("round__stage", "round__event")
               .first() if public_id is not None else None)
        memo["round"] = pin.round if pin is not None else None
    return memo["round"]


def round_pin(job: Any) -> JobPin | None:
    """The round ``job`` is pinned to, for the job's page (Entity.pinned_to)."""
    from django.urls import reverse

    from gongjiang.competitions.models import RoundImport

    pin = RoundImport.objects.filter(job=job).select_related("round__stage", "round__event").first()
    if pin is None:
        return None
    return JobPin(label=gettext("竞赛轮次：{name}").format(name=pin.round),
                  url=reverse("competitions:round", args=[pin.round_id]))


def _entries_by_number(batch: list[RowState], ctx: ImportContext, rounds: Any) -> None:
    """Set ``values["_entry"]`` for each row: the entry with that number in one of ``rounds``
    (a queryset of the rounds the actor may enter for) — only in the job's round when it was
    started from a round — or add an error."""
    from gongjiang.competitions.models import Entry

    pinned = _pinned_round(ctx)
    if pinned is not None:
        rounds = rounds.filter(pk=pinned.pk)
        for state in batch:
            chosen = state.values.get("round")
            if state.ok and not state.values.get("_blank") and chosen is not None and chosen != pinned.pk:
                state.error("round", CODE_ENTRY, str(ERR_OTHER_ROUND).format(pinned=pinned.pk, value=chosen))
    numbers = {s.values["entry"] for s in batch if s.ok and s.values.get("entry") and not s.values.get("_blank")}
    found: dict[str, list[Any]] = {}
    for entry in Entry.objects.filter(number__in=list(numbers), round__in=rounds).select_related(
            "round__stage", "round__event__competition", "delegation"):
        found.setdefault(entry.number, []).append(entry)
    for state in batch:
        values = state.values
        values["_entry"] = None
        if not state.ok or values.get("_blank"):
            continue
        candidates = found.get(values["entry"], [])
        if values.get("round") is not None:
            candidates = [e for e in candidates if e.round_id == values["round"]]
        if len(candidates) > 1:
            open_ones = [e for e in candidates if e.round.status == e.round.Status.OPEN]
            candidates = open_ones if len(open_ones) == 1 else candidates
        if not candidates and pinned is not None:
            state.error("entry", CODE_ENTRY, str(ERR_NOT_IN_ROUND).format(number=values["entry"], round=pinned))
        elif not candidates:
            state.error("entry", CODE_ENTRY, str(ERR_ENTRY_NOT_FOUND).format(number=values["entry"]))
        elif len(candidates) > 1:
            state.error("entry", CODE_ENTRY, str(ERR_ENTRY_AMBIGUOUS).format(
                number=values["entry"], rounds=enumeration(f"{e.round_id} {e.round}" for e in candidates)))
        else:
            values["_entry"] = candidates[0]


def _is_judge(actor: Any) -> bool:
    from gongjiang.competitions.models import Judge

    return Judge.objects.filter(user=actor, is_active=True).exists() if getattr(actor, "pk", None) else False


@register
class MarksEntity(Entity):
    name = "competition_marks"
    label = _("竞赛实操评分")
    description = _(
        "裁判批量录入实操评分：轮次页面下载的评分模板，每行一个参赛编号，每个评分项一列（列名为评分项编号，空格为未评）。"
        "规则与页面评分相同：须为该赛项的裁判、轮次未锁定、回避本单位和本代表队选手、成绩单未提交。"
        "裁判长可在“裁判”列注明代哪位裁判录入。"
    )
    columns = (
        *_round_columns(),
        Column("judge", _("裁判"), ("裁判姓名", "代录裁判"), rules.text_normalizer(60),
               help=_("裁判长代其他裁判录入时填写该裁判姓名；录入自己的评分时不填。"), width=10),
        Column("submit", _("提交成绩单"), ("提交", "是否提交"), rules.choice_normalizer(YES_NO, shown=("是", "否")),
               help=_("填“是”则保存后提交成绩单（提交后不能再改）；不填为只保存。"), example="否", width=10),
    )

    def pinned_to(self, job: Any) -> JobPin | None:
        return round_pin(job)

    def __init__(self) -> None:
        super().__init__()
        self.alias_index = _AspectHeaders(self.alias_index)
        self.by_key = _AspectColumns(self.by_key)

    def require_permission(self, actor: Any) -> None:
        if actor is not None and not _is_judge(actor):
            super().require_permission(actor)

    def row_key(self, state: RowState) -> Any:
        values = state.values
        return (values.get("entry"), values.get("round"), values.get("judge") or "") if values.get("entry") else None

    def key_label(self) -> str:
        return gettext("参赛编号、轮次、裁判")

    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        values = state.values
        values["_marks"] = {k[len(ASPECT_PREFIX):]: v for k, v in values.items()
                            if k.startswith(ASPECT_PREFIX) and v is not None}
        # a template row left blank: not marked (yet); nothing to check or write
        values["_blank"] = not values["_marks"] and values.get("submit") != "1"

    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        from gongjiang.competitions import rules as competition_rules
        from gongjiang.competitions import selectors
        from gongjiang.competitions.models import Competition, EventRound, Judge, Mark, ScoreSheet

        rounds = EventRound.objects.all()
        if ctx.actor is not None:
            rounds = rounds.filter(event__judges__user=ctx.actor, event__judges__is_active=True)
        _entries_by_number(batch, ctx, rounds)
        aspects_cache = ctx.memo("competitions.aspects")
        judges_cache = ctx.memo("competitions.judges")
        for state in batch:
            if not state.ok:
                continue
            values = state.values
            if values["_blank"]:
                state.action = "unchanged"
                state.payload = (state.number, 0, 0, [], 0)
                continue
            entry = values["_entry"]
            event_round = entry.round
            event = event_round.event
            if event.pk not in judges_cache:
                judges_cache[event.pk] = {j.name: j for j in Judge.objects.filter(event=event, is_active=True)
                                          .select_related("organization")}
            judges = judges_cache[event.pk]
            own = next((j for j in judges.values() if ctx.actor is not None and j.user_id == ctx.actor.pk), None)
            named = values.get("judge") or ""
            if named:
                judge = judges.get(named)
                if judge is None:
                    state.error("judge", CODE_JUDGE, str(ERR_JUDGE_NOT_FOUND).format(event=event.name, name=named))
                    continue
                if ctx.actor is not None and (own is None or (own.pk != judge.pk and not own.is_chief)):
                    state.error("judge", CODE_JUDGE, _judging_text("ERR_NOT_CHIEF"))
                    continue
            elif own is None:
                state.error("judge", CODE_JUDGE, str(ERR_NO_JUDGE))
                continue
            else:
                judge = own
            marks: dict[str, str] = values["_marks"]
            submit = values.get("submit") == "1"
            if event.pk not in aspects_cache:
                aspects_cache[event.pk] = {rules.normalize_header(a.code): a for a in selectors.aspects_of(event)}
            aspects = aspects_cache[event.pk]
            parsed: list[list[str]] = []
            for key, raw in marks.items():
                column = ASPECT_PREFIX + key
                aspect = aspects.get(key)
                if aspect is None:
                    state.error(column, CODE_ASPECT, str(ERR_ASPECT_UNKNOWN).format(aspect=key.upper(), event=event.name))
                    continue
                try:
                    if aspect.is_judgement:
                        value = Decimal(competition_rules.check_judgement(Decimal(raw), aspect=aspect.code))
                    else:
                        value = competition_rules.check_measurement(Decimal(raw), aspect.max_mark, aspect=aspect.code)
                except competition_rules.CompetitionRuleError as exc:
                    state.error(column, CODE_MARK, str(exc.message))
                    continue
                parsed.append([aspect.code, str(value)])
            if not state.ok:
                continue
            sheet = ScoreSheet.objects.filter(entry=entry, judge=judge).first()
            current = (dict(Mark.objects.filter(sheet=sheet).values_list("aspect__code", "value"))
                       if sheet is not None else {})
            same = all(code in current and current[code] == Decimal(value) for code, value in parsed)
            if same and sheet is not None and (not submit or sheet.status != ScoreSheet.Status.DRAFT):
                state.action = "unchanged"  # re-imported: already saved (and submitted, if asked)
                state.payload = (state.number, entry.pk, judge.pk, [], 0)
                continue
            # the marking service's checks (judging._check_markable and marks_save)
            competition = event.competition
            if competition.status != Competition.Status.UNDERWAY:
                state.error("entry", CODE_NOT_UNDERWAY, _judging_text("ERR_NOT_UNDERWAY").format(
                    status=competition.get_status_display()))
            elif event_round.status != EventRound.Status.OPEN:
                state.error("entry", CODE_ROUND_LOCKED, _judging_text("ERR_ROUND_NOT_OPEN"))
            elif not entry.is_active:
                state.error("entry", CODE_ENTRY_INACTIVE, _judging_text("ERR_ENTRY_INACTIVE").format(
                    number=entry.number, status=entry.get_status_display()))
            elif selectors.judge_conflicts_with(judge, entry):
                state.error("entry", CODE_CONFLICT, _judging_text("ERR_CONFLICT").format(number=entry.number))
            elif sheet is not None and sheet.status != ScoreSheet.Status.DRAFT:
                state.error("entry", CODE_SHEET, _judging_text("ERR_SHEET_NOT_DRAFT"))
            elif submit and not parsed and not current:
                state.error("submit", CODE_SHEET, str(ERR_SUBMITTED_NOTHING))
            if not state.ok:
                continue
            state.action = "updated" if current else "created"
            state.payload = (state.number, entry.pk, judge.pk, parsed, int(submit))

    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        from gongjiang.competitions import services
        from gongjiang.competitions.models import Entry, Judge, Mark, ScoreSheet

        result = WriteResult()
        actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
        entries = Entry.objects.in_bulk({p[1] for p in payloads})
        judges = Judge.objects.in_bulk({p[2] for p in payloads})
        for _row, entry_pk, judge_pk, marks, submit in payloads:
            if not marks and not submit:
                result.counts["unchanged"] += 1
                continue
            sheet = ScoreSheet.objects.filter(entry_id=entry_pk, judge_id=judge_pk).first()
            before = {m.pk: m.value for m in Mark.objects.filter(sheet=sheet)} if sheet is not None else {}
            status_before = sheet.status if sheet is not None else None
            sheet = services.marks_save(actor=actor, entry=entries[entry_pk], marks=dict(marks), submit=bool(submit),
                                        judge=judges[judge_pk])
            if status_before is None:
                result.add_created("competitions.scoresheet", [sheet.pk])
            elif sheet.status != status_before:
                result.updated.append(("competitions.scoresheet", sheet.pk, {"status": status_before, "submitted_at": None}))
            changed = False
            for mark in Mark.objects.filter(sheet=sheet):
                if mark.pk not in before:
                    result.add_created("competitions.mark", [mark.pk])
                    changed = True
                elif before[mark.pk] != mark.value:
                    result.updated.append(("competitions.mark", mark.pk, {"value": str(before[mark.pk])}))
                    changed = True
            result.counts["created" if status_before is None else ("updated" if changed or submit else "unchanged")] += 1
        return result

    def rollback_conflicts(self, *, records: list[Any], since: dt.datetime) -> list[str]:
        from gongjiang.competitions.models import EventRound, Mark, ScoreSheet

        sheet_ids = [pk for r in records if r.model == "competitions.scoresheet" for pk in r.object_ids]
        mark_ids = [pk for r in records if r.model == "competitions.mark" for pk in r.object_ids]
        for start in range(0, max(len(sheet_ids), len(mark_ids)), 900):
            sheets = ScoreSheet.objects.filter(pk__in=sheet_ids[start:start + 900])
            marks = Mark.objects.filter(pk__in=mark_ids[start:start + 900])
            if (sheets.exclude(entry__round__status=EventRound.Status.OPEN).exists()
                    or marks.exclude(sheet__entry__round__status=EventRound.Status.OPEN).exists()
                    or marks.filter(updated_at__gt=since).exists() or marks.filter(corrections__isnull=False).exists()):
                return [str(ERR_MARKS_CHANGED)]
        return []

    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        from gongjiang.competitions.models import Mark, ScoreSheet
        from gongjiang.core import audit

        deleted = restored = 0
        for record in reversed(records):
            model = Mark if record.model == "competitions.mark" else ScoreSheet
            if record.action == "updated":
                model.objects.filter(pk=record.object_ids[0]).update(**record.before, updated_at=ctx.now)
                restored += 1
            else:
                deleted += model.objects.filter(pk__in=record.object_ids).delete()[0]
        audit.record("competitions.marks.import_undone", object_type="competitions.scoresheet",
                     object_repr=ctx.job_ref, changes={"deleted": deleted, "restored": restored}, actor=ctx.actor)
        return {"deleted": deleted, "restored": restored}


@register
class TheoryEntity(Entity):
    name = "competition_theory"
    label = _("竞赛理论成绩")
    description = _(
        "裁判长或主办方批量录入理论成绩和完成用时：轮次页面下载的理论成绩模板。成绩锁定后录入即为更正，须在“更正原因”列说明，"
        "并重新计算名次。"
    )
    columns = (
        *_round_columns(),
        Column("theory_score", _("理论成绩"), ("理论", "理论考试成绩", "笔试成绩"), mark_value,
               help=_("0–100 分。"), example="86.5", width=10),
        Column("completion_seconds", _("完成用时（秒）"), ("用时", "完成用时", "用时秒"), rules.whole_number,
               help=_("实操完成用时，整秒；并列时用于比较。"), example="", width=12),
        Column("reason", _("更正原因"), ("原因", "说明"), rules.text_normalizer(300),
               help=_("成绩锁定后更正时必填。"), width=20),
    )

    def pinned_to(self, job: Any) -> JobPin | None:
        return round_pin(job)

    def require_permission(self, actor: Any) -> None:
        if actor is not None and not _is_judge(actor):
            super().require_permission(actor)

    def row_key(self, state: RowState) -> Any:
        values = state.values
        return (values.get("entry"), values.get("round")) if values.get("entry") else None

    def key_label(self) -> str:
        return gettext("参赛编号、轮次")

    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        state.values["_blank"] = state.values.get("theory_score") is None and state.values.get(
            "completion_seconds") is None
        score = state.values.get("theory_score")
        if score is not None and not Decimal(0) <= Decimal(score) <= Decimal(100):
            state.error("theory_score", CODE_SCORE, _judging_text("ERR_THEORY"))

    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        from django.db.models import Q

        from gongjiang.competitions import selectors
        from gongjiang.competitions.models import EventRound

        rounds = EventRound.objects.all()
        if ctx.actor is not None:
            rounds = rounds.filter(
                Q(event__judges__user=ctx.actor, event__judges__is_active=True, event__judges__is_chief=True)
                | Q(event__competition__in=selectors.organizer_competitions(ctx.actor))
            ).distinct()
        _entries_by_number(batch, ctx, rounds)
        for state in batch:
            if not state.ok:
                continue
            values = state.values
            if values["_blank"]:
                state.action = "unchanged"
                state.payload = (state.number, 0, None, None, "")
                continue
            entry = values["_entry"]
            score, seconds = values.get("theory_score"), values.get("completion_seconds")
            same = ((score is None or entry.theory_score == Decimal(score).quantize(Decimal("0.01")))
                    and (seconds is None or entry.completion_seconds == seconds))
            if same:
                state.action = "unchanged"
                state.payload = (state.number, entry.pk, None, None, "")
                continue
            locked = entry.round.status != EventRound.Status.OPEN
            if locked and not values.get("reason"):
                state.error("reason", CODE_REASON, _judging_text("ERR_CORRECTION_REASON"))
            if locked and entry.round.event.competition.rewards_applied_at is not None:
                state.error("entry", CODE_REWARDS, _judging_text("ERR_REWARDS_DONE"))
            if not state.ok:
                continue
            state.action = "created" if entry.theory_score is None and entry.completion_seconds is None else "updated"
            state.payload = (state.number, entry.pk, score, seconds, values.get("reason") or "")

    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        from gongjiang.competitions import services
        from gongjiang.competitions.models import Entry

        result = WriteResult()
        actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
        entries = Entry.objects.in_bulk({p[1] for p in payloads})
        for _row, pk, score, seconds, reason in payloads:
            if score is None and seconds is None:
                result.counts["unchanged"] += 1
                continue
            entry = entries[pk]
            before = {"theory_score": str(entry.theory_score) if entry.theory_score is not None else None,
                      "completion_seconds": entry.completion_seconds}
            services.entry_record_scores(actor=actor, entry=entry, theory_score=Decimal(score) if score else None,
                                         completion_seconds=seconds, reason=reason)
            result.updated.append(("competitions.entry", pk, before))
            result.counts["created" if before == {"theory_score": None, "completion_seconds": None} else "updated"] += 1
        return result

    def rollback_conflicts(self, *, records: list[Any], since: dt.datetime) -> list[str]:
        from gongjiang.competitions.models import Entry, EventRound

        pks = [r.object_ids[0] for r in records if r.action == "updated"]
        for start in range(0, len(pks), 900):
            entries = Entry.objects.filter(pk__in=pks[start:start + 900])
            if entries.exclude(round__status=EventRound.Status.OPEN).exists() or entries.filter(
                    updated_at__gt=since).exists():
                return [str(ERR_SCORES_CHANGED)]
        return []

    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        from gongjiang.competitions.models import Entry
        from gongjiang.core import audit

        updated = [r for r in records if r.action == "updated"]
        for record in reversed(updated):
            entry = Entry.objects.get(pk=record.object_ids[0])
            Entry.objects.filter(pk=entry.pk).update(**record.before, updated_at=ctx.now)
            audit.record("competitions.entry.scores_import_undone", obj=entry,
                         changes={"restored": record.before, "job": ctx.job_ref}, actor=ctx.actor)
        return {"deleted": 0, "restored": len(updated)}


ROUND_ENTITIES = ("competition_marks", "competition_theory")


def round_import_start(*, actor: Any, entity: str, event_round: Any, filename: str, source: Any,
                       mode: str = "atomic", dry_run: bool = False) -> Any:
    """Start an import job of ``competition_marks`` or ``competition_theory`` from one round (its
    page, or ``/api/v1/competitions/rounds/<id>/marks-import/`` …) and queue its check.

    The job is pinned to the round (:class:`~gongjiang.competitions.models.RoundImport`): its rows
    may only name that round's entries, and a 轮次ID column naming another round is an error of
    that row. Marks: the actor must judge the round's event; theory scores: its chief judge or an
    organiser (PermissionDeniedError otherwise). A refused upload raises ApplicationError as
    ``imports.services.import_job_create`` does, and nothing is stored.
    """

    from gongjiang.competitions import selectors
    from gongjiang.competitions.models import RoundImport
    from gongjiang.core.exceptions import PermissionDeniedError
    from gongjiang.imports import services as import_services

    if entity not in ROUND_ENTITIES:
        raise ValueError(entity)
    judge = selectors.judge_for(actor, event_round.event)
    if entity == "competition_marks" and judge is None:
        raise PermissionDeniedError(_judging_text("ERR_NOT_JUDGE"))
    if entity == "competition_theory" and not (judge is not None and judge.is_chief) and not (
            selectors.can_organize(actor, event_round.event.competition)):
        raise PermissionDeniedError(str(ERR_NOT_CHIEF_OR_ORGANIZER))
    return import_services.import_job_start_pinned(
        actor=actor, entity=entity, filename=filename, source=source, mode=mode, dry_run=dry_run,
        pin=lambda job: RoundImport.objects.create(job=job, round=event_round),
    )


def _judging_text(name: str) -> str:
    """A message of the judging service, translated as the service translates it."""
    from gongjiang.competitions.services import judging

    return gettext(getattr(judging, name))
