"""Pure competition rules: marks, ranking, standardisation, medals, tables, rewards (hypothesis)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongjiang.catalog.levels import SkillLevel
from gongjiang.competitions import rules
from gongjiang.competitions.rules import (
    BRONZE,
    EXCELLENCE,
    GOLD,
    NO_MEDAL,
    SILVER,
    MedalPolicy,
    Performance,
    RewardBand,
)

scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
coarse_scores = st.integers(min_value=0, max_value=6).map(lambda n: Decimal(n) * 10)


@st.composite
def fields(draw, min_size=1, max_size=40, score=scores):
    size = draw(st.integers(min_value=min_size, max_value=max_size))
    return [
        Performance(
            key=index,
            total=draw(score),
            practical=draw(score),
            theory=draw(score),
            time_seconds=draw(st.one_of(st.none(), st.integers(min_value=60, max_value=64))),
        )
        for index in range(size)
    ]


# --- marks ---------------------------------------------------------------------------------------


def test_judgement_mark_is_sum_over_nine_times_max_for_three_judges():
    assert rules.judgement_mark([3, 2, 2], Decimal("4.5")) == Decimal("3.50")
    assert rules.judgement_mark([3, 3, 3], Decimal("2")) == Decimal("2.00")
    assert rules.judgement_mark([], Decimal("2")) == Decimal("0")


def test_judgement_mark_median_method():
    assert rules.judgement_mark([0, 3, 3], Decimal("3"), rules.JUDGEMENT_MEDIAN) == Decimal("3.00")


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=5),
       st.decimals(min_value=Decimal("0.5"), max_value=20, places=1))
def test_judgement_mark_stays_within_zero_and_max(scores_, maximum):
    mark = rules.judgement_mark(scores_, maximum)
    assert 0 <= mark <= maximum
    if all(s == 3 for s in scores_):
        assert mark == rules.quantize(maximum)


def test_disagreement_flags_differences_above_one_point():
    assert rules.judgement_disagrees([1, 3, 2]) is True
    assert rules.judgement_disagrees([1, 2, 2]) is False
    assert rules.judgement_disagrees([3]) is False
    assert rules.judgement_disagrees([0, 2], tolerance=2) is False


def test_range_checks_refuse_out_of_range_values():
    with pytest.raises(rules.CompetitionRuleError):
        rules.check_measurement(Decimal("5.5"), Decimal("5"))
    with pytest.raises(rules.CompetitionRuleError):
        rules.check_judgement(4)
    with pytest.raises(rules.CompetitionRuleError):
        rules.check_judgement(Decimal("1.5"))
    assert rules.check_judgement(Decimal("2")) == 2


def test_weighted_total_uses_percent_weights():
    total = rules.weighted_total(theory=Decimal("80"), practical=Decimal("90"),
                                 theory_weight=Decimal("30"), practical_weight=Decimal("70"))
    assert total == Decimal("87.00")
    with pytest.raises(rules.CompetitionRuleError):
        rules.check_weights(Decimal("30"), Decimal("60"))


@given(scores, scores, st.integers(min_value=0, max_value=100))
def test_weighted_total_lies_between_components(theory, practical, weight):
    total = rules.weighted_total(theory=theory, practical=practical,
                                 theory_weight=Decimal(weight), practical_weight=Decimal(100 - weight))
    assert min(theory, practical) - Decimal("0.01") <= total <= max(theory, practical) + Decimal("0.01")


# --- ranking -------------------------------------------------------------------------------------


def test_tie_breaks_default_to_practical_then_time_then_shared_rank():
    field = [
        Performance("a", Decimal("90"), practical=Decimal("80"), time_seconds=100),
        Performance("b", Decimal("90"), practical=Decimal("85"), time_seconds=200),
        Performance("c", Decimal("90"), practical=Decimal("80"), time_seconds=90),
        Performance("d", Decimal("90"), practical=Decimal("80"), time_seconds=90),
        Performance("e", Decimal("70")),
    ]
    assert rules.rank(field) == {"b": 1, "c": 2, "d": 2, "a": 4, "e": 5}


def test_missing_time_ranks_behind_recorded_time():
    field = [Performance("a", Decimal("9"), time_seconds=None), Performance("b", Decimal("9"), time_seconds=500)]
    assert rules.rank(field, [rules.TIE_TIME]) == {"b": 1, "a": 2}


def test_without_tie_breaks_equal_totals_share_rank():
    field = [Performance("a", Decimal("9"), practical=Decimal(1)), Performance("b", Decimal("9"))]
    assert rules.rank(field, []) == {"a": 1, "b": 1}


@given(fields(), st.permutations(list(rules.TIE_BREAKS)), st.integers(min_value=0, max_value=3))
def test_every_entrant_ranked_once_and_ranks_are_competition_ranks(field, order, how_many):
    tie_breaks = order[:how_many]
    ranks = rules.rank(field, tie_breaks)
    assert sorted(ranks) == [p.key for p in field]
    counts = Counter(ranks.values())
    for position, size in counts.items():
        # a shared rank r held by k entrants means exactly r-1 entrants are ahead of them
        assert sum(c for p, c in counts.items() if p < position) == position - 1
        assert size >= 1
    assert min(ranks.values()) == 1


@given(fields())
def test_higher_total_never_ranks_behind_lower_total(field):
    ranks = rules.rank(field)
    for a in field:
        for b in field:
            if a.total > b.total:
                assert ranks[a.key] < ranks[b.key]


@given(fields())
def test_ranking_does_not_depend_on_input_order(field):
    assert rules.rank(field) == rules.rank(list(reversed(field)))


def test_select_top_keeps_boundary_ties():
    assert rules.select_top({"a": 1, "b": 2, "c": 2, "d": 4}, 2) == {"a", "b", "c"}


# --- standardisation -----------------------------------------------------------------------------


def test_standardisation_puts_median_at_700_and_mad_at_100():
    raw = {k: Decimal(v) for k, v in zip("abcde", [50, 60, 70, 80, 90], strict=True)}
    scaled = rules.standardize(raw)
    # median 70, MAD 10 → spread 14.826; 80 → 700 + 100×10/14.826 = 767.45 → 767
    assert scaled == {"a": Decimal(565), "b": Decimal(633), "c": Decimal(700), "d": Decimal(767), "e": Decimal(835)}


def test_standardisation_of_equal_marks_gives_700():
    assert rules.standardize({"a": Decimal(5), "b": Decimal(5)}) == {"a": 700, "b": 700}
    assert rules.standardize({}) == {}


def test_standardisation_falls_back_to_sd_when_mad_is_zero():
    scaled = rules.standardize({"a": Decimal(5), "b": Decimal(5), "c": Decimal(5), "d": Decimal(9)})
    assert scaled["a"] == 700 and scaled["d"] > 700


@given(st.lists(scores, min_size=1, max_size=40))
def test_standardised_median_is_700_and_order_is_kept(values):
    raw = dict(enumerate(values))
    scaled = rules.standardize(raw)
    ordered = sorted(scaled.values())
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    assert median == 700
    for a in raw:
        for b in raw:
            if raw[a] > raw[b]:
                assert scaled[a] >= scaled[b]


# --- medals --------------------------------------------------------------------------------------


def test_national_rules_top_three_and_excellence_within_half():
    ranks = {k: i for i, k in enumerate("abcdefghij", start=1)}  # 10 entrants
    medals = rules.allocate_medals(ranks, MedalPolicy())
    assert [medals[k] for k in "abcdefghij"] == [GOLD, SILVER, BRONZE] + [EXCELLENCE] * 2 + [NO_MEDAL] * 5


def test_national_exclusive_half_excludes_rank_equal_to_half():
    ranks = {k: i for i, k in enumerate("abcdefghij", start=1)}
    medals = rules.allocate_medals(ranks, MedalPolicy(excellence_inclusive=False))
    assert medals["d"] == EXCELLENCE and medals["e"] == NO_MEDAL


def test_tied_golds_take_the_silver_place():
    medals = rules.allocate_medals({"a": 1, "b": 1, "c": 3, "d": 4}, MedalPolicy())
    assert medals == {"a": GOLD, "b": GOLD, "c": BRONZE, "d": NO_MEDAL}


def test_group_tied_across_the_half_gets_no_excellence():
    ranks = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 4, "f": 4, "g": 7, "h": 8}  # half = 4; d–f end at 6
    medals = rules.allocate_medals(ranks, MedalPolicy())
    assert [medals[k] for k in "defgh"] == [NO_MEDAL] * 5


def test_worldskills_medallion_for_700_and_above_without_medal():
    ranks = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}
    scale = {"a": Decimal(760), "b": Decimal(740), "c": Decimal(720), "d": Decimal(700), "e": Decimal(650)}
    medals = rules.allocate_medals(ranks, MedalPolicy(kind=rules.POLICY_WORLDSKILLS), scale)
    assert medals == {"a": GOLD, "b": SILVER, "c": BRONZE, "d": EXCELLENCE, "e": NO_MEDAL}


def test_fixed_counts_and_shares():
    ranks = {i: i for i in range(1, 21)}
    counts = MedalPolicy(kind=rules.POLICY_FIXED_COUNTS, gold=Decimal(2), silver=Decimal(3),
                         bronze=Decimal(4), excellence=Decimal(5))
    tally = Counter(rules.allocate_medals(ranks, counts).values())
    assert (tally[GOLD], tally[SILVER], tally[BRONZE], tally[EXCELLENCE]) == (2, 3, 4, 5)
    shares = MedalPolicy(kind=rules.POLICY_FIXED_SHARES, gold=Decimal("0.1"), silver=Decimal("0.15"),
                         bronze=Decimal("0.2"), excellence=Decimal("0.25"))
    tally = Counter(rules.allocate_medals(ranks, shares).values())
    assert (tally[GOLD], tally[SILVER], tally[BRONZE], tally[EXCELLENCE]) == (2, 3, 4, 5)


policies = st.one_of(
    st.builds(MedalPolicy, kind=st.just(rules.POLICY_NATIONAL),
              excellence_fraction=st.sampled_from([Decimal("0.5"), Decimal("0.6"), Decimal("0.3")]),
              excellence_inclusive=st.booleans()),
    st.builds(MedalPolicy, kind=st.just(rules.POLICY_FIXED_COUNTS),
              gold=st.integers(0, 3).map(Decimal), silver=st.integers(0, 3).map(Decimal),
              bronze=st.integers(0, 3).map(Decimal), excellence=st.integers(0, 5).map(Decimal)),
)


@settings(max_examples=300)
@given(fields(score=coarse_scores), policies)
def test_medal_counts_never_exceed_policy_except_on_ties(field, policy):
    ranks = rules.rank(field, [])
    medals = rules.allocate_medals(ranks, policy)
    assert set(medals) == set(ranks)
    gold, silver, bronze, _excellence = policy.counts(len(ranks))
    limits = {GOLD: gold, SILVER: gold + silver, BRONZE: gold + silver + bronze}
    for medal, upper in limits.items():
        winners = [k for k, m in medals.items() if m == medal]
        if len(winners) > upper:
            # only possible when the last band position is shared
            assert len({ranks[k] for k in winners}) < len(winners)
        for key in winners:
            assert ranks[key] <= upper
    # a better rank never gets a worse medal
    for a in ranks:
        for b in ranks:
            if ranks[a] < ranks[b]:
                assert rules.MEDAL_RANK[medals[a]] <= rules.MEDAL_RANK[medals[b]]


@settings(max_examples=300)
@given(fields(score=coarse_scores, max_size=60),
       st.sampled_from([Decimal("0.5"), Decimal("0.4")]), st.booleans())
def test_excellence_never_exceeds_the_half(field, fraction, inclusive):
    policy = MedalPolicy(excellence_fraction=fraction, excellence_inclusive=inclusive)
    ranks = rules.rank(field, [])
    medals = rules.allocate_medals(ranks, policy)
    excellence = [k for k, m in medals.items() if m == EXCELLENCE]
    assert len(excellence) <= rules.excellence_limit(len(ranks), policy)
    assert all(ranks[k] > 3 for k in excellence)


# --- medal tables --------------------------------------------------------------------------------


def test_medal_table_orders_by_gold_then_silver_then_bronze():
    awards = [("越城", GOLD), ("越城", BRONZE), ("柯桥", GOLD), ("柯桥", SILVER), ("上虞", SILVER),
              ("上虞", SILVER), ("上虞", SILVER), ("上虞", EXCELLENCE)]
    table = rules.medal_table(awards, include=["诸暨"])
    assert [row.key for row in table] == ["柯桥", "越城", "上虞", "诸暨"]
    assert [row.position for row in table] == [1, 2, 3, 4]
    by_points = rules.medal_table(awards, order=rules.BY_POINTS)
    assert [(row.key, row.points) for row in by_points] == [("上虞", 10), ("柯桥", 7), ("越城", 6)]


def test_medal_table_equal_rows_share_position():
    table = rules.medal_table([("a", GOLD), ("b", GOLD), ("c", SILVER)])
    assert [row.position for row in table] == [1, 1, 3]


@given(st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from([GOLD, SILVER, BRONZE, EXCELLENCE]))))
def test_medal_table_counts_every_award_once(awards):
    table = rules.medal_table(awards)
    assert sum(r.gold + r.silver + r.bronze + r.excellence for r in table) == len(awards)
    keys = [(-r.gold, -r.silver, -r.bronze, -r.excellence) for r in table]
    assert keys == sorted(keys)


# --- rewards -------------------------------------------------------------------------------------


def test_promotion_to_technician_and_existing_technician_one_level_up():
    tech = int(SkillLevel.TECHNICIAN)
    assert rules.promoted_level(int(SkillLevel.SENIOR), mode=rules.PROMOTION_TO_LEVEL, target=tech) == tech
    assert rules.promoted_level(None, mode=rules.PROMOTION_TO_LEVEL, target=tech) == tech
    assert rules.promoted_level(tech, mode=rules.PROMOTION_TO_LEVEL, target=tech) == SkillLevel.SENIOR_TECHNICIAN
    assert rules.promoted_level(int(SkillLevel.SENIOR_TECHNICIAN), mode=rules.PROMOTION_TO_LEVEL,
                                target=tech) is None
    assert rules.promoted_level(tech, mode=rules.PROMOTION_TO_LEVEL, target=tech, cap=tech) is None
    assert rules.promoted_level(None, mode=rules.PROMOTION_PLUS_ONE) == SkillLevel.JUNIOR
    assert rules.promoted_level(3, mode=rules.PROMOTION_NONE) is None


@given(st.one_of(st.none(), st.integers(0, 7)), st.sampled_from([rules.PROMOTION_TO_LEVEL, rules.PROMOTION_PLUS_ONE]),
       st.integers(1, 5), st.one_of(st.none(), st.integers(1, 7)))
def test_promotion_only_goes_up_and_never_past_the_cap(current, mode, target, cap):
    new = rules.promoted_level(current, mode=mode, target=target, cap=cap)
    if new is not None:
        assert current is None or new > current
        assert new <= rules.PROMOTION_CEILING
        if cap is not None:
            assert new <= cap


def test_reward_bands_by_rank_medal_and_team_size():
    top5 = RewardBand(rank_from=1, rank_to=5)
    assert top5.matches(position=5, medal=NO_MEDAL) and not top5.matches(position=6, medal=EXCELLENCE)
    excellence_up = RewardBand(min_medal=EXCELLENCE)
    assert excellence_up.matches(position=9, medal=EXCELLENCE)
    assert excellence_up.matches(position=1, medal=GOLD)
    assert not excellence_up.matches(position=9, medal=NO_MEDAL)
    pairs = RewardBand(rank_from=1, rank_to=3, team_size=2)
    assert pairs.matches(position=3, medal=BRONZE, team_size=2) and not pairs.matches(position=3, medal=BRONZE)
    assert not RewardBand().matches(position=1, medal=GOLD)
    assert RewardBand(min_medal=SILVER).matches(position=1, medal=GOLD)


# --- eligibility and conflicts -------------------------------------------------------------------


def test_age_is_taken_on_the_competition_day():
    day = dt.date(2025, 6, 1)
    refusals = rules.eligibility_refusals(birth_date=dt.date(2009, 6, 2), competition_day=day, level=None,
                                          min_age=16, max_age=None, min_level=None, max_level=None)
    assert refusals == {"age": str(rules.ERR_AGE_BELOW.format(day="2025-06-01", age=15, limit=16))}
    assert rules.eligibility_refusals(birth_date=dt.date(2009, 6, 1), competition_day=day, level=None,
                                      min_age=16, max_age=None, min_level=None, max_level=None) == {}


def test_level_limits():
    common = {"birth_date": dt.date(1990, 1, 1), "competition_day": dt.date(2025, 6, 1), "min_age": None,
              "max_age": None}
    assert "level" in rules.eligibility_refusals(level=None, min_level=3, max_level=None, **common)
    assert "level" in rules.eligibility_refusals(level=2, min_level=3, max_level=None, **common)
    assert "level" in rules.eligibility_refusals(level=5, min_level=None, max_level=4, **common)
    assert rules.eligibility_refusals(level=4, min_level=3, max_level=4, **common) == {}


def test_conflict_of_interest():
    assert rules.conflicts(judge_organization_ids=[1], judge_delegation_id=None,
                           entry_organization_ids=[1, 2], entry_delegation_id=9)
    assert rules.conflicts(judge_organization_ids=[5], judge_delegation_id=9,
                           entry_organization_ids=[1], entry_delegation_id=9)
    assert not rules.conflicts(judge_organization_ids=[5], judge_delegation_id=8,
                               entry_organization_ids=[1], entry_delegation_id=9)
