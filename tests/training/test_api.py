"""The training API: each staff operation over HTTP, with scope and permission answers."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from gongjiang.training.models import (
    Apprenticeship,
    Enrollment,
    Nomination,
    SubsidyClaim,
    TrainingProgram,
)
from tests.training import builders


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def tour(city):
    return builders.program(city)


def test_full_programme_flow_over_http(city, personas):
    # given: the city bureau creates and publishes a tour
    city_api = client_for(personas.city)
    response = city_api.post("/api/v1/training/programs/", {
        "name": "德国自动化技术研修班", "kind": "overseas_study", "organizer": city.city_bureau.pk,
        "destination_country": "DE", "start_date": "2024-10-12", "end_date": "2024-10-24", "days": 13,
        "capacity": 29, "hours": "80", "assessment_required": False,
    }, format="json")
    assert response.status_code == 201, response.content
    program_id = response.json()["id"]
    assert city_api.post(f"/api/v1/training/programs/{program_id}/status/", {"status": "open"},
                         format="json").status_code == 200
    # when: the employer nominates, the organiser selects, attendance and completion follow
    nominate = client_for(personas.olga).post(f"/api/v1/training/programs/{program_id}/nominations/",
                                              {"person": personas.wang.person.pk, "reason": "技术骨干"}, format="json")
    assert nominate.status_code == 201, nominate.content
    selection = city_api.post(f"/api/v1/training/programs/{program_id}/selection/", {
        "selected": [nominate.json()["id"]], "criteria": "高级工及以上"}, format="json")
    assert selection.status_code == 200, selection.content
    enrollment_id = selection.json()["enrollments"][0]["id"]
    session = city_api.post(f"/api/v1/training/programs/{program_id}/sessions/",
                            {"title": "西门子工厂参观", "date": "2024-10-13", "hours": "8"}, format="json")
    assert session.status_code == 201
    marks = city_api.post(f"/api/v1/training/sessions/{session.json()['id']}/attendance/",
                          {"marks": {str(enrollment_id): "present"}}, format="json")
    assert marks.json() == {"written": 1}
    done = city_api.post(f"/api/v1/training/enrollments/{enrollment_id}/complete/", {"on": "2024-10-24"},
                         format="json")
    # then
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "completed" and done.json()["completion_verification_code"]
    mine = client_for(personas.wang).get("/api/v1/training/mine/")
    assert [row["id"] for row in mine.json()] == [enrollment_id]
    points = client_for(personas.wang).get(f"/api/v1/training/points/people/{personas.wang.person.pk}/")
    assert points.json()["total"] == 8 + 10


def test_bad_input_is_refused_field_by_field(city, personas):
    response = client_for(personas.city).post("/api/v1/training/programs/", {
        "name": "", "kind": "overseas_study", "organizer": city.city_bureau.pk, "start_date": "2024-10-12",
        "end_date": "2024-10-01", "destination_country": "CN"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"name"} or set(response.json()) >= {"end_date"}
    assert not TrainingProgram.objects.exists()


def test_outsider_gets_403_on_selection_and_404_on_hidden_draft(city, personas, tour):
    nomination = client_for(personas.olga).post(f"/api/v1/training/programs/{tour.pk}/nominations/",
                                                {"person": personas.wang.person.pk}, format="json").json()
    response = client_for(personas.kira).post(f"/api/v1/training/programs/{tour.pk}/selection/",
                                              {"selected": [nomination["id"]]}, format="json")
    assert response.status_code == 403
    assert Nomination.objects.get(pk=nomination["id"]).status == "nominated"
    assert not Enrollment.objects.exists()
    draft = builders.program(city, status="draft", name="草稿")
    assert client_for(personas.kira).get(f"/api/v1/training/programs/{draft.pk}/").status_code == 404
    assert client_for(personas.city).get(f"/api/v1/training/programs/{draft.pk}/").status_code == 200


def test_worker_applies_over_http(city, personas, tour):
    response = client_for(personas.wang).post(f"/api/v1/training/programs/{tour.pk}/apply/", {"reason": "想去"},
                                              format="json")
    assert response.status_code == 201 and response.json()["channel"] == "self"


def test_apprenticeship_and_subsidy_over_http(city, personas):
    school = builders.school(city)
    apprentice = builders.worker(city, "小徒弟")
    mentor = builders.worker(city, "老师傅")
    teacher = builders.worker(city, "周老师", employer=school)
    olga = client_for(personas.olga)
    response = olga.post("/api/v1/apprenticeships/", {
        "kind": "enterprise_new_type", "apprentice": apprentice.pk, "employer": city.yuecheng_machinery.pk,
        "school": school.pk, "enterprise_mentor": mentor.pk, "school_mentor": teacher.pk, "target_level": 3,
        "start_date": "2024-03-01", "planned_end_date": "2025-02-28", "contract_start": "2024-01-01",
        "contract_end": "2026-12-31", "occupation_name": "数控车工",
    }, format="json")
    assert response.status_code == 400  # the school mentor is not visible to olga: outside her scope
    response = client_for(personas.city).post("/api/v1/apprenticeships/", {
        "kind": "enterprise_new_type", "apprentice": apprentice.pk, "employer": city.yuecheng_machinery.pk,
        "school": school.pk, "enterprise_mentor": mentor.pk, "school_mentor": teacher.pk, "target_level": 3,
        "start_date": "2024-03-01", "planned_end_date": "2025-02-28", "contract_start": "2024-01-01",
        "contract_end": "2026-12-31", "occupation_name": "数控车工",
    }, format="json")
    assert response.status_code == 201, response.content
    record_id = response.json()["id"]
    changed = olga.post(f"/api/v1/apprenticeships/{record_id}/status/",
                        {"status": "active", "on": "2024-03-01", "reason": "报到"}, format="json")
    assert changed.status_code == 200 and changed.json()["status"] == "active"
    assert client_for(personas.kira).get(f"/api/v1/apprenticeships/{record_id}/").status_code == 404
    policy = builders.apprentice_policy(city)
    claim = olga.post("/api/v1/subsidies/claims/", {"policy": policy.pk, "person": apprentice.pk,
                                                    "apprenticeship": record_id, "claim_date": "2024-12-01",
                                                    "months_covered": 10}, format="json")
    assert claim.status_code == 201, claim.content
    assert claim.json()["amount"] == "4166.67" and claim.json()["eligible"] is True
    refused = olga.post(f"/api/v1/subsidies/claims/{claim.json()['id']}/approve/", {}, format="json")
    assert refused.status_code == 403
    approved = client_for(personas.dan).post(f"/api/v1/subsidies/claims/{claim.json()['id']}/approve/", {},
                                             format="json")
    assert approved.json()["status"] == "approved"
    assert SubsidyClaim.objects.get().status == "approved"
    assert Apprenticeship.objects.get().status == "active"


def test_subsidy_preview_explains_without_saving(city, personas):
    policy = builders.skill_policy(city)
    response = client_for(personas.olga).post("/api/v1/subsidies/claims/preview/", {
        "policy": policy.pk, "person": personas.wang.person.pk, "level": 2, "occupation_code": "6-18-01-01",
        "certificate_date": "2024-03-01", "claim_date": "2024-06-01", "insured_months": 6}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["eligible"] is False and body["amount"] == "0"
    assert [c["code"] for c in body["checks"] if not c["passed"]] == ["insured_months"]
    assert not SubsidyClaim.objects.exists()


def test_indicators_and_ranking(city, personas, tour):
    response = client_for(personas.city).get("/api/v1/training/indicators/")
    assert response.status_code == 200 and response.json()["people_sent_abroad"] == 0
    ranking = client_for(personas.olga).get("/api/v1/training/points/ranking/",
                                            {"organization": city.yuecheng_machinery.pk})
    assert ranking.status_code == 200 and ranking.json() == []


def test_schema_documents_the_training_and_international_endpoints(city, personas):
    response = client_for(personas.city).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/training/programs/{id}/selection/", "/api/v1/apprenticeships/{id}/status/",
                 "/api/v1/subsidies/claims/preview/", "/api/v1/international/agreements/{id}/approvals/"):
        assert path in paths, path


def test_session_patch_and_complete_all_over_http(city, personas, tour):
    from gongjiang.training.services import programs as services

    api = client_for(personas.city)
    session = services.session_add(actor=None, program=tour, title="参观", date=dt.date(2024, 10, 13))
    response = api.patch(f"/api/v1/training/sessions/{session.pk}/", {"hours": "6.5", "location": "慕尼黑"},
                         format="json")
    assert response.status_code == 200 and response.json()["location"] == "慕尼黑"
    nomination = services.nomination_create(actor=None, program=tour, person=personas.wang.person)
    services.selection_decide(actor=None, program=tour, selected=[nomination])
    result = api.post(f"/api/v1/training/programs/{tour.pk}/complete-all/", format="json")
    assert result.status_code == 200
    assert result.json()["completed"] == [] and result.json()["refused"][0]["person"] == "王师傅"
    services.attendance_record(actor=None, session=session, marks={tour.enrollments.get().pk: "present"})
    result = api.post(f"/api/v1/training/programs/{tour.pk}/complete-all/", format="json")
    assert [row["status"] for row in result.json()["completed"]] == ["completed"]
