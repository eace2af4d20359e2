"""The competitions REST API: every staff operation, with the same scope rules as the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from gongjiang.competitions import services
from gongjiang.competitions.models import Competition, Entry, EventRound, Mark, ScoreSheet
from tests import factories
from tests.api.conftest import SchemaCheckedClient
from tests.competitions.conftest import SCHEME, competitor, full_marks, lathe_occupation

BASE = "/api/v1/competitions/"


def client_for(user: Any) -> APIClient:
    """Every response is checked against the published OpenAPI schema (tests/api/openapi.py)."""
    client = SchemaCheckedClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_organiser_sets_up_a_competition_over_the_api(city, personas):
    lathe_occupation()
    city_api = client_for(personas.city)
    # competition with heats and a final
    response = city_api.post(BASE, {
        "name": "2025年绍兴市职业技能大赛", "organizer": city.city_bureau.pk, "level": "city",
        "start_date": "2025-06-01", "end_date": "2025-06-03",
        "stages": [{"name": "赛区赛", "heats": ["越城赛区", "柯桥赛区"], "advancement": "top_per_heat",
                    "advance_count": 3}, {"name": "决赛"}],
    }, format="json")
    assert response.status_code == 201, response.json()
    competition_id = response.json()["id"]
    assert [s["name"] for s in response.json()["stages"]] == ["赛区赛", "决赛"]
    # event and scheme
    response = city_api.post(f"{BASE}{competition_id}/events/", {
        "code": "E01", "name": "数控车工", "occupation": "6-18-01-01", "theory_weight": "30",
        "practical_weight": "70", "medal_policy": "worldskills"}, format="json")
    assert response.status_code == 201, response.json()
    event_id = response.json()["id"]
    assert len(response.json()["rounds"]) == 2
    response = city_api.put(f"{BASE}events/{event_id}/scheme/", {"sections": SCHEME}, format="json")
    assert response.status_code == 200, response.json()
    assert [a["code"] for a in response.json()["aspects"]] == ["A1", "A2", "B1", "B2"]
    # delegation, quota, judge
    response = city_api.post(f"{BASE}{competition_id}/delegations/", {
        "name": "越城区代表队", "kind": "district", "organization": city.yuecheng_bureau.pk, "heat": "越城赛区"},
        format="json")
    assert response.status_code == 201, response.json()
    delegation_id = response.json()["id"]
    response = city_api.post(f"{BASE}delegations/{delegation_id}/quotas/", {"event": event_id, "max_entries": 3},
                             format="json")
    assert response.json()["quotas"] == {"E01": 3}
    factories.user("judge9")
    response = city_api.post(f"{BASE}events/{event_id}/judges/", {"user": "judge9", "name": "裁判九",
                                                                  "is_chief": True}, format="json")
    assert response.status_code == 201 and response.json()["conflicting_entries"] == []


def test_errors_are_chinese_field_maps_and_nothing_is_saved(city, personas):
    response = client_for(personas.city).post(BASE, {
        "name": "坏日期", "organizer": city.city_bureau.pk, "level": "city",
        "start_date": "2025-06-05", "end_date": "2025-06-01"}, format="json")
    assert response.status_code == 400
    assert "end_date" in response.json()
    assert not Competition.objects.exists()


def test_district_admin_cannot_change_city_competition(contest, personas):
    client_for(personas.city).post(f"{BASE}{contest.competition.pk}/status/", {"status": "registration"},
                                   format="json")
    response = client_for(personas.dan).patch(f"{BASE}{contest.competition.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    contest.competition.refresh_from_db()
    assert contest.competition.name == "2025年绍兴市职业技能大赛"


def test_draft_competition_hidden_from_others(contest, personas):
    assert client_for(personas.kira).get(f"{BASE}{contest.competition.pk}/").status_code == 404
    assert client_for(personas.city).get(f"{BASE}{contest.competition.pk}/").status_code == 200


def test_anonymous_refused_on_staff_endpoints(contest):
    assert client_for(None).get(BASE).status_code in (401, 403)


@pytest.fixture
def running(contest, city, personas):
    api = client_for(personas.city)
    api.post(f"{BASE}{contest.competition.pk}/status/", {"status": "registration"}, format="json")
    worker = competitor(city, "黄工匠")
    dan = client_for(personas.dan)
    response = dan.post(f"{BASE}{contest.competition.pk}/entries/", {
        "event": contest.event.pk, "delegation": contest.yuecheng.pk, "people": [worker.pk]}, format="json")
    assert response.status_code == 201, response.json()
    textile_worker = competitor(city, "蓝工匠", employer=city.keqiao_textile)
    response = client_for(personas.kira).post(f"{BASE}{contest.competition.pk}/entries/", {
        "event": contest.event.pk, "delegation": contest.keqiao.pk, "people": [textile_worker.pk]}, format="json")
    assert response.status_code == 201, response.json()
    api.post(f"{BASE}{contest.competition.pk}/status/", {"status": "underway"}, format="json")
    return list(Entry.objects.order_by("number"))


def test_registration_refusal_is_explained(contest, city, personas):
    client_for(personas.city).post(f"{BASE}{contest.competition.pk}/status/", {"status": "registration"},
                                   format="json")
    young = competitor(city, "小年轻", birth=dt.date(2010, 1, 1))
    response = client_for(personas.dan).post(f"{BASE}{contest.competition.pk}/entries/", {
        "event": contest.event.pk, "delegation": contest.yuecheng.pk, "people": [young.pk]}, format="json")
    assert response.status_code == 400
    assert "参赛年龄不符" in response.json()["people"][0]
    assert not Entry.objects.exists()


def test_entries_are_scoped(contest, personas, running):
    yuecheng_entry, keqiao_entry = running
    dan_list = client_for(personas.dan).get(f"{BASE}{contest.competition.pk}/entries/").json()["results"]
    assert [e["number"] for e in dan_list] == [yuecheng_entry.number]
    assert dan_list[0]["members"][0]["name"] == "黄工匠"
    kira_list = client_for(personas.kira).get(f"{BASE}{contest.competition.pk}/entries/").json()["results"]
    assert [e["number"] for e in kira_list] == [keqiao_entry.number]
    city_list = client_for(personas.city).get(f"{BASE}{contest.competition.pk}/entries/").json()["results"]
    assert len(city_list) == 2


def test_judge_sees_numbers_only_and_conflicts(contest, personas, running):
    yuecheng_entry, keqiao_entry = running
    event_round = contest.first_round
    judge1 = client_for(contest.judge1.user)
    rows = judge1.get(f"{BASE}rounds/{event_round.pk}/worklist/").json()
    assert [(r["entry"]["number"], r["conflict"]) for r in rows] == [(yuecheng_entry.number, False),
                                                                    (keqiao_entry.number, True)]
    assert "黄工匠" not in str(rows)
    response = judge1.put(f"{BASE}entries/{keqiao_entry.pk}/sheet/", {"marks": {"A1": "30"}}, format="json")
    assert response.status_code == 400 and "回避" in response.json()["entry"][0]
    assert not ScoreSheet.objects.filter(judge=contest.judge1).exists()
    judges = client_for(personas.city).get(f"{BASE}events/{contest.event.pk}/judges/").json()
    assert {j["name"]: j["conflicting_entries"] for j in judges}["裁判甲"] == [keqiao_entry.number]


def test_marking_lock_publish_and_public_results(contest, personas, running):
    event_round = contest.first_round
    problems = services.lock_problems(event_round)
    assert problems
    assert client_for(contest.chief.user).get(f"{BASE}rounds/{event_round.pk}/").json()["lock_problems"] == {
        key: [str(message) for message in messages] for key, messages in problems.items()}
    for judge in (contest.judge2, contest.chief):
        api = client_for(judge.user)
        for entry, a1 in zip(running, (38, 30), strict=True):
            response = api.put(f"{BASE}entries/{entry.pk}/sheet/",
                               {"marks": full_marks(str(a1), "25", "2", "2"), "submit": True}, format="json")
            assert response.status_code == 200, response.json()
            assert response.json()["status"] == "submitted"
    chief = client_for(contest.chief.user)
    for entry in running:
        response = chief.post(f"{BASE}entries/{entry.pk}/scores/", {"theory_score": "80"}, format="json")
        assert response.status_code == 200, response.json()
    assert chief.get(f"{BASE}rounds/{event_round.pk}/").json()["lock_problems"] == {}
    assert client_for(contest.judge2.user).post(f"{BASE}rounds/{event_round.pk}/lock/").status_code == 403
    assert chief.post(f"{BASE}rounds/{event_round.pk}/lock/").json()["status"] == "locked"
    # embargoed: the delegation does not see its result yet, the public sees nothing
    dan_entry = client_for(personas.dan).get(f"{BASE}{contest.competition.pk}/entries/").json()["results"][0]
    assert dan_entry["position"] is None and dan_entry["medal"] is None
    assert client_for(None).get(f"{BASE}results/rounds/{event_round.pk}/").status_code == 404
    assert chief.post(f"{BASE}rounds/{event_round.pk}/publish/").json()["status"] == "published"
    public = client_for(None).get(f"{BASE}results/rounds/{event_round.pk}/").json()
    assert [(r["position"], r["names"], r["medal"]) for r in public["results"]] == [(1, "黄**", "gold"),
                                                                                   (2, "蓝**", "silver")]
    table = client_for(None).get(f"{BASE}results/{contest.competition.pk}/").json()
    assert [(row["label"], row["gold"], row["silver"]) for row in table["medal_table"]] == [
        ("越城区代表队", 1, 0), ("柯桥纺织代表队", 0, 1)]
    year = client_for(None).get(f"{BASE}results/years/2025/").json()
    assert [row["label"] for row in year] == ["越城区人力资源和社会保障局", "柯桥纺织有限公司"]
    assert EventRound.objects.get(pk=event_round.pk).published_by == contest.chief.user


def test_correction_requires_reason_over_api(contest, personas, running):
    for judge in (contest.judge2, contest.chief):
        for entry in running:
            client_for(judge.user).put(f"{BASE}entries/{entry.pk}/sheet/",
                                       {"marks": full_marks("30", "25", "2", "2"), "submit": True}, format="json")
    chief = client_for(contest.chief.user)
    for entry in running:
        chief.post(f"{BASE}entries/{entry.pk}/scores/", {"theory_score": "80"}, format="json")
    chief.post(f"{BASE}rounds/{contest.first_round.pk}/lock/")
    mark = Mark.objects.filter(sheet__judge=contest.judge2, aspect__code="A1").first()
    response = chief.post(f"{BASE}marks/{mark.pk}/correct/", {"value": "33"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = chief.post(f"{BASE}marks/{mark.pk}/correct/", {"value": "33", "reason": "读数更正"}, format="json")
    assert response.status_code == 200 and response.json()["new_value"] == "33.00"
    assert client_for(contest.judge2.user).post(f"{BASE}marks/{mark.pk}/correct/",
                                                {"value": "34", "reason": "x"}, format="json").status_code == 403


def test_excel_import_and_export_over_the_api(contest, personas, running, settings, tmp_path):
    import io

    from openpyxl import Workbook

    from gongjiang.imports.models import ImportJob

    settings.IMPORT_SCRATCH_DIR = tmp_path / "scratch"
    workbook = Workbook()
    workbook.active.append(["参赛编号", "A1", "A2", "B1", "B2", "提交成绩单"])
    for entry in running:
        workbook.active.append([entry.number, 30, 20, 2, 2, "是"])
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "marks.xlsx"
    judge = client_for(contest.judge2.user)
    response = judge.post(f"{BASE}rounds/{contest.first_round.pk}/marks-import/", {"file": upload},
                          format="multipart")
    # an import job of the pipeline, checked (immediately in tests), nothing written before confirming
    assert response.status_code == 202, response.json()
    job = ImportJob.objects.get()
    assert response["Location"] == f"/api/v1/imports/jobs/{job.public_id}/"
    assert response.json()["entity"] == "competition_marks" and response.json()["status"] == "validated"
    assert response.json()["rows"] == {"total": 2, "ok": 2, "failed": 0}  # judge2 may mark both: no conflict
    assert not ScoreSheet.objects.exists()
    response = judge.post(f"/api/v1/imports/jobs/{job.public_id}/commit/", {}, format="json")
    assert response.status_code == 202, response.json()
    assert judge.get(f"/api/v1/imports/jobs/{job.public_id}/").json()["status"] == "committed"
    assert ScoreSheet.objects.filter(judge=contest.judge2, status="submitted").count() == 2
    plain = APIClient()
    plain.force_authenticate(personas.city)
    export = plain.get(f"{BASE}rounds/{contest.first_round.pk}/export/scores/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert plain.get(f"{BASE}{contest.competition.pk}/entries/export/").status_code == 200
    outsider = APIClient()
    outsider.force_authenticate(personas.kira)
    assert outsider.get(f"{BASE}rounds/{contest.first_round.pk}/export/scores/").status_code == 404
