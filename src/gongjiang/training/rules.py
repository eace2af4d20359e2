"""Pure rules of training, subsidies, points and apprenticeships (DOMAIN.md §9–§10). No database.

Everything here takes plain values and returns plain values, so it can be tested with hypothesis
and explained to a user: a subsidy assessment carries every check it made, in Chinese, in order,
passed or not, and the amount's derivation.

Amounts and limits are never hard-coded: they come from the policy terms (``PolicyTerms``) the
bureau records per region and year (``training.SubsidyPolicy``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.rules import RuleError

# --- Subsidy kinds ------------------------------------------------------------------------
SKILL_UPGRADE = "skill_upgrade"  # 失业保险 技能提升补贴
VOCATIONAL_TRAINING = "vocational_training"  # 职业培训补贴 (就业补助资金)
APPRENTICESHIP = "apprenticeship"  # 企业新型学徒制 培训补贴 (per person per year)

SUBSIDY_KIND_LABELS = {
    SKILL_UPGRADE: _("技能提升补贴"),
    VOCATIONAL_TRAINING: _("职业培训补贴"),
    APPRENTICESHIP: _("学徒培训补贴"),
}

# --- Subsidy messages (tests import these; never copy the text) ----------------------------
MSG_POLICY_PERIOD_OK = _("申领日期 {date} 在政策有效期内。")
MSG_POLICY_PERIOD_FAIL = _("申领日期 {date} 不在政策有效期（{start}至{end}）内。")
MSG_INSURED_OK = _("已参加失业保险 {months} 个月，满足不少于 {minimum} 个月的要求。")
MSG_INSURED_FAIL = _("已参加失业保险 {months} 个月，不足政策要求的 {minimum} 个月。")
MSG_WINDOW_OK = _("证书发证日期 {issued}，在发证后 {months} 个月内（{deadline} 前）申领。")
MSG_WINDOW_FAIL = _("证书发证日期 {issued}，须在发证后 {months} 个月内（{deadline} 前）申领，已超期。")
MSG_CERTIFICATE_MISSING = _("申领技能提升补贴须取得职业资格证书或职业技能等级证书，未提供发证日期。")
MSG_LEVEL_AMOUNT_MISSING = _("政策未规定“{level}”的补贴标准，不能申领。")
MSG_TIMES_OK = _("本年度（{year}）已申领 {count} 次，每人每年最多 {maximum} 次。")
MSG_TIMES_FAIL = _("本年度（{year}）已申领 {count} 次，已达每人每年最多 {maximum} 次的上限。")
MSG_SAME_LEVEL_FAIL = _("职业 {occupation}“{level}”已申领过，同一职业同一等级只能申领一次。")
MSG_LOWER_LEVEL_FAIL = _("已申领职业 {occupation} 更高等级（{higher}）的补贴，不能再申领较低等级。")
MSG_STACKING_FAIL = _("已就职业 {occupation}“{level}”申领过{other}，两项补贴不能叠加享受。")
MSG_SAME_LEVEL_OK = _("此前未就职业 {occupation}“{level}”或更高等级申领过补贴，也未叠加其他补贴。")
MSG_CONTRACT_OK = _("劳动合同期限 {months} 个月，满足不少于 12 个月的要求。")
MSG_CONTRACT_OPEN = _("劳动合同为无固定期限，满足不少于 12 个月的要求。")
MSG_CONTRACT_FAIL = _("劳动合同期限 {months} 个月，不足 12 个月，不能享受学徒培训补贴。")
MSG_PERIOD_CLAIM_OK = _("本次申领覆盖培养期 {months} 个月。")
MSG_PERIOD_CLAIM_FAIL = _("每次申领覆盖的培养期应为 1–12 个月，填写的是 {months} 个月。")
MSG_SAME_YEAR_FAIL = _("该学徒在 {year} 年度已申领过学徒培训补贴，同一学徒每年只能申领一次。")
MSG_PER_YEAR_MISSING = _("政策未规定学徒每人每年补贴标准，不能申领。")
MSG_AMOUNT_BASE = _("“{level}”补贴标准 {amount} 元。")
MSG_AMOUNT_PER_YEAR = _("学徒每人每年 {per_year} 元 × {months}/12 个月 = {amount} 元。")
MSG_AMOUNT_SHORTAGE = _("紧缺职业（工种）上浮 {percent}%，为 {amount} 元。")
MSG_AMOUNT_CAP = _("超过封顶金额，按 {cap} 元计。")
MSG_AMOUNT_REMAINING_CAP = _("该学徒已获补贴 {paid} 元，累计封顶 {cap} 元，本次最多 {amount} 元。")
MSG_NOT_ELIGIBLE = _("不符合申领条件，补贴金额为 0 元。")

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PolicyTerms:
    """One region's subsidy policy for one year and one kind, as plain values."""

    kind: str
    year: int
    amounts_by_level: Mapping[int, Decimal] = field(default_factory=dict)
    per_person_year: Decimal | None = None
    amount_cap: Decimal | None = None
    shortage_uplift_percent: int = 0
    max_claims_per_year: int | None = None
    min_insured_months: int = 0
    claim_window_months: int | None = None
    exclusive_with: frozenset[str] = frozenset()
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class ClaimFacts:
    """What a claim is for. ``subject`` identifies the apprenticeship for apprenticeship claims."""

    kind: str
    claim_date: dt.date
    occupation: str = ""
    level: int | None = None
    certificate_date: dt.date | None = None
    insured_months: int = 0
    is_shortage_occupation: bool = False
    subject: str = ""
    months_covered: int = 12
    contract_months: int | None = None  # None: open-ended contract (无固定期限)


