"""How long `gongjiang demo` takes on the embedded SQLite, against the one-minute target and
against writing the same people one by one through people.services (the baseline).

    .venv/bin/python bench/demo/run.py [--people 2000] [--baseline-sample 200]

Runs in a fresh temporary data folder (its own SQLite file and keys); prints the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time

TARGET_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--baseline-sample", type=int, default=200)
    args = parser.parse_args()

    os.environ["GONGJIANG_DATA_DIR"] = tempfile.mkdtemp(prefix="gongjiang-bench-demo-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    started = time.perf_counter()
    call_command("demo", "--people", str(args.people), "--seed", "1", stdout=io.StringIO())
    demo_seconds = time.perf_counter() - started

    baseline = per_row_baseline(args.baseline_sample)
    extrapolated = baseline * args.people / args.baseline_sample

    print(f"gongjiang demo --people {args.people} (SQLite): {demo_seconds:.1f} s "
          f"({args.people / demo_seconds:.0f} people/s); target < {TARGET_SECONDS:.0f} s: "
          f"{'met' if demo_seconds < TARGET_SECONDS else 'MISSED'}")
    print(f"baseline, per-row services: {args.baseline_sample} people in {baseline:.1f} s "
          f"→ about {extrapolated:.0f} s for {args.people} (×{extrapolated / demo_seconds:.1f} slower)")


def per_row_baseline(count: int) -> float:
    """person_create + certificate_record per person (what an import would do), rolled back."""
    from django.db import transaction

    from gongjiang.catalog.models import Occupation
    from gongjiang.core.rules import resident_id_check_char
    from gongjiang.credentials.rules import format_national_number
    from gongjiang.orgs.models import Organization
    from gongjiang.people import services

    rng = random.Random(1)
    employer = Organization.objects.filter(kind="enterprise").first()
    issuer = Organization.objects.filter(kind="evaluation_body").first()
    occupation = Occupation.objects.get(code="6-31-01-03")
    started = time.perf_counter()
    with transaction.atomic():
        for index in range(count):
            birth = dt.date(1980, 1, 1) + dt.timedelta(days=rng.randint(0, 7000))
            first17 = f"330602{birth:%Y%m%d}{rng.randint(0, 999):03d}"
            person = services.person_create(
                actor=None, name="测试" + "甲乙丙丁戊"[index % 5], id_number=first17 + resident_id_check_char(first17),
                employer=employer, employment_start=dt.date(2015, 1, 1),
            ) if not _taken(first17) else None
            if person is not None:
                services.certificate_record(
                    actor=None, holder=person, occupation=occupation, issuer=issuer, issue_date=dt.date(2023, 5, 1),
                    number=format_national_number(category="S", institution_code="0000", province_code="33",
                                                  site_code="999999", year=2023, national_grade=4, serial=index + 1),
                )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def _taken(first17: str) -> bool:
    from gongjiang.core.rules import resident_id_check_char
    from gongjiang.people.models import Person
    from gongjiang.people.services import hash_id_number

    return Person.objects.filter(
        id_number_hash=hash_id_number("resident_id", first17 + resident_id_check_char(first17))
    ).exists()


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src"))
    main()
