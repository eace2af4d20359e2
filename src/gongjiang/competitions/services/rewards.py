"""Applying a competition's rewards (奖励兑现, 以赛代评): medal honours, titles and level promotions
written into the talent registry through people.services — once only, audited.

The plan (:func:`reward_plan`) is the same for the organiser's preview and for the application,
so what the organiser saw is what is applied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.catalog.levels import SkillLevel, short_label
from gongjiang.competitions import rules, selectors
from gongjiang.competitions.models import (
    Appeal,
    Competition,
    Entry,
    EventRound,
    Medal,
    MedalHonor,
    RewardGrant,
    RewardRule,
)
from gongjiang.competitions.services.setup import require_organizer
from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.text import enumeration
from gongjiang.people import services as people_services
from gongjiang.people.models import Certificate, Honor, Person

ERR_ALREADY_APPLIED = gettext_noop("本竞赛的奖励已于 {at} 兑现，不能重复兑现。")
ERR_NOT_PUBLISHED = gettext_noop("以下赛项的决赛成绩尚未公布：{events}。")
ERR_APPEALS_PENDING = gettext_noop("还有 {count} 项申诉待处理，处理完毕后才能兑现奖励。")
ERR_APPEAL_WINDOW = gettext_noop("以下赛项的申诉期尚未结束：{events}。")
ERR_NO_FINAL = gettext_noop("竞赛没有设置阶段。")

NOTE_BETTER_PROMOTION = "已按另一条奖励规则晋升到更高等级"
NOTE_AT_CAP = "已达到该规则的最高晋升等级，不再晋升"
NOTE_LEVEL_NOT_IN_OCCUPATION = "职业“{occupation}”未设置“{level}”等级，不晋升"


@dataclass
class PlannedPromotion:
    previous_level: int | None
    new_level: int
    rule: RewardRule


@dataclass
class PlannedReward:
    entry: Entry
    person: Person
    medal: str
    rules: list[RewardRule] = field(default_factory=list)
    promotion: PlannedPromotion | None = None
    notes: dict[int, str] = field(default_factory=dict)  # rule id → why it promotes nobody

    @property
    def new_level_label(self) -> str:
        return short_label(self.promotion.new_level) if self.promotion else ""


def _level_in_occupation(person: Person, occupation_id: int | None) -> int | None:
    if occupation_id is None:
        return person.current_level
    best = Certificate.objects.filter(
        holder=person, status=Certificate.Status.VALID, occupation_id=occupation_id, level__isnull=False,
        kind__in=(Certificate.Kind.SKILL_LEVEL, Certificate.Kind.QUALIFICATION),
    ).aggregate(best=Max("level"))["best"]
    return best


def _final_rounds(competition: Competition) -> list[EventRound]:
    stage = selectors.final_stage(competition)
    if stage is None:
        raise ApplicationError(_(ERR_NO_FINAL), field="competition")
    return list(EventRound.objects.filter(event__competition=competition, stage=stage).select_related("event"))


def reward_problems(competition: Competition, *, now: Any = None) -> list[str]:
    """Why rewards cannot be applied yet (empty when they can)."""
    now = now or timezone.now()
    problems = []
    rounds = _final_rounds(competition)
    unpublished = [r.event.name for r in rounds if r.status != EventRound.Status.PUBLISHED]
    if unpublished:
        problems.append(_(ERR_NOT_PUBLISHED).format(events=enumeration(unpublished)))
    pending = Appeal.objects.filter(entry__event__competition=competition, status=Appeal.Status.PENDING).count()
    if pending:
        problems.append(_(ERR_APPEALS_PENDING).format(count=pending))
    open_window = [
        r.event.name for r in rounds
        if r.status == EventRound.Status.PUBLISHED and r.appeal_deadline is not None and r.appeal_deadline > now
    ]
    if open_window:
        problems.append(_(ERR_APPEAL_WINDOW).format(events=enumeration(open_window)))
    return problems


def reward_plan(competition: Competition) -> list[PlannedReward]:
    """Who gets what: one row per person per final-round entry with a medal or a matching rule."""
    reward_rules = list(competition.reward_rules.order_by("sequence", "id"))
    rounds = [r for r in _final_rounds(competition) if r.status != EventRound.Status.OPEN]
    entries = (
        Entry.objects.filter(round__in=rounds, status__in=Entry.ACTIVE, position__isnull=False)
        .select_related("event", "event__occupation", "delegation", "round")
        .prefetch_related("members__person")
        .order_by("event__code", "position", "number")
    )
    plan: list[PlannedReward] = []
    for entry in entries:
        matching = [
            rule for rule in reward_rules
            if rule.band().matches(position=entry.position, medal=entry.medal, team_size=entry.event.team_size)
        ]
        if not matching and not entry.medal:
            continue
        occupation = entry.event.occupation
        allowed = occupation.allowed_levels() if occupation is not None and occupation.national_grades else []
        for member in entry.members.all():
            row = PlannedReward(entry=entry, person=member.person, medal=entry.medal, rules=matching)
            current = _level_in_occupation(member.person, entry.event.occupation_id)
            for rule in matching:
                if rule.promotion == RewardRule.Promotion.NONE:
                    continue
                new = rules.promoted_level(current, mode=rule.promotion, target=rule.promotion_level,
                                           cap=rule.promotion_cap)
                if new is None:
                    row.notes[rule.pk] = _(NOTE_AT_CAP)
                elif allowed and new not in allowed:
                    row.notes[rule.pk] = _(NOTE_LEVEL_NOT_IN_OCCUPATION).format(
                        occupation=occupation.name if occupation else "", level=short_label(new)
                    )
                elif row.promotion is None or new > row.promotion.new_level:
                    if row.promotion is not None:
                        row.notes[row.promotion.rule.pk] = _(NOTE_BETTER_PROMOTION)
                    row.promotion = PlannedPromotion(previous_level=current, new_level=new, rule=rule)
                else:
                    row.notes[rule.pk] = _(NOTE_BETTER_PROMOTION)
            plan.append(row)
    return plan


def certificate_number(competition: Competition, entry: Entry, sequence: int) -> str:
    """The registry number of a competition promotion: ``JS<year><competition><entry><nn>``.

    It is an "other"-scheme number (DOMAIN.md §4.3): the national 22-character numbers belong
    to evaluation bodies, and the competition's own certificate is issued by its organiser.
    """
    return f"JS{competition.year}{competition.pk:04d}{entry.pk:07d}{sequence:02d}"


def award_number(competition: Competition, entry: Entry, sequence: int) -> str:
    """The number printed on a medallist's award certificate: ``JSHJ<year><competition><entry><nn>``."""
    return f"JSHJ{competition.year}{competition.pk:04d}{entry.pk:07d}{sequence:02d}"