@dataclass(frozen=True)
class PriorClaim:
    """A claim already granted (or pending) to the same person; refused claims are not passed."""

    kind: str
    claim_date: dt.date
    occupation: str = ""
    level: int | None = None
    subject: str = ""
    amount: Decimal = Decimal("0")


@dataclass(frozen=True)
class Check:
    code: str
    passed: bool
    message: str


@dataclass(frozen=True)
class SubsidyAssessment:
    eligible: bool
    amount: Decimal
    checks: tuple[Check, ...]
    derivation: tuple[str, ...]

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.passed)

    def explanation(self) -> list[str]:
        """The checks and the amount's derivation, in the order a reader follows them."""
        return [("✓ " if c.passed else "✗ ") + c.message for c in self.checks] + list(self.derivation)

    def as_json(self) -> dict[str, object]:
        return {
            "eligible": self.eligible,
            "amount": str(self.amount),
            "checks": [{"code": c.code, "passed": c.passed, "message": c.message} for c in self.checks],
            "derivation": list(self.derivation),
        }


def level_label(level: int | None) -> str:
    if level is None:
        return str(_("未定级"))
    return str(SkillLevel(level).label)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """Complete calendar months from ``start`` to ``end`` (negative if end is before start)."""
    if end < start:
        return -whole_months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def assess_subsidy(
    terms: PolicyTerms, facts: ClaimFacts, prior: Iterable[PriorClaim] = ()
) -> SubsidyAssessment:
    """Decide whether a claim may be paid under ``terms`` and how much, with every reason.

    ``prior`` are the person's other live claims (not refused), of every kind: the limits on
    times per year, the same occupation and level, lower levels and stacking all read them.
    """
    prior = list(prior)
    checks: list[Check] = []
    derivation: list[str] = []
    day = facts.claim_date

    if terms.valid_from or terms.valid_until:
        inside = (terms.valid_from is None or day >= terms.valid_from) and (
            terms.valid_until is None or day <= terms.valid_until
        )
        message = MSG_POLICY_PERIOD_OK if inside else MSG_POLICY_PERIOD_FAIL
        checks.append(Check("policy_period", inside, str(message).format(
            date=day.isoformat(), start=_date_or_dash(terms.valid_from), end=_date_or_dash(terms.valid_until)
        )))

    if facts.kind == APPRENTICESHIP:
        checks.extend(_apprenticeship_checks(terms, facts, prior))
    else:
        checks.extend(_certificate_checks(terms, facts, prior))

    if terms.max_claims_per_year is not None:
        count = sum(1 for p in prior if p.kind == facts.kind and p.claim_date.year == day.year)
        ok = count < terms.max_claims_per_year
        checks.append(Check("times_per_year", ok, str(MSG_TIMES_OK if ok else MSG_TIMES_FAIL).format(
            year=day.year, count=count, maximum=terms.max_claims_per_year
        )))

    eligible = all(check.passed for check in checks)
    amount = Decimal("0")
    if eligible:
        amount = _amount(terms, facts, prior, derivation)
    else:
        derivation.append(str(MSG_NOT_ELIGIBLE))
    return SubsidyAssessment(eligible, amount, tuple(checks), tuple(derivation))


