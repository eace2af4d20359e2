"""Table specifications of international lists (pages and Excel exports share them)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.text import enumeration
from gongjiang.international.rules import country_name
from gongjiang.training.exports import Column


def _name(obj: object) -> str:
    return getattr(obj, "name", "") if obj is not None else ""


PARTNER_COLUMNS = [
    Column(_("机构名称"), lambda p: p.organization.name),
    Column(_("外文名称"), lambda p: p.name_original),
    Column(_("国家/地区"), lambda p: country_name(p.organization.country)),
    Column(_("机构类型"), lambda p: p.get_partner_kind_display()),
    Column(_("合作领域"), lambda p: p.fields_of_cooperation),
    Column(_("联系管理单位"), lambda p: p.managed_by.name),
    Column(_("建立合作"), lambda p: p.since or ""),
    Column(_("合作中"), lambda p: _("是") if p.is_active else _("否")),
]

AGREEMENT_COLUMNS = [
    Column(_("协议名称"), lambda a: a.title, lambda a: reverse("international:agreement_detail", args=[a.pk])),
    Column(_("类型"), lambda a: a.get_kind_display()),
    Column(_("签约方"), lambda a: enumeration(p.organization.name for p in a.parties.all())),
    Column(_("签订日期"), lambda a: a.signed_date or ""),
    Column(_("期限（月）"), lambda a: a.term_months or ""),
    Column(_("到期日期"), lambda a: a.end_date or ""),
    Column(_("版本"), lambda a: a.version),
    Column(_("状态"), lambda a: a.get_status_display()),
    Column(_("版本哈希"), lambda a: a.content_hash[:16]),
]

ALLIANCE_COLUMNS = [
    Column(_("联盟"), lambda a: a.organization.name, lambda a: reverse("international:alliance_detail", args=[a.pk])),
    Column(_("成立日期"), lambda a: a.founded_on),
    Column(_("指导单位"), lambda a: a.guided_by.name),
    Column(_("成员"), lambda a: getattr(a, "member_count", "")),
    Column(_("国家数"), lambda a: getattr(a, "country_count", "")),
    Column(_("协议"), lambda a: getattr(a, "agreement_count", "")),
]

MEMBER_COLUMNS = [
    Column(_("成员单位"), lambda m: m.organization.name),
    Column(_("国家/地区"), lambda m: country_name(m.organization.country)),
    Column(_("成员类型"), lambda m: m.get_role_display()),
    Column(_("加入日期"), lambda m: m.joined_on),
    Column(_("成员证书编号"), lambda m: m.certificate_number),
    Column(_("退出日期"), lambda m: m.left_on or ""),
]

PROJECT_COLUMNS = [
    Column(_("项目名称"), lambda p: p.name),
    Column(_("合作机构"), lambda p: enumeration(o.name for o in p.partners.all())),
    Column(_("管理单位"), lambda p: p.managed_by.name),
    Column(_("职业/专业方向"), lambda p: p.occupation_name),
    Column(_("开始日期"), lambda p: p.start_date),
    Column(_("结束日期"), lambda p: p.end_date or ""),
    Column(_("参与人数"), lambda p: getattr(p, "participant_count", "")),
    Column(_("状态"), lambda p: p.get_status_display()),
]

MENTOR_COLUMNS = [
    Column(_("姓名"), lambda m: m.name, lambda m: reverse("international:mentor_engage", args=[m.pk])),
    Column(_("国家"), lambda m: country_name(m.country)),
    Column(_("所在机构"), lambda m: _name(m.organization)),
    Column(_("专长领域"), lambda m: m.expertise),
    Column(_("职务/资格"), lambda m: m.title),
    Column(_("引进单位"), lambda m: m.managed_by.name),
    Column(_("引进日期"), lambda m: m.introduced_on),
    Column(_("聘用次数"), lambda m: getattr(m, "engagement_count", "")),
    Column(_("在聘"), lambda m: _("是") if m.is_active else _("否")),
]

EVENT_COLUMNS = [
    Column(_("活动名称"), lambda e: e.name),
    Column(_("类型"), lambda e: e.get_kind_display()),
    Column(_("举办日期"), lambda e: e.held_on),
    Column(_("国家/地区"), lambda e: country_name(e.country) if e.country != "CN" else _("中国")),
    Column(_("地点"), lambda e: e.location),
    Column(_("主办单位"), lambda e: e.managed_by.name),
    Column(_("参与人数"), lambda e: e.participant_count),
]

RECOGNITION_COLUMNS = [
    Column(_("资格名称"), lambda r: r.qualification, lambda r: reverse("international:recognition_decide", args=[r.pk])),
    Column(_("外文名称"), lambda r: r.qualification_original),
    Column(_("颁发机构"), lambda r: r.awarding_body),
    Column(_("国家/地区"), lambda r: country_name(r.country)),
    Column(_("类别"), lambda r: r.get_category_display()),
    Column(_("比照职业技能等级"), lambda r: r.get_domestic_level_display() if r.domestic_level is not None else ""),
    Column(_("比照职称"), lambda r: r.domestic_title),
    Column(_("认定结果"), lambda r: r.get_decision_display()),
    Column(_("决定日期"), lambda r: r.decision_date or ""),
    Column(_("批次"), lambda r: r.batch),
    Column(_("持证人数"), lambda r: getattr(r, "holder_count", "")),
]
