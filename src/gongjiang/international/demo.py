"""Demo data for international cooperation (the demo hook, see gongjiang.web.demo).

* profiles for the demo city's foreign partners and more partners, so that an alliance of 20
  institutions from 7 countries can be formed (the seed's 陆海新通道 alliance pattern), with
  member certificates;
* 6 framework agreements signed at the alliance's founding, every party having approved the same
  version (document SHA-256 in the content hash), a joint-training agreement with a German
  partner (the bbw training centre pattern), one waiting for the foreign side's approval and one
  expired;
* joint training projects linking partners, the training programmes and their participants;
* international mentors with engagements, exchange events held (and planned);
* a recognition list in two batches, most qualifications mapped to a domestic title or level;
  the international certificates the training demo recorded are linked to their recognition, and
  some people hold further foreign certificates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongjiang.catalog.levels import SkillLevel
from gongjiang.international import services
from gongjiang.orgs.models import Organization
from gongjiang.people.models import Certificate
from gongjiang.training.models import Enrollment, TrainingProgram

ALLIANCE_FOUNDED = dt.date(2023, 11, 22)

# name, country, partner kind, original name, fields
EXTRA_PARTNERS = (
    ("俄罗斯圣彼得堡无线电通讯学院（演示）", "RU", "college", "St. Petersburg College of Radio Communication", "职业技能竞赛、师生交流"),
    ("俄罗斯喀山技术学院（演示）", "RU", "college", "Kazan Technical College", "机电一体化课程共建"),
    ("俄罗斯乌拉尔工业集团培训中心（演示）", "RU", "enterprise", "Ural Industrial Training Centre", "企业实习"),
    ("日本关西职业能力开发大学（演示）", "JP", "college", "Kansai Polytechnic College", "精密加工"),
    ("新加坡工教局教育咨询服务机构（演示）", "SG", "evaluation_body", "ITE Education Services", "技能标准、课程开发"),
    ("新加坡职业资格评价中心（演示）", "SG", "evaluation_body", "Singapore Skills Assessment Centre", "国际认证"),
    ("斯里兰卡职业技术教育学院（演示）", "LK", "college", "Sri Lanka Vocational Training Institute", "学生交流"),
    ("泰国东部技术学院（演示）", "TH", "college", "Eastern Technological College", "汽车维修"),
    ("泰国工业人力资源服务公司（演示）", "TH", "hr_service", "Thai Industrial HR Services", "人力资源交流"),
    ("马来西亚先进技术培训中心（演示）", "MY", "college", "Advanced Technology Training Centre", "电气自动化"),
    ("德国工商会上海代表处培训部（演示）", "DE", "association", "AHK Training Services", "双元制职业资格"),
    ("国际焊接学会授权培训机构（演示）", "DE", "evaluation_body", "IIW Authorised Nominated Body", "国际焊接认证"),
)
EXISTING_KINDS = {"DE": "college", "CH": "college", "SG": "college", "JP": "association"}

# qualification, awarding body, country, category, domestic title, domestic level
RECOGNITIONS = (
    ("国际焊接技师（IWS）", "国际焊接学会（IIW）", "DE", "skill", "", SkillLevel.TECHNICIAN),
    ("国际焊接工程师（IWE）", "国际焊接学会（IIW）", "DE", "professional", "工程师", None),
    ("机械产品国际检验检测师", "国际焊接学会（IIW）授权机构", "DE", "professional", "工程师", None),
    ("机电一体化技术员（国际认证）", "德国工商会（AHK）", "DE", "skill", "", SkillLevel.SENIOR),
    ("德国工商会机电一体化技师", "德国工商会（IHK）", "DE", "skill", "", SkillLevel.TECHNICIAN),
    ("德国手工业协会师傅资格（Meister）", "德国手工业协会（HWK）", "DE", "skill", "", SkillLevel.SENIOR_TECHNICIAN),
    ("英国皇家特许测量师（MRICS）", "英国皇家特许测量师学会", "GB", "professional", "高级工程师", None),
    ("英国特许工程师（CEng）", "英国工程委员会", "GB", "professional", "高级工程师", None),
    ("英国特许管理会计师（CIMA）", "英国特许管理会计师公会", "GB", "professional", "高级会计师", None),
    ("美国注册会计师（CPA）", "美国各州会计委员会", "US", "professional", "会计师", None),
    ("美国项目管理专业人士（PMP）", "美国项目管理协会（PMI）", "US", "professional", "工程师", None),
    ("美国注册质量工程师（CQE）", "美国质量协会（ASQ）", "US", "professional", "工程师", None),
    ("澳大利亚注册会计师（CPA Australia）", "澳大利亚会计师公会", "AU", "professional", "会计师", None),
    ("新加坡工教局技术文凭（机电）", "新加坡工艺教育学院（ITE）", "SG", "skill", "", SkillLevel.SENIOR),
    ("新加坡劳动力技能资格（WSQ）高级证书", "新加坡技能创前程局", "SG", "skill", "", SkillLevel.INTERMEDIATE),
    ("日本技能士一级（机械加工）", "日本中央职业能力开发协会", "JP", "skill", "", SkillLevel.TECHNICIAN),
    ("日本技能士二级（机械加工）", "日本中央职业能力开发协会", "JP", "skill", "", SkillLevel.SENIOR),
    ("俄罗斯国家职业资格（焊工 5 级）", "俄罗斯国家资格发展署", "RU", "skill", "", SkillLevel.SENIOR),
    ("瑞士联邦职业能力证书（精密机械）", "瑞士国家教育研究创新秘书处", "CH", "skill", "", SkillLevel.SENIOR),
    ("香港注册专业工程师", "香港工程师学会", "HK", "professional", "高级工程师", None),
    ("澳门执业工程师", "澳门土木工程实验室", "MO", "professional", "工程师", None),
    ("国际注册内部审计师（CIA）", "国际内部审计师协会（IIA）", "US", "professional", "审计师", None),
    ("特许金融分析师（CFA）", "CFA 协会", "US", "professional", "经济师", None),
    ("国际物流师（ILT）", "国际物流与运输协会", "GB", "professional", "", None),
)


def build(context: Any) -> None:
    rng = context.rng
    today = context.today
    bureau = context.bureaus[context.city.code]
    orgs = context.organizations
    founded = ALLIANCE_FOUNDED if today >= ALLIANCE_FOUNDED else today - dt.timedelta(days=200)

    # --- partners -------------------------------------------------------------------------------
    profiles = []
    for organization in orgs.get(Organization.Kind.FOREIGN_PARTNER, []):
        profiles.append(services.partner_register(
            actor=None, organization=organization, partner_kind=EXISTING_KINDS.get(organization.country, "college"),
            managed_by=bureau, fields_of_cooperation="联合培养、国际认证、师资培训",
            since=founded - dt.timedelta(days=365),
        ))
    for name, country, kind, original, fields in EXTRA_PARTNERS:
        profiles.append(services.partner_create(
            actor=None, name=name, country=country, partner_kind=kind, name_original=original,
            fields_of_cooperation=fields, managed_by=bureau, since=founded,
        ))
    by_country: dict[str, list[Any]] = {}
    for profile in profiles:
        by_country.setdefault(profile.organization.country, []).append(profile.organization)

    # --- the alliance: 20 institutions from 7 countries -------------------------------------------
    alliances = orgs.get(Organization.Kind.ALLIANCE, [])
    alliance = None
    local = (orgs.get(Organization.Kind.TECHNICAL_COLLEGE, []) + orgs.get(Organization.Kind.VOCATIONAL_SCHOOL, [])
             + orgs.get(Organization.Kind.ENTERPRISE, [])[:4])[:8]
    if alliances:
        alliance = services.alliance_register(
            actor=None, organization=alliances[0], founded_on=founded, guided_by=bureau,
            secretariat=local[0] if local else None,
            description="中外技工院校、企业和人力资源服务机构组成的技术技能人才国际发展联盟，开展师生交流、课程共建和国际认证合作。",
        )
        foreign = (by_country.get("RU", [])[:3] + by_country.get("JP", [])[:2] + by_country.get("SG", [])[:3]
                   + by_country.get("LK", [])[:1] + by_country.get("TH", [])[:2] + by_country.get("MY", [])[:1])
        for index, organization in enumerate([*local, *foreign][:20]):
            services.alliance_member_add(actor=None, alliance=alliance, organization=organization, joined_on=founded,
                                         role="founding" if index < 12 else "member")

    # --- agreements --------------------------------------------------------------------------------
    def signed(title: str, kind: str, parties: list[Organization], on: dt.date, months: int, *,
               approve_all: bool = True) -> Any:
        agreement = services.agreement_create(
            actor=None, title=title, kind=kind, managed_by=bureau, signed_date=on, term_months=months,
            parties=[services.PartySpec(p, "甲方" if i == 0 else "乙方") for i, p in enumerate(parties)],
            summary="在专业建设、就业实习、技能人才培养、师生交流等方面开展合作。",
            alliance=alliance if kind == "framework" else None,
        )
        text = f"{title}\n签订日期：{on:%Y-%m-%d}\n期限：{months} 个月\n签约方：" + "、".join(p.name for p in parties)
        agreement = services.agreement_attach_document(actor=None, agreement=agreement, content=text.encode("utf-8"),
                                                       filename=f"{title}.txt")
        for party in agreement.parties.order_by("id"):
            if approve_all or party.organization.kind != Organization.Kind.FOREIGN_PARTNER:
                services.agreement_approve(actor=None, agreement=agreement, party=party,
                                           content_hash=agreement.content_hash,
                                           evidence="签字页扫描件" if party.organization.kind == "foreign_partner" else "")
        return agreement

    foreign_members = [p for p in profiles if p.organization.country in {"RU", "JP", "SG", "LK", "TH", "MY"}]
    for index in range(min(6, len(foreign_members), len(local))):
        signed(f"国际框架合作协议（{local[index].name}—{foreign_members[index].organization.name}）", "framework",
               [local[index], foreign_members[index].organization], founded, 60)
    de = by_country.get("DE", [])
    college = orgs.get(Organization.Kind.TECHNICAL_COLLEGE, [None])[0]
    bbw = None
    if de and college is not None:
        bbw = signed("中德联合培养协议（德国培训中心浙江绍兴中心）", "joint_training", [college, de[0]],
                     founded - dt.timedelta(days=400), 48)
        signed("焊接国际认证合作协议", "joint_training", [bureau, de[-1]], today - dt.timedelta(days=60), 36,
               approve_all=False)
        signed("机电一体化师资培训协议（首期）", "school_enterprise", [college, de[0]], dt.date(2019, 3, 1), 24)
    sg = by_country.get("SG", [])
    if sg and college is not None:
        signed("校际合作协议（新加坡）", "inter_school", [college, sg[0]], founded + dt.timedelta(days=30), 36)

    # --- joint projects ----------------------------------------------------------------------------
    programs = {p.kind: p for p in TrainingProgram.objects.filter(organizer=bureau).order_by("-start_date")}  # earliest wins
    certification = list(TrainingProgram.objects.filter(kind=TrainingProgram.Kind.INTERNATIONAL_CERTIFICATION)
                         .order_by("start_date"))
    project_specs = [
        ("德国自动化技术高技能人才联合培养", de[:1], programs.get(TrainingProgram.Kind.OVERSEAS_STUDY), bbw),
        ("国际焊接技师联合培养", de[-1:], certification[0] if certification else None, None),
        ("机电一体化国际认证联合培养", de[:1], certification[-1] if certification else None, None),
        ("新加坡先进制造技能标准共建", sg[:1], None, None),
        ("中俄职业技能竞赛交流项目", by_country.get("RU", [])[:2], None, None),
    ]
    projects = []
    for index, (name, partners, program, agreement) in enumerate(project_specs):
        if not partners:
            continue
        participants = [e.person for e in Enrollment.objects.filter(program=program).select_related("person")[:40]] \
            if program else []
        projects.append(services.joint_project_create(
            actor=None, name=name, managed_by=bureau, partners=partners, agreement=agreement,
            programs=[program] if program else [], participants=participants,
            start_date=founded - dt.timedelta(days=300 - 60 * index), occupation_name=name[:20],
            status="completed" if index == 0 else "active",
        ))

    # --- international mentors and events ----------------------------------------------------------
    mentor_names = [("Hans Müller", "DE"), ("Klaus Weber", "DE"), ("Stefan Fischer", "DE"), ("Anna Schmidt", "DE"),
                    ("Lukas Meier", "CH"), ("Tan Wei Ming", "SG"), ("Lim Siew Hoon", "SG"), ("佐藤健一", "JP"),
                    ("鈴木大輔", "JP"), ("Ivan Petrov", "RU"), ("Olga Smirnova", "RU"), ("Somchai Chai", "TH")]
    expertise = ["工业自动化", "焊接技术", "机电一体化", "精密加工", "数控技术", "职业教育课程开发"]
    for index, (name, country) in enumerate(mentor_names):
        organization = (by_country.get(country) or [None])[0]
        mentor = services.mentor_create(
            actor=None, name=name, country=country, organization=organization, expertise=expertise[index % 6],
            title="高级培训师" if index % 2 else "技术专家", managed_by=bureau,
            introduced_on=founded - dt.timedelta(days=30 * (index % 8)),
        )
        if projects:
            project = projects[index % len(projects)]
            services.engagement_add(actor=None, mentor=mentor, joint_project=project,
                                    description=f"{project.name}：授课与实训指导", start_date=project.start_date,
                                    hours=str(rng.choice([16, 24, 32, 40])))
        if index == len(mentor_names) - 1:
            services.mentor_set_active(actor=None, mentor=mentor, is_active=False)
    event_kinds = ["training", "competition", "exchange", "conference"]
    for index in range(16):
        held = founded - dt.timedelta(days=40 * index)
        country = ["CN", "DE", "SG", "RU"][index % 4]
        services.event_create(
            actor=None, name=["国际工匠研修交流会", "一带一路国际技能交流赛", "中外院校师生交流周", "国际技能人才发展论坛"][
                index % 4] + f"（第 {16 - index} 期）", kind=event_kinds[index % 4], held_on=held,
            managed_by=bureau, country=country, location="绍兴" if country == "CN" else "", participant_count=rng.randint(30, 150),
            partners=by_country.get(country, [])[:2] if country != "CN" else [],
        )
    services.event_create(actor=None, name="国际工匠培育专项行动年度交流会", kind="conference",
                          held_on=today + dt.timedelta(days=60), managed_by=bureau, location="绍兴")

    # --- recognition list --------------------------------------------------------------------------
    recognitions = {}
    for index, (qualification, body, country, category, title, level) in enumerate(RECOGNITIONS):
        decided = founded - dt.timedelta(days=200) if index < 14 else founded + dt.timedelta(days=100)
        decision = "mapped" if (title or level is not None) else "recognised"
        recognitions[qualification] = services.recognition_create(
            actor=None, qualification=qualification, awarding_body=body, country=country, decided_by=bureau,
            category=category, decision=decision, decision_date=min(decided, today), domestic_title=title,
            domestic_level=level, batch="第一批" if index < 14 else "第二批",
            document_number=f"绍人社发〔{min(decided, today).year}〕{30 + index // 14}号",
        )
    services.recognition_create(actor=None, qualification="某境外在线课程结业证明", awarding_body="境外培训平台",
                                country="US", decided_by=bureau, decision="not_recognised",
                                decision_date=today - dt.timedelta(days=90))
    linked = 0
    for certificate in Certificate.objects.filter(kind=Certificate.Kind.INTERNATIONAL, source="training").order_by("pk"):
        recognition = recognitions.get(certificate.occupation_name)
        services.foreign_certificate_link(actor=None, certificate=certificate, recognition=recognition,
                                          country=recognition.country if recognition else "DE")
        linked += 1
    holders = [p for p in context.people if (p.current_level or 0) >= SkillLevel.TECHNICIAN]
    rng.shuffle(holders)
    ihk = recognitions["德国工商会机电一体化技师"]
    for index, person in enumerate(holders[:10]):
        services.foreign_certificate_record(actor=None, holder=person, number=f"IHK-MT-{2019 + index % 5}-{index + 1:04d}",
                                            issue_date=dt.date(2019 + index % 5, 6, 30), recognition=ihk)
    context.log(f"  国际合作：境外机构 {len(profiles)} 家，认可清单 {len(recognitions) + 1} 项，关联证书 {linked + 10} 张")
