"""Demo data for skill evaluation (called by ``gongjiang demo``; see gongjiang.web.demo).

Three filed bodies (the demo enterprise as an employer self-evaluation body, and two social
evaluation organisations), their scope and rosters, and batches in every state — draft, open,
closed, examining, scoring, publicity, certified (two, one with a revoked and one with a
re-issued certificate) and cancelled — so every page can be tried at once. Everything is
written through the services, so it keeps every rule (numbers, levels, audit).

Dates: the services check windows against the real date, so batches are placed around today.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from gongjiang.catalog.levels import SkillLevel
from gongjiang.catalog.models import Occupation
from gongjiang.evaluation import services
from gongjiang.evaluation.models import (
    Application,
    EvaluationBatch,
    EvaluationBody,
    Evaluator,
    ScoreSheet,
)
from gongjiang.orgs.models import Membership, Organization
from gongjiang.people.models import Person


def _occupations(context: Any) -> list[Occupation]:
    usable = [o for o in context.occupations if o.national_grades and {3, 4, 5} & set(o.national_grades)]
    counts: dict[int, int] = {}
    for person in context.people:
        if person.primary_occupation_id:
            counts[person.primary_occupation_id] = counts.get(person.primary_occupation_id, 0) + 1
    usable.sort(key=lambda o: (-counts.get(o.pk, 0), o.code))
    return usable


def _file(context: Any, organization: Organization, *, category: str, site: str, occupations: list[Occupation]) -> EvaluationBody:
    today = timezone.localdate()
    body = services.body_file(
        actor=None, organization=organization, category=category, filing_authority="浙江省人力资源和社会保障厅",
        filing_number=f"浙人社评备〔{today.year - 2}〕{site[-3:]}号", institution_code="0000", province_code="33",
        site_code=site, valid_from=dt.date(today.year - 2, 1, 1), valid_until=dt.date(today.year + 3, 12, 31),
    )
    for occupation in occupations:
        services.body_scope_set(actor=None, body=body, occupation=occupation, grades=sorted(occupation.national_grades))
    return body


def _roster(
    context: Any, body: EvaluationBody, pool: list[Person], rng: random.Random, *, employer_paths: dict[int, str]
) -> tuple[list[Evaluator], list[Evaluator]]:
    """Five 考评员 and three 高级考评员 from outside the body's organisation, and a 督导员.

    ``employer_paths`` maps each person's pk to their employer's tree path."""
    outside = [p for p in pool if not employer_paths[p.pk].startswith(body.organization.path)]
    seniors_pool = [p for p in outside if (p.current_level or 0) >= SkillLevel.SENIOR_TECHNICIAN]
    evaluators_pool = [p for p in outside if SkillLevel.SENIOR <= (p.current_level or 0) < SkillLevel.SENIOR_TECHNICIAN]
    rng.shuffle(seniors_pool)
    rng.shuffle(evaluators_pool)
    evaluators: list[Evaluator] = []
    seniors: list[Evaluator] = []
    for person in evaluators_pool:
        if len(evaluators) == 5:
            break
        evaluators.append(services.evaluator_add(actor=None, body=body, person=person,
                                                 card_number=f"KP{body.site_code[-3:]}{len(evaluators) + 1:03d}"))
    for person in seniors_pool:
        if len(seniors) == 3:
            break
        seniors.append(services.evaluator_add(actor=None, body=body, person=person, role="senior_evaluator",
                                              card_number=f"GP{body.site_code[-3:]}{len(seniors) + 1:03d}"))
    supervisor = next((p for p in outside if p not in [e.person for e in evaluators + seniors]), None)
    if supervisor is not None:
        services.evaluator_add(actor=None, body=body, person=supervisor, role="supervisor",
                               level=supervisor.current_level or SkillLevel.SENIOR)
    return evaluators, seniors


def _batch(body: EvaluationBody, occupation: Occupation, name: str, grades: list[int], *, opens: int, closes: int) -> EvaluationBatch:
    today = timezone.localdate()
    return services.batch_create(
        actor=None, body=body, name=name, occupation=occupation, grades=grades,
        applications_open=today + dt.timedelta(days=opens), applications_close=today + dt.timedelta(days=closes),
        theory_exam_on=today + dt.timedelta(days=closes + 3), practical_exam_on=today + dt.timedelta(days=closes + 4),
        sites="绍兴市越城区考点", capacity=0, fee=300,
    )


def _eligible_candidates(
    body: EvaluationBody, panel: list[Evaluator], people: list[Person], *, employer_paths: dict[int, str]
) -> list[Person]:
    """People the body may evaluate whom no panel member must step aside for (回避)."""
    conflicted = {e.person.current_employer_id for e in panel[:3]}
    chosen = [p for p in people if p.current_employer_id not in conflicted]
    if body.category == "Y":
        chosen = [p for p in chosen if employer_paths[p.pk].startswith(body.organization.path)]
    return chosen


def _facts(person: Person, rng: random.Random, *, eligible: bool) -> dict[str, Any]:
    today = timezone.localdate()
    years = rng.randint(7, 15) if eligible else rng.randint(1, 3)
    return {"occupation_start": today - dt.timedelta(days=365 * years + rng.randint(0, 200)),
            "education": person.education or ""}


def _apply(batch: EvaluationBatch, people: list[Person], grade: int, rng: random.Random) -> list[Application]:
    applications = []
    for index, person in enumerate(people):
        applications.append(services.application_submit(
            actor=None, batch=batch, person=person, grade=grade, facts=_facts(person, rng, eligible=index % 6 != 5)
        ))
    return applications


def _examine(batch: EvaluationBatch, evaluators: list[Evaluator]) -> None:
    services.batch_transition(actor=None, batch=batch, target="closed")
    for evaluator in evaluators[:3]:
        services.batch_assign_evaluator(actor=None, batch=batch, evaluator=evaluator, component="practical")
    services.batch_transition(actor=None, batch=batch, target="examining")


def _score(batch: EvaluationBatch, evaluators: list[Evaluator], rng: random.Random, *, lock: bool = True) -> None:
    panel = evaluators[:3]
    for sheet in ScoreSheet.objects.filter(application__batch=batch).select_related("application__person"):
        base = rng.choice([45, 53, 66, 70, 74, 78, 82, 86, 91])
        if sheet.component == "theory":
            services.score_enter(actor=None, sheet=sheet, score=min(100, base + rng.randint(-3, 3)))
        else:
            for evaluator in panel:
                services.score_enter(actor=None, sheet=sheet, score=min(100, base + rng.randint(-4, 4)), evaluator=evaluator)
        services.sheet_submit(actor=None, sheet=sheet)
    if lock:
        services.sheets_lock(actor=None, batch=batch)


def _publicise(batch: EvaluationBatch, *, days_ago: int) -> None:
    services.batch_transition(actor=None, batch=batch, target="scoring")
    services.batch_transition(actor=None, batch=batch, target="publicity",
                              publicity_starts_on=timezone.localdate() - dt.timedelta(days=days_ago))


def build(context: Any) -> None:
    rng: random.Random = context.rng
    occupations = _occupations(context)[:3]
    if not occupations:
        context.log("等级认定演示：没有可用的职业，跳过。")
        return
    org_admin = context.users.get(Membership.Role.ORG_ADMIN)
    firm = Membership.objects.filter(user=org_admin, role=Membership.Role.ORG_ADMIN).select_related("organization").first()
    # An org admin's role is always at an organisation (orgs.services); the fallback is for a demo without one.
    enterprise = (
        firm.organization if firm is not None and firm.organization is not None
        else context.organizations["enterprise"][0]
    )
    social_orgs = context.organizations.get("evaluation_body", [])[:2]
    enterprise_body = _file(context, enterprise, category="Y", site="900001", occupations=occupations)
    social_bodies = [
        _file(context, org, category="S", site=f"90{index + 2:04d}", occupations=occupations)
        for index, org in enumerate(social_orgs)
    ]
    paths = dict(Organization.objects.values_list("pk", "path"))
    people = [p for p in context.people if p.current_employer_id]
    employer_paths = {p.pk: paths[p.current_employer_id] for p in people}
    staff = [p for p in people if employer_paths[p.pk].startswith(enterprise.path)]
    evaluators, seniors = _roster(context, enterprise_body, people, rng, employer_paths=employer_paths)
    social_panels = [_roster(context, body, people, rng, employer_paths=employer_paths) for body in social_bodies]
    occupation = occupations[0]
    worker = Person.objects.filter(user=context.users.get(Membership.Role.WORKER)).first()
    juniors = [p for p in staff if (p.current_level or 0) <= SkillLevel.JUNIOR and p != worker]
    rng.shuffle(juniors)
    year = timezone.localdate().year

    # Open (the demo worker can apply), draft and cancelled batches at the demo enterprise.
    open_batch = _batch(enterprise_body, occupation, f"{year} 年第三批{occupation.name}职业技能等级认定", [5, 4],
                        opens=-3, closes=20)
    services.batch_transition(actor=None, batch=open_batch, target="open")
    _batch(enterprise_body, occupation, f"{year} 年第四批{occupation.name}认定（筹备中）", [4, 3], opens=30, closes=45)
    cancelled = _batch(enterprise_body, occupations[-1], f"{year} 年{occupations[-1].name}专项认定", [4], opens=-2, closes=10)
    services.batch_transition(actor=None, batch=cancelled, target="cancelled", reason="报名人数不足，并入下一批次")

    # Certified batches: the second one has a revoked and a re-issued certificate.
    certified_batches = []
    pool = juniors[:]
    for index in range(2):
        body = enterprise_body if index == 0 else (social_bodies[0] if social_bodies else enterprise_body)
        panel = evaluators if index == 0 else (social_panels[0][0] if social_panels else evaluators)
        candidates = pool[:8] if index == 0 else [p for p in people if (p.current_level or 0) <= SkillLevel.JUNIOR
                                                    and p not in pool[:8] and p != worker][:8]
        pool = pool[8:]
        if len(panel) < 3 or not candidates:
            continue
        batch = _batch(body, occupation, f"{year} 年第{'一二'[index]}批{occupation.name}职业技能等级认定", [4],
                       opens=-1, closes=5)
        services.batch_transition(actor=None, batch=batch, target="open")
        candidates = _eligible_candidates(body, panel, candidates, employer_paths=employer_paths)
        _apply(batch, candidates, 4, rng)
        _examine(batch, panel)
        _score(batch, panel, rng)
        _publicise(batch, days_ago=12 + index)
        services.batch_issue(actor=None, batch=batch, issued_on=timezone.localdate() - dt.timedelta(days=3))
        certified_batches.append(batch)
    if len(certified_batches) > 1:
        issued = list(certified_batches[1].applications.filter(certificate__isnull=False).order_by("id"))
        if len(issued) >= 2:
            services.evaluation_certificate_revoke(actor=None, application=issued[0], reason="考后核查发现替考",
                                                   category="fraud")
            services.evaluation_certificate_reissue(actor=None, application=issued[1], reason="证书遗失，本人申请补发")

    # Batches stopped in each working state, at the social bodies where there are any.
    working = [("closed", "报名截止"), ("examining", "考试中"), ("scoring", "评分中"), ("publicity", "公示中")]
    for index, (state, label) in enumerate(working):
        body = social_bodies[index % len(social_bodies)] if social_bodies else enterprise_body
        panel = (social_panels[index % len(social_panels)][0] if social_panels else evaluators)
        if len(panel) < 3:
            continue
        batch = _batch(body, occupation, f"{year} 年{occupation.name}认定（{label}）", [4], opens=-2, closes=6)
        services.batch_transition(actor=None, batch=batch, target="open")
        candidates = [p for p in people if (p.current_level or 0) <= SkillLevel.JUNIOR and p != worker
                      and not p.evaluation_applications.exists()]
        candidates = _eligible_candidates(body, panel, candidates, employer_paths=employer_paths)
        rng.shuffle(candidates)
        _apply(batch, candidates[:6], 4, rng)
        if state == "closed":
            services.batch_transition(actor=None, batch=batch, target="closed")
            continue
        _examine(batch, panel)
        if state == "examining":
            continue
        _score(batch, panel, rng, lock=state != "scoring")
        if state == "scoring":
            services.batch_transition(actor=None, batch=batch, target="scoring")
            continue
        _publicise(batch, days_ago=2)
        passed = batch.applications.filter(result="passed").first()
        if passed is not None:
            services.objection_record(actor=None, batch=batch, raised_by="匿名来电", content="反映其工作年限不足",
                                      application=passed)

    # A 特级技师 appointment at the enterprise, where it has a 高级技师.
    senior = next((p for p in staff if p.current_level == SkillLevel.SENIOR_TECHNICIAN and p.primary_occupation_id), None)
    if senior is not None and senior.primary_occupation.national_grades and 1 in senior.primary_occupation.national_grades:
        today = timezone.localdate()
        services.post_appoint(
            actor=None, body=enterprise_body, person=senior, post=SkillLevel.PRINCIPAL_TECHNICIAN,
            occupation=senior.primary_occupation, term_start=today - dt.timedelta(days=30),
            term_end=today + dt.timedelta(days=3 * 365), grounds="业绩评审优秀、现场答辩通过；主持关键工序技术攻关，带徒 12 人",
        )

    sample = (
        Application.objects.filter(certificate__isnull=False, certificate__status="valid", batch__in=certified_batches)
        .select_related("certificate", "person").order_by("id").first()
    )
    if sample is not None:
        assert sample.certificate is not None  # filtered on certificate__isnull=False
        context.log(f"证书核验示例：证书编号 {sample.certificate.number}，持证人 {sample.person.name}（/verify/）")
    context.log(f"等级认定：{EvaluationBody.objects.count()} 个评价机构，{EvaluationBatch.objects.count()} 个批次，"
                f"{Application.objects.count()} 份申报")
