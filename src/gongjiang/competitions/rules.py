"""Pure competition rules: marks, totals, ranking, standardisation, medals, medal tables, rewards.

No database access: everything takes and returns plain values, so it is tested with hypothesis
(tests/competitions/test_rules.py). Sources are in DOMAIN.md §6–§7; where a rule there is marked
UNCONFIRMED or ambiguous, the choice made here is written next to the code and is configurable.

Scores are ``Decimal`` throughout. Marks and totals are rounded half-up to 2 places, as published
score sheets are, and ranking is done on the rounded values a reader can check.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.rules import age_on

TWO_PLACES = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

# --- Medals --------------------------------------------------------------------------------------

GOLD = "gold"
SILVER = "silver"
BRONZE = "bronze"
EXCELLENCE = "excellence"  # 优胜奖 (national rules) / Medallion for Excellence (WorldSkills)
NO_MEDAL = ""

MEDAL_ORDER = (GOLD, SILVER, BRONZE, EXCELLENCE)
# WorldSkills member comparison (DOMAIN.md §7): gold 4, silver 3, bronze 2, Medallion 1.
MEDAL_POINTS = {GOLD: 4, SILVER: 3, BRONZE: 2, EXCELLENCE: 1, NO_MEDAL: 0}
# For "this medal or better" comparisons: a smaller number is a better medal.
MEDAL_RANK = {GOLD: 1, SILVER: 2, BRONZE: 3, EXCELLENCE: 4, NO_MEDAL: 5}

POLICY_NATIONAL = "national"
POLICY_WORLDSKILLS = "worldskills"
POLICY_FIXED_COUNTS = "fixed_counts"
POLICY_FIXED_SHARES = "fixed_shares"
POLICIES = (POLICY_NATIONAL, POLICY_WORLDSKILLS, POLICY_FIXED_COUNTS, POLICY_FIXED_SHARES)

# --- Tie-breaks ----------------------------------------------------------------------------------

TIE_PRACTICAL = "practical_desc"  # higher practical (实操) score first
TIE_THEORY = "theory_desc"  # higher theory (理论) score first
TIE_TIME = "time_asc"  # shorter completion time first; no recorded time counts as slowest
TIE_BREAKS = (TIE_PRACTICAL, TIE_THEORY, TIE_TIME)
DEFAULT_TIE_BREAKS = (TIE_PRACTICAL, TIE_TIME)

# --- Judgement aspects ---------------------------------------------------------------------------

JUDGEMENT_MAX_SCORE = 3  # each judge scores 0–3 (DOMAIN.md §7)
JUDGEMENT_SUM = "sum"  # (sum of the judges' scores ÷ (3 × judges)) × max — (sum/9)×max for 3 judges
JUDGEMENT_MEDIAN = "median"  # (median score ÷ 3) × max
JUDGEMENT_METHODS = (JUDGEMENT_SUM, JUDGEMENT_MEDIAN)
DEFAULT_JUDGEMENT_TOLERANCE = 1  # scores further apart than this are flagged for moderation

# --- Standardisation (WorldSkills scale) ---------------------------------------------------------

SCALE_CENTRE = Decimal("700")
SCALE_SPREAD = Decimal("100")
MAD_TO_SD = Decimal("1.4826")  # makes the MAD a consistent estimate of the sd for normal data

# --- Promotion -----------------------------------------------------------------------------------

PROMOTION_NONE = "none"
PROMOTION_TO_LEVEL = "to_level"  # e.g. 优胜奖 and above → 技师; already at/above it → one level up
PROMOTION_PLUS_ONE = "plus_one"  # one level up from the current level
PROMOTIONS = (PROMOTION_NONE, PROMOTION_TO_LEVEL, PROMOTION_PLUS_ONE)
# Competition promotion (以赛代评) reaches at most 高级技师: 特级/首席技师 are posts filled by 评聘.
PROMOTION_CEILING = int(SkillLevel.SENIOR_TECHNICIAN)

# --- Messages (module constants so tests import them) -------------------------------------------

ERR_AGE_BELOW = _("参赛年龄不符：截至比赛日（{day}）为 {age} 周岁，本赛项要求不小于 {limit} 周岁。")
ERR_AGE_ABOVE = _("参赛年龄不符：截至比赛日（{day}）为 {age} 周岁，本赛项要求不大于 {limit} 周岁。")
ERR_LEVEL_BELOW = _("技能等级不符：当前等级为“{level}”，本赛项要求不低于“{limit}”。")
ERR_LEVEL_ABOVE = _("技能等级不符：当前等级为“{level}”，本赛项要求不高于“{limit}”。")
ERR_LEVEL_MISSING = _("技能等级不符：登记库中没有有效的等级证书，本赛项要求不低于“{limit}”。")
ERR_MEASUREMENT_RANGE = _("“{aspect}”的得分应在 0 至 {max} 分之间，收到 {value}。")
ERR_JUDGEMENT_RANGE = _("“{aspect}”为评价分，每位裁判只能打 0、1、2、3 分，收到 {value}。")
ERR_WEIGHTS = _("理论与实操权重之和应为 100，现为 {total}。")


class CompetitionRuleError(ValueError):
    """A value broke a competition rule; ``message`` is what a user reads, ``field`` what it is about."""

    def __init__(self, message: object, field: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def quantize(value: Decimal | int | float | str) -> Decimal:
    return Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# =================================================================================================
# Marks and totals
# =================================================================================================


def check_measurement(value: Decimal, max_mark: Decimal, *, aspect: str = "") -> Decimal:
    """A measurement mark must lie in [0, max]."""
    value = Decimal(value)
    if value < 0 or value > Decimal(max_mark):
        raise CompetitionRuleError(ERR_MEASUREMENT_RANGE.format(aspect=aspect, max=max_mark, value=value))
    return value


def check_judgement(value: Decimal | int, *, aspect: str = "") -> int:
    """A judgement score is an integer 0–3."""
    number = Decimal(value)
    if number != number.to_integral_value() or not 0 <= number <= JUDGEMENT_MAX_SCORE:
        raise CompetitionRuleError(ERR_JUDGEMENT_RANGE.format(aspect=aspect, value=value))
    return int(number)


def judgement_mark(scores: Sequence[int], max_mark: Decimal, method: str = JUDGEMENT_SUM) -> Decimal:
    """Convert the judges' 0–3 scores of one aspect to marks.

    ``sum`` (the default, DOMAIN.md §7): (sum ÷ (3 × number of judges)) × max, which for the usual
    three judges is (sum ÷ 9) × max. ``median``: (median ÷ 3) × max. No scores → 0.
    """
    if not scores:
        return ZERO
    max_mark = Decimal(max_mark)
    if method == JUDGEMENT_MEDIAN:
        ordered = sorted(scores)
        middle = len(ordered) // 2
        median = (
            Decimal(ordered[middle])
            if len(ordered) % 2
            else (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2
        )
        return quantize(median / JUDGEMENT_MAX_SCORE * max_mark)
    return quantize(Decimal(sum(scores)) / (JUDGEMENT_MAX_SCORE * len(scores)) * max_mark)


def judgement_disagrees(scores: Sequence[int], tolerance: int = DEFAULT_JUDGEMENT_TOLERANCE) -> bool:
    """True when two judges' scores of one aspect differ by more than ``tolerance`` points."""
    return len(scores) > 1 and max(scores) - min(scores) > tolerance


