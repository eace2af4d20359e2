"""Partners, agreement version approval, alliances, mentors, events, recognition, counts."""

from __future__ import annotations

import datetime as dt

import pytest

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.international import rules, selectors, services
from gongjiang.international.models import (
    Agreement,
    AgreementParty,
    ForeignCertificate,
    PartnerProfile,
)
from gongjiang.people.models import Certificate
from tests import factories

PDF_V1 = b"%PDF-1.7 agreement version one"
PDF_V2 = b"%PDF-1.7 agreement version two"


def partner(city, name="德国 bbw 教育集团", country="DE", kind="college", actor=None):
    return services.partner_create(actor=actor, name=name, country=country, partner_kind=kind,
                                   managed_by=city.city_bureau)


def college(city):
    return factories.organization("绍兴技师学院", kind="technical_college", region_obj=city.city)


def draft_agreement(city, personas, foreign, local):
    return services.agreement_create(
        actor=personas.city, title="中德技能人才联合培养协议", kind="joint_training", managed_by=city.city_bureau,
        parties=[services.PartySpec(local, "甲方"), services.PartySpec(foreign.organization, "乙方")],
        signed_date=dt.date(2024, 9, 1), term_months=36,
    )


def test_partner_is_a_foreign_organisation_with_profile(city, personas):
    profile = partner(city, actor=personas.city)
    assert profile.organization.kind == "foreign_partner" and profile.organization.country == "DE"
    assert set(selectors.partner_queryset(personas.olga)) == {profile}
    assert not selectors.partner_queryset(personas.sam).exists()
    assert not selectors.partner_queryset(personas.olga, write=True).exists()
    with pytest.raises(ApplicationError) as err:
        partner(city, name="国内机构", country="CN", actor=personas.city)
    assert "country" in err.value.errors


def test_enterprise_cannot_register_partner_for_the_bureau(city, personas):
    with pytest.raises(ApplicationError) as err:
        partner(city, actor=personas.olga)
    assert "managed_by" in err.value.errors
    assert not PartnerProfile.objects.exists()


def test_both_sides_approve_the_same_version_and_a_change_needs_new_approval(city, personas):
    # given
    foreign = partner(city)
    local = college(city)
    agreement = draft_agreement(city, personas, foreign, local)
    assert agreement.status == rules.DRAFT  # no document yet
    agreement = services.agreement_attach_document(actor=personas.city, agreement=agreement, content=PDF_V1,
                                                   filename="协议.pdf")
    assert agreement.status == rules.PENDING and agreement.document_sha256 == rules.sha256_hex(PDF_V1)
    version_one = agreement.content_hash
    local_party = AgreementParty.objects.get(agreement=agreement, organization=local)
    foreign_party = AgreementParty.objects.get(agreement=agreement, organization=foreign.organization)
    # when: the bureau records the foreign side's approval with evidence; the college approves itself
    with pytest.raises(ApplicationError) as err:
        services.agreement_approve(actor=personas.city, agreement=agreement, party=foreign_party,
                                   content_hash=version_one)
    assert err.value.errors == {"evidence": [services.ERR_EVIDENCE_REQUIRED]}
    services.agreement_approve(actor=personas.city, agreement=agreement, party=foreign_party, content_hash=version_one,
                               evidence="对方邮件确认 2024-08-30")
    services.agreement_approve(actor=personas.city, agreement=agreement, party=local_party, content_hash=version_one)
    agreement.refresh_from_db()
    # then
    assert agreement.status == rules.IN_FORCE and agreement.version == 1
    # when the text changes, the version moves on and both approvals stop counting
    agreement = services.agreement_attach_document(actor=personas.city, agreement=agreement, content=PDF_V2,
                                                   filename="协议-修订.pdf")
    assert agreement.version == 2 and agreement.content_hash != version_one
    assert agreement.status == rules.PENDING
    with pytest.raises(ApplicationError) as err:
        services.agreement_approve(actor=personas.city, agreement=agreement, party=local_party,
                                   content_hash=version_one)
    assert err.value.errors["content_hash"] == [str(rules.ERR_HASH_MISMATCH).format(
        presented=version_one[:12], current=agreement.content_hash[:12])]
    local_party.refresh_from_db()
    assert local_party.approved_hash == version_one
    assert services.document_matches(agreement=agreement, content=PDF_V2)
    assert not services.document_matches(agreement=agreement, content=PDF_V1)
    assert AuditEntry.objects.filter(action="international.agreement.approved").count() == 2


