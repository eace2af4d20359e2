"""Pure rules of skill evaluation (职业技能等级认定). No database access.

* the eligibility engine: a rule set (申报条件, data per occupation standard, DOMAIN.md §2) is a
  list of alternatives per national grade; an alternative is met when every condition it names
  holds; the engine says, in Chinese, which alternative is met or what is missing;
* the batch state machine;
* scoring: required components, pass marks, combining practical scores, evaluator ratios,
  conflicts of interest, sampling for re-checks.

Periods: "N 年（含）以上" (2018 template) and "满 N 年" (relaxed template) both mean that the
anniversary date has been reached: someone who started on 2020-03-15 has "满 5 年" on 2025-03-15
and not on 2025-03-14. An anniversary of 29 February falls on 28 February in common years.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_noop

TEMPLATE_DIR = Path(__file__).resolve().parent / "data" / "eligibility"

# The national wording, as certificates print it (marked for translation: the pages name the
# levels in the user's language through evaluation.models.GRADE_LABELS).
GRADE_NAMES = {
    5: gettext_noop("五级/初级工"), 4: gettext_noop("四级/中级工"), 3: gettext_noop("三级/高级工"),
    2: gettext_noop("二级/技师"), 1: gettext_noop("一级/高级技师"),
}
GRADE_SHORT = {5: "五级", 4: "四级", 3: "三级", 2: "二级", 1: "一级"}

EDUCATION_LABELS = {
    "junior_high": "初中及以下",
    "high_school": "高中",
    "secondary_vocational": "中专/职高",
    "technical_school": "技工学校",
    "senior_technical_school": "高级技工学校/技师学院",
    "junior_college": "大专/高职",
    "bachelor": "本科",
    "master": "硕士研究生",
    "doctor": "博士研究生",
}
PROGRAM_LABELS = {
    "intermediate_skill": gettext_noop("经评估论证、以中级技能为培养目标的中等及以上职业学校"),
    "senior_skill": gettext_noop("经评估论证、以高级技能为培养目标的高等职业学校"),
    "senior_worker_class": gettext_noop("技工院校高级工班"),
    "preparatory_technician": gettext_noop("技师学院预备技师班/技师班"),
    "evaluated_program": gettext_noop("经评估论证的高等职业学校、专科及以上普通高等学校"),
}
TITLE_ORDER = {"": 0, "none": 0, "junior": 1, "intermediate": 2, "senior": 3}
TITLE_LABELS = {"junior": "初级职称", "intermediate": "中级职称", "senior": "高级职称"}
FLAG_LABELS = {
    "intends_to_work": gettext_noop("拟从事本职业或相关职业工作（承诺）"),
    "preparatory_technician_certificate": gettext_noop("取得预备技师证书"),
    "apprenticeship_completed": gettext_noop("本职业或相关职业学徒期满"),
}

ALTERNATIVE_KEYS = frozenset({
    "key", "label", "prior_grade", "years_after_prior", "years_total", "education_in", "education_related",
    "allow_graduating", "program_in", "title_min", "years_after_title", "apprenticeship_completed", "min_age",
    "flags",
})


# --- Dates ------------------------------------------------------------------------------------

def add_years(day: dt.date, years: float) -> dt.date:
    """``day`` plus a number of years (fractions as whole months); 29 Feb → 28 Feb."""
    months = round(years * 12)
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def years_between(start: dt.date, end: dt.date) -> tuple[int, int, int]:
    """Whole years, months and days from ``start`` to ``end`` (end ≥ start)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_years(start, months / 12) > end:
        months -= 1
    anchor = add_years(start, months / 12)
    return months // 12, months % 12, (end - anchor).days


def format_period(start: dt.date, end: dt.date) -> str:
    """"1 年 3 个月", "2 个月 5 天", "12 天" — the time from start to end, in Chinese."""
    years, months, days = years_between(start, end)
    parts = []
    if years:
        parts.append(f"{years} 年")
    if months:
        parts.append(f"{months} 个月")
    if days or not parts:
        parts.append(f"{days} 天")
    return " ".join(parts)


