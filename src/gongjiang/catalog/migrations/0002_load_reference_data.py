"""Load the reference data shipped with Gongjiang (src/gongjiang/catalog/data/*.csv).

* regions.csv — the 34 province-level divisions (GB/T 2260), the demo city 绍兴市 with its six
  county-level divisions, and 杭州、潍坊、江门 with their districts (codes checked against the
  python-stdnum region table and DOMAIN.md §5.4);
* industries.csv — GB/T 4754-2017 sections A–T and a few manufacturing divisions;
* occupations.csv — only the occupation codes DOMAIN.md §5.2 confirms, marked verified with
  their source, the levels their standard sets, and their 工种.

Rerunnable: rows are matched by code (update_or_create). Reverse is a no-op: reference data
may already be referenced by organisations and people. Uses the historical models only.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _region_level(code):
    if code.endswith("0000"):
        return 1
    if code.endswith("00"):
        return 2
    return 3


def load_regions(apps, schema_editor):
    Region = apps.get_model("catalog", "Region")
    rows = sorted(_rows("regions.csv"), key=lambda r: (_region_level(r["code"]), r["code"]))
    for row in rows:
        Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": _region_level(row["code"]),
                "parent_id": row["parent"] or None,
                "is_active": True,
            },
        )


def load_industries(apps, schema_editor):
    Industry = apps.get_model("catalog", "Industry")
    rows = sorted(_rows("industries.csv"), key=lambda r: (len(r["code"]), r["code"]))
    for row in rows:
        Industry.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "parent_id": row["parent"] or None}
        )


def load_occupations(apps, schema_editor):
    Occupation = apps.get_model("catalog", "Occupation")
    WorkType = apps.get_model("catalog", "WorkType")
    for row in _rows("occupations.csv"):
        grades = sorted({int(g) for g in row["levels"].split(",") if g.strip()}, reverse=True)
        occupation, _created = Occupation.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "edition": "2022",
                "national_grades": grades,
                "is_verified": row["verified"].strip() == "是",
                "source": row["source"],
                "standard_title": row["standard_title"],
                "is_active": True,
            },
        )
        for name in [w.strip() for w in row["work_types"].split("、") if w.strip()]:
            WorkType.objects.get_or_create(occupation=occupation, name=name)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(load_regions, migrations.RunPython.noop),
        migrations.RunPython(load_industries, migrations.RunPython.noop),
        migrations.RunPython(load_occupations, migrations.RunPython.noop),
    ]