def measurement_mark(values: Sequence[Decimal]) -> Decimal:
    """A measurement aspect marked by more than one judge counts the mean; usually there is one."""
    if not values:
        return ZERO
    return quantize(sum((Decimal(v) for v in values), ZERO) / len(values))


def percent(marks: Decimal, max_marks: Decimal) -> Decimal:
    """Marks as a percentage of the scheme's maximum (0 when the scheme has no marks)."""
    if not max_marks:
        return ZERO
    return quantize(Decimal(marks) / Decimal(max_marks) * HUNDRED)


def check_weights(theory_weight: Decimal, practical_weight: Decimal) -> None:
    total = Decimal(theory_weight) + Decimal(practical_weight)
    if total != HUNDRED:
        raise CompetitionRuleError(ERR_WEIGHTS.format(total=total), "practical_weight")


def weighted_total(
    *, theory: Decimal | None, practical: Decimal | None, theory_weight: Decimal, practical_weight: Decimal
) -> Decimal:
    """Total on 100: theory and practical (each out of 100) weighted by percentages summing to 100.

    A missing component counts as 0, so an entrant absent from the theory test is still ranked.
    """
    theory_part = Decimal(theory or 0) * Decimal(theory_weight)
    practical_part = Decimal(practical or 0) * Decimal(practical_weight)
    return quantize((theory_part + practical_part) / HUNDRED)


