"""The international API: partners, agreement document upload and version approval, recognition."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from gongjiang.international.models import Agreement, PartnerProfile
from tests import factories


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_partner_agreement_upload_and_approval_over_http(city, personas):
    api = client_for(personas.city)
    partner = api.post("/api/v1/international/partners/", {
        "name": "德国 bbw 教育集团", "country": "DE", "partner_kind": "college", "managed_by": city.city_bureau.pk},
        format="json")
    assert partner.status_code == 201, partner.content
    college = factories.organization("绍兴技师学院", kind="technical_college", region_obj=city.city)
    created = api.post("/api/v1/international/agreements/", {
        "title": "bbw 浙江绍兴培训中心合作协议", "kind": "joint_training", "managed_by": city.city_bureau.pk,
        "parties": [{"organization": college.pk, "role": "甲方"},
                    {"organization": partner.json()["organization"]["id"], "role": "乙方"}],
        "signed_date": "2024-09-01", "term_months": 36}, format="json")
    assert created.status_code == 201, created.content
    agreement_id = created.json()["id"]
    content = b"%PDF-1.7 signed text"
    upload = api.post(f"/api/v1/international/agreements/{agreement_id}/document/",
                      {"document": SimpleUploadedFile("协议.pdf", content, content_type="application/pdf")},
                      format="multipart")
    assert upload.status_code == 200, upload.content
    assert upload.json()["document_sha256"] == hashlib.sha256(content).hexdigest()
    current = upload.json()["content_hash"]
    parties = upload.json()["parties"]
    wrong = api.post(f"/api/v1/international/agreements/{agreement_id}/approvals/",
                     {"party": parties[1]["id"], "content_hash": "0" * 64, "evidence": "邮件"}, format="json")
    assert wrong.status_code == 400 and "content_hash" in wrong.json()
    for party in parties:
        ok = api.post(f"/api/v1/international/agreements/{agreement_id}/approvals/",
                      {"party": party["id"], "content_hash": current, "evidence": "邮件确认"}, format="json")
        assert ok.status_code == 200, ok.content
    assert Agreement.objects.get(pk=agreement_id).status == "in_force"
    counts = api.get("/api/v1/international/indicators/").json()
    assert counts["agreements_in_force"] == 1 and counts["partners_with_joint_training"] == 1


def test_enterprise_cannot_register_partner_for_bureau(city, personas):
    response = client_for(personas.olga).post("/api/v1/international/partners/", {
        "name": "X", "country": "DE", "partner_kind": "college", "managed_by": city.city_bureau.pk}, format="json")
    assert response.status_code == 400 and "managed_by" in response.json()
    assert not PartnerProfile.objects.exists()


def test_recognition_list_and_foreign_certificate(city, personas):
    api = client_for(personas.city)
    recognition = api.post("/api/v1/international/recognitions/", {
        "qualification": "机械产品国际检验检测师", "awarding_body": "国际焊接学会", "country": "DE",
        "decided_by": city.city_bureau.pk, "decision": "mapped", "decision_date": "2023-06-01",
        "domestic_title": "工程师"}, format="json")
    assert recognition.status_code == 201, recognition.content
    cert = client_for(personas.olga).post("/api/v1/international/foreign-certificates/", {
        "holder": personas.wang.person.pk, "number": "IIW-2024-0001", "issue_date": "2024-05-01",
        "recognition": recognition.json()["id"]}, format="json")
    assert cert.status_code == 201, cert.content
    listing = client_for(personas.wang).get("/api/v1/international/recognitions/")
    assert listing.json()["count"] == 1
    assert client_for(personas.sam).get("/api/v1/international/recognitions/").json()["count"] == 0


def test_verify_document_project_patch_mentor_and_member_leave(city, personas):
    from gongjiang.international import services

    api = client_for(personas.city)
    partner = services.partner_create(actor=None, name="俄罗斯学院", country="RU", partner_kind="college",
                                      managed_by=city.city_bureau)
    college = factories.organization("技师学院", kind="technical_college", region_obj=city.city)
    agreement = services.agreement_create(actor=None, title="协议", kind="framework", managed_by=city.city_bureau,
                                          parties=[services.PartySpec(college), services.PartySpec(partner.organization)],
                                          term_months=12)
    services.agreement_attach_document(actor=None, agreement=agreement, content=b"agreed", filename="a.txt")
    same = api.post(f"/api/v1/international/agreements/{agreement.pk}/verify-document/",
                    {"document": SimpleUploadedFile("x.txt", b"agreed")}, format="multipart")
    other = api.post(f"/api/v1/international/agreements/{agreement.pk}/verify-document/",
                     {"document": SimpleUploadedFile("x.txt", b"changed")}, format="multipart")
    assert same.json()["matches"] is True and other.json()["matches"] is False
    project = services.joint_project_create(actor=None, name="项目", managed_by=city.city_bureau,
                                            partners=[partner.organization], start_date=dt.date(2024, 1, 1))
    response = api.patch(f"/api/v1/international/joint-projects/{project.pk}/",
                         {"status": "completed", "participants": [personas.wang.person.pk]}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "completed"
    assert list(project.participants.all()) == [personas.wang.person]
    assert client_for(personas.olga).patch(f"/api/v1/international/joint-projects/{project.pk}/",
                                           {"status": "cancelled"}, format="json").status_code == 403
    mentor = services.mentor_create(actor=None, name="Hans", country="DE", expertise="自动化",
                                    managed_by=city.city_bureau, introduced_on=dt.date(2024, 1, 1))
    assert api.patch(f"/api/v1/international/mentors/{mentor.pk}/", {"is_active": False},
                     format="json").json()["is_active"] is False
    alliance = services.alliance_create(actor=None, name="联盟", founded_on=dt.date(2023, 11, 22), guided_by=city.city_bureau)
    member = services.alliance_member_add(actor=None, alliance=alliance, organization=partner.organization,
                                          joined_on=dt.date(2023, 11, 22))
    left = api.post(f"/api/v1/international/alliances/{alliance.pk}/members/{member.pk}/leave/",
                    {"on": "2024-06-30"}, format="json")
    assert left.status_code == 200 and left.json()["left_on"] == "2024-06-30"
