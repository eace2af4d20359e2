"""REST API: scoped reads, staff operations through services, errors as field maps."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from gongjiang.evaluation.models import Application, EvaluationBatch, ScoreSheet
from tests.evaluation.conftest import make_batch, run_to_examining


@pytest.fixture
def api():
    return APIClient()


def test_lists_are_scoped(api, setup, personas):
    make_batch(setup)
    api.force_authenticate(personas.olga)
    assert api.get("/api/v1/evaluation/batches/").json()["count"] == 1
    assert api.get("/api/v1/evaluation/bodies/").json()["results"][0]["number_prefix"] == "Y000033000001"
    api.force_authenticate(personas.kira)
    assert api.get("/api/v1/evaluation/batches/").json()["count"] == 0
    assert api.get(f"/api/v1/evaluation/bodies/{setup.body.pk}/").status_code == 404


def test_create_and_move_a_batch(api, setup, personas):
    api.force_authenticate(personas.olga)
    today = dt.date.today()
    response = api.post("/api/v1/evaluation/batches/", {
        "body": setup.body.pk, "name": "API 批次", "occupation": "6-18-01-01", "grades": [4],
        "applications_open": today.isoformat(), "applications_close": (today + dt.timedelta(days=3)).isoformat(),
    }, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    moved = api.post(f"/api/v1/evaluation/batches/{pk}/move/", {"target": "open"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "open"
    refused = api.post(f"/api/v1/evaluation/batches/{pk}/move/", {"target": "scoring"}, format="json")
    assert refused.status_code == 400 and "status" in refused.json()
    assert EvaluationBatch.objects.get(pk=pk).status == "open"


def test_read_only_staff_get_403(api, setup, personas):
    batch = make_batch(setup)
    api.force_authenticate(personas.stan)
    assert api.post(f"/api/v1/evaluation/batches/{batch.pk}/move/", {"target": "closed"}, format="json").status_code == 403
    batch.refresh_from_db()
    assert batch.status == "open"


def test_apply_and_score_through_the_api(api, setup, personas):
    batch = make_batch(setup)
    api.force_authenticate(personas.olga)
    response = api.post(f"/api/v1/evaluation/batches/{batch.pk}/applications/",
                        {"person": setup.candidates[0].pk, "grade": 4, "occupation_start": "2011-01-01"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "accepted"
    application = Application.objects.get()
    run_to_examining(setup, batch, people=setup.candidates[1:2])
    sheet = ScoreSheet.objects.get(application=application, component="theory")
    bad = api.post(f"/api/v1/evaluation/sheets/{sheet.pk}/score/", {"score": "101"}, format="json")
    assert bad.status_code == 400 and "score" in bad.json()
    ok = api.post(f"/api/v1/evaluation/sheets/{sheet.pk}/score/", {"score": "77.5"}, format="json")
    assert ok.json()["score"] == "77.5"
    assert api.post(f"/api/v1/evaluation/sheets/{sheet.pk}/submit/").json()["status"] == "submitted"
    assert api.post(f"/api/v1/evaluation/batches/{batch.pk}/lock/").json() == {"locked": 1}
    sheets = api.get(f"/api/v1/evaluation/batches/{batch.pk}/sheets/").json()
    assert sheets["count"] == 4


def test_eligibility_check_explains(api, personas, db):
    api.force_authenticate(personas.wang)
    response = api.post("/api/v1/evaluation/eligibility/check/", {
        "template": "2018", "grade": 3, "on": "2026-12-15", "prior_grade": 4, "prior_certificate_date": "2023-03-15",
    }, format="json")
    assert response.status_code == 200
    assert "取得四级证书后还需累计从事本职业工作 1 年 3 个月" in response.json()["explanation"]