# =================================================================================================
# Ranking
# =================================================================================================


@dataclass(frozen=True)
class Performance:
    """One entrant's result in a ranking pool (a heat, a stage, an event)."""

    key: Hashable
    total: Decimal
    practical: Decimal = ZERO
    theory: Decimal = ZERO
    time_seconds: int | None = None


def _sort_key(performance: Performance, tie_breaks: Sequence[str]) -> tuple[object, ...]:
    parts: list[object] = [-Decimal(performance.total)]
    for rule in tie_breaks:
        if rule == TIE_PRACTICAL:
            parts.append(-Decimal(performance.practical))
        elif rule == TIE_THEORY:
            parts.append(-Decimal(performance.theory))
        elif rule == TIE_TIME:
            # No recorded time ranks behind any recorded time (math.inf sorts last).
            parts.append(math.inf if performance.time_seconds is None else performance.time_seconds)
        else:
            raise ValueError(f"unknown tie-break {rule!r}")
    return tuple(parts)


def rank(performances: Iterable[Performance], tie_breaks: Sequence[str] = DEFAULT_TIE_BREAKS) -> dict[Hashable, int]:
    """Competition ranking ("1224"): higher total first, then the tie-breaks in order.

    Entrants still equal after every tie-break share a rank and the next rank is skipped: the
    rank is 1 + the number of entrants strictly better.
    """
    items = list(performances)
    keyed = sorted(((_sort_key(p, tie_breaks), p.key) for p in items), key=lambda pair: pair[0])
    ranks: dict[Hashable, int] = {}
    previous: tuple[object, ...] | None = None
    current_rank = 0
    for position, (sort_key, key) in enumerate(keyed, start=1):
        if sort_key != previous:
            current_rank = position
            previous = sort_key
        ranks[key] = current_rank
    if len(ranks) != len(items):
        raise ValueError("performance keys must be unique")
    return ranks


def select_top(ranks: Mapping[Hashable, int], count: int) -> set[Hashable]:
    """Those ranked in the top ``count`` (advancement). Ties at the boundary all advance."""
    return {key for key, position in ranks.items() if position <= count}


# =================================================================================================
# Standardisation to the WorldSkills scale
# =================================================================================================


def _median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def standardize(raw_scores: Mapping[Hashable, Decimal]) -> dict[Hashable, Decimal]:
    """Put one event's raw totals on the 700-point scale. NOT the official CIS formula.

    The CIS formula is not public (DOMAIN.md §7). We use a robust z-score about the median::

        scale = 700 + 100 × (raw − median) / (1.4826 × MAD)

    where MAD is the median absolute deviation from the median; 1.4826 × MAD estimates the
    standard deviation for normally spread marks, so about two thirds of the field falls
    between 600 and 800, as the published scale does. When more than half the field has the
    same mark (MAD = 0) the population standard deviation is used instead, and when every mark
    is equal everyone gets 700. Results are rounded half-to-even to whole points, which keeps
    the median at exactly 700 (the two middle marks of an even field are symmetric about it).
    """
    if not raw_scores:
        return {}
    values = [Decimal(v) for v in raw_scores.values()]
    centre = _median(values)
    spread = MAD_TO_SD * _median([abs(v - centre) for v in values])
    if spread == 0:
        mean = sum(values, ZERO) / len(values)
        spread = (sum(((v - mean) ** 2 for v in values), ZERO) / len(values)).sqrt()
    if spread == 0:
        return dict.fromkeys(raw_scores, SCALE_CENTRE)
    return {
        key: (SCALE_CENTRE + SCALE_SPREAD * (Decimal(raw) - centre) / spread).quantize(
            Decimal("1"), rounding=ROUND_HALF_EVEN
        )
        for key, raw in raw_scores.items()
    }


