"""Every role against the training endpoints: who may read, who may write, and that a refused
write changes nothing."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from gongjiang.training.models import Enrollment, TrainingProgram
from gongjiang.training.services import programs as services
from tests.training import builders


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


PROGRAM = {"name": "新项目", "kind": "course", "start_date": "2024-10-12", "end_date": "2024-10-20"}


@pytest.mark.parametrize(("persona", "allowed"), [
    ("ada", True), ("city", True), ("dan", True), ("olga", True),
    ("stan", False), ("wang", False), ("sam", False), ("aud", False), ("kira", False),
])
def test_who_may_create_a_programme_for_the_yuecheng_firm(city, personas, persona, allowed):
    response = api(getattr(personas, persona)).post(
        "/api/v1/training/programs/", {**PROGRAM, "organizer": city.yuecheng_machinery.pk}, format="json")
    assert (response.status_code == 201) is allowed, response.content
    assert TrainingProgram.objects.exists() is allowed


@pytest.mark.parametrize(("persona", "sees"), [
    ("ada", 2), ("city", 2), ("dan", 1), ("olga", 1), ("stan", 1), ("wang", 1), ("kira", 1), ("sam", 0), ("aud", 0),
])
def test_who_sees_which_enrolments(city, personas, persona, sees):
    tour = builders.program(city)
    textile_worker = builders.worker(city, "柯桥工", employer=city.keqiao_textile)
    nominations = [services.nomination_create(actor=None, program=tour, person=p)
                   for p in (personas.wang.person, textile_worker)]
    services.selection_decide(actor=None, program=tour, selected=nominations)
    response = api(getattr(personas, persona)).get(f"/api/v1/training/programs/{tour.pk}/enrollments/")
    if sees == 0:
        assert response.status_code == 404
    else:
        assert response.json()["count"] == sees


@pytest.mark.parametrize("persona", ["stan", "wang", "kira", "sam"])
def test_refused_completion_changes_nothing(city, personas, persona):
    tour = builders.program(city)
    nomination = services.nomination_create(actor=None, program=tour, person=personas.wang.person)
    enrollment = services.selection_decide(actor=None, program=tour, selected=[nomination]).enrollments[0]
    response = api(getattr(personas, persona)).post(f"/api/v1/training/enrollments/{enrollment.pk}/complete/", {},
                                                    format="json")
    assert response.status_code in (403, 404)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ENROLLED and not enrollment.points_entries.exists()