def _honor_name(text: str) -> str:
    return text[:100]


def _issued_on(entry: Entry) -> Any:
    published = entry.round.published_at
    today = timezone.localdate()
    return min(timezone.localdate(published), today) if published else today


def _award_credential(*, actor: Any, competition: Competition, entry: Entry, person: Person, sequence: int) -> Any:
    """The medallist's award certificate: verifiable by QR code and number on /verify/."""
    from gongjiang.credentials.models import Credential
    from gongjiang.credentials.services import credential_issue

    event = entry.event
    medal_label = str(Medal(entry.medal).label)
    fields: dict[str, Any] = {
        "competition": competition.name, "competition_level": str(Competition.Level(competition.level).label),
        "event": event.name, "award": medal_label, "rank": str(entry.position), "team": entry.delegation.name,
    }
    if event.occupation is not None:
        fields["occupation"] = event.occupation.name
        fields["occupation_code"] = event.occupation.code
    return credential_issue(
        actor=actor, kind=Credential.Kind.COMPETITION_AWARD, holder=person,
        title=f"{competition.name} {event.name} {medal_label}", fields=fields,
        number=award_number(competition, entry, sequence), issuer=competition.organizer,
        issued_on=_issued_on(entry), source_ref=f"competitions.entry:{entry.pk}",
    )


def _level_credential(*, actor: Any, competition: Competition, entry: Entry, certificate: Certificate) -> Any:
    """The verifiable record of a promotion certificate (以赛代评)."""
    from gongjiang.credentials.models import Credential
    from gongjiang.credentials.services import credential_issue

    level_name = str(SkillLevel(certificate.level).label) if certificate.level is not None else ""
    fields: dict[str, Any] = {"level_name": level_name, "level": certificate.level,
                              "grounds": f"{competition.name}{entry.event.name}第{entry.position}名（以赛代评）"}
    if certificate.occupation is not None:
        fields["occupation"] = certificate.occupation.name
        fields["occupation_code"] = certificate.occupation.code
    return credential_issue(
        actor=actor, kind=Credential.Kind.SKILL_LEVEL, holder=certificate.holder,
        title=f"职业技能等级证书（{short_label(certificate.level) if certificate.level is not None else ''}）",
        fields=fields, certificate=certificate, source_ref=f"competitions.entry:{entry.pk}",
    )