# =================================================================================================
# Medals
# =================================================================================================


@dataclass(frozen=True)
class MedalPolicy:
    """How one event awards medals.

    * ``national`` — 全国技能大赛 rules (DOMAIN.md §6.2): gold/silver/bronze to ranks 1/2/3;
      优胜奖 to those ranked after the medals within the top ``excellence_fraction`` of entrants.
      "排名在参赛人数二分之一以上" is read as inclusive (rank ≤ N/2) by default; set
      ``excellence_inclusive`` False for strictly above half.
    * ``worldskills`` — gold/silver/bronze to ranks 1/2/3; Medallion for Excellence to every
      entrant without a medal whose scale score is ≥ 700.
    * ``fixed_counts`` — the quotas are counts: e.g. 2 gold, 4 silver, 6 bronze, 10 优胜奖.
    * ``fixed_shares`` — the quotas are shares of the entrants, rounded down: 0.1 → 10 %.
    """

    kind: str = POLICY_NATIONAL
    excellence_fraction: Decimal = Decimal("0.5")
    excellence_inclusive: bool = True
    gold: Decimal = Decimal(1)
    silver: Decimal = Decimal(1)
    bronze: Decimal = Decimal(1)
    excellence: Decimal = ZERO

    def counts(self, entrants: int) -> tuple[int, int, int, int | None]:
        """(gold, silver, bronze, excellence) places for ``entrants``; None = by rule, not count."""
        if self.kind == POLICY_FIXED_SHARES:

            def places(share: Decimal) -> int:
                return int(math.floor(Decimal(share) * entrants))

            return places(self.gold), places(self.silver), places(self.bronze), places(self.excellence)
        if self.kind == POLICY_FIXED_COUNTS:
            return int(self.gold), int(self.silver), int(self.bronze), int(self.excellence)
        return 1, 1, 1, None


def allocate_medals(
    ranks: Mapping[Hashable, int],
    policy: MedalPolicy,
    scale_scores: Mapping[Hashable, Decimal] | None = None,
) -> dict[Hashable, str]:
    """Medal for each ranked entrant (``""`` for none).

    Medals go by rank band: with G gold places an entrant ranked ≤ G gets gold, so a tie at the
    edge of a band gives everyone in it the better medal and the ranks it used up are skipped
    (two golds → no silver). This is the only way a policy's count is exceeded.

    优胜奖 under national rules is capped hard at the share of entrants: a group tied across the
    cut-off would push the count past the half, so the whole group is left out. The
    Medallion for Excellence needs ``scale_scores`` (see :func:`standardize`).
    """
    entrants = len(ranks)
    gold, silver, bronze, excellence = policy.counts(entrants)
    bands = ((GOLD, gold), (SILVER, gold + silver), (BRONZE, gold + silver + bronze))
    group_size = Counter(ranks.values())
    medals: dict[Hashable, str] = {}
    for key, position in ranks.items():
        medal = NO_MEDAL
        for name, upper in bands:
            if position <= upper:
                medal = name
                break
        if medal == NO_MEDAL:
            medal = _excellence(
                position=position,
                last_position=position + group_size[position] - 1,
                entrants=entrants,
                medal_places=gold + silver + bronze,
                excellence_places=excellence,
                policy=policy,
                scale=(scale_scores or {}).get(key),
            )
        medals[key] = medal
    return medals


