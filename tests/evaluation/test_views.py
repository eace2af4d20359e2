"""Pages: scoped (404 outside), a worker applies with a live eligibility check, staff run a batch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gongjiang.evaluation import services
from gongjiang.evaluation.models import Application, EvaluationBatch, ScoreSheet
from gongjiang.people.models import Person
from tests.evaluation.conftest import make_batch, run_to_examining, score_all


def test_pages_render_for_the_body_admin(client, setup, personas):
    batch = make_batch(setup)
    client.force_login(personas.olga)
    for url in (reverse("evaluation:index"), reverse("evaluation:bodies"), reverse("evaluation:batches"),
                reverse("evaluation:body_detail", args=[setup.body.pk]), reverse("evaluation:batch_detail", args=[batch.pk]),
                reverse("evaluation:batch_create", args=[setup.body.pk]), reverse("evaluation:batch_bulk_apply", args=[batch.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "text/html" in response["Content-Type"]


def test_outsiders_get_404_for_body_and_batch_pages(client, setup, personas):
    batch = make_batch(setup)
    client.force_login(personas.kira)
    assert client.get(reverse("evaluation:body_detail", args=[setup.body.pk])).status_code == 404
    assert client.get(reverse("evaluation:batch_detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("evaluation:batch_transition", args=[batch.pk]), {"target": "closed"}).status_code == 404
    batch.refresh_from_db()
    assert batch.status == "open"


def test_read_only_staff_see_but_cannot_move(client, setup, personas):
    batch = make_batch(setup)
    client.force_login(personas.stan)
    assert client.get(reverse("evaluation:batch_detail", args=[batch.pk])).status_code == 200
    assert client.post(reverse("evaluation:batch_transition", args=[batch.pk]), {"target": "closed"}).status_code == 403
    batch.refresh_from_db()
    assert batch.status == "open"


def test_a_worker_sees_open_batches_checks_eligibility_and_applies(client, setup, personas):
    batch = make_batch(setup)
    client.force_login(personas.wang)
    assert batch.name in client.get(reverse("evaluation:index")).content.decode()
    url = reverse("evaluation:batch_apply", args=[batch.pk])
    preview = client.post(url, {"grade": "4", "occupation_start": "2023-01-01"}, HTTP_HX_REQUEST="true")
    assert preview.status_code == 200
    assert 'data-eligible="no"' in preview.content.decode() and "还需累计从事本职业工作" in preview.content.decode()
    assert not Application.objects.exists()
    response = client.post(url, {"grade": "4", "occupation_start": "2012-01-01"})
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:application_detail", args=[application.pk])
    assert application.person == Person.objects.get(user=personas.wang) and application.status == "accepted"
    page = client.get(reverse("evaluation:application_detail", args=[application.pk])).content.decode()
    assert 'data-status="accepted"' in page


def test_staff_move_a_batch_and_a_refusal_shows_as_a_message(client, setup, personas):
    batch = make_batch(setup)
    client.force_login(personas.olga)
    response = client.post(reverse("evaluation:batch_transition", args=[batch.pk]), {"target": "closed"}, follow=True)
    assert response.status_code == 200
    batch.refresh_from_db()
    assert batch.status == "closed"
    response = client.post(reverse("evaluation:batch_transition", args=[batch.pk]), {"target": "examining"}, follow=True)
    assert "没有已受理的申报" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "closed"


def test_scores_page_and_issue_through_pages(client, setup, personas):
    batch = make_batch(setup)
    applications = run_to_examining(setup, batch, people=setup.candidates[:1])
    client.force_login(personas.olga)
    page = client.get(reverse("evaluation:batch_scores", args=[batch.pk]))
    assert page.status_code == 200 and 'data-component="practical"' in page.content.decode()
    theory = ScoreSheet.objects.get(application=applications[0], component="theory")
    client.post(reverse("evaluation:sheet_enter", args=[theory.pk]), {"score": "88", "submit": "1"})
    theory.refresh_from_db()
    assert theory.score == 88 and theory.status == "submitted"
    practical = ScoreSheet.objects.get(application=applications[0], component="practical")
    for evaluator in setup.evaluators:
        client.post(reverse("evaluation:sheet_enter", args=[practical.pk]), {"score": "70", "evaluator": evaluator.pk})
    client.post(reverse("evaluation:sheet_submit", args=[practical.pk]))
    client.post(reverse("evaluation:batch_lock", args=[batch.pk]))
    client.post(reverse("evaluation:batch_transition", args=[batch.pk]), {"target": "scoring"})
    client.post(reverse("evaluation:batch_transition", args=[batch.pk]),
                {"target": "publicity", "publicity_starts_on": (dt.date.today() - dt.timedelta(days=9)).isoformat()})
    public = client.get(reverse("evaluation:publicity", args=[batch.pk])).content.decode()
    assert "赵*" in public and "赵一" not in public
    client.post(reverse("evaluation:batch_issue", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == EvaluationBatch.Status.CERTIFIED
    report = client.get(reverse("evaluation:batch_report", args=[batch.pk]))
    assert report.status_code == 200 and "证书编号" in report.content.decode("utf-8-sig")


def test_an_assigned_evaluator_sees_the_scores_page_a_worker_does_not(client, setup, personas):
    from tests import factories

    batch = make_batch(setup)
    run_to_examining(setup, batch, people=setup.candidates[:1])
    login = factories.user("kp1")
    setup.evaluators[0].person.user = login
    setup.evaluators[0].person.save(update_fields=["user"])
    client.force_login(login)
    assert client.get(reverse("evaluation:batch_scores", args=[batch.pk])).status_code == 200
    client.force_login(personas.wang)
    assert client.get(reverse("evaluation:batch_scores", args=[batch.pk])).status_code in (403, 404)


@pytest.mark.parametrize("who", ["city", "dan"])
def test_bureaus_file_through_the_page(client, city, personas, who):
    from tests import factories

    centre = factories.organization("越城评价中心", kind="evaluation_body", region_obj=city.yuecheng)
    client.force_login(getattr(personas, who))
    response = client.post(reverse("evaluation:body_create"), {
        "organization": centre.pk, "category": "S", "filing_authority": "浙江省人社厅", "filing_number": "ZJ-1",
        "institution_code": "0000", "province_code": "33", "site_code": "000077",
        "valid_from": "2025-01-01", "valid_until": "2029-12-31",
    })
    assert response.status_code == 302
    assert centre.evaluation_body.site_code == "000077"


def test_workers_cannot_open_the_filing_page(client, city, personas):
    client.force_login(personas.wang)
    assert client.get(reverse("evaluation:body_create")).status_code == 403


def test_score_sheets_for_staff_on_the_application_page(client, setup, personas):
    batch = make_batch(setup)
    applications = run_to_examining(setup, batch, people=setup.candidates[:1])
    score_all(batch, setup, {applications[0].pk: (80, 80)})
    services.batch_transition(actor=None, batch=batch, target="scoring")
    client.force_login(personas.olga)
    page = client.get(reverse("evaluation:application_detail", args=[applications[0].pk])).content.decode()
    assert "80.0" in page