def format_date(day: dt.date) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日"


def _years_text(years: float) -> str:
    return f"{years:g} 年"


# --- Facts and the engine ---------------------------------------------------------------------

@dataclass(frozen=True)
class PriorCertificate:
    grade: int  # national grade digit 1–5 (1 = 一级/高级技师)
    issued_on: dt.date


@dataclass(frozen=True)
class Facts:
    """What an applicant declares (and the registry knows), as of ``on`` (the reference date)."""

    on: dt.date
    birth_date: dt.date | None = None
    occupation_start: dt.date | None = None  # 开始从事本职业或相关职业工作
    prior_certificates: tuple[PriorCertificate, ...] = ()  # of this or a related occupation
    education: str = ""  # people.Person.Education value: obtained, or being obtained if graduating
    education_related: bool = False  # 本专业或相关专业
    is_graduating: bool = False  # 在校（在读）应届毕业生, certificate not yet obtained
    programs: frozenset[str] = frozenset()  # PROGRAM_LABELS keys
    title_level: str = ""  # "", junior, intermediate, senior (符合专业对应关系的职称)
    title_date: dt.date | None = None
    apprenticeship_completed: bool = False
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AlternativeResult:
    key: str
    label: str
    met: bool
    missing: tuple[str, ...]
    # the earliest date from which the alternative will be met, where only time is lacking
    eligible_from: dt.date | None = None


@dataclass(frozen=True)
class Eligibility:
    grade: int
    eligible: bool
    met: AlternativeResult | None
    alternatives: tuple[AlternativeResult, ...] = field(default_factory=tuple)

    @property
    def explanation(self) -> str:
        """One paragraph in Chinese: the alternative met, or what each alternative still lacks."""
        target = GRADE_NAMES.get(self.grade, str(self.grade))
        if self.met is not None:
            return f"符合申报{target}条件：{self.met.label}。"
        if not self.alternatives:
            return f"该标准未设置{target}的申报条件。"
        lines = [f"不符合申报{target}的条件（满足以下任一项即可）："]
        for index, alternative in enumerate(self.alternatives, start=1):
            lines.append(f"{index}. {alternative.label}——{'；'.join(alternative.missing)}。")
        return "\n".join(lines)

    @property
    def closest(self) -> AlternativeResult | None:
        """The alternative that only lacks time and will be met soonest, if any."""
        timed = [a for a in self.alternatives if a.eligible_from is not None]
        return min(timed, key=lambda a: a.eligible_from or dt.date.max, default=None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "grade": self.grade,
            "eligible": self.eligible,
            "met": self.met.key if self.met else None,
            "explanation": self.explanation,
            "alternatives": [
                {"key": a.key, "label": a.label, "met": a.met, "missing": list(a.missing),
                 "eligible_from": a.eligible_from.isoformat() if a.eligible_from else None}
                for a in self.alternatives
            ],
        }


def _prior_date(facts: Facts, grade: int) -> dt.date | None:
    """The date the applicant first held a certificate at ``grade`` or higher."""
    dates = [c.issued_on for c in facts.prior_certificates if c.grade <= grade]
    return min(dates) if dates else None


