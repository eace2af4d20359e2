"""Seed the two shipped eligibility templates (DOMAIN.md §2.1 and §2.2) as rule-set data.

Reads the JSON files shipped in evaluation/data/eligibility (no app code is imported), and
only creates rows that do not exist yet, so it can be re-run safely.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "eligibility"


def seed(apps, schema_editor):
    RuleSet = apps.get_model("evaluation", "EligibilityRuleSet")
    for name in ("2018", "relaxed"):
        data = json.loads((DATA / f"template-{name}.json").read_text(encoding="utf-8"))
        if RuleSet.objects.filter(template=data["template"], occupation__isnull=True).exists():
            continue
        RuleSet.objects.create(
            name=data["name"], template=data["template"], source=data["source"], grades=data["grades"],
        )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
