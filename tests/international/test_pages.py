"""International pages: lists render and export, agreement upload and approval through forms,
alliance members, recognition decisions; scope answers."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from gongjiang.international import services
from gongjiang.international.models import Agreement, AllianceMember, Recognition
from tests import factories


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client
    return _login


@pytest.mark.parametrize("url", [
    "/international/", "/international/agreements/", "/international/alliances/", "/international/projects/",
    "/international/mentors/", "/international/events/", "/international/recognitions/",
    "/international/partners/new/", "/international/agreements/new/", "/international/alliances/new/",
    "/international/projects/new/", "/international/mentors/new/", "/international/events/new/",
    "/international/recognitions/new/", "/international/foreign-certificates/new/",
])
def test_pages_render(city, personas, login, url):
    assert login(personas.city).get(url).status_code == 200


def test_agreement_upload_and_approval_through_pages(city, personas, login):
    partner = services.partner_create(actor=None, name="新加坡工教局", country="SG", partner_kind="evaluation_body",
                                      managed_by=city.city_bureau)
    college = factories.organization("技师学院", kind="technical_college", region_obj=city.city)
    client = login(personas.city)
    response = client.post("/international/agreements/new/", {
        "managed_by": city.city_bureau.pk, "title": "校际合作协议", "kind": "inter_school",
        "parties": [college.pk, partner.organization.pk], "signed_date": "2024-11-22", "term_months": 36})
    assert response.status_code == 302, response.content.decode()[:1500]
    agreement = Agreement.objects.get()
    client.post(f"/international/agreements/{agreement.pk}/document/",
                {"document": SimpleUploadedFile("a.pdf", b"%PDF agreed text")})
    agreement.refresh_from_db()
    page = client.get(f"/international/agreements/{agreement.pk}/")
    assert agreement.content_hash in page.content.decode()
    for party in agreement.parties.all():
        client.post(f"/international/agreements/{agreement.pk}/approve/",
                    {"party": party.pk, "content_hash": agreement.content_hash, "evidence": "邮件"})
    agreement.refresh_from_db()
    assert agreement.status == "in_force"
    download = client.get(f"/international/agreements/{agreement.pk}/download/")
    assert download["X-Content-SHA256"] == agreement.document_sha256
    assert login(personas.kira).get(f"/international/agreements/{agreement.pk}/").status_code == 404


def test_alliance_member_through_page_and_export(city, personas, login):
    alliance = services.alliance_create(actor=None, name="国际发展联盟", founded_on="2023-11-22",
                                        guided_by=city.city_bureau)
    partner = services.partner_create(actor=None, name="俄罗斯学院", country="RU", partner_kind="college",
                                      managed_by=city.city_bureau)
    client = login(personas.city)
    response = client.post(f"/international/alliances/{alliance.pk}/", {
        "organization": partner.organization.pk, "role": "founding", "joined_on": "2023-11-22"})
    assert response.status_code == 302
    member = AllianceMember.objects.get()
    export = client.get(f"/international/alliances/{alliance.pk}/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1][0] == "俄罗斯学院" and rows[1][4] == member.certificate_number
    assert login(personas.olga).post(f"/international/alliances/{alliance.pk}/", {
        "organization": partner.organization.pk, "role": "member", "joined_on": "2024-01-01"}).status_code == 403


def test_recognition_create_and_decide(city, personas, login):
    client = login(personas.city)
    response = client.post("/international/recognitions/new/", {
        "qualification": "国际焊接工程师", "awarding_body": "IIW", "country": "DE", "category": "professional",
        "decided_by": city.city_bureau.pk, "decision": "pending"})
    assert response.status_code == 302, response.content.decode()[:1500]
    recognition = Recognition.objects.get()
    response = client.post(f"/international/recognitions/{recognition.pk}/decide/", {
        "decision": "mapped", "decision_date": "2024-01-10", "domestic_title": "工程师"})
    assert response.status_code == 302
    recognition.refresh_from_db()
    assert (recognition.decision, recognition.domestic_title) == ("mapped", "工程师")
    response = client.post(f"/international/recognitions/{recognition.pk}/decide/", {
        "decision": "mapped", "decision_date": "2024-01-10"})
    assert response.status_code == 400


def test_the_section_links_follow_the_users_language(city, personas, login):
    from django.conf import settings

    client = login(personas.city)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "联合培养项目" in client.get("/international/agreements/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/international/agreements/").content.decode()
    assert ">Joint training projects<" in page and "联合培养项目" not in page
