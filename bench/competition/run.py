"""A provincial-scale competition: 100 events, 5,000 entries, 3 judges per event, full marking.

Measures, against the targets of issue 4 and against a per-entry baseline in the same run:

* recomputing every round's results (totals, ranks with tie-breaks, medals, the 700 scale for
  the WorldSkills-style events) and the medal tables (competition, by points, year) — target < 2 s;
* rendering the public results page of the largest event — target < 200 ms (median of 7).

The baseline computes the same results the obvious way — one query per entry for its marks —
on a sample of rounds, extrapolated to all of them.

    .venv/bin/python bench/competition/run.py                      # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_competition \\
        .venv/bin/python bench/competition/run.py                  # PostgreSQL (database must exist)

The data is written with bulk inserts (the setup is not what is measured) and, on PostgreSQL,
removed again at the end.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal

EVENTS = int(__import__("os").environ.get("BENCH_EVENTS", 100))
ENTRIES = int(__import__("os").environ.get("BENCH_ENTRIES", 5000))
LARGEST = 300  # entries in the largest event (E001); the rest share the remainder
JUDGES_PER_EVENT = 3
RECOMPUTE_TARGET = 2.0
PAGE_TARGET = 0.200


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["GONGJIANG_DATA_DIR"] = tempfile.mkdtemp(prefix="gongjiang-bench-competition-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name hashed static files


def build() -> tuple[object, list[object]]:
    """Bulk-write the competition, people, entries, judges, sheets and marks; return (competition, rounds)."""
    import random

    from django.contrib.auth.hashers import make_password

    from gongjiang.catalog.models import Region
    from gongjiang.competitions import services
    from gongjiang.competitions.models import (
        Aspect,
        Competition,
        Delegation,
        Entry,
        EntryMember,
        EventRound,
        Judge,
        Mark,
        ScoreSheet,
    )
    from gongjiang.core.models import User
    from gongjiang.orgs.services import organization_create
    from gongjiang.people.models import Person

    rng = random.Random(4)
    stamp = f"{time.time_ns()}"[-8:]
    province, _ = Region.objects.get_or_create(code="330000", defaults={"name": "浙江省", "level": 1})
    bureau = organization_create(actor=None, name=f"浙江省人力资源和社会保障厅（基准{stamp}）", kind="government",
                                 region=province)
    competition = services.competition_create(
        actor=None, name=f"浙江省职业技能大赛（基准 {stamp}）", organizer=bureau, level=Competition.Level.PROVINCIAL_1,
        start_date=dt.date(2025, 9, 1), end_date=dt.date(2025, 9, 5),
    )
    stage = competition.stages.get()
    delegations = [
        organization_create(actor=None, name=f"第{i + 1:02d}市人社局（基准{stamp}）", kind="government", region=province)
        for i in range(50)
    ]
    delegations = Delegation.objects.bulk_create(
        [Delegation(competition=competition, name=f"第{i + 1:02d}市代表队", kind="city", organization=org)
         for i, org in enumerate(delegations)]
    )
    sizes = [LARGEST] + [(ENTRIES - LARGEST) // (EVENTS - 1)] * (EVENTS - 1)
    sizes[-1] += ENTRIES - sum(sizes)
    scheme = [{"name": "实操", "aspects": [
        {"code": "A1", "description": "精度", "kind": "measurement", "max_mark": "30"},
        {"code": "A2", "description": "功能", "kind": "measurement", "max_mark": "25"},
        {"code": "A3", "description": "工时", "kind": "measurement", "max_mark": "15"},
        {"code": "B1", "description": "工艺", "kind": "judgement", "max_mark": "15", "descriptors": ["0", "1", "2", "3"]},
        {"code": "B2", "description": "安全", "kind": "judgement", "max_mark": "15", "descriptors": ["0", "1", "2", "3"]},
    ]}]
    password = make_password(None)
    users = User.objects.bulk_create([User(username=f"bench{stamp}-j{i}", password=password)
                                      for i in range(EVENTS * JUDGES_PER_EVENT)])
    people = Person.objects.bulk_create([
        Person(name=f"选手{i:04d}", id_number_encrypted="x", id_number_hash=f"bench{stamp}-{i}",
               id_number_masked="330000********0000", sex="male", birth_date=dt.date(1990, 1, 1))
        for i in range(ENTRIES)
    ], batch_size=1000)
    person_iter = iter(people)
    rounds = []
    for index, size in enumerate(sizes):
        policy = "worldskills" if index % 5 == 4 else "national"
        event = services.event_create(actor=None, competition=competition, code=f"E{index + 1:03d}",
                                      name=f"赛项{index + 1:03d}", medal_policy=policy)
        services.marking_scheme_set(actor=None, event=event, sections=scheme)
        aspects = list(Aspect.objects.filter(event=event).order_by("code"))
        event_round = EventRound.objects.get(event=event, stage=stage)
        judges = Judge.objects.bulk_create([
            Judge(event=event, user=users[index * JUDGES_PER_EVENT + j], name=f"裁判{j + 1}", is_chief=j == 0)
            for j in range(JUDGES_PER_EVENT)
        ])
        entries = Entry.objects.bulk_create([
            Entry(event=event, round=event_round, delegation=delegations[n % len(delegations)],
                  number=f"E{index + 1:03d}-{n + 1:03d}", theory_score=Decimal(rng.randint(100, 198)) / 2,
                  completion_seconds=rng.randint(3000, 9000))
            for n in range(size)
        ])
        EntryMember.objects.bulk_create([EntryMember(entry=e, person=next(person_iter)) for e in entries])
        sheets = ScoreSheet.objects.bulk_create([
            ScoreSheet(entry=e, judge=j, status=ScoreSheet.Status.SUBMITTED) for e in entries for j in judges
        ], batch_size=1000)
        marks = []
        for sheet in sheets:
            for aspect in aspects:
                if aspect.kind == "judgement":
                    value = Decimal(rng.randint(1, 2))
                else:
                    value = Decimal(rng.randint(int(aspect.max_mark) // 2 * 2, int(aspect.max_mark) * 2)) / 2
                marks.append(Mark(sheet=sheet, aspect=aspect, value=value))
        Mark.objects.bulk_create(marks, batch_size=2000)
        rounds.append(event_round)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh planner statistics after the bulk load
            cursor.execute("ANALYZE")
    rounds = list(EventRound.objects.filter(pk__in=[r.pk for r in rounds]).select_related(
        "event", "event__competition", "stage").order_by("event__code"))
    return competition, rounds


def recompute(competition: object, rounds: list[object]) -> tuple[float, float]:
    from gongjiang.competitions import rules, selectors
    from gongjiang.competitions.models import EventRound
    from gongjiang.competitions.services.judging import _store_results

    started = time.perf_counter()
    cpu = time.process_time()
    for event_round in rounds:
        _store_results(event_round)
    EventRound.objects.filter(pk__in=[r.pk for r in rounds]).update(status="published")
    selectors.medal_table(competition=competition)
    selectors.medal_table(competition=competition, order=rules.BY_POINTS)
    selectors.year_medal_table(year=2025)
    return time.perf_counter() - started, time.process_time() - cpu


def baseline(rounds: list[object], sample: int = 5) -> float:
    """Per entry: one query for its marks, Python sums; per round: rank and medals. Extrapolated."""
    from gongjiang.competitions import rules
    from gongjiang.competitions.models import Entry, Mark

    started = time.perf_counter()
    entries_done = 0
    for event_round in rounds[1:sample + 1]:
        event = event_round.event
        aspects = list(event.aspects.all())
        maximum = sum(a.max_mark for a in aspects)
        performances = []
        for entry in Entry.objects.filter(round=event_round):
            total = Decimal(0)
            for aspect in aspects:
                values = list(Mark.objects.filter(sheet__entry=entry, aspect=aspect).values_list("value", flat=True))
                if aspect.kind == "judgement":
                    total += rules.judgement_mark([int(v) for v in values], aspect.max_mark)
                else:
                    total += rules.measurement_mark(values)
            practical = rules.percent(total, maximum)
            performances.append(rules.Performance(entry.pk, rules.weighted_total(
                theory=entry.theory_score, practical=practical, theory_weight=event.theory_weight,
                practical_weight=event.practical_weight), practical, entry.theory_score or 0, entry.completion_seconds))
            entry.total_score = performances[-1].total
            entry.save(update_fields=["total_score"])
            entries_done += 1
        rules.allocate_medals(rules.rank(performances), event.medal_rules())
    elapsed = time.perf_counter() - started
    return elapsed * ENTRIES / max(entries_done, 1)


def page_time(largest: object) -> tuple[float, float, int]:
    from django.test import Client

    client = Client()
    url = f"/competitions/results/rounds/{largest.pk}/"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    rows = response.content.decode().count("<tr>") - 1
    timings = []
    cpu = []
    for _ in range(7):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(url)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return statistics.median(timings), statistics.median(cpu), rows


def cleanup(competition: object) -> None:
    """Remove the benchmark's rows (PostgreSQL keeps its database between runs)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return
    from gongjiang.competitions.models import (
        Delegation,
        Entry,
        EntryMember,
        Judge,
        Mark,
        ScoreSheet,
    )
    from gongjiang.core.models import User
    from gongjiang.people.models import Person

    people = list(EntryMember.objects.filter(entry__event__competition=competition).values_list("person_id", flat=True))
    users = list(Judge.objects.filter(event__competition=competition).values_list("user_id", flat=True))
    orgs = list(Delegation.objects.filter(competition=competition).values_list("organization_id", flat=True))
    Mark.objects.filter(sheet__entry__event__competition=competition).delete()
    ScoreSheet.objects.filter(entry__event__competition=competition).delete()
    EntryMember.objects.filter(entry__event__competition=competition).delete()
    Entry.objects.filter(event__competition=competition).delete()
    Judge.objects.filter(event__competition=competition).delete()
    organizer = competition.organizer
    competition.delete()
    Person.objects.filter(pk__in=people).delete()
    User.objects.filter(pk__in=users).delete()
    from gongjiang.orgs.models import Organization

    Organization.objects.filter(pk__in=[*orgs, organizer.pk]).delete()