def _date_or_dash(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def _certificate_checks(terms: PolicyTerms, facts: ClaimFacts, prior: list[PriorClaim]) -> list[Check]:
    checks: list[Check] = []
    if terms.min_insured_months:
        ok = facts.insured_months >= terms.min_insured_months
        checks.append(Check("insured_months", ok, str(MSG_INSURED_OK if ok else MSG_INSURED_FAIL).format(
            months=facts.insured_months, minimum=terms.min_insured_months
        )))
    if terms.claim_window_months is not None:
        if facts.certificate_date is None:
            checks.append(Check("claim_window", False, str(MSG_CERTIFICATE_MISSING)))
        else:
            deadline = add_months(facts.certificate_date, terms.claim_window_months)
            ok = facts.certificate_date <= facts.claim_date <= deadline
            checks.append(Check("claim_window", ok, str(MSG_WINDOW_OK if ok else MSG_WINDOW_FAIL).format(
                issued=facts.certificate_date.isoformat(), months=terms.claim_window_months,
                deadline=deadline.isoformat(),
            )))
    if facts.level is None or facts.level not in terms.amounts_by_level:
        checks.append(Check("level_amount", False, str(MSG_LEVEL_AMOUNT_MISSING).format(level=level_label(facts.level))))
    occupation = facts.occupation or "—"
    same_kind = [p for p in prior if p.kind == facts.kind and p.occupation == facts.occupation]
    history_ok = True
    if facts.level is not None:
        if any(p.level == facts.level for p in same_kind):
            history_ok = False
            checks.append(Check("same_level", False, str(MSG_SAME_LEVEL_FAIL).format(
                occupation=occupation, level=level_label(facts.level)
            )))
        higher = [p.level for p in same_kind if p.level is not None and p.level > facts.level]
        if higher:
            history_ok = False
            checks.append(Check("lower_level", False, str(MSG_LOWER_LEVEL_FAIL).format(
                occupation=occupation, higher=level_label(max(higher))
            )))
    stacked = [
        p for p in prior
        if p.kind in terms.exclusive_with and p.kind != facts.kind
        and p.occupation == facts.occupation and p.level == facts.level
    ]
    if stacked:
        history_ok = False
        checks.append(Check("stacking", False, str(MSG_STACKING_FAIL).format(
            occupation=occupation, level=level_label(facts.level),
            other=str(SUBSIDY_KIND_LABELS.get(stacked[0].kind, stacked[0].kind)),
        )))
    if history_ok:
        checks.append(Check("history", True, str(MSG_SAME_LEVEL_OK).format(
            occupation=occupation, level=level_label(facts.level)
        )))
    return checks


def _apprenticeship_checks(terms: PolicyTerms, facts: ClaimFacts, prior: list[PriorClaim]) -> list[Check]:
    checks: list[Check] = []
    if facts.contract_months is None:
        checks.append(Check("labour_contract", True, str(MSG_CONTRACT_OPEN)))
    else:
        ok = facts.contract_months >= 12
        checks.append(Check("labour_contract", ok, str(MSG_CONTRACT_OK if ok else MSG_CONTRACT_FAIL).format(
            months=facts.contract_months
        )))
    ok = 1 <= facts.months_covered <= 12
    checks.append(Check("months_covered", ok, str(MSG_PERIOD_CLAIM_OK if ok else MSG_PERIOD_CLAIM_FAIL).format(
        months=facts.months_covered
    )))
    if terms.per_person_year is None:
        checks.append(Check("per_year_amount", False, str(MSG_PER_YEAR_MISSING)))
    if any(p.kind == APPRENTICESHIP and p.subject == facts.subject and p.claim_date.year == facts.claim_date.year
           for p in prior):
        checks.append(Check("same_year", False, str(MSG_SAME_YEAR_FAIL).format(year=facts.claim_date.year)))
    return checks


def _amount(terms: PolicyTerms, facts: ClaimFacts, prior: list[PriorClaim], derivation: list[str]) -> Decimal:
    if facts.kind == APPRENTICESHIP:
        per_year = terms.per_person_year or Decimal("0")
        amount = _money(per_year * facts.months_covered / 12)
        derivation.append(str(MSG_AMOUNT_PER_YEAR).format(
            per_year=_money(per_year), months=facts.months_covered, amount=amount
        ))
    else:
        assert facts.level is not None  # eligible: the level_amount check found the level's amount
        amount = _money(terms.amounts_by_level[facts.level])
        derivation.append(str(MSG_AMOUNT_BASE).format(level=level_label(facts.level), amount=amount))
    if facts.is_shortage_occupation and terms.shortage_uplift_percent:
        amount = _money(amount * (100 + terms.shortage_uplift_percent) / 100)
        derivation.append(str(MSG_AMOUNT_SHORTAGE).format(percent=terms.shortage_uplift_percent, amount=amount))
    if terms.amount_cap is not None:
        if facts.kind == APPRENTICESHIP:
            paid = sum((p.amount for p in prior if p.kind == APPRENTICESHIP and p.subject == facts.subject),
                       Decimal("0"))
            remaining = max(Decimal("0"), terms.amount_cap - paid)
            if amount > remaining:
                amount = _money(remaining)
                derivation.append(str(MSG_AMOUNT_REMAINING_CAP).format(
                    paid=_money(paid), cap=_money(terms.amount_cap), amount=amount
                ))
        elif amount > terms.amount_cap:
            amount = _money(terms.amount_cap)
            derivation.append(str(MSG_AMOUNT_CAP).format(cap=amount))
    return amount


# --- Training points (积分制) ----------------------------------------------------------------
POINTS_HOURS = "hours"
POINTS_COMPLETION = "completion"
POINTS_CERTIFICATE = "certificate"
POINTS_ADJUSTMENT = "adjustment"

MSG_POINTS_HOURS = _("参训 {hours} 学时 × {per_hour} 分/学时")
MSG_POINTS_HOURS_CAPPED = _("参训 {hours} 学时 × {per_hour} 分/学时，学时积分封顶 {cap} 分")
MSG_POINTS_COMPLETION = _("完成培训并考核合格")
MSG_POINTS_CERTIFICATE = _("取得“{level}”证书")
MSG_POINTS_INTERNATIONAL = _("取得国际职业资格证书")


@dataclass(frozen=True)
class PointsRule:
    points_per_hour: Decimal = Decimal("1")
    max_hours_points: int | None = None
    completion_points: int = 0
    certificate_points: Mapping[int, int] = field(default_factory=dict)
    international_certificate_points: int = 0


@dataclass(frozen=True)
class PointsLine:
    kind: str
    points: int
    reason: str


def points_for_training(
    rule: PointsRule,
    *,
    hours_attended: Decimal,
    completed: bool,
    certificate_level: int | None = None,
    international_certificate: bool = False,
) -> list[PointsLine]:
    """Points a person earns for one programme: hours, completion, the certificate gained.

    Points are whole numbers, rounded down; nothing is earned for a negative or zero input.
    """
    lines: list[PointsLine] = []
    hours = max(Decimal("0"), Decimal(hours_attended))
    hour_points = int((hours * rule.points_per_hour).to_integral_value(rounding=ROUND_DOWN))
    if hour_points > 0:
        if rule.max_hours_points is not None and hour_points > rule.max_hours_points:
            hour_points = rule.max_hours_points
            reason = str(MSG_POINTS_HOURS_CAPPED).format(
                hours=_plain(hours), per_hour=_plain(rule.points_per_hour), cap=rule.max_hours_points
            )
        else:
            reason = str(MSG_POINTS_HOURS).format(hours=_plain(hours), per_hour=_plain(rule.points_per_hour))
        lines.append(PointsLine(POINTS_HOURS, hour_points, reason))
    if completed and rule.completion_points > 0:
        lines.append(PointsLine(POINTS_COMPLETION, rule.completion_points, str(MSG_POINTS_COMPLETION)))
    if completed and certificate_level is not None and rule.certificate_points.get(certificate_level, 0) > 0:
        lines.append(PointsLine(
            POINTS_CERTIFICATE, rule.certificate_points[certificate_level],
            str(MSG_POINTS_CERTIFICATE).format(level=level_label(certificate_level)),
        ))
    elif completed and international_certificate and rule.international_certificate_points > 0:
        lines.append(PointsLine(POINTS_CERTIFICATE, rule.international_certificate_points,
                                str(MSG_POINTS_INTERNATIONAL)))
    return lines


def _plain(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


# --- Attendance and completion ---------------------------------------------------------------
MSG_ATTENDANCE_OK = _("出勤 {attended}/{total} 次（{rate}%），达到不低于 {minimum}% 的要求。")
MSG_ATTENDANCE_FAIL = _("出勤 {attended}/{total} 次（{rate}%），低于结业要求的 {minimum}%。")
MSG_ASSESSMENT_MISSING = _("尚未录入考核结果，不能结业。")
MSG_ASSESSMENT_FAILED = _("考核不合格，不能结业。")
MSG_ASSESSMENT_PASSED = _("考核合格。")
MSG_NO_SESSIONS = _("项目未安排课次，按实际参训认定结业。")


def attendance_rate(attended: int, total: int) -> Decimal:
    """Percentage of sessions attended, one decimal place; 100 when there are no sessions."""
    if total <= 0:
        return Decimal("100.0")
    attended = max(0, min(attended, total))
    return (Decimal(attended) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def completion_checks(
    *, attended: int, total: int, minimum_rate: int, assessment_required: bool, assessment_passed: bool | None
) -> list[Check]:
    """Whether an enrolment may be marked completed, with the reasons."""
    checks: list[Check] = []
    if total <= 0:
        checks.append(Check("attendance", True, str(MSG_NO_SESSIONS)))
    else:
        rate = attendance_rate(attended, total)
        ok = rate >= minimum_rate
        checks.append(Check("attendance", ok, str(MSG_ATTENDANCE_OK if ok else MSG_ATTENDANCE_FAIL).format(
            attended=attended, total=total, rate=rate, minimum=minimum_rate
        )))
    if assessment_required:
        if assessment_passed is None:
            checks.append(Check("assessment", False, str(MSG_ASSESSMENT_MISSING)))
        elif not assessment_passed:
            checks.append(Check("assessment", False, str(MSG_ASSESSMENT_FAILED)))
        else:
            checks.append(Check("assessment", True, str(MSG_ASSESSMENT_PASSED)))
    return checks


# --- Selection --------------------------------------------------------------------------------
ERR_SELECTION_OVER_CAPACITY = _("名额为 {capacity} 人，已选 {selected} 人，不能再选 {wanted} 人。")


def check_selection(*, capacity: int | None, already_selected: int, wanted: int) -> None:
    """Refuse a selection that would exceed the programme's capacity (None: no limit)."""
    if capacity is not None and already_selected + wanted > capacity:
        raise RuleError(
            str(ERR_SELECTION_OVER_CAPACITY).format(capacity=capacity, selected=already_selected, wanted=wanted),
            "over_capacity",
        )


# --- Apprenticeships --------------------------------------------------------------------------
WAITING = "waiting"
ACTIVE = "active"
PAUSED = "paused"
STOPPED = "stopped"
COMPLETED = "completed"

APPRENTICESHIP_STATUS_LABELS = {
    WAITING: _("待开始"),
    ACTIVE: _("培养中"),
    PAUSED: _("已暂停"),
    STOPPED: _("已终止"),
    COMPLETED: _("已结业"),
}

TRANSITIONS: dict[str, frozenset[str]] = {
    WAITING: frozenset({ACTIVE, STOPPED}),
    ACTIVE: frozenset({PAUSED, STOPPED, COMPLETED}),
    PAUSED: frozenset({ACTIVE, STOPPED}),
    STOPPED: frozenset(),
    COMPLETED: frozenset(),
}

MIN_PERIOD_MONTHS = 12
MAX_PERIOD_MONTHS = 24
MAX_EXTENDED_MONTHS = 36
MIN_CONTRACT_MONTHS = 12

ERR_TRANSITION = _("学徒培养状态不能从“{current}”变为“{target}”；可变为：{allowed}。")
ERR_TRANSITION_FINAL = _("学徒培养已“{current}”，状态不能再变更。")
ERR_REASON_REQUIRED = _("变更学徒培养状态须填写原因（至少 2 个字）。")
ERR_CHANGE_BEFORE_LAST = _("变更日期 {on} 早于上一次状态变更日期 {last}。")
ERR_CHANGE_BEFORE_START = _("开始培养的日期 {on} 早于培养期开始日期 {start}。")
ERR_COMPLETE_NEEDS_REVIEW = _("结业前须至少有一份由企业导师和院校导师双方签字的培养进度考核。")
ERR_PERIOD_ORDER = _("培养期结束日期须晚于开始日期。")
ERR_PERIOD_SHORT = _("培养期为 {months} 个月，企业新型学徒制培养期应为 1–2 年（12–24 个月）。")
ERR_PERIOD_LONG = _("培养期为 {months} 个月，超过 2 年；特殊情况可延长到 3 年（36 个月），须填写延长原因。")
ERR_PERIOD_TOO_LONG = _("培养期为 {months} 个月，最长不超过 3 年（36 个月）。")
ERR_CONTRACT_SHORT = _("劳动合同期限为 {months} 个月，学徒须与企业签订 1 年（12 个月）以上劳动合同。")
ERR_CONTRACT_ORDER = _("劳动合同结束日期须晚于开始日期。")


def check_transition(
    *,
    current: str,
    target: str,
    on: dt.date,
    reason: str,
    last_change_on: dt.date | None,
    start_date: dt.date | None = None,
    fully_signed_reviews: int = 0,
) -> None:
    """Raise ``RuleError`` unless ``current → target`` on ``on`` with ``reason`` is allowed."""
    allowed = TRANSITIONS.get(current, frozenset())
    if not allowed:
        raise RuleError(str(ERR_TRANSITION_FINAL).format(current=APPRENTICESHIP_STATUS_LABELS[current]),
                        "final")
    if target not in allowed:
        raise RuleError(str(ERR_TRANSITION).format(
            current=APPRENTICESHIP_STATUS_LABELS[current],
            target=APPRENTICESHIP_STATUS_LABELS.get(target, target),
            allowed="、".join(str(APPRENTICESHIP_STATUS_LABELS[s]) for s in sorted(allowed)),
        ), "transition")
    if len((reason or "").strip()) < 2:
        raise RuleError(str(ERR_REASON_REQUIRED), "reason")
    if last_change_on is not None and on < last_change_on:
        raise RuleError(str(ERR_CHANGE_BEFORE_LAST).format(on=on.isoformat(), last=last_change_on.isoformat()),
                        "date")
    if target == ACTIVE and current == WAITING and start_date is not None and on < start_date:
        raise RuleError(str(ERR_CHANGE_BEFORE_START).format(on=on.isoformat(), start=start_date.isoformat()),
                        "date")
    if target == COMPLETED and fully_signed_reviews < 1:
        raise RuleError(str(ERR_COMPLETE_NEEDS_REVIEW), "review")


def check_period(*, start: dt.date, end: dt.date, extension_reason: str = "") -> int:
    """Validate a training period; return its length in whole months."""
    if end <= start:
        raise RuleError(str(ERR_PERIOD_ORDER), "period_order")
    months = period_months(start, end)
    if months < MIN_PERIOD_MONTHS:
        raise RuleError(str(ERR_PERIOD_SHORT).format(months=months), "period_short")
    if months > MAX_EXTENDED_MONTHS:
        raise RuleError(str(ERR_PERIOD_TOO_LONG).format(months=months), "period_too_long")
    if months > MAX_PERIOD_MONTHS and len(extension_reason.strip()) < 2:
        raise RuleError(str(ERR_PERIOD_LONG).format(months=months), "period_long")
    return months


def period_months(start: dt.date, end: dt.date) -> int:
    """Months of a period whose last day is ``end`` (1 Sep 2024 – 31 Aug 2025 is 12 months)."""
    return whole_months_between(start, end + dt.timedelta(days=1))


def check_labour_contract(*, start: dt.date, end: dt.date | None) -> int | None:
    """Validate the apprentice's labour contract; return its months (None: open-ended)."""
    if end is None:
        return None
    if end <= start:
        raise RuleError(str(ERR_CONTRACT_ORDER), "contract_order")
    months = period_months(start, end)
    if months < MIN_CONTRACT_MONTHS:
        raise RuleError(str(ERR_CONTRACT_SHORT).format(months=months), "contract_short")
    return months


# --- Programme status -------------------------------------------------------------------------
PROGRAM_DRAFT = "draft"
PROGRAM_OPEN = "open"
PROGRAM_IN_PROGRESS = "in_progress"
PROGRAM_FINISHED = "finished"
PROGRAM_CANCELLED = "cancelled"

PROGRAM_TRANSITIONS: dict[str, frozenset[str]] = {
    PROGRAM_DRAFT: frozenset({PROGRAM_OPEN, PROGRAM_CANCELLED}),
    PROGRAM_OPEN: frozenset({PROGRAM_DRAFT, PROGRAM_IN_PROGRESS, PROGRAM_CANCELLED}),
    PROGRAM_IN_PROGRESS: frozenset({PROGRAM_FINISHED, PROGRAM_CANCELLED}),
    PROGRAM_FINISHED: frozenset(),
    PROGRAM_CANCELLED: frozenset(),
}


def program_transition_allowed(current: str, target: str) -> bool:
    return target in PROGRAM_TRANSITIONS.get(current, frozenset())