def _excellence(
    *,
    position: int,
    last_position: int,
    entrants: int,
    medal_places: int,
    excellence_places: int | None,
    policy: MedalPolicy,
    scale: Decimal | None,
) -> str:
    if policy.kind == POLICY_WORLDSKILLS:
        return EXCELLENCE if scale is not None and scale >= SCALE_CENTRE else NO_MEDAL
    if policy.kind == POLICY_NATIONAL:
        cut_off = Decimal(entrants) * Decimal(policy.excellence_fraction)
        inside = last_position <= cut_off if policy.excellence_inclusive else last_position < cut_off
        return EXCELLENCE if inside else NO_MEDAL
    # fixed counts / shares: the next ``excellence_places`` places, ties at the edge included.
    if excellence_places and position <= medal_places + excellence_places:
        return EXCELLENCE
    return NO_MEDAL


def excellence_limit(entrants: int, policy: MedalPolicy) -> int:
    """The most 优胜奖 national rules can give (what the property tests check)."""
    cut_off = Decimal(entrants) * Decimal(policy.excellence_fraction)
    whole = int(math.floor(cut_off))
    if not policy.excellence_inclusive and Decimal(whole) == cut_off:
        whole -= 1
    return max(whole, 0)


# =================================================================================================
# Medal tables
# =================================================================================================


@dataclass
class MedalTableRow:
    key: Hashable
    label: str = ""
    gold: int = 0
    silver: int = 0
    bronze: int = 0
    excellence: int = 0
    position: int = 0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def medals(self) -> int:
        return self.gold + self.silver + self.bronze

    @property
    def points(self) -> int:
        return (
            self.gold * MEDAL_POINTS[GOLD]
            + self.silver * MEDAL_POINTS[SILVER]
            + self.bronze * MEDAL_POINTS[BRONZE]
            + self.excellence * MEDAL_POINTS[EXCELLENCE]
        )


BY_MEDALS = "medals"  # gold, then silver, then bronze (then 优胜奖)
BY_POINTS = "points"  # medal points 4/3/2/1, then gold, silver, bronze


DelegationKey = TypeVar("DelegationKey", bound=Hashable)


def medal_table(
    awards: Iterable[tuple[DelegationKey, str]],
    *,
    order: str = BY_MEDALS,
    labels: Mapping[DelegationKey, str] | None = None,
    include: Iterable[DelegationKey] = (),
) -> list[MedalTableRow]:
    """Count medals per delegation and order the table.

    ``awards`` are (delegation key, medal) pairs, one per medal-winning entry (a team's medal
    counts once). ``include`` lists delegations to show even with nothing won. Rows equal on
    every count share a position, as in ranking.
    """
    labels = labels or {}
    rows: dict[DelegationKey, MedalTableRow] = {}
    for key in include:
        rows.setdefault(key, MedalTableRow(key=key, label=str(labels.get(key, key))))
    for key, medal in awards:
        row = rows.setdefault(key, MedalTableRow(key=key, label=str(labels.get(key, key))))
        if medal in MEDAL_POINTS and medal != NO_MEDAL:
            setattr(row, medal, getattr(row, medal) + 1)

    def counts(row: MedalTableRow) -> tuple[int, ...]:
        if order == BY_POINTS:
            return (-row.points, -row.gold, -row.silver, -row.bronze, -row.excellence)
        return (-row.gold, -row.silver, -row.bronze, -row.excellence)

    ordered = sorted(rows.values(), key=lambda row: (counts(row), row.label))
    previous: tuple[int, ...] | None = None
    for index, row in enumerate(ordered, start=1):
        if counts(row) != previous:
            row.position = index
            previous = counts(row)
        else:
            row.position = ordered[index - 2].position
    return ordered


# =================================================================================================
# Rewards (以赛代评) and eligibility
# =================================================================================================


