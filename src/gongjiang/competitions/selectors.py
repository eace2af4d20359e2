"""Reads of competitions, always through the data scope (orgs.scope) or the judge's assignments.

Who sees what:

* organisers — users who may write to the organising organisation (its bureau, by region, or
  its own administrators) — see and run the whole competition;
* delegation managers — users who may write to a delegation's organisation — see their
  delegation's entries and register into it; read-only staff of it see the entries;
* judges see the events they are assigned to and the entries by number only (blind marking);
* workers see their own entries;
* everyone, signed in or not, sees published results (names masked) and medal tables.

Objects outside what a user may see are answered with 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from gongjiang.competitions import rules
from gongjiang.competitions.models import (
    Appeal,
    Aspect,
    Competition,
    CompetitionEvent,
    Delegation,
    Entry,
    EntryMember,
    EventRound,
    Judge,
    Mark,
    ScoreSheet,
    Stage,
)
from gongjiang.core.rules import mask_name
from gongjiang.core.text import enumeration
from gongjiang.orgs import scope as data_scope

ORGANIZER_REGION = ("organizer__region__code",)
ORGANIZER_ORG = ("organizer",)


# =================================================================================================
# Access
# =================================================================================================


def organizer_competitions(user: Any) -> QuerySet[Competition]:
    """Competitions the user runs (write scope over the organiser)."""
    return data_scope.filter_queryset(
        Competition.objects.all(), user, region_fields=ORGANIZER_REGION, org_fields=ORGANIZER_ORG, write=True
    )


def can_organize(user: Any, competition: Competition) -> bool:
    if user is None:
        return True
    return organizer_competitions(user).filter(pk=competition.pk).exists()


def managed_delegations(user: Any, *, write: bool = True) -> QuerySet[Delegation]:
    """Delegations the user manages (or, with write=False, may read): by organisation scope, plus
    every delegation of a competition the user organises."""
    own = data_scope.filter_queryset(
        Delegation.objects.all(), user, region_fields=("organization__region__code",),
        org_fields=("organization",), write=write,
    )
    organised = Delegation.objects.filter(competition__in=organizer_competitions(user))
    return Delegation.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=organised.values("pk")))


def can_manage_delegation(user: Any, delegation: Delegation) -> bool:
    if user is None:
        return True
    return managed_delegations(user).filter(pk=delegation.pk).exists()


def judge_for(user: Any, event: CompetitionEvent) -> Judge | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Judge.objects.filter(event=event, user=user, is_active=True).select_related("organization").first()


def user_person_id(user: Any) -> int | None:
    person = getattr(user, "person", None) if user is not None else None
    return getattr(person, "pk", None)


# =================================================================================================
# Competitions, events, delegations
# =================================================================================================


def competition_queryset(user: Any) -> QuerySet[Competition]:
    """Every competition past its draft, plus the drafts the user organises."""
    organised = organizer_competitions(user).values("pk")
    return Competition.objects.filter(~Q(status=Competition.Status.DRAFT) | Q(pk__in=organised))


def competition_list(*, user: Any, year: int | None = None, q: str = "") -> QuerySet[Competition]:
    queryset = competition_queryset(user).select_related("organizer")
    if year:
        queryset = queryset.filter(year=year)
    if q:
        queryset = queryset.filter(name__icontains=q.strip())
    return queryset.annotate(event_count=Count("events", distinct=True)).order_by("-year", "-start_date", "-id")


def competition_get_for_user(*, user: Any, pk: int, organize: bool = False) -> Competition:
    """The competition, or 404; ``organize`` asks for one the user runs."""
    queryset = organizer_competitions(user) if organize else competition_queryset(user)
    try:
        return queryset.select_related("organizer").get(pk=pk)
    except (Competition.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def event_get_for_user(*, user: Any, pk: int, organize: bool = False) -> CompetitionEvent:
    """An event of a competition the user may see (``organize``: runs), or one they judge."""
    queryset = CompetitionEvent.objects.select_related("competition", "occupation", "work_type")
    try:
        event = queryset.get(pk=pk)
    except (CompetitionEvent.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if can_organize(user, event.competition):
        return event
    if not organize and (
        competition_queryset(user).filter(pk=event.competition_id).exists() or judge_for(user, event) is not None
    ):
        return event
    raise Http404


def stages_of(competition: Competition) -> list[Stage]:
    return list(competition.stages.order_by("sequence"))


def final_stage(competition: Competition) -> Stage | None:
    return competition.stages.order_by("-sequence").first()


def first_stage(competition: Competition) -> Stage | None:
    return competition.stages.order_by("sequence").first()


def next_stage(stage: Stage) -> Stage | None:
    return stage.competition.stages.filter(sequence__gt=stage.sequence).order_by("sequence").first()


def is_final(event_round: EventRound) -> bool:
    return not Stage.objects.filter(competition_id=event_round.stage.competition_id,
                                    sequence__gt=event_round.stage.sequence).exists()


def event_list(*, competition: Competition) -> QuerySet[CompetitionEvent]:
    return competition.events.select_related("occupation", "work_type").order_by("code")


def aspects_of(event: CompetitionEvent) -> list[Aspect]:
    return list(event.aspects.select_related("section").order_by("section__sequence", "sequence"))


def delegation_list(*, user: Any, competition: Competition) -> QuerySet[Delegation]:
    queryset = competition.delegations.select_related("organization")
    if not can_organize(user, competition):
        queryset = queryset.filter(pk__in=managed_delegations(user, write=False).values("pk"))
    return queryset.order_by("name")


def delegation_get_for_user(*, user: Any, pk: int, write: bool = False) -> Delegation:
    try:
        return managed_delegations(user, write=write).select_related("competition", "organization").get(pk=pk)
    except (Delegation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def delegations_open_for(user: Any) -> QuerySet[Delegation]:
    """Delegations of competitions open for registration: what a worker may enter through."""
    return Delegation.objects.filter(competition__status=Competition.Status.REGISTRATION).select_related(
        "competition", "organization"
    )


def quota_for(delegation: Delegation, event: CompetitionEvent) -> int | None:
    quota = delegation.quotas.filter(event=event).first()
    if quota is not None:
        return quota.max_entries
    return delegation.competition.default_quota


# =================================================================================================
# Entries
# =================================================================================================

ENTRY_REGION = ("event__competition__organizer__region__code", "delegation__organization__region__code")
ENTRY_ORG = ("event__competition__organizer", "delegation__organization", "members__person__current_employer")
ENTRY_PERSON = ("members__person_id",)


def entry_queryset(user: Any) -> QuerySet[Entry]:
    """Entries the user may see with names: organisers, delegations, employers, the entrants."""
    scoped = data_scope.filter_queryset(
        Entry.objects.all(), user, region_fields=ENTRY_REGION, org_fields=ENTRY_ORG, person_fields=ENTRY_PERSON
    )
    organised = Entry.objects.filter(event__competition__in=organizer_competitions(user))
    return Entry.objects.filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=organised.values("pk")))


def _with_people(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    return queryset.select_related("delegation", "event", "round", "round__stage").prefetch_related(
        Prefetch("members", queryset=EntryMember.objects.select_related("person").order_by("sequence"))
    )


def entry_list(
    *, user: Any, competition: Competition | None = None, event: CompetitionEvent | None = None,
    delegation: Delegation | None = None, event_round: EventRound | None = None, include_inactive: bool = True,
) -> QuerySet[Entry]:
    queryset = entry_queryset(user)
    if competition is not None:
        queryset = queryset.filter(event__competition=competition)
    if event is not None:
        queryset = queryset.filter(event=event)
    if delegation is not None:
        queryset = queryset.filter(delegation=delegation)
    if event_round is not None:
        queryset = queryset.filter(round=event_round)
    if not include_inactive:
        queryset = queryset.filter(status__in=Entry.ACTIVE)
    return _with_people(queryset).order_by("event__code", "round__stage__sequence", "number")


def entry_get_for_user(*, user: Any, pk: int) -> Entry:
    try:
        return _with_people(entry_queryset(user)).get(pk=pk)
    except (Entry.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def entry_organization_ids(entry: Entry) -> set[int]:
    """The organisations an entry belongs to: its delegation's and its members' employers."""
    ids = {entry.delegation.organization_id}
    for member in entry.members.all():
        if member.person.current_employer_id:
            ids.add(member.person.current_employer_id)
    return ids


def judge_conflicts_with(judge: Judge, entry: Entry) -> bool:
    return rules.conflicts(
        judge_organization_ids=[judge.organization_id] if judge.organization_id else [],
        judge_delegation_id=judge.delegation_id,
        entry_organization_ids=entry_organization_ids(entry),
        entry_delegation_id=entry.delegation_id,
    )


def judge_conflicts(judge: Judge) -> list[Entry]:
    """The entries of the judge's event that the judge may not mark (shown when assigning)."""
    entries = _with_people(
        Entry.objects.filter(event_id=judge.event_id, status__in=Entry.ACTIVE)
    ).select_related("delegation__organization")
    return [entry for entry in entries if judge_conflicts_with(judge, entry)]