def test_refusals_are_given_in_the_users_language(city, personas):
    from django.utils import translation

    local = college(city)
    foreign = partner(city)
    twice = [services.PartySpec(local, "甲方"), services.PartySpec(local, "乙方")]

    def create(parties):
        return services.agreement_create(actor=personas.city, title="中德技能人才联合培养协议", kind="joint_training",
                                         managed_by=city.city_bureau, parties=parties)

    with translation.override("en"), pytest.raises(ApplicationError) as err:
        create(twice)
    assert err.value.errors == {"parties": ["The same organisation cannot be listed as a party more than once."]}
    agreement = create([services.PartySpec(local, "甲方"), services.PartySpec(foreign.organization, "乙方")])
    with translation.override("en"), pytest.raises(ApplicationError) as err:
        services.agreement_attach_document(actor=personas.city, agreement=agreement, content=b"", filename="协议.pdf")
    assert err.value.errors == {"document": ["The agreement text file is empty."]}
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as err:
        create(twice)
    assert err.value.errors == {"parties": ["同一单位不能重复列为签约方。"]}


def test_outsider_cannot_approve_for_a_party(city, personas):
    foreign = partner(city)
    agreement = draft_agreement(city, personas, foreign, college(city))
    agreement = services.agreement_attach_document(actor=None, agreement=agreement, content=PDF_V1, filename="a.pdf")
    party = agreement.parties.get(organization=foreign.organization)
    with pytest.raises(PermissionDeniedError):
        services.agreement_approve(actor=personas.kira, agreement=agreement, party=party,
                                   content_hash=agreement.content_hash, evidence="x")
    party.refresh_from_db()
    assert party.approved_hash == ""


def test_agreement_expires_and_terminates(city, personas):
    foreign = partner(city)
    agreement = draft_agreement(city, personas, foreign, college(city))
    agreement = services.agreement_attach_document(actor=None, agreement=agreement, content=PDF_V1, filename="a.pdf")
    for party in agreement.parties.all():
        services.agreement_approve(actor=None, agreement=agreement, party=party, content_hash=agreement.content_hash)
    assert services.agreement_refresh_statuses(today=dt.date(2027, 9, 1)) == 1
    agreement.refresh_from_db()
    assert agreement.status == rules.EXPIRED and agreement.end_date == dt.date(2027, 8, 31)
    with pytest.raises(ApplicationError):
        services.agreement_terminate(actor=personas.city, agreement=agreement, on=dt.date(2027, 9, 2), reason="")
    services.agreement_terminate(actor=personas.city, agreement=agreement, on=dt.date(2027, 9, 2), reason="到期不续")
    agreement.refresh_from_db()
    assert agreement.status == rules.TERMINATED


def test_agreement_visible_to_party_admin_not_to_outsider(city, personas):
    foreign = partner(city)
    agreement = services.agreement_create(
        actor=personas.city, title="校企合作协议", kind="school_enterprise", managed_by=city.city_bureau,
        parties=[services.PartySpec(city.yuecheng_machinery), services.PartySpec(foreign.organization)],
    )
    assert selectors.agreement_queryset(personas.olga).filter(pk=agreement.pk).exists()
    assert not selectors.agreement_queryset(personas.kira).filter(pk=agreement.pk).exists()
    assert not selectors.agreement_queryset(personas.olga, write=True).filter(pk=agreement.pk).exists()
    with pytest.raises(PermissionDeniedError):
        services.agreement_update(actor=personas.olga, agreement=agreement, title="改名")
    assert Agreement.objects.get(pk=agreement.pk).title == "校企合作协议"


def test_alliance_members_with_certificates_and_countries(city, personas):
    alliance = services.alliance_create(actor=personas.city, name="技术技能人才国际发展联盟",
                                        founded_on=dt.date(2023, 11, 22), guided_by=city.city_bureau)
    members = [partner(city, f"机构{c}", c) for c in ("RU", "JP", "SG")]
    for profile in members:
        services.alliance_member_add(actor=personas.city, alliance=alliance, organization=profile.organization,
                                     joined_on=dt.date(2023, 11, 22), role="founding")
    services.alliance_member_add(actor=personas.city, alliance=alliance, organization=college(city),
                                 joined_on=dt.date(2023, 11, 22))
    with pytest.raises(ApplicationError):
        services.alliance_member_add(actor=personas.city, alliance=alliance, organization=members[0].organization,
                                     joined_on=dt.date(2024, 1, 1))
    row = selectors.alliance_list(user=personas.city).get(pk=alliance.pk)
    assert (row.member_count, row.country_count) == (4, 4)
    numbers = [m.certificate_number for m in selectors.alliance_members(alliance=alliance)]
    assert numbers == [f"LM{alliance.pk:03d}-2023-00{i}" for i in range(1, 5)]