def evaluate_alternative(alternative: dict[str, Any], facts: Facts) -> AlternativeResult:
    """Check one alternative: every condition it names must hold."""
    missing: list[str] = []
    waits: list[dt.date] = []
    only_time = True
    on = facts.on

    min_age = alternative.get("min_age")
    if min_age is not None:
        if facts.birth_date is None:
            missing.append("缺少出生日期")
            only_time = False
        else:
            birthday = add_years(facts.birth_date, float(min_age))
            if birthday > on:
                missing.append(f"须年满 {min_age} 周岁（还差 {format_period(on, birthday)}）")
                waits.append(birthday)

    prior_grade = alternative.get("prior_grade")
    prior_date: dt.date | None = None
    if prior_grade is not None:
        prior_date = _prior_date(facts, int(prior_grade))
        if prior_date is None:
            missing.append(f"须取得本职业或相关职业{GRADE_NAMES[int(prior_grade)]}（或更高等级）证书")
            only_time = False
        elif alternative.get("years_after_prior") is not None:
            years = float(alternative["years_after_prior"])
            due = add_years(prior_date, years)
            if due > on:
                missing.append(
                    f"取得{GRADE_SHORT[int(prior_grade)]}证书后还需累计从事本职业工作 {format_period(on, due)}"
                    f"（须满 {_years_text(years)}，{format_date(due)}起可申报）"
                )
                waits.append(due)

    years_total = alternative.get("years_total")
    if years_total is not None:
        if facts.occupation_start is None or facts.occupation_start > on:
            missing.append("须从事本职业或相关职业工作（未填写开始从事本职业工作的日期）")
            only_time = False
        else:
            years = float(years_total)
            due = add_years(facts.occupation_start, years)
            if due > on:
                missing.append(
                    f"还需累计从事本职业工作 {format_period(on, due)}"
                    f"（须满 {_years_text(years)}，{format_date(due)}起可申报）"
                )
                waits.append(due)

    education_in = alternative.get("education_in")
    program_in = alternative.get("program_in")
    graduating_blocked = facts.is_graduating and not alternative.get("allow_graduating", False)
    if education_in and (facts.education not in education_in or graduating_blocked):
        names = "、".join(EDUCATION_LABELS.get(e, e) for e in education_in)
        text = f"须具有{names}{'本专业或相关专业' if alternative.get('education_related') else ''}毕业证书"
        if graduating_blocked and facts.education in education_in:
            text += "（在校应届毕业生不适用此项）"
        missing.append(text)
        only_time = False
    if program_in and (not (set(program_in) & set(facts.programs)) or graduating_blocked):
        names = "、".join(PROGRAM_LABELS.get(p, p) for p in program_in)
        missing.append(f"须具有{names}{'本专业或相关专业' if alternative.get('education_related') else ''}毕业证书")
        only_time = False
    if (education_in or program_in) and alternative.get("education_related") and not facts.education_related:
        if not any("本专业或相关专业" in m for m in missing):
            missing.append("所学专业须为本专业或相关专业")
        only_time = False

    title_min = alternative.get("title_min")
    if title_min:
        if TITLE_ORDER.get(facts.title_level or "", 0) < TITLE_ORDER[title_min]:
            missing.append(f"须取得符合专业对应关系的{TITLE_LABELS[title_min]}（或更高）")
            only_time = False
        elif alternative.get("years_after_title") is not None:
            if facts.title_date is None:
                missing.append("缺少职称取得日期")
                only_time = False
            else:
                years = float(alternative["years_after_title"])
                due = add_years(facts.title_date, years)
                if due > on:
                    missing.append(
                        f"取得{TITLE_LABELS[title_min]}后还需累计从事本职业工作 {format_period(on, due)}"
                        f"（须满 {_years_text(years)}，{format_date(due)}起可申报）"
                    )
                    waits.append(due)

    if alternative.get("apprenticeship_completed") and not facts.apprenticeship_completed:
        missing.append("须本职业或相关职业学徒期满")
        only_time = False

    for flag in alternative.get("flags", ()):
        if flag not in facts.flags:
            missing.append(f"须{FLAG_LABELS.get(flag, flag)}")
            only_time = False

    return AlternativeResult(
        key=str(alternative.get("key", "")),
        label=str(alternative.get("label", "")),
        met=not missing,
        missing=tuple(missing),
        eligible_from=max(waits) if missing and only_time and waits else None,
    )