@dataclass(frozen=True)
class RewardBand:
    """Who a reward rule applies to: a rank band, a medal or better, and optionally a team size."""

    rank_from: int | None = None
    rank_to: int | None = None
    min_medal: str = NO_MEDAL
    team_size: int | None = None

    def matches(self, *, position: int | None, medal: str, team_size: int = 1) -> bool:
        if self.team_size is not None and team_size != self.team_size:
            return False
        if self.min_medal and (not medal or MEDAL_RANK[medal] > MEDAL_RANK[self.min_medal]):
            return False
        if self.rank_from is not None or self.rank_to is not None:
            if position is None:
                return False
            if self.rank_from is not None and position < self.rank_from:
                return False
            if self.rank_to is not None and position > self.rank_to:
                return False
        return bool(self.min_medal or self.rank_from is not None or self.rank_to is not None)


def promoted_level(
    current: int | None, *, mode: str, target: int | None = None, cap: int | None = None
) -> int | None:
    """The level a reward promotes a person to, or None when it promotes them to nothing new.

    ``to_level``: to ``target``; a person already at or above it goes one level up instead
    (优胜奖 → 技师; existing 技师 → 高级技师). ``plus_one``: one level up (no level → 初级工).
    The result never passes ``cap`` nor 高级技师 (特级/首席技师 are appointed posts).
    """
    if mode == PROMOTION_NONE:
        return None
    if mode == PROMOTION_TO_LEVEL:
        if target is None:
            raise ValueError("to_level needs a target level")
        new = int(target) if current is None or current < int(target) else int(current) + 1
    elif mode == PROMOTION_PLUS_ONE:
        new = int(SkillLevel.JUNIOR) if current is None else int(current) + 1
    else:
        raise ValueError(f"unknown promotion mode {mode!r}")
    ceiling = min(int(cap), PROMOTION_CEILING) if cap is not None else PROMOTION_CEILING
    new = min(new, ceiling)
    if current is not None and new <= current:
        return None
    return new


def eligibility_refusals(
    *,
    birth_date: dt.date,
    competition_day: dt.date,
    level: int | None,
    min_age: int | None,
    max_age: int | None,
    min_level: int | None,
    max_level: int | None,
) -> dict[str, str]:
    """Why a person may not enter an event (field → message); empty when they may."""
    refusals: dict[str, str] = {}
    age = age_on(birth_date, competition_day)
    day = competition_day.isoformat()
    if min_age is not None and age < min_age:
        refusals["age"] = str(ERR_AGE_BELOW.format(day=day, age=age, limit=min_age))
    elif max_age is not None and age > max_age:
        refusals["age"] = str(ERR_AGE_ABOVE.format(day=day, age=age, limit=max_age))
    if min_level is not None and min_level > 0:
        if level is None:
            refusals["level"] = str(ERR_LEVEL_MISSING.format(limit=SkillLevel(min_level).label))
        elif level < min_level:
            refusals["level"] = str(
                ERR_LEVEL_BELOW.format(level=SkillLevel(level).label, limit=SkillLevel(min_level).label)
            )
    if max_level is not None and level is not None and level > max_level:
        refusals["level"] = str(
            ERR_LEVEL_ABOVE.format(level=SkillLevel(level).label, limit=SkillLevel(max_level).label)
        )
    return refusals


def conflicts(
    *,
    judge_organization_ids: Iterable[int],
    judge_delegation_id: int | None,
    entry_organization_ids: Iterable[int],
    entry_delegation_id: int | None,
) -> bool:
    """A judge may not mark an entry from their own organisation or delegation."""
    if judge_delegation_id is not None and judge_delegation_id == entry_delegation_id:
        return True
    return bool(set(judge_organization_ids) & set(entry_organization_ids))


def group_by(pairs: Iterable[tuple[Hashable, Hashable]]) -> dict[Hashable, list[Hashable]]:
    grouped: dict[Hashable, list[Hashable]] = defaultdict(list)
    for group, key in pairs:
        grouped[group].append(key)
    return dict(grouped)
