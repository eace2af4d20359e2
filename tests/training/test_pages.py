"""Training pages for organisers, employers, workers: the flow through forms, scope answers,
exports (formula-safe), and the indicators page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from gongjiang.core.models import AuditEntry
from gongjiang.training import exports
from gongjiang.training.models import Enrollment, Nomination, TrainingProgram
from gongjiang.training.services import programs as services
from tests.training import builders


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client
    return _login


def test_organiser_creates_publishes_and_selects_through_pages(city, personas, login):
    client = login(personas.city)
    response = client.post("/training/new/", {
        "name": "德国自动化研修班", "kind": "overseas_study", "organizer": city.city_bureau.pk,
        "destination_country": "DE", "days": 13, "start_date": "2024-10-12", "end_date": "2024-10-24",
        "capacity": 29, "hours": "80", "funding_source": "government", "min_attendance_rate": 80,
        "points_per_hour": "1", "completion_points": 10, "certificate_points": 20,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    program = TrainingProgram.objects.get(name="德国自动化研修班")
    client.post(f"/training/{program.pk}/status/", {"status": "open"})
    program.refresh_from_db()
    assert program.status == "open"
    # the employer nominates its worker by registry number
    olga = login(personas.olga)
    response = olga.post(f"/training/{program.pk}/nominate/", {"person": str(personas.wang.person.pk),
                                                               "reason": "技术骨干"})
    assert response.status_code == 302
    nomination = Nomination.objects.get(program=program)
    # the organiser selects
    client = login(personas.city)
    response = client.post(f"/training/{program.pk}/select/", {"selected": [nomination.pk], "criteria": "高级工以上"})
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(program=program)
    page = client.get(f"/training/{program.pk}/")
    assert page.status_code == 200 and "王师傅" in page.content.decode()
    # attendance, completion
    services.session_add(actor=personas.city, program=program, title="工厂参观", date=dt.date(2024, 10, 13), hours=8)
    session = program.sessions.get()
    response = client.post(f"/training/sessions/{session.pk}/attendance/", {f"e{enrollment.pk}": "present"})
    assert response.status_code == 302
    response = client.get(f"/training/enrollments/{enrollment.pk}/complete/")
    assert response.status_code == 200 and "1/1" in response.content.decode()
    response = client.post(f"/training/enrollments/{enrollment.pk}/complete/", {"on": "2024-10-24"})
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == "completed"
    # the worker sees it under "my training"
    mine = login(personas.wang).get("/training/mine/")
    assert mine.status_code == 200
    assert "德国自动化研修班" in mine.content.decode() and enrollment.completion_certificate_number in mine.content.decode()


def test_nominate_form_shows_the_services_reason(city, personas, login):
    program = builders.program(city)
    client = login(personas.olga)
    client.post(f"/training/{program.pk}/nominate/", {"person": str(personas.wang.person.pk)})
    response = client.post(f"/training/{program.pk}/nominate/", {"person": str(personas.wang.person.pk)})
    assert response.status_code == 400
    assert services.ERR_ALREADY_NOMINATED.format(name="王师傅") in response.content.decode()
    assert Nomination.objects.count() == 1


def test_outsider_person_lookup_is_refused(city, personas, login):
    program = builders.program(city)
    response = login(personas.kira).post(f"/training/{program.pk}/nominate/", {"person": str(personas.wang.person.pk)})
    assert response.status_code == 400
    assert not Nomination.objects.exists()


def test_worker_applies_through_the_page(city, personas, login):
    program = builders.program(city)
    client = login(personas.wang)
    assert "我要报名" in client.get(f"/training/{program.pk}/").content.decode()
    assert client.post(f"/training/{program.pk}/apply/", {"reason": "想学"}).status_code == 302
    assert Nomination.objects.get().channel == "self"


def test_draft_is_404_for_outsiders_and_edit_is_403_for_viewers(city, personas, login):
    draft = builders.program(city, status="draft")
    assert login(personas.kira).get(f"/training/{draft.pk}/").status_code == 404
    published = builders.program(city, name="已发布")
    assert login(personas.kira).get(f"/training/{published.pk}/").status_code == 200
    assert login(personas.kira).get(f"/training/{published.pk}/edit/").status_code == 403
    response = login(personas.kira).post(f"/training/{published.pk}/status/", {"status": "cancelled"})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.status == "open"


@pytest.mark.parametrize("url", [
    "/training/", "/training/mine/", "/training/points/", "/training/points/ranking/", "/training/apprenticeships/",
    "/training/apprenticeships/allowances/", "/training/subsidies/", "/training/subsidies/claims/",
    "/training/indicators/", "/training/new/", "/training/apprenticeships/new/", "/training/subsidies/claims/new/",
    "/training/subsidies/policies/new/", "/training/points/adjust/",
])
def test_pages_render_for_the_city_bureau(city, personas, login, url):
    builders.program(city)
    response = login(personas.city).get(url)
    assert response.status_code in (200, 302)


def test_export_is_formula_safe_and_audited(city, personas, login):
    builders.program(city, name="=HYPERLINK(\"http://x\")")
    response = login(personas.city).get("/training/export/")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == str(exports.PROGRAM_COLUMNS[0].label)
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"
    assert AuditEntry.objects.filter(action="training.program.exported", changes__rows=1).exists()


def test_apprenticeship_pages_and_claim_preview(city, personas, login):
    record = builders.apprenticeship(city, actor=personas.olga)
    client = login(personas.olga)
    page = client.get(f"/training/apprenticeships/{record.pk}/")
    assert page.status_code == 200 and "小徒弟" in page.content.decode()
    response = client.post(f"/training/apprenticeships/{record.pk}/status/",
                           {"status": "active", "on": "2024-03-01", "reason": "报到"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "active"
    assert login(personas.kira).get(f"/training/apprenticeships/{record.pk}/").status_code == 404
    policy = builders.skill_policy(city)
    client = login(personas.olga)
    preview = client.post("/training/subsidies/claims/new/", {
        "policy": policy.pk, "person": str(personas.wang.person.pk), "level": 2, "occupation_code": "6-18-01-01",
        "certificate_date": "2024-03-01", "claim_date": "2024-06-01", "insured_months": 24, "preview": "1"})
    assert preview.status_code == 200 and "1500.00" in preview.content.decode()
    created = client.post("/training/subsidies/claims/new/", {
        "policy": policy.pk, "person": str(personas.wang.person.pk), "level": 2, "occupation_code": "6-18-01-01",
        "certificate_date": "2024-03-01", "claim_date": "2024-06-01", "insured_months": 24})
    assert created.status_code == 302
    detail = client.get(created["Location"])
    assert "1500.00" in detail.content.decode()
    claims = client.get("/training/subsidies/claims/export/")
    rows = list(load_workbook(io.BytesIO(b"".join(claims.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 2 and "1500" in str(rows[1])


def test_indicators_page_shows_counts(city, personas, login):
    tour = builders.program(city)
    nomination = services.nomination_create(actor=personas.olga, program=tour, person=personas.wang.person)
    services.selection_decide(actor=personas.city, program=tour, selected=[nomination])
    page = login(personas.city).get("/training/indicators/")
    assert page.status_code == 200
    assert page.context["counts"].people_sent_abroad == 1
    assert 'data-indicator="people_sent_abroad">1' in page.content.decode()


def test_person_history_page_and_profile_fragment(city, personas, login):
    tour = builders.program(city)
    nomination = services.nomination_create(actor=personas.olga, program=tour, person=personas.wang.person)
    enrollment = services.selection_decide(actor=personas.city, program=tour, selected=[nomination]).enrollments[0]
    services.enrollment_complete(actor=personas.city, enrollment=enrollment, on=dt.date(2024, 10, 24))
    pk = personas.wang.person.pk
    page = login(personas.olga).get(f"/training/people/{pk}/")
    assert page.status_code == 200 and tour.name in page.content.decode()
    fragment = login(personas.olga).get(f"/training/people/{pk}/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert 'id="training"' in fragment.content.decode()
    assert login(personas.kira).get(f"/training/people/{pk}/").status_code == 404


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "＝1+1", "\tx"])
def test_export_cells_are_formula_safe(text):
    assert exports.safe_cell_value(text) == "'" + text
    assert exports.safe_cell_value(-1) == -1


def test_a_programme_named_by_occupation_text_alone_shows_it(city, personas, login):
    # A night-school course names its direction in words (occupation_name) and links no
    # occupation from the classification: the page must show the words, not fail on the link.
    program = builders.program(city, kind=TrainingProgram.Kind.NIGHT_SCHOOL, occupation_name="人工智能训练师",
                               destination_country="")
    assert program.occupation is None
    page = login(personas.city).get(f"/training/{program.pk}/")
    assert page.status_code == 200 and "人工智能训练师" in page.content.decode()