@transaction.atomic
def rewards_apply(*, actor: Any, competition: Competition, issue_date: dt.date | None = None) -> list[PlannedReward]:
    """Apply the rewards once: medal honours and verifiable award certificates (PDF, QR code,
    public /verify/) for medallists, titles as honours, and promotions as skill-level
    certificates (source: competition, also verifiable), so the registry's levels update.

    Refused until every final round is published, its appeal window has closed and no appeal
    is pending; refused for good once applied. Each grant is unique per rule, entry and person.
    """
    require_organizer(actor, competition)
    competition = Competition.objects.select_for_update().select_related("organizer").get(pk=competition.pk)
    if competition.rewards_applied_at is not None:
        at = timezone.localtime(competition.rewards_applied_at).strftime("%Y-%m-%d %H:%M")
        raise ApplicationError(_(ERR_ALREADY_APPLIED).format(at=at), field="competition")
    problems = reward_problems(competition)
    if problems:
        raise ApplicationError(_("现在还不能兑现奖励。"), errors={"competition": problems})
    plan = reward_plan(competition)
    # The issue date of promotion certificates: today, unless a caller (the demo) dates it.
    today = issue_date or timezone.localdate()
    honours = certificates = credentials = 0
    sequence_by_entry: dict[int, int] = {}
    for row in plan:
        entry, person, event = row.entry, row.person, row.entry.event
        ref = f"competitions.entry:{entry.pk}"
        if row.medal:
            medal_label = Medal(row.medal).label
            medal_honor = people_services.honor_add(
                actor=None, person=person, title=Honor.Title.COMPETITION_MEDAL,
                name=_honor_name(f"{competition.name} {event.name} {medal_label}"), level=competition.honor_level,
                year=competition.year, awarded_by=competition.organizer.name, source="competition", source_ref=ref,
            )
            sequence_by_entry[entry.pk] = sequence_by_entry.get(entry.pk, 0) + 1
            credential = _award_credential(actor=actor, competition=competition, entry=entry, person=person,
                                           sequence=sequence_by_entry[entry.pk])
            MedalHonor.objects.create(entry=entry, person=person, honor=medal_honor, award_reference=credential.code)
            honours += 1
            credentials += 1
        for rule in row.rules:
            honor: Honor | None = None
            certificate: Certificate | None = None
            previous = new = None
            if rule.honor_title:
                honor = people_services.honor_add(
                    actor=None, person=person, title=rule.honor_title, name=_honor_name(rule.honor_name),
                    level=competition.honor_level, year=competition.year, awarded_by=competition.organizer.name,
                    source="competition", source_ref=ref,
                )
                honours += 1
            if row.promotion is not None and row.promotion.rule.pk == rule.pk:
                sequence_by_entry[entry.pk] = sequence_by_entry.get(entry.pk, 0) + 1
                certificate = people_services.certificate_record(
                    actor=None, holder=person, number=certificate_number(competition, entry, sequence_by_entry[entry.pk]),
                    issue_date=today, kind=Certificate.Kind.SKILL_LEVEL, level=row.promotion.new_level,
                    occupation=event.occupation, work_type=event.work_type, issuer=competition.organizer,
                    source=Certificate.Source.COMPETITION, source_ref=ref,
                )
                previous, new = row.promotion.previous_level, row.promotion.new_level
                certificates += 1
                _level_credential(actor=actor, competition=competition, entry=entry, certificate=certificate)
                credentials += 1
            RewardGrant.objects.create(
                rule=rule, entry=entry, person=person, honor=honor, certificate=certificate,
                previous_level=previous, new_level=new, note=row.notes.get(rule.pk, "")[:200],
            )
    competition.rewards_applied_at = timezone.now()
    competition.save(update_fields=["rewards_applied_at", "updated_at"])
    audit.record(
        "competitions.rewards.applied", obj=competition,
        changes={"people": len({r.person.pk for r in plan}), "honours": honours, "certificates": certificates,
                 "credentials": credentials},
        actor=actor,
    )
    return plan