def judge_list(*, event: CompetitionEvent) -> list[tuple[Judge, list[Entry]]]:
    """The judges of an event with, for each, the entries they may not mark."""
    judges = list(event.judges.filter(is_active=True).select_related("organization", "delegation", "user"))
    entries = list(
        _with_people(Entry.objects.filter(event=event, status__in=Entry.ACTIVE)).select_related(
            "delegation__organization"
        )
    )
    return [(judge, [e for e in entries if judge_conflicts_with(judge, e)]) for judge in judges]


# =================================================================================================
# Judging
# =================================================================================================


def judge_assignments(user: Any) -> QuerySet[Judge]:
    if user is None or not getattr(user, "is_authenticated", False):
        return Judge.objects.none()
    return Judge.objects.filter(user=user, is_active=True).select_related("event", "event__competition")


def round_get_for_user(*, user: Any, pk: int) -> EventRound:
    """A round of an event the user organises or judges."""
    try:
        event_round = EventRound.objects.select_related("event", "event__competition", "stage").get(pk=pk)
    except (EventRound.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if can_organize(user, event_round.event.competition) or judge_for(user, event_round.event) is not None:
        return event_round
    raise Http404


@dataclass
class SheetRow:
    entry: Entry
    sheet: ScoreSheet | None
    conflict: bool


def judge_sheet_rows(*, judge: Judge, event_round: EventRound) -> list[SheetRow]:
    """A judge's worklist: every active entry of the round with their sheet and any conflict."""
    entries = list(
        _with_people(Entry.objects.filter(round=event_round, status__in=Entry.ACTIVE)).order_by("number")
    )
    sheets = {s.entry_id: s for s in ScoreSheet.objects.filter(judge=judge, entry__round=event_round)}
    return [SheetRow(entry=e, sheet=sheets.get(e.pk), conflict=judge_conflicts_with(judge, e)) for e in entries]


def sheet_marks(sheet: ScoreSheet | None) -> dict[int, Decimal]:
    if sheet is None:
        return {}
    return {mark.aspect_id: mark.value for mark in sheet.marks.all()}


@dataclass
class AspectMarks:
    aspect: Aspect
    values: dict[int, Decimal] = field(default_factory=dict)  # judge id → value
    mark: Decimal = Decimal("0")
    disagrees: bool = False
    moderated: bool = False


@dataclass
class EntryMarks:
    entry: Entry
    aspects: list[AspectMarks]
    practical_marks: Decimal
    missing: list[Aspect]


def round_marks(event_round: EventRound, *, statuses: tuple[str, ...] | None = None,
                with_people: bool = True) -> list[EntryMarks]:
    """Every active entry's marks per aspect, converted and flagged (submitted and locked sheets).

    ``with_people=False`` skips loading the members, for computing results of large rounds.
    """
    event = event_round.event
    statuses = statuses or (ScoreSheet.Status.SUBMITTED, ScoreSheet.Status.LOCKED)
    aspects = aspects_of(event)
    active = Entry.objects.filter(round=event_round, status__in=Entry.ACTIVE)
    entries = list((_with_people(active) if with_people else active).order_by("number"))
    values: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for entry_id, aspect_id, judge_id, value in Mark.objects.filter(
        sheet__entry__round=event_round, sheet__status__in=statuses
    ).values_list("sheet__entry_id", "aspect_id", "sheet__judge_id", "value"):
        values[(entry_id, aspect_id)][judge_id] = value
    moderated = set(
        event_round.entries.filter(moderations__isnull=False).values_list("pk", "moderations__aspect_id")
    )
    result = []
    for entry in entries:
        rows = []
        missing = []
        for aspect in aspects:
            judged = values.get((entry.pk, aspect.pk), {})
            if not judged:
                missing.append(aspect)
            if aspect.is_judgement:
                scores = [int(v) for v in judged.values()]
                mark = rules.judgement_mark(scores, aspect.max_mark, event.judgement_method)
                disagrees = rules.judgement_disagrees(scores, event.judgement_tolerance)
            else:
                mark = rules.measurement_mark(list(judged.values()))
                disagrees = False
            rows.append(AspectMarks(aspect=aspect, values=judged, mark=mark, disagrees=disagrees,
                                    moderated=(entry.pk, aspect.pk) in moderated))
        total = sum((row.mark for row in rows), Decimal("0"))
        result.append(EntryMarks(entry=entry, aspects=rows, practical_marks=total, missing=missing))
    return result


@dataclass
class RoundProgress:
    event_round: EventRound
    entries: int
    sheets_draft: int
    sheets_submitted: int
    sheets_locked: int
    appeals_pending: int


def competition_progress(competition: Competition) -> list[RoundProgress]:
    """Per round: entries and sheets by status — the organiser's progress view."""
    rounds = list(
        EventRound.objects.filter(event__competition=competition)
        .select_related("event", "stage")
        .annotate(
            active_entries=Count("entries", filter=Q(entries__status__in=Entry.ACTIVE), distinct=True),
        )
        .order_by("event__code", "stage__sequence")
    )
    sheet_counts: dict[tuple[int, str], int] = defaultdict(int)
    for round_id, status, count in (
        ScoreSheet.objects.filter(entry__round__event__competition=competition)
        .values_list("entry__round_id", "status")
        .annotate(n=Count("pk"))
    ):
        sheet_counts[(round_id, status)] += count
    appeals: dict[int, int] = defaultdict(int)
    for round_id, count in (
        Appeal.objects.filter(entry__round__event__competition=competition, status=Appeal.Status.PENDING)
        .values_list("entry__round_id")
        .annotate(n=Count("pk"))
    ):
        appeals[round_id] = count
    return [
        RoundProgress(
            event_round=r, entries=r.active_entries,
            sheets_draft=sheet_counts[(r.pk, ScoreSheet.Status.DRAFT)],
            sheets_submitted=sheet_counts[(r.pk, ScoreSheet.Status.SUBMITTED)],
            sheets_locked=sheet_counts[(r.pk, ScoreSheet.Status.LOCKED)],
            appeals_pending=appeals[r.pk],
        )
        for r in rounds
    ]


def appeal_list(*, user: Any, event_round: EventRound | None = None,
                competition: Competition | None = None) -> QuerySet[Appeal]:
    if event_round is not None:
        # The caller has checked the round through round_get_for_user (organiser or judge).
        queryset = Appeal.objects.filter(entry__round=event_round)
    else:
        queryset = Appeal.objects.filter(entry__in=entry_queryset(user))
    if competition is not None:
        queryset = queryset.filter(entry__event__competition=competition)
    return queryset.select_related("entry", "entry__event", "entry__delegation").order_by("-created_at", "-id")


# =================================================================================================
# Published results and medal tables (public)
# =================================================================================================


def published_competitions() -> QuerySet[Competition]:
    return (
        Competition.objects.filter(events__rounds__status=EventRound.Status.PUBLISHED)
        .distinct()
        .select_related("organizer")
        .order_by("-year", "-start_date", "-id")
    )


def published_competition_get(*, pk: int) -> Competition:
    try:
        return published_competitions().get(pk=pk)
    except (Competition.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def published_rounds(competition: Competition) -> QuerySet[EventRound]:
    return (
        EventRound.objects.filter(event__competition=competition, status=EventRound.Status.PUBLISHED)
        .select_related("event", "stage")
        .order_by("event__code", "stage__sequence")
    )


def published_round_get(*, pk: int) -> EventRound:
    try:
        return EventRound.objects.select_related("event", "event__competition", "stage").get(
            pk=pk, status=EventRound.Status.PUBLISHED
        )
    except (EventRound.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class PublicResult:
    position: int | None
    number: str
    names: str
    delegation: str
    heat: str
    theory: Decimal | None
    practical: Decimal | None
    total: Decimal | None
    scale: Decimal | None
    medal: str
    medal_label: str
    advancing: bool


def public_results(event_round: EventRound) -> list[PublicResult]:
    """A published round's results with masked names, best first."""
    if event_round.status != EventRound.Status.PUBLISHED:
        raise Http404
    entries = (
        Entry.objects.filter(round=event_round, status__in=Entry.ACTIVE)
        .select_related("delegation")
        .prefetch_related(Prefetch("members", queryset=EntryMember.objects.select_related("person")))
        .order_by("heat", "position", "number")
    )
    return [
        PublicResult(
            position=e.position, number=e.number,
            names=enumeration(mask_name(m.person.name) for m in e.members.all()),
            delegation=e.delegation.name, heat=e.heat, theory=e.theory_score, practical=e.practical_score,
            total=e.total_score, scale=e.scale_score, medal=e.medal, medal_label=e.get_medal_display(),
            advancing=e.is_advancing,
        )
        for e in entries
    ]


def _final_awards(rounds: QuerySet[EventRound]) -> QuerySet[Entry]:
    return Entry.objects.filter(round__in=rounds, status__in=Entry.ACTIVE).exclude(medal="")


def medal_table(*, competition: Competition, order: str = rules.BY_MEDALS) -> list[rules.MedalTableRow]:
    """The delegations' medal table over the published final rounds of one competition."""
    stage = final_stage(competition)
    rounds = published_rounds(competition).filter(stage=stage)
    awards = _final_awards(rounds).values_list("delegation_id", "medal")
    delegations = dict(competition.delegations.values_list("pk", "name"))
    return rules.medal_table(awards, order=order, labels=delegations, include=delegations)


def year_medal_table(*, year: int, order: str = rules.BY_MEDALS) -> list[rules.MedalTableRow]:
    """Medals across every competition of a year, by the delegations' organisations."""
    finals = [
        final_stage(c) for c in published_competitions().filter(year=year)
    ]
    rounds = EventRound.objects.filter(stage__in=[s for s in finals if s], status=EventRound.Status.PUBLISHED)
    rows = _final_awards(rounds).values_list(
        "delegation__organization_id", "delegation__organization__name", "medal"
    )
    labels = {org_id: name for org_id, name, _medal in rows}
    return rules.medal_table(((org_id, medal) for org_id, _name, medal in rows), order=order, labels=labels)


# =================================================================================================
# Lookups for the interfaces (404 outside what the user may see)
# =================================================================================================


def judged_events(user: Any) -> QuerySet[CompetitionEvent]:
    return CompetitionEvent.objects.filter(pk__in=judge_assignments(user).values("event_id"))


def _staff_entries(user: Any) -> QuerySet[Entry]:
    """Entries the user sees with names, plus (by number) those of the events they judge."""
    return Entry.objects.filter(Q(pk__in=entry_queryset(user).values("pk")) | Q(event__in=judged_events(user)))


def entry_get_for_staff(*, user: Any, pk: int) -> Entry:
    try:
        return _with_people(_staff_entries(user)).get(pk=pk)
    except (Entry.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _organised_or_judged(user: Any) -> Q:
    return Q(event__competition__in=organizer_competitions(user)) | Q(event__in=judged_events(user))


def sheet_get_for_user(*, user: Any, pk: int) -> ScoreSheet:
    """A score sheet: the judge's own, or any of an event the user organises or is chief judge of."""
    try:
        sheet = ScoreSheet.objects.select_related("entry", "entry__round", "entry__event", "judge").get(pk=pk)
    except (ScoreSheet.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    judge = judge_for(user, sheet.entry.event)
    if judge is not None and (judge.pk == sheet.judge_id or judge.is_chief):
        return sheet
    if can_organize(user, sheet.entry.event.competition):
        return sheet
    raise Http404


def mark_get_for_user(*, user: Any, pk: int) -> Mark:
    try:
        mark = Mark.objects.select_related("sheet", "sheet__entry", "sheet__entry__event", "aspect").get(pk=pk)
    except (Mark.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    sheet_get_for_user(user=user, pk=mark.sheet_id)
    return mark


def appeal_get_for_user(*, user: Any, pk: int) -> Appeal:
    try:
        appeal = Appeal.objects.select_related("entry", "entry__round", "entry__event").get(pk=pk)
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    entry_get_for_staff(user=user, pk=appeal.entry_id)
    return appeal


def judge_get_for_user(*, user: Any, pk: int) -> Judge:
    try:
        judge = Judge.objects.select_related("event", "event__competition").get(pk=pk)
    except (Judge.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not competition_queryset(user).filter(pk=judge.event.competition_id).exists():
        raise Http404
    return judge


def reward_rule_get_for_user(*, user: Any, pk: int) -> Any:
    from gongjiang.competitions.models import RewardRule

    try:
        rule = RewardRule.objects.select_related("competition").get(pk=pk)
    except (RewardRule.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not competition_queryset(user).filter(pk=rule.competition_id).exists():
        raise Http404
    return rule


def aspect_get(*, event: CompetitionEvent, key: Any) -> Aspect:
    """An aspect of the event by id or code."""
    queryset = event.aspects.all()
    found = queryset.filter(code=str(key).strip().upper()).first()
    if found is None and str(key).strip().isdigit():
        found = queryset.filter(pk=int(str(key).strip())).first()
    if found is None:
        raise Http404
    return found


@dataclass
class GrantedReward:
    entry: Entry
    person: Any
    medal: str
    rules: list[Any] = field(default_factory=list)
    new_level_label: str = ""
    award_code: str = ""


def rewards_granted(competition: Competition) -> list[GrantedReward]:
    """What was actually given when the rewards were applied (medals, titles, promotions)."""
    from gongjiang.catalog.levels import short_label
    from gongjiang.competitions.models import MedalHonor, RewardGrant

    rows: dict[tuple[int, int], GrantedReward] = {}
    for honor in MedalHonor.objects.filter(entry__event__competition=competition).select_related(
        "entry", "entry__event", "person"
    ):
        rows[(honor.entry_id, honor.person_id)] = GrantedReward(
            entry=honor.entry, person=honor.person, medal=honor.entry.medal, award_code=honor.award_reference
        )
    for grant in RewardGrant.objects.filter(rule__competition=competition).select_related(
        "rule", "entry", "entry__event", "person"
    ).order_by("rule__sequence", "pk"):
        row = rows.setdefault((grant.entry_id, grant.person_id),
                              GrantedReward(entry=grant.entry, person=grant.person, medal=grant.entry.medal))
        row.rules.append(grant.rule)
        if grant.new_level is not None:
            row.new_level_label = short_label(grant.new_level)
    return sorted(rows.values(), key=lambda r: (r.entry.event.code, r.entry.position or 0, r.entry.number))