def main() -> None:
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor}")
    started = time.perf_counter()
    competition, rounds = build()
    print(f"setup (bulk writes, not measured): {time.perf_counter() - started:.1f} s — "
          f"{EVENTS} events, {ENTRIES} entries, {EVENTS * JUDGES_PER_EVENT} judges, "
          f"{ENTRIES * JUDGES_PER_EVENT * 5} marks")
    try:
        recompute(competition, rounds[:1])  # warm-up: imports, query compilation
        seconds, cpu = recompute(competition, rounds)
        load = os.getloadavg()[0]
        print(f"recompute all results, medals and medal tables: {seconds:.2f} s wall, {cpu:.2f} s CPU "
              f"(this process; load average {load:.1f} on {os.cpu_count()} cores); "
              f"target < {RECOMPUTE_TARGET:.0f} s: {'met' if seconds < RECOMPUTE_TARGET else 'MISSED'}")
        naive = baseline(rounds)
        print(f"baseline, one query per entry and aspect: about {naive:.1f} s for {ENTRIES} entries "
              f"(×{naive / seconds:.0f} slower)")
        median, median_cpu, rows = page_time(rounds[0])
        print(f"public results page, largest event ({rows} rows): median {median * 1000:.0f} ms wall, "
              f"{median_cpu * 1000:.0f} ms CPU; "
              f"target < {PAGE_TARGET * 1000:.0f} ms: {'met' if median < PAGE_TARGET else 'MISSED'}")
    finally:
        cleanup(competition)


if __name__ == "__main__":
    main()
