"""Demo competitions for the demo city (the ``build(context)`` hook of gongjiang.web.demo).

Two competitions, written through the competition services as a system job (actor=None):

* **YYYY年绍兴市职业技能大赛** (city level, last year): district heats (赛区赛, one heat per
  district, the best two of each heat advance) and a final; four events — three individual (one
  judged on the WorldSkills 700 scale) and one two-person team event; a delegation per district
  bureau with quotas; three judges per event (one a chief judge); marks for every entry, one
  judgement disagreement moderated by the chief judge, one appeal rejected; results locked and
  published; reward rules (第一名 → 绍兴市技术能手, 优胜奖及以上 → 技师 / 技师 → 高级技师)
  applied, so medallists' honours and promotion certificates are in the registry.
* **YYYY年越城区“技能兴企”职工技能比武** (district level, this year), still being judged:
  enterprise delegations, marks partly submitted, partly draft, the rest not yet marked. The
  demo account ``demo-judge`` is its chief judge and can finish it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gongjiang.catalog.levels import SkillLevel
from gongjiang.competitions import selectors, services
from gongjiang.competitions.models import Competition, CompetitionEvent, Entry, EventRound, Judge
from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.models import User
from gongjiang.people.models import Honor, Person

DESCRIPTORS = ["低于行业标准", "符合行业标准", "符合并在部分方面超过行业标准", "全面超过行业标准，表现优秀"]
JUDGE_ACCOUNT = "demo-judge"

# (code, occupation code, event name, team size, medal policy)
CITY_EVENTS = (
    ("E01", "6-31-01-03", "电工", 1, CompetitionEvent.MedalPolicy.NATIONAL),
    ("E02", "6-18-01-01", "数控车工", 1, CompetitionEvent.MedalPolicy.NATIONAL),
    ("E03", "6-30-99-00", "工业机器人系统操作（双人赛）", 2, CompetitionEvent.MedalPolicy.NATIONAL),
    ("E04", "6-18-02-04", "焊工（世赛标准）", 1, CompetitionEvent.MedalPolicy.WORLDSKILLS),
)
HEAT_ENTRIES = 3  # entries per delegation and event in the heats
ADVANCE = 2  # the best two of each heat go to the final


def scheme(event_name: str) -> list[dict[str, Any]]:
    return [
        {"name": f"{event_name}实操", "aspects": [
            {"code": "A1", "description": "加工/安装精度", "kind": "measurement", "max_mark": "30"},
            {"code": "A2", "description": "功能实现与参数", "kind": "measurement", "max_mark": "25"},
            {"code": "A3", "description": "工时与材料利用", "kind": "measurement", "max_mark": "15"},
        ]},
        {"name": "职业素养与工艺", "aspects": [
            {"code": "B1", "description": "工艺方案合理性", "kind": "judgement", "max_mark": "15",
             "descriptors": DESCRIPTORS},
            {"code": "B2", "description": "安全文明生产与 6S", "kind": "judgement", "max_mark": "15",
             "descriptors": DESCRIPTORS},
        ]},
    ]


class DemoCompetitions:
    def __init__(self, context: Any) -> None:
        self.context = context
        self.rng: random.Random = context.rng
        self.password = make_password(None)  # judges other than the demo account cannot sign in
        self.ability: dict[int, float] = {}
        org_region = {org.pk: org.region_id for orgs in context.organizations.values() for org in orgs}
        self.district_of: dict[int, str] = {}
        for person in context.people:
            code = org_region.get(person.current_employer_id) or person.residence_region_id or ""
            self.district_of[person.pk] = code
        self.occupations = {o.code: o for o in context.occupations}
        self.used: set[int] = set()
        # Judges come from three different schools, so an entrant who works at one of them still
        # has two judges who may mark them (回避).
        schools = [*context.organizations.get("technical_college", []), *context.organizations.get("vocational_school", [])]
        self.judge_orgs = (schools + [None, None, None])[:3]

    # --- helpers ---------------------------------------------------------------------------------

    def judge_user(self, username: str, display_name: str) -> Any:
        user, _created = User.objects.get_or_create(
            username=username, defaults={"display_name": display_name, "password": self.password},
        )
        return user

    def pick(self, people: list[Person], count: int, occupation_code: str) -> list[Person]:
        """People not yet entered, those of the event's occupation first."""
        wanted = self.occupation_id(occupation_code)
        free = [p for p in people if p.pk not in self.used and "·" not in p.name]
        same = [p for p in free if wanted is not None and p.primary_occupation_id == wanted]
        others = [p for p in free if wanted is None or p.primary_occupation_id != wanted]
        self.rng.shuffle(same)
        self.rng.shuffle(others)
        chosen = (same + others)[:count]
        self.used.update(p.pk for p in chosen)
        return chosen

    def occupation_id(self, code: str) -> int | None:
        occupation = self.occupations.get(code)
        return occupation.pk if occupation else None

    def marks_for(self, entry: Entry, judge_index: int, judgement: dict[str, list[int]]) -> dict[str, Any]:
        ability = self.ability.setdefault(entry.pk, self.rng.uniform(0.55, 0.97))
        marks: dict[str, Any] = {}
        for code, maximum in (("A1", 30), ("A2", 25), ("A3", 15)):
            # judges measure the same thing: one value per entry and aspect
            key = f"{entry.pk}:{code}"
            if key not in judgement:
                noise = self.rng.uniform(-0.08, 0.05)
                judgement[key] = [int(round(max(0.0, min(1.0, ability + noise)) * maximum * 2))]
            marks[code] = Decimal(judgement[key][0]) / 2
        for code in ("B1", "B2"):
            key = f"{entry.pk}:{code}"
            if key not in judgement:
                base = max(0, min(2, int(ability * 3.4) - 1 + self.rng.choice((0, 0, 1))))
                scores = [base, base, base + 1]
                self.rng.shuffle(scores)
                judgement[key] = scores
            marks[code] = judgement[key][judge_index]
        return marks

    def mark_round(self, event_round: EventRound, judges: list[Judge], *, submit: bool = True,
                   only: list[Entry] | None = None, disagreement: bool = False) -> None:
        judgement: dict[str, list[int]] = {}
        entries = only if only is not None else list(event_round.entries.filter(status__in=Entry.ACTIVE).order_by("number"))
        if disagreement and entries:
            judgement[f"{entries[0].pk}:B1"] = [1, 3, 2]
        for entry in entries:
            for index, judge in enumerate(judges):
                if selectors.judge_conflicts_with(judge, entry):
                    continue  # 回避: this judge works where the entrant works
                services.marks_save(actor=None, judge=judge, entry=entry, marks=self.marks_for(entry, index, judgement),
                                    submit=submit)
            services.entry_record_scores(
                actor=None, entry=entry, theory_score=Decimal(self.rng.randint(120, 196)) / 2,
                completion_seconds=self.rng.randint(150, 240) * 60,
            )

    # --- the city competition -------------------------------------------------------------------

    def city_competition(self) -> Competition:
        context = self.context
        year = min(context.today, timezone.localdate()).year - 1
        bureau = context.bureaus[context.city.code]
        heats = {d.code: f"{d.name.removesuffix('区').removesuffix('市').removesuffix('县')}赛区" for d in context.districts}
        start = dt.date(year, 6, 10)
        competition = services.competition_create(
            actor=None, name=f"{year}年绍兴市职业技能大赛", organizer=bureau, level=Competition.Level.CITY,
            start_date=start, end_date=start + dt.timedelta(days=3), co_organizers="绍兴市总工会；绍兴技师学院（承办）",
            description="全市综合性职业技能竞赛：各区、县（市）赛区赛选拔，决赛集中进行；以赛代评，获奖选手直接晋升职业技能等级。",
            default_quota=HEAT_ENTRIES,
            stages=[
                {"name": "赛区赛", "heats": list(heats.values()), "advancement": "top_per_heat", "advance_count": ADVANCE,
                 "starts_on": start},
                {"name": "决赛", "starts_on": start + dt.timedelta(days=2)},
            ],
        )
        events = []
        for code, occupation_code, name, team_size, policy in CITY_EVENTS:
            occupation = self.occupations.get(occupation_code)
            event = services.event_create(
                actor=None, competition=competition, code=code, name=name, occupation=occupation, team_size=team_size,
                min_age=16, max_age=60, medal_policy=policy, venue="绍兴技师学院实训中心", appeal_hours=24,
                theory_weight=Decimal("30"), practical_weight=Decimal("70"),
            )
            services.marking_scheme_set(actor=None, event=event, sections=scheme(name))
            events.append(event)
        delegations = {}
        for district in context.districts:
            delegations[district.code] = services.delegation_create(
                actor=None, competition=competition, name=f"{district.name}代表队", kind="district",
                organization=context.bureaus[district.code], heat=heats[district.code],
                leader_name=f"{district.name}人社局", contact_phone="0575-8800" + district.code[-4:],
            )
        judges = self.judges(events, prefix="city")
        services.reward_rule_create(
            actor=None, competition=competition, name="第一名授予“绍兴市技术能手”", rank_from=1, rank_to=1,
            honor_title=Honor.Title.CITY_TECHNICAL_EXPERT, honor_name="绍兴市技术能手",
        )
        services.reward_rule_create(
            actor=None, competition=competition, name="优胜奖及以上晋升技师（已是技师的晋升高级技师）",
            min_medal="excellence", promotion="to_level", promotion_level=SkillLevel.TECHNICIAN,
            promotion_cap=SkillLevel.SENIOR_TECHNICIAN,
        )
        services.competition_set_status(actor=None, competition=competition, status="registration")
        by_district: dict[str, list[Person]] = defaultdict(list)
        for person in context.people:
            by_district[self.district_of[person.pk]].append(person)
        for event, (_code, occupation_code, _name, team_size, _policy) in zip(events, CITY_EVENTS, strict=True):
            for district_code, delegation in delegations.items():
                for _index in range(HEAT_ENTRIES):
                    people = self.pick(by_district[district_code], team_size, occupation_code)
                    if len(people) < team_size:
                        break
                    try:
                        services.entry_register(actor=None, event=event, delegation=delegation, people=people,
                                                team_name=f"{delegation.name.removesuffix('代表队')}队" if team_size > 1 else "")
                    except ApplicationError:
                        continue  # e.g. outside the age limits: not entered, as a real delegation would not
        services.competition_set_status(actor=None, competition=competition, status="underway")
        heat_day = timezone.make_aware(dt.datetime.combine(start, dt.time(17, 0)))
        final_day = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=2), dt.time(17, 0)))
        for event in events:
            heat_round, final_round = list(event.rounds.order_by("stage__sequence"))
            chief = judges[event.pk][0]
            if not heat_round.entries.exists():
                context.log(f"    {event.name}：无人报名（演示人数太少），跳过")
                continue
            self.mark_round(heat_round, judges[event.pk])
            services.round_lock(actor=None, event_round=heat_round)
            services.round_publish(actor=None, event_round=heat_round, now=heat_day)
            services.round_advance(actor=None, event_round=heat_round)
            self.mark_round(final_round, judges[event.pk], disagreement=event.code == "E01")
            if event.code == "E01":
                first = final_round.entries.order_by("number").first()
                if first is not None:
                    services.moderation_accept(
                        actor=chief.user, entry=first, aspect=event.aspects.get(code="B1"),
                        reason="三位裁判对工艺路线的理解不同，经裁判组合议，维持原评分。",
                    )
            services.round_lock(actor=chief.user, event_round=final_round)
            published = services.round_publish(actor=chief.user, event_round=final_round, now=final_day)
            if event.code == "E02":
                fourth = final_round.entries.filter(position=4).first()
                if fourth is not None:
                    appeal = services.appeal_submit(actor=None, entry=fourth, reason="对 A1 尺寸精度的测量结果有异议。",
                                                    now=published.published_at)
                    services.appeal_decide(actor=chief.user, appeal=appeal, status="rejected",
                                           outcome="裁判组会同申诉人复测，测量结果无误，维持原成绩。")
        try:
            services.rewards_apply(actor=None, competition=competition, issue_date=self.context.today)
        except ApplicationError as exc:  # only when a tiny demo city left an event without entrants
            context.log(f"    奖励未兑现：{exc.message}")
            return competition
        services.competition_set_status(actor=None, competition=competition, status="finished")
        return competition

    def judges(self, events: list[CompetitionEvent], *, prefix: str,
               chief_users: dict[str, Any] | None = None) -> dict[int, list[Judge]]:
        result: dict[int, list[Judge]] = {}
        for event in events:
            judges = []
            for index, role in enumerate(("裁判长", "裁判", "裁判")):
                user = (chief_users or {}).get(event.code) if index == 0 else None
                if user is None:
                    user = self.judge_user(f"{prefix}-{event.code.lower()}-judge{index + 1}",
                                           f"{event.name}{role}{index + 1 if index else ''}")
                judges.append(services.judge_assign(
                    actor=None, event=event, user=user, name=f"{event.code}{role}{'' if index == 0 else index}",
                    organization=self.judge_orgs[index], is_chief=index == 0,
                ))
            result[event.pk] = judges
        return result

    # --- the competition still being judged ------------------------------------------------------

    def district_competition(self) -> Competition:
        context = self.context
        district = next((d for d in context.districts if d.code == "330602"), context.districts[0])
        start = min(context.today, timezone.localdate()) - dt.timedelta(days=1)
        year = start.year
        competition = services.competition_create(
            actor=None, name=f"{year}年{district.name}“技能兴企”职工技能比武", organizer=context.bureaus[district.code],
            level=Competition.Level.DISTRICT, start_date=start, end_date=start + dt.timedelta(days=1),
            description="区级职工岗位练兵、技能比武，由企业组队参加。",
        )
        events = []
        for code, occupation_code, name in (("E01", "6-31-01-03", "维修电工"), ("E02", "6-18-01-01", "车工")):
            event = services.event_create(
                actor=None, competition=competition, code=code, name=name,
                occupation=self.occupations.get(occupation_code), theory_weight=Decimal("20"),
                practical_weight=Decimal("80"), venue=f"{district.name}职业技能实训基地",
            )
            services.marking_scheme_set(actor=None, event=event, sections=scheme(name))
            events.append(event)
        employers: dict[int, list[Person]] = defaultdict(list)
        for person in context.people:
            if person.pk not in self.used and self.district_of[person.pk] == district.code and person.current_employer_id:
                employers[person.current_employer_id].append(person)
        firms = sorted(employers, key=lambda pk: (-len(employers[pk]), pk))[:4]
        org_by_pk = {org.pk: org for orgs in context.organizations.values() for org in orgs}
        delegations = []
        for firm_pk in firms:
            firm = org_by_pk.get(firm_pk)
            if firm is None:
                continue
            delegations.append((services.delegation_create(
                actor=None, competition=competition, name=f"{firm.short_name or firm.name}代表队", kind="enterprise",
                organization=firm,
            ), employers[firm_pk]))
        demo_judge = self.judge_user(JUDGE_ACCOUNT, "演示 裁判长")
        demo_judge.password = make_password(self.demo_password())
        demo_judge.save(update_fields=["password"])
        judges = self.judges(events, prefix="district", chief_users={"E01": demo_judge})
        services.competition_set_status(actor=None, competition=competition, status="registration")
        for event, occupation_code in zip(events, ("6-31-01-03", "6-18-01-01"), strict=True):
            for delegation, staff in delegations:
                for person in self.pick(staff, 2, occupation_code):
                    try:
                        services.entry_register(actor=None, event=event, delegation=delegation, people=[person])
                    except ApplicationError:
                        continue
        services.competition_set_status(actor=None, competition=competition, status="underway")
        for event in events:
            event_round = event.rounds.get()
            entries = list(event_round.entries.filter(status__in=Entry.ACTIVE).order_by("number"))
            half = len(entries) // 2
            # the first half fully marked and submitted by the two ordinary judges, drafts by
            # one of them for the next entry; the chief judge has not marked yet
            self.mark_round(event_round, judges[event.pk][1:], only=entries[:half])
            if half < len(entries):
                services.marks_save(actor=None, judge=judges[event.pk][1], entry=entries[half],
                                    marks={"A1": 24, "A2": 20, "B1": 2}, submit=False)
        self.context.accounts.append(self.account(demo_judge, competition))
        return competition

    def demo_password(self) -> str:
        from gongjiang.web.demo import DEMO_PASSWORD

        return DEMO_PASSWORD

    def account(self, user: Any, competition: Competition) -> Any:
        from gongjiang.web.demo import DemoAccount

        return DemoAccount(JUDGE_ACCOUNT, "competition_judge", "竞赛裁判长", "演示 裁判长",
                           f"{competition.name}·维修电工（评分中）", user)


def build(context: Any) -> None:
    """Add the demo competitions (see the module docstring)."""
    builder = DemoCompetitions(context)
    context.log("  竞赛：市级大赛（赛区赛 → 决赛，已公布、已兑现奖励）…")
    city = builder.city_competition()
    context.log(f"    {city.name}：{Entry.objects.filter(event__competition=city).count()} 人次参赛")
    context.log("  竞赛：区级技能比武（评分中）…")
    builder.district_competition()