def evaluate(rule_set: dict[str, Any], grade: int, facts: Facts) -> Eligibility:
    """Apply the alternatives a rule set gives for ``grade`` (its ``grades`` map) to ``facts``."""
    alternatives = rule_set.get("grades", {}).get(str(grade), [])
    results = tuple(evaluate_alternative(a, facts) for a in alternatives)
    met = next((r for r in results if r.met), None)
    return Eligibility(grade=grade, eligible=met is not None, met=met, alternatives=results)


def validate_rule_set(data: dict[str, Any]) -> list[str]:
    """Problems with a rule set's structure (for admins editing it), in Chinese; [] when fine."""
    problems: list[str] = []
    grades = data.get("grades")
    if not isinstance(grades, dict) or not grades:
        return ["申报条件须包含 grades：按等级（1–5）列出的条件。"]
    for grade, alternatives in grades.items():
        if grade not in {"1", "2", "3", "4", "5"}:
            problems.append(f"等级“{grade}”不正确，应为 1–5。")
            continue
        if not isinstance(alternatives, list) or not alternatives:
            problems.append(f"{GRADE_NAMES[int(grade)]}至少须有一项条件。")
            continue
        for index, alternative in enumerate(alternatives, start=1):
            where = f"{GRADE_NAMES[int(grade)]}第 {index} 项"
            if not isinstance(alternative, dict):
                problems.append(f"{where}须为对象。")
                continue
            unknown = set(alternative) - ALTERNATIVE_KEYS
            if unknown:
                problems.append(f"{where}含未知条件：{'、'.join(sorted(unknown))}。")
            if not alternative.get("label"):
                problems.append(f"{where}缺少说明文字（label）。")
            prior = alternative.get("prior_grade")
            if prior is not None and (not isinstance(prior, int) or not 1 <= prior <= 5 or prior <= int(grade)):
                problems.append(f"{where}的前置等级须为低于申报等级的 1–5 级。")
            if "years_after_prior" in alternative and prior is None:
                problems.append(f"{where}有“取得证书后年限”但未指定前置等级。")
            if alternative.get("title_min") and alternative["title_min"] not in TITLE_LABELS:
                problems.append(f"{where}的职称等级应为 junior、intermediate 或 senior。")
            for key in ("years_after_prior", "years_total", "years_after_title", "min_age"):
                value = alternative.get(key)
                if value is not None and (not isinstance(value, (int, float)) or value < 0):
                    problems.append(f"{where}的 {key} 须为非负数。")
            if len(set(alternative) - {"key", "label"}) == 0:
                problems.append(f"{where}没有任何条件。")
    return problems


def load_template(name: str) -> dict[str, Any]:
    """A shipped rule-set template: ``2018`` (§2.1) or ``relaxed`` (§2.2)."""
    path = TEMPLATE_DIR / f"template-{name}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# --- Batch state machine ----------------------------------------------------------------------

DRAFT, OPEN, CLOSED, EXAMINING, SCORING, PUBLICITY, CERTIFIED, CANCELLED = (
    "draft", "open", "closed", "examining", "scoring", "publicity", "certified", "cancelled"
)
TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({OPEN, CANCELLED}),
    OPEN: frozenset({CLOSED, CANCELLED}),
    CLOSED: frozenset({OPEN, EXAMINING, CANCELLED}),
    EXAMINING: frozenset({SCORING, CANCELLED}),
    SCORING: frozenset({PUBLICITY}),
    PUBLICITY: frozenset({SCORING, CERTIFIED}),
    CERTIFIED: frozenset(),
    CANCELLED: frozenset(),
}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


# --- Scoring ----------------------------------------------------------------------------------

THEORY, PRACTICAL, REVIEW = "theory", "practical", "review"
COMPONENT_LABELS = {THEORY: "理论知识考试", PRACTICAL: "技能考核", REVIEW: "综合评审"}


