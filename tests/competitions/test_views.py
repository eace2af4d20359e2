"""The competition pages: organiser set-up, delegation entries, judges' tablet sheets, the chief
judge's control page, exports, and the public results — with each persona's access."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from gongjiang.competitions import services
from gongjiang.competitions.models import Competition, Entry, EventRound, Judge, ScoreSheet
from gongjiang.orgs.services import membership_grant
from gongjiang.people.models import Certificate
from gongjiang.people.services import person_reveal_id_number
from tests import factories
from tests.competitions.conftest import competitor, lathe_occupation, open_registration, start

SCHEME_TEXT = "\n".join([
    "零件加工|A1|尺寸精度|测量|60",
    "职业素养|B1|工艺合理性|评价|40|低于行业标准;符合行业标准;部分超过;全面超过",
])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_organiser_sets_up_through_the_pages(city, personas):
    lathe_occupation()
    city_client = client_for(personas.city)
    # when: create a competition with heats
    response = city_client.post("/competitions/new/", {
        "name": "2025年绍兴市职业技能大赛", "organizer": city.city_bureau.pk, "level": "city",
        "start_date": "2025-06-01", "end_date": "2025-06-03", "heats": "越城赛区，柯桥赛区",
        "advancement": "top_per_heat", "advance_count": "2",
    })
    competition = Competition.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/competitions/{competition.pk}/"
    assert [s.name for s in competition.stages.order_by("sequence")] == ["赛区赛", "决赛"]
    # event, scheme, delegation, judge
    response = city_client.post(f"/competitions/{competition.pk}/events/new/", {
        "code": "E01", "name": "数控车工", "occupation": "6-18-01-01", "team_size": 1, "min_age": 16,
        "theory_weight": "30", "practical_weight": "70", "tie_break_1": "practical_desc", "tie_break_2": "time_asc",
        "judgement_method": "sum", "judgement_tolerance": 1, "medal_policy": "national", "excellence_fraction": "0.5",
        "excellence_inclusive": "on", "gold_quota": 1, "silver_quota": 1, "bronze_quota": 1, "excellence_quota": 0,
        "appeal_hours": 24,
    })
    event = competition.events.get()
    assert response.status_code == 302
    response = city_client.post(f"/competitions/events/{event.pk}/", {"lines": SCHEME_TEXT})
    assert response.status_code == 302 and event.aspects.count() == 2
    response = city_client.post(f"/competitions/{competition.pk}/delegations/", {
        "name": "越城区代表队", "kind": "district", "organization": city.yuecheng_bureau.pk, "heat": "越城赛区"})
    assert response.status_code == 302 and competition.delegations.count() == 1
    factories.user("pagejudge")
    response = city_client.post(f"/competitions/events/{event.pk}/", {"username": "pagejudge", "name": "页面裁判",
                                                                       "is_chief": "on"})
    assert response.status_code == 302 and Judge.objects.get().is_chief
    page = city_client.get(f"/competitions/{competition.pk}/")
    assert "数控车工" in page.content.decode() and "越城区代表队" in page.content.decode()


def test_bad_scheme_line_is_explained(contest, personas):
    response = client_for(personas.city).post(f"/competitions/events/{contest.event.pk}/",
                                              {"lines": "只有两段|A1"})
    assert response.status_code == 400
    assert "第 1 行应为" in response.content.decode()
    assert contest.event.aspects.count() == 4


def test_outsiders_cannot_reach_organiser_pages(contest, personas):
    open_registration(contest, personas)
    kira = client_for(personas.kira)
    assert kira.get(f"/competitions/{contest.competition.pk}/delegations/").status_code == 404
    assert kira.post(f"/competitions/{contest.competition.pk}/status/", {"status": "underway"}).status_code == 403
    contest.competition.refresh_from_db()
    assert contest.competition.status == "registration"
    assert kira.get(f"/competitions/rounds/{contest.first_round.pk}/").status_code == 404
    assert kira.get(f"/competitions/delegations/{contest.yuecheng.pk}/").status_code == 404


def test_delegation_registers_by_id_number(contest, city, personas):
    open_registration(contest, personas)
    worker = competitor(city, "俞工匠")
    number = person_reveal_id_number(actor=personas.dan, person=worker)
    dan = client_for(personas.dan)
    response = dan.post(f"/competitions/delegations/{contest.yuecheng.pk}/", {"event": contest.event.pk,
                                                                              "id_numbers": number})
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.members.get().person == worker
    page = dan.get(f"/competitions/delegations/{contest.yuecheng.pk}/").content.decode()
    assert "俞工匠" in page and number not in page
    response = dan.post(f"/competitions/delegations/{contest.yuecheng.pk}/", {"event": contest.event.pk,
                                                                              "id_numbers": number})
    assert response.status_code == 400 and "已报名本赛项" in response.content.decode()
    assert Entry.objects.count() == 1


@pytest.fixture
def marked_round(contest, city, personas):
    open_registration(contest, personas)
    entries = [services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                       people=[competitor(city, name)]) for name in ("韩一工", "韩二工")]
    start(contest, personas)
    return entries


def test_judge_marks_on_the_tablet_sheet(contest, personas, marked_round):
    first, second = marked_round
    judge = client_for(contest.judge2.user)
    worklist = judge.get(f"/competitions/judging/rounds/{contest.first_round.pk}/").content.decode()
    assert first.number in worklist and "韩一工" not in worklist
    aspects = {a.code: a.pk for a in contest.event.aspects.all()}
    sheet_url = f"/competitions/judging/rounds/{contest.first_round.pk}/entries/{first.pk}/"
    page = judge.get(sheet_url).content.decode()
    assert 'class="score-choices"' in page and "韩一工" not in page
    response = judge.post(sheet_url, {f"aspect-{aspects['A1']}": "38", f"aspect-{aspects['A2']}": "25",
                                      f"aspect-{aspects['B1']}": "3", f"aspect-{aspects['B2']}": "2",
                                      "submit": "1"})
    # submitted, and sent on to the next entry to mark
    assert response.status_code == 302 and response["Location"].endswith(f"/entries/{second.pk}/")
    assert ScoreSheet.objects.get(entry=first, judge=contest.judge2).status == "submitted"
    response = judge.post(sheet_url, {f"aspect-{aspects['A1']}": "1"})
    assert response.status_code == 400
    bad = judge.post(f"/competitions/judging/rounds/{contest.first_round.pk}/entries/{second.pk}/",
                     {f"aspect-{aspects['A1']}": "99"})
    assert bad.status_code == 400 and "A1" in bad.content.decode()


def test_chief_locks_and_publishes_then_public_sees_results(contest, personas, marked_round):
    for judge in (contest.judge2, contest.chief):
        for entry, a1 in zip(marked_round, (38, 30), strict=True):
            services.marks_save(actor=judge.user, entry=entry, marks={"A1": a1, "A2": 25, "B1": 2, "B2": 2},
                                submit=True)
    chief = client_for(contest.chief.user)
    round_url = f"/competitions/rounds/{contest.first_round.pk}/"
    fields = {f"theory-{e.pk}": "80" for e in marked_round}
    assert chief.post(f"{round_url}scores/", fields).status_code == 302
    assert client_for(contest.judge2.user).get(round_url).status_code == 404
    assert chief.post(f"{round_url}do/lock/").status_code == 302
    assert EventRound.objects.get(pk=contest.first_round.pk).status == "locked"
    public = Client()
    assert public.get(f"/competitions/results/rounds/{contest.first_round.pk}/").status_code == 404
    chief.post(f"{round_url}do/publish/")
    page = public.get(f"/competitions/results/rounds/{contest.first_round.pk}/").content.decode()
    assert "韩*" in page and "韩一工" not in page and "金牌" in page
    table = public.get(f"/competitions/results/{contest.competition.pk}/").content.decode()
    assert "越城区代表队" in table and 'data-medal-chart' in table and "medal-chart" in table
    assert public.get("/competitions/results/years/2025/").status_code == 200
    export = public.get(f"/competitions/results/rounds/{contest.first_round.pk}/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_exports_need_access(contest, personas, marked_round):
    city = client_for(personas.city)
    assert city.get(f"/competitions/{contest.competition.pk}/export/entries/").status_code == 200
    assert city.get(f"/competitions/rounds/{contest.first_round.pk}/export/scores/").status_code == 200
    assert client_for(personas.kira).get(
        f"/competitions/rounds/{contest.first_round.pk}/export/scores/").status_code == 404
    template = client_for(contest.judge1.user).get(
        f"/competitions/rounds/{contest.first_round.pk}/export/marks-template/")
    assert template.status_code == 200


def test_rewards_applied_from_the_page(contest, personas, marked_round):
    services.event_update(actor=personas.city, event=contest.event, appeal_hours=0)
    services.reward_rule_create(actor=personas.city, competition=contest.competition, name="金牌晋升技师",
                                min_medal="gold", promotion="to_level", promotion_level=4)
    for judge in (contest.judge2, contest.chief):
        for entry, a1 in zip(marked_round, (38, 30), strict=True):
            services.marks_save(actor=judge.user, entry=entry, marks={"A1": a1, "A2": 25, "B1": 2, "B2": 2},
                                submit=True)
    for entry in marked_round:
        services.entry_record_scores(actor=contest.chief.user, entry=entry, theory_score=Decimal("80"))
    services.round_lock(actor=contest.chief.user, event_round=contest.first_round)
    services.round_publish(actor=contest.chief.user, event_round=contest.first_round)
    city = client_for(personas.city)
    page = city.get(f"/competitions/{contest.competition.pk}/").content.decode()
    assert "韩一工" in page and "技师" in page
    assert city.post(f"/competitions/{contest.competition.pk}/rewards/apply/").status_code == 302
    assert Certificate.objects.filter(source="competition").count() == 1
    city.post(f"/competitions/{contest.competition.pk}/rewards/apply/")
    assert Certificate.objects.filter(source="competition").count() == 1
    # after applying, the page lists what was granted (技师), not a new plan from the new levels
    page = city.get(f"/competitions/{contest.competition.pk}/").content.decode()
    assert "已兑现的奖励" in page and "高级技师" not in page.split("已兑现的奖励")[1]
    # the gold medallist finds the verifiable award certificate on their own page
    winner = marked_round[0].members.get().person
    account = factories.user("hanyi")
    membership_grant(actor=None, user=account, role="worker")
    winner.user = account
    winner.save(update_fields=["user"])
    home = client_for(account).get("/competitions/").content.decode()
    assert "获奖证书" in home and "/verify/" in home


def test_home_lists_what_each_persona_does(contest, personas, marked_round):
    assert "越城区代表队" in client_for(personas.dan).get("/competitions/").content.decode()
    assert "我的裁判任务" in client_for(contest.judge1.user).get("/competitions/").content.decode()
    assert "新建竞赛" in client_for(personas.city).get("/competitions/").content.decode()
    assert client_for(personas.wang).get("/competitions/").status_code == 200


def test_admin_lists_only_organised_competitions(contest, personas):
    personas.city.is_staff = True
    personas.city.save(update_fields=["is_staff"])
    personas.kira.is_staff = True
    personas.kira.save(update_fields=["is_staff"])
    page = client_for(personas.city).get("/admin/competitions/competition/")
    assert page.status_code == 200 and "2025年绍兴市职业技能大赛" in page.content.decode()
    assert client_for(personas.kira).get("/admin/competitions/competition/").status_code == 403


def test_worker_enters_themself_and_the_delegation_confirms(contest, personas):
    open_registration(contest, personas)
    wang = client_for(personas.wang)
    assert "我要报名" in wang.get("/competitions/").content.decode()
    page = wang.get("/competitions/enter/").content.decode()
    competition = contest.competition.name
    assert f"{competition} · {contest.yuecheng.name}" in page
    assert f"{competition} · {contest.event.code} {contest.event.name}" in page
    response = wang.post("/competitions/enter/", {"delegation": contest.yuecheng.pk, "event": contest.event.pk})
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.status == Entry.Status.PENDING and entry.members.get().person.user == personas.wang
    dan = client_for(personas.dan)
    dan.post(f"/competitions/entries/{entry.pk}/confirm/", {"next": "https://evil.example/"})
    entry.refresh_from_db()
    assert entry.status == Entry.Status.REGISTERED


def test_organiser_edits_and_chief_disqualifies_on_the_pages(contest, personas, marked_round):
    city = client_for(personas.city)
    response = city.post(f"/competitions/{contest.competition.pk}/edit/", {
        "name": "2025年绍兴市职业技能大赛（改）", "organizer": contest.competition.organizer_id, "level": "city",
        "start_date": "2025-06-01", "end_date": "2025-06-03"})
    assert response.status_code == 302
    contest.competition.refresh_from_db()
    assert contest.competition.name == "2025年绍兴市职业技能大赛(改)"  # text is normalised to half-width
    chief = client_for(contest.chief.user)
    entry = marked_round[1]
    response = chief.post(f"/competitions/entries/{entry.pk}/disqualify/",
                          {"reason": "使用违禁工具", "next": f"/competitions/rounds/{contest.first_round.pk}/"})
    assert response["Location"] == f"/competitions/rounds/{contest.first_round.pk}/"
    entry.refresh_from_db()
    assert entry.status == Entry.Status.DISQUALIFIED
    assert client_for(contest.judge2.user).post(f"/competitions/entries/{marked_round[0].pk}/disqualify/",
                                                {"reason": "x"}).status_code == 403


def test_sheet_autosaves_drafts_over_htmx(contest, personas, marked_round):
    entry = marked_round[0]
    aspect = contest.event.aspects.get(code="A1")
    url = f"/competitions/judging/rounds/{contest.first_round.pk}/entries/{entry.pk}/"
    judge = client_for(contest.judge2.user)
    response = judge.post(url, {f"aspect-{aspect.pk}": "33", "autosave": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "草稿已自动保存" in response.content.decode()
    sheet = ScoreSheet.objects.get(entry=entry, judge=contest.judge2)
    assert sheet.status == "draft" and sheet.marks.get().value == Decimal("33")
    response = judge.post(url, {f"aspect-{aspect.pk}": "99", "autosave": "1"}, HTTP_HX_REQUEST="true")
    assert "A1" in response.content.decode() and sheet.marks.get().value == Decimal("33")
