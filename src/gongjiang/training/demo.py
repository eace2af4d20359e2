"""Demo data for training (the demo hook, see gongjiang.web.demo): the seeds' programmes.

* subsidy policies of the city for three years (技能提升、职业培训、学徒培训补贴);
* the 13-day automation study tour in Germany: employers nominate about 40 high-skilled
  workers, the bureau selects 29 (about a third born in the 1990s) by recorded criteria, every
  day is attended, all complete with a verifiable completion certificate;
* international certification programmes (国际焊接技师, 机械产品国际检验检测师, 机电一体化)
  whose participants gain certificates of kind "international" — 191 holders in a city of
  2,000 people or more, fewer in a smaller demo;
* the union's night-school AI course (in progress) and a 青年技师素质提升 class (finished, with
  drop-outs and their reasons);
* apprenticeships of each kind (企业新型学徒制, 现代学徒制, 技培生) in every status, with dated
  status changes, progress reviews signed by both mentors, mentor allowances, and subsidy claims
  computed against the policies (some approved and paid);
* skill-upgrade subsidy claims for recent certificates.

Everything goes through the services (``actor=None``: a system job) and ``context.rng``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from gongjiang.catalog.levels import SkillLevel
from gongjiang.orgs.models import Membership, Organization
from gongjiang.people.models import Certificate, Person
from gongjiang.training import rules, selectors
from gongjiang.training.models import Apprenticeship, Nomination, TrainingProgram
from gongjiang.training.services import apprenticeships as apprenticeship_services
from gongjiang.training.services import programs as program_services
from gongjiang.training.services import subsidies as subsidy_services

TOUR_SIZE = 29
TOUR_DAYS = 13
INTERNATIONAL_HOLDERS = 191
SEED_TOUR_START = dt.date(2024, 10, 12)

CERTIFICATION_PROGRAMS = (
    ("国际焊接技师（IWS）认证培训", "国际焊接技师（IWS）", "国际焊接学会（IIW）", "IWS", "6-18-02-04"),
    ("机械产品国际检验检测师认证培训", "机械产品国际检验检测师", "国际焊接学会（IIW）授权机构", "IMI", ""),
    ("机电一体化国际认证培训", "机电一体化技术员（国际认证）", "德国工商会（AHK）", "MEC", "6-31-01-03"),
)


def _enrolled_and_completed(program: TrainingProgram, people: list[Person], *, day: dt.date,
                            certificate: tuple[str, int] | None = None) -> None:
    """Nominate, select, attend every session and complete: the whole flow, through services."""
    program_services.program_set_status(actor=None, program=program, status=TrainingProgram.Status.OPEN)
    nominations = [program_services.nomination_create(actor=None, program=program, person=p) for p in people]
    program_services.selection_decide(actor=None, program=program, selected=nominations)
    program_services.program_set_status(actor=None, program=program, status=TrainingProgram.Status.IN_PROGRESS)
    enrollments = list(program.enrollments.all())
    for session in program.sessions.all():
        program_services.attendance_record(actor=None, session=session,
                                           marks={e.pk: "present" for e in enrollments})
    for index, enrollment in enumerate(enrollments):
        if program.assessment_required:
            program_services.assessment_record(actor=None, enrollment=enrollment, passed=True,
                                               score=Decimal(75 + index % 20))
        number = f"{certificate[0]}{day:%Y}{certificate[1] + index:05d}" if certificate else ""
        program_services.enrollment_complete(actor=None, enrollment=enrollment, on=day, certificate_number=number,
                                             certificate_issue_date=day if number else None)
    program_services.program_set_status(actor=None, program=program, status=TrainingProgram.Status.FINISHED)


def _sessions(program: TrainingProgram, titles: list[str], start: dt.date, *, hours: str, step: int = 1,
              location: str = "") -> None:
    for index, title in enumerate(titles):
        program_services.session_add(actor=None, program=program, title=title,
                                     date=start + dt.timedelta(days=index * step), hours=Decimal(hours),
                                     location=location)


def build(context: Any) -> None:
    rng = context.rng
    today = context.today
    bureau = context.bureaus[context.city.code]
    people = [p for p in context.people if p.current_employer_id]
    by_employer: dict[int, list[Person]] = defaultdict(list)
    for person in people:
        by_employer[person.current_employer_id].append(person)
    orgs = context.organizations
    colleges = orgs.get(Organization.Kind.TECHNICAL_COLLEGE, [])
    unions = orgs.get(Organization.Kind.TRADE_UNION, [])
    partners = orgs.get(Organization.Kind.FOREIGN_PARTNER, [])
    worker_user = context.users.get(Membership.Role.WORKER)
    demo_worker = getattr(worker_user, "person", None) if worker_user else None
    org_admin = context.users.get(Membership.Role.ORG_ADMIN)
    demo_firm: Organization | None = None
    if org_admin:
        membership = Membership.objects.filter(user=org_admin, role=Membership.Role.ORG_ADMIN).first()
        assert membership is not None  # the demo's org admin is created with that membership
        demo_firm = membership.organization

    # --- subsidy policies ----------------------------------------------------------------------
    policies: dict[tuple[int, str], Any] = {}
    for year in (today.year - 2, today.year - 1, today.year):
        policies[(year, rules.SKILL_UPGRADE)] = subsidy_services.policy_create(
            actor=None, region=context.city, year=year, kind=rules.SKILL_UPGRADE,
            name=f"{context.city.name} {year} 年失业保险技能提升补贴", document_number=f"绍人社发〔{year}〕12号",
            amounts_by_level={"1": "1000", "2": "1500", "3": "2000"}, max_claims_per_year=3, min_insured_months=12,
            claim_window_months=12, exclusive_with=[rules.VOCATIONAL_TRAINING], shortage_uplift_percent=30,
            valid_from=dt.date(year, 1, 1), valid_until=dt.date(year, 12, 31),
        )
        policies[(year, rules.VOCATIONAL_TRAINING)] = subsidy_services.policy_create(
            actor=None, region=context.city, year=year, kind=rules.VOCATIONAL_TRAINING,
            name=f"{context.city.name} {year} 年职业培训补贴", document_number=f"绍人社发〔{year}〕13号",
            amounts_by_level={"1": "700", "2": "1000", "3": "1500", "4": "2000", "5": "3000"},
            exclusive_with=[rules.SKILL_UPGRADE], valid_from=dt.date(year, 1, 1), valid_until=dt.date(year, 12, 31),
        )
        policies[(year, rules.APPRENTICESHIP)] = subsidy_services.policy_create(
            actor=None, region=context.city, year=year, kind=rules.APPRENTICESHIP,
            name=f"{context.city.name} {year} 年企业新型学徒制培训补贴", document_number=f"绍人社发〔{year}〕21号",
            per_person_year="5000", amount_cap="15000", max_claims_per_year=1,
            notes="学徒每人每年 5000 元，按培养月数折算，累计不超过 15000 元。",
        )

    # --- the Germany study tour -------------------------------------------------------------------
    tour_start = SEED_TOUR_START if today >= SEED_TOUR_START + dt.timedelta(days=40) else today - dt.timedelta(days=60)
    tour_end = tour_start + dt.timedelta(days=TOUR_DAYS - 1)
    de_partner = next((p for p in partners if p.country == "DE"), None)
    tour = program_services.program_create(
        actor=None, name="绍兴市高技能人才赴德国自动化技术研修班", kind=TrainingProgram.Kind.OVERSEAS_STUDY,
        organizer=bureau, host_partner=de_partner, partners=[de_partner] if de_partner else [],
        destination_country="DE", days=TOUR_DAYS, start_date=tour_start, end_date=tour_end,
        nomination_deadline=tour_start - dt.timedelta(days=30), capacity=TOUR_SIZE, hours=Decimal("96"),
        cost_per_person=Decimal("38000"), funding_source=TrainingProgram.FundingSource.GOVERNMENT,
        occupation_name="自动化技术", assessment_required=False, completion_points=30,
        selection_criteria="制造业企业在职高级工及以上技能人才；近三年参与技术革新或传技带徒；兼顾有发展潜力的青年技能人才（90 后约三分之一）。",
        description="绍兴市首次组织高技能人才赴国外研修，为期 13 天，学习德国自动化技术。",
    )
    high = [p for p in people if (p.current_level or 0) >= SkillLevel.SENIOR and p.current_employer_id]
    rng.shuffle(high)
    nominees = high[: min(len(high), TOUR_SIZE + 12)]
    if demo_worker is not None and demo_worker not in nominees and (demo_worker.current_level or 0) >= SkillLevel.SENIOR:
        nominees[0:0] = [demo_worker]
    if nominees:
        program_services.program_set_status(actor=None, program=tour, status=TrainingProgram.Status.OPEN)
        nominations = [
            program_services.nomination_create(actor=None, program=tour, person=p,
                                               reason="一线骨干，参与企业技术革新", score=Decimal(rng.randint(70, 98)))
            for p in nominees
        ]
        young = [n for n in nominations if n.person.birth_date.year >= 1990]
        def rank(nomination: Nomination) -> tuple[int, Decimal, int]:
            assert nomination.score is not None  # every nomination above is given a score
            return -(nomination.person == demo_worker), -nomination.score, nomination.pk

        ranked = sorted(nominations, key=rank)
        chosen = young[:10]
        chosen += [n for n in ranked if n not in chosen][: TOUR_SIZE - len(chosen)]
        chosen = chosen[:TOUR_SIZE]
        rest = [n for n in nominations if n not in chosen]
        program_services.selection_decide(actor=None, program=tour, selected=chosen, not_selected=rest,
                                          note="按评分择优，兼顾青年技能人才", enrolled_on=tour_start)
        program_services.program_set_status(actor=None, program=tour, status=TrainingProgram.Status.IN_PROGRESS)
        _sessions(tour, [f"第 {d + 1} 天：{topic}" for d, topic in enumerate(
            ["抵达与开班", "工业 4.0 概论", "PLC 编程实训", "西门子工厂参观", "机器人集成", "数控系统",
             "智能产线案例", "职业教育双元制交流", "工厂参观", "技术研讨", "实操考核", "总结交流", "结业返程"])],
                  tour_start, hours="7.5", location="德国")
        enrollments = list(tour.enrollments.all())
        for session in tour.sessions.all():
            program_services.attendance_record(actor=None, session=session,
                                               marks={e.pk: "present" for e in enrollments})
        for enrollment in enrollments:
            program_services.enrollment_complete(actor=None, enrollment=enrollment, on=tour_end)
        program_services.program_set_status(actor=None, program=tour, status=TrainingProgram.Status.FINISHED)
    context.log(f"  境外研修：推荐 {len(nominees)} 人，入选 {tour.enrollments.count()} 人")

    # --- international certification programmes ---------------------------------------------------------
    holders_wanted = min(INTERNATIONAL_HOLDERS, len(people) // 10)
    pool = [p for p in people if (p.current_level or 0) >= SkillLevel.INTERMEDIATE and p not in nominees]
    rng.shuffle(pool)
    pool = pool[:holders_wanted]
    start = today - dt.timedelta(days=400)
    provider = colleges[0] if colleges else None
    from gongjiang.catalog.models import Occupation

    chunk = max(1, (len(pool) + len(CERTIFICATION_PROGRAMS) - 1) // len(CERTIFICATION_PROGRAMS))
    for index, (name, title, body, prefix, occupation_code) in enumerate(CERTIFICATION_PROGRAMS):
        group = pool[index * chunk:(index + 1) * chunk]
        if not group:
            continue
        program_start = start + dt.timedelta(days=90 * index)
        program = program_services.program_create(
            actor=None, name=name, kind=TrainingProgram.Kind.INTERNATIONAL_CERTIFICATION, organizer=bureau,
            provider=provider, start_date=program_start, end_date=program_start + dt.timedelta(days=30),
            capacity=len(group), hours=Decimal("120"), funding_source=TrainingProgram.FundingSource.MIXED,
            awards_international_certificate=True, certificate_title=title, certificate_awarding_body=body,
            occupation=Occupation.objects.filter(code=occupation_code).first() if occupation_code else None,
            occupation_name=title, certificate_points=50, points_per_hour=Decimal("0.5"),
        )
        _sessions(program, [f"模块 {m + 1}" for m in range(6)], program_start, hours="20", step=5)
        _enrolled_and_completed(program, group, day=program_start + dt.timedelta(days=30),
                                certificate=(prefix, 1 + index * 1000))
    context.log(f"  国际认证：{len(pool)} 人取得国际证书")

    # --- the night-school AI course (in progress) -------------------------------------------------------
    union = unions[0] if unions else bureau
    young_people = [p for p in people if p.birth_date.year >= today.year - 35 and p not in pool]
    rng.shuffle(young_people)
    night_start = today - dt.timedelta(days=21)
    night = program_services.program_create(
        actor=None, name="职工夜校 · 人工智能训练师（AI 写作、AI 提效、AI 视频与数字人）", kind=TrainingProgram.Kind.NIGHT_SCHOOL,
        organizer=union, start_date=night_start, end_date=night_start + dt.timedelta(days=49), capacity=35,
        hours=Decimal("24"), funding_source=TrainingProgram.FundingSource.TRADE_UNION, occupation_name="人工智能训练师",
        points_per_hour=Decimal("1"), assessment_required=True,
        description="“理论+实操”相结合的夜校课程，利用业余时间为职工充电。",
    )
    _sessions(night, ["AI 写作", "AI 职场技能提效", "AI 视频制作", "AI 数字人技术", "提示词工程", "综合实操",
                      "作品点评", "结课考核"], night_start, hours="3", step=7, location="科创园青创空间")
    program_services.program_set_status(actor=None, program=night, status=TrainingProgram.Status.OPEN)
    learners = young_people[:32]
    nominations = [program_services.nomination_create(actor=None, program=night, person=p, reason="个人报名")
                   for p in learners]
    program_services.selection_decide(actor=None, program=night, selected=nominations)
    program_services.program_set_status(actor=None, program=night, status=TrainingProgram.Status.IN_PROGRESS)
    enrollments = list(night.enrollments.all())
    for session in night.sessions.filter(date__lte=today):
        program_services.attendance_record(actor=None, session=session, marks={
            e.pk: "present" if rng.random() < 0.9 else rng.choice(["absent", "leave"]) for e in enrollments})
    # --- 青年技师素质提升 (finished, with drop-outs) -------------------------------------------------
    class_start = today - dt.timedelta(days=200)
    youth = program_services.program_create(
        actor=None, name="青年技师素质提升班", kind=TrainingProgram.Kind.YOUNG_TECHNICIAN, organizer=bureau,
        provider=provider, start_date=class_start, end_date=class_start + dt.timedelta(days=60), capacity=40,
        hours=Decimal("64"), funding_source=TrainingProgram.FundingSource.EMPLOYMENT_FUND,
        subsidy_policy=policies[(class_start.year, rules.VOCATIONAL_TRAINING)], target_level=SkillLevel.TECHNICIAN,
        occupation_name="青年技师", leads_to_evaluation=True,
    )
    _sessions(youth, [f"专题 {n + 1}" for n in range(8)], class_start, hours="8", step=7)
    class_people = young_people[32:62]
    if class_people:
        program_services.program_set_status(actor=None, program=youth, status=TrainingProgram.Status.OPEN)
        nominations = [program_services.nomination_create(actor=None, program=youth, person=p) for p in class_people]
        program_services.selection_decide(actor=None, program=youth, selected=nominations)
        program_services.program_set_status(actor=None, program=youth, status=TrainingProgram.Status.IN_PROGRESS)
        enrollments = list(youth.enrollments.all())
        dropouts = set(rng.sample([e.pk for e in enrollments], k=min(3, len(enrollments))))
        for session in youth.sessions.all():
            program_services.attendance_record(actor=None, session=session, marks={
                e.pk: "present" for e in enrollments if e.pk not in dropouts or session.sequence <= 3})
        reasons = ["工作调动，无法继续参训", "家庭原因", "岗位调整，改报下一期"]
        for index, enrollment in enumerate(enrollments):
            if enrollment.pk in dropouts:
                program_services.enrollment_drop(actor=None, enrollment=enrollment, reason=reasons[index % 3],
                                                 on=class_start + dt.timedelta(days=25))
                continue
            program_services.assessment_record(actor=None, enrollment=enrollment, passed=True,
                                               score=Decimal(rng.randint(65, 96)))
            program_services.enrollment_complete(actor=None, enrollment=enrollment,
                                                 on=class_start + dt.timedelta(days=60))
        program_services.program_set_status(actor=None, program=youth, status=TrainingProgram.Status.FINISHED)

    # --- an open programme employers can still nominate to -------------------------------------------
    upcoming_start = today + dt.timedelta(days=45)
    upcoming = program_services.program_create(
        actor=None, name="新加坡先进制造高技能人才研修班（第二期）", kind=TrainingProgram.Kind.OVERSEAS_STUDY,
        organizer=bureau, destination_country="SG",
        host_partner=next((p for p in partners if p.country == "SG"), None), days=10, start_date=upcoming_start,
        end_date=upcoming_start + dt.timedelta(days=9), nomination_deadline=today + dt.timedelta(days=20),
        capacity=25, hours=Decimal("70"), selection_criteria="高级工及以上，近三年获市级以上技能荣誉者优先。",
    )
    program_services.program_set_status(actor=None, program=upcoming, status=TrainingProgram.Status.OPEN)
    if demo_firm is not None:
        for person in by_employer.get(demo_firm.pk, [])[:3]:
            if person != demo_worker:
                program_services.nomination_create(actor=None, program=upcoming, person=person, reason="企业推荐")

    _apprenticeships(context, by_employer=by_employer, colleges=colleges, policies=policies, demo_firm=demo_firm,
                     exclude={p.pk for p in nominees} | {p.pk for p in pool})
    _skill_claims(context, policies=policies)


def _apprenticeships(context: Any, *, by_employer: dict[int, list[Person]], colleges: list[Organization],
                     policies: dict[tuple[int, str], Any], demo_firm: Organization | None, exclude: set[int]) -> None:
    """Apprenticeships of every kind and status, with reviews, allowances and subsidy claims."""
    rng = context.rng
    today = context.today
    if not colleges:
        return
    teachers = [p for p in context.people if p.current_employer_id in {c.pk for c in colleges}]
    fallback_teachers = [p for p in context.people if (p.current_level or 0) >= SkillLevel.TECHNICIAN]
    enterprise_ids = set(
        Organization.objects.filter(pk__in=list(by_employer), kind=Organization.Kind.ENTERPRISE).values_list("pk", flat=True)
    )
    employers = sorted((pk for pk, staff in by_employer.items() if len(staff) >= 3 and pk in enterprise_ids), key=lambda pk: (
        pk != (demo_firm.pk if demo_firm else None), pk))
    # Interleaved, so that even a small demo city has every kind in several statuses.
    cycle = [Apprenticeship.Kind.ENTERPRISE_NEW_TYPE, Apprenticeship.Kind.MODERN,
             Apprenticeship.Kind.ENTERPRISE_NEW_TYPE, Apprenticeship.Kind.TRAINEE_HIRE]
    plan = [cycle[i % 4] for i in range(24)]
    statuses = ["waiting", "active", "active", "active", "paused", "stopped", "completed", "completed"]
    created = 0
    for index, kind in enumerate(plan):
        if index >= len(employers) * 2:
            break
        employer_pk = employers[index // 2]
        staff = sorted(by_employer[employer_pk], key=lambda p: -(p.current_level or 0))
        mentor = staff[0]
        candidates = [p for p in staff[1:] if p.pk not in exclude and (p.current_level or 0) <= SkillLevel.INTERMEDIATE]
        if not candidates or (mentor.current_level or 0) < SkillLevel.SENIOR:
            continue
        apprentice = candidates[index % 2 if len(candidates) > 1 else 0]
        exclude.add(apprentice.pk)
        school = colleges[index % len(colleges)]
        teacher_pool = [t for t in teachers if t.pk not in (apprentice.pk, mentor.pk)] or [
            t for t in fallback_teachers if t.pk not in (apprentice.pk, mentor.pk)]
        if not teacher_pool:
            continue
        teacher = teacher_pool[index % len(teacher_pool)]
        status = statuses[index % len(statuses)]
        months = 24 if status == "waiting" else rng.choice([12, 18, 24])
        if status == "completed":
            start = today - dt.timedelta(days=30 * months + 40)
        elif status == "waiting":
            start = today + dt.timedelta(days=20)
        else:
            start = today - dt.timedelta(days=rng.randint(120, 300))
        end = rules.add_months(start, months) - dt.timedelta(days=1)
        target = SkillLevel.SENIOR if (apprentice.current_level or 0) >= SkillLevel.INTERMEDIATE else SkillLevel.INTERMEDIATE
        occupation = mentor.primary_occupation
        employer = mentor.current_employer
        assert employer is not None  # the mentor is one of this employer's staff
        record = apprenticeship_services.apprenticeship_create(
            actor=None, kind=kind, apprentice=apprentice, employer=employer, school=school,
            enterprise_mentor=mentor, school_mentor=teacher, target_level=target, start_date=start,
            planned_end_date=end, contract_start=start - dt.timedelta(days=30),
            contract_end=None if index % 3 == 0 else start + dt.timedelta(days=365 * 3),
            occupation=occupation, occupation_name=occupation.name if occupation else "",
            agreement_number=f"XT{start:%Y}{index + 1:04d}",
        )
        created += 1
        if status == "waiting":
            continue
        apprenticeship_services.apprenticeship_change_status(actor=None, apprenticeship=record, status="active",
                                                             on=start, reason="入企报到，开始企校双师培养")
        review_day = min(today, start + dt.timedelta(days=100))
        review = apprenticeship_services.review_create(
            actor=None, apprenticeship=record, period_label="第一阶段", review_date=review_day,
            progress_percent=rng.randint(30, 50), summary="理论与实操按计划推进，达到阶段目标。")
        apprenticeship_services.review_sign(actor=None, review=review, side="enterprise")
        if status != "active" or index % 2 == 0:
            apprenticeship_services.review_sign(actor=None, review=review, side="school")
        apprenticeship_services.mentor_allowance_record(
            actor=None, apprenticeship=record, mentor=mentor, period_start=start,
            period_end=start + dt.timedelta(days=180), amount=Decimal(rng.choice([1200, 1800, 2400])),
            paid_on=min(today, start + dt.timedelta(days=190)), note="企业按月发放导师带徒津贴",
        )
        year = min(today, start + dt.timedelta(days=200)).year
        policy = selectors.policy_for(region=record.employer.region, year=year, kind=rules.APPRENTICESHIP) \
            if record.employer.region else None
        if policy is not None and kind == Apprenticeship.Kind.ENTERPRISE_NEW_TYPE:
            claim = subsidy_services.claim_create(
                actor=None, policy=policy, person=apprentice, apprenticeship=record,
                claim_date=min(today, dt.date(year, 12, 1)), months_covered=min(12, max(1, months // 2)),
            )
            if claim.eligible and index % 3 != 2:
                subsidy_services.claim_approve(actor=None, claim=claim)
                if index % 2 == 0:
                    subsidy_services.claim_mark_paid(actor=None, claim=claim, paid_on=claim.claim_date)
        if status == "paused":
            apprenticeship_services.apprenticeship_change_status(
                actor=None, apprenticeship=record, status="paused", on=min(today, start + dt.timedelta(days=110)),
                reason="学徒休产假，培养暂停")
        elif status == "stopped":
            apprenticeship_services.apprenticeship_change_status(
                actor=None, apprenticeship=record, status="stopped", on=min(today, start + dt.timedelta(days=110)),
                reason="学徒解除劳动合同，培养终止")
        elif status == "completed":
            final = apprenticeship_services.review_create(
                actor=None, apprenticeship=record, period_label="结业考核", review_date=min(today, end),
                progress_percent=100, summary="完成培养计划，考核合格，推荐参加职业技能等级认定。")
            apprenticeship_services.review_sign(actor=None, review=final, side="enterprise")
            apprenticeship_services.review_sign(actor=None, review=final, side="school")
            apprenticeship_services.apprenticeship_change_status(
                actor=None, apprenticeship=record, status="completed", on=min(today, end), reason="培养期满，考核合格")
    context.log(f"  学徒培养 {created} 项")


def _skill_claims(context: Any, *, policies: dict[tuple[int, str], Any]) -> None:
    """Skill-upgrade subsidy claims for certificates issued in the last year."""
    rng = context.rng
    today = context.today
    recent = list(Certificate.objects.filter(
        kind=Certificate.Kind.SKILL_LEVEL, status=Certificate.Status.VALID, level__in=[1, 2, 3],
        issue_date__gte=today - dt.timedelta(days=330), issue_date__lte=today,
    ).select_related("occupation", "holder", "holder__current_employer").order_by("pk")[:40])
    made = 0
    for certificate in recent:
        policy = policies.get((today.year, rules.SKILL_UPGRADE))
        if policy is None:
            break
        claim = subsidy_services.claim_create(
            actor=None, policy=policy, person=certificate.holder, certificate=certificate, claim_date=today,
            insured_months=rng.choice([6, 14, 26, 40, 60]), is_shortage_occupation=rng.random() < 0.2,
        )
        made += 1
        if claim.eligible and made % 2 == 0:
            subsidy_services.claim_approve(actor=None, claim=claim)
    context.log(f"  技能提升补贴申领 {made} 笔")