def required_components(grade: int, *, route: str = "regular") -> tuple[str, ...]:
    """Theory and practical for every level; a comprehensive review for 二级 and 一级.

    Direct certification by an enterprise (直接认定) is decided by a comprehensive review of
    the worker's record, so it needs only the review.
    """
    if route == "direct":
        return (REVIEW,)
    if grade in (1, 2):
        return (THEORY, PRACTICAL, REVIEW)
    return (THEORY, PRACTICAL)


def to_score(value: Any) -> Decimal:
    """A score 0–100 with one decimal; raise ValueError otherwise."""
    score = Decimal(str(value).strip())
    if not score.is_finite() or score < 0 or score > 100:
        raise ValueError(value)
    return score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def combine(scores: Sequence[Decimal], method: str = "mean") -> Decimal:
    """Combine the practical scores of several evaluators (mean by default, or median)."""
    if not scores:
        raise ValueError("no scores")
    ordered = sorted(scores)
    if method == "median":
        middle = len(ordered) // 2
        value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    else:
        value = sum(ordered, Decimal(0)) / len(ordered)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def passed(scores: dict[str, Decimal | None], components: Iterable[str], pass_mark: Decimal) -> bool:
    """Every required component must reach the pass mark (百分制, 60 分及以上合格)."""
    return all((score := scores.get(c)) is not None and score >= pass_mark for c in components)


def evaluators_needed(candidates: int, *, minimum: int = 3, candidates_per_evaluator: int = 5) -> int:
    """How many evaluators a practical station needs: at least ``minimum``, an odd number, and
    no more than ``candidates_per_evaluator`` candidates each (保育师 2021: 1:5, 3 人以上单数)."""
    needed = max(minimum, math.ceil(candidates / max(candidates_per_evaluator, 1)))
    return needed if needed % 2 == 1 else needed + 1


def ratio_problems(candidates: int, evaluators: int, *, minimum: int = 3, candidates_per_evaluator: int = 5) -> list[str]:
    needed = evaluators_needed(candidates, minimum=minimum, candidates_per_evaluator=candidates_per_evaluator)
    problems = []
    if evaluators < minimum:
        problems.append(f"技能考核考评人员不少于 {minimum} 人（现 {evaluators} 人）")
    if evaluators % 2 == 0 and evaluators:
        problems.append(f"技能考核考评人员须为单数（现 {evaluators} 人）")
    if evaluators * candidates_per_evaluator < candidates:
        problems.append(
            f"考评人员与考生配比不低于 1:{candidates_per_evaluator}：{candidates} 名考生至少需 {needed} 名考评人员"
        )
    return problems


def has_conflict(evaluator_employer_id: int | None, candidate_employer_id: int | None) -> bool:
    """No evaluator scores a candidate from their own employer (回避)."""
    return evaluator_employer_id is not None and evaluator_employer_id == candidate_employer_id


def sample_for_recheck(sheet_ids: Sequence[int], share: float, *, seed: int) -> list[int]:
    """The score sheets drawn for a sampling re-check: ``share`` of them (at least one), reproducible."""
    if not sheet_ids or share <= 0:
        return []
    count = min(len(sheet_ids), max(1, math.ceil(len(sheet_ids) * share)))
    return sorted(random.Random(seed).sample(sorted(sheet_ids), count))


def discrepancy(original: Decimal, recheck: Decimal, tolerance: Decimal) -> bool:
    """A re-check disagrees when it differs from the original by more than the tolerance."""
    return abs(original - recheck) > tolerance


# --- Numbers --------------------------------------------------------------------------------

def next_serials(last: int, count: int) -> list[int]:
    """Serials after ``last`` with no gap; 999999 is the largest a certificate number can carry."""
    serials = list(range(last + 1, last + count + 1))
    if serials and serials[-1] > 999_999:
        raise ValueError("serial range exhausted for this body, year and level")
    return serials
