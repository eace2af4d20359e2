"""The demo hooks build the seeds' programmes in a small demo city."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from gongjiang.international.models import Agreement, AllianceMember
from gongjiang.training.models import Apprenticeship, Nomination, TrainingProgram


@pytest.fixture
def demo_city(db):
    from gongjiang.international import demo as international_demo
    from gongjiang.training import demo as training_demo
    from gongjiang.web.demo import builder

    def only_these(context):
        for label, module in (("training", training_demo), ("international", international_demo)):
            context.rng = context.derived_rng(label)
            module.build(context)
        return ["training", "international"]

    # Other modules' hooks are tested by their owners; here only training and international run.
    with mock.patch.object(builder, "run_extensions", only_these):
        return builder.build_city(people=150, seed=3, today=dt.date(2026, 6, 30))


def test_demo_has_the_seed_programmes(demo_city):
    tour = TrainingProgram.objects.get(kind="overseas_study", destination_country="DE")
    assert tour.days == 13 and tour.status == "finished"
    assert tour.enrollments.filter(status="completed").count() == 29
    assert Nomination.objects.filter(program=tour).count() > 29
    assert Nomination.objects.filter(program=tour, status="not_selected").exists()
    assert tour.selection_criteria
    night = TrainingProgram.objects.get(kind="night_school")
    assert night.status == "in_progress" and night.enrollments.count() >= 30
    assert set(Apprenticeship.objects.values_list("kind", flat=True)) == {"enterprise_new_type", "modern",
                                                                        "trainee_hire"}
    assert {"waiting", "active", "paused", "stopped", "completed"} <= set(
        Apprenticeship.objects.values_list("status", flat=True))
    members = AllianceMember.objects.select_related("organization")
    assert members.count() == 20 and len({m.organization.country for m in members}) == 7
    assert Agreement.objects.filter(kind="framework", status="in_force").count() == 6
    worker = demo_city.context.users["worker"].person
    assert worker.training_enrollments.exists()