def test_recognition_mapping_and_a_persons_foreign_certificate(city, personas):
    recognition = services.recognition_create(
        actor=personas.city, qualification="国际焊接技师", awarding_body="国际焊接学会（IIW）", country="DE",
        decided_by=city.city_bureau, decision="mapped", decision_date=dt.date(2023, 6, 1), domestic_level=4,
        domestic_title="", batch="第一批",
    )
    link = services.foreign_certificate_record(actor=personas.olga, holder=personas.wang.person,
                                               number="IWS-DE-88001", issue_date=dt.date(2024, 5, 1),
                                               recognition=recognition)
    assert link.certificate.kind == Certificate.Kind.INTERNATIONAL and link.recognition == recognition
    assert link.certificate.source == Certificate.Source.RECOGNITION
    assert selectors.foreign_certificates_for_person(user=personas.wang, person=personas.wang.person) == [link]
    with pytest.raises(ApplicationError) as err:
        services.recognition_create(actor=personas.city, qualification="X", awarding_body="Y", country="GB",
                                    decided_by=city.city_bureau, decision="mapped",
                                    decision_date=dt.date(2023, 6, 1))
    assert err.value.errors == {"domestic_title": [str(rules.ERR_RECOGNITION_MAPPING)]}
    pending = services.recognition_create(actor=personas.city, qualification="待认定资格", awarding_body="Z",
                                          country="GB", decided_by=city.city_bureau)
    with pytest.raises(ApplicationError):
        services.foreign_certificate_record(actor=personas.olga, holder=personas.wang.person, number="GB-1",
                                            issue_date=dt.date(2024, 5, 1), recognition=pending)
    assert ForeignCertificate.objects.count() == 1


def test_counts_against_hand_built_data(city, personas):
    # given: 3 partners (2 active), a joint-training agreement in force with one, a joint project with another,
    # a framework agreement, 2 mentors (1 active), 2 events (1 in the future), 3 recognitions (2 mapped, 1 with title)
    de, sg, ru = partner(city, "德国机构", "DE"), partner(city, "新加坡机构", "SG"), partner(city, "俄罗斯机构", "RU")
    services.partner_update(actor=personas.city, partner=ru, is_active=False)
    local = college(city)
    joint = draft_agreement(city, personas, de, local)
    joint = services.agreement_attach_document(actor=None, agreement=joint, content=PDF_V1, filename="a.pdf")
    for party in joint.parties.all():
        services.agreement_approve(actor=None, agreement=joint, party=party, content_hash=joint.content_hash)
    services.agreement_create(actor=None, title="框架协议", kind="framework", managed_by=city.city_bureau,
                              parties=[services.PartySpec(local), services.PartySpec(ru.organization)],
                              signed_date=dt.date(2023, 11, 22), term_months=60)
    services.joint_project_create(actor=None, name="机电一体化联合培养", managed_by=city.city_bureau,
                                  partners=[sg.organization], start_date=dt.date(2024, 3, 1))
    active = services.mentor_create(actor=None, name="Hans Müller", country="DE", expertise="自动化",
                                    managed_by=city.city_bureau, introduced_on=dt.date(2024, 1, 1))
    gone = services.mentor_create(actor=None, name="Anna", country="AT", expertise="焊接",
                                  managed_by=city.city_bureau, introduced_on=dt.date(2024, 1, 1))
    services.mentor_set_active(actor=None, mentor=gone, is_active=False)
    services.engagement_add(actor=None, mentor=active, description="授课", start_date=dt.date(2024, 3, 1),
                            joint_project=services.JointProject.objects.get())
    services.event_create(actor=None, name="国际技能交流周", kind="exchange", held_on=dt.date(2024, 5, 1),
                          managed_by=city.city_bureau)
    services.event_create(actor=None, name="未来活动", kind="training", held_on=dt.date(2099, 5, 1),
                          managed_by=city.city_bureau)
    for index, (decision, title) in enumerate([("mapped", "工程师"), ("mapped", ""), ("recognised", "")]):
        services.recognition_create(actor=None, qualification=f"资格{index}", awarding_body="机构", country="GB",
                                    decided_by=city.city_bureau, decision=decision, decision_date=dt.date(2023, 1, 1),
                                    domestic_title=title, domestic_level=3 if not title else None)
    # when
    counts = selectors.international_counts(user=personas.city)
    # then
    assert counts.partners_active == 2
    assert counts.partners_by_country == {"DE": 1, "SG": 1}
    assert counts.partners_with_joint_training == 2  # DE by agreement in force, SG by joint project
    assert counts.agreements_in_force == 1 and counts.framework_agreements == 0  # framework has no document: draft
    assert counts.joint_projects == 1 and counts.international_mentors == 1 and counts.events_held == 1
    assert (counts.recognitions, counts.recognitions_mapped, counts.recognitions_mapped_to_title) == (3, 2, 1)
    assert selectors.international_counts(user=personas.sam).partners_active == 0
