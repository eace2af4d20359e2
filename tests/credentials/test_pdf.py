"""The printable certificate: every field DOMAIN.md §4.4 lists, an embedded font, sensible text."""

from __future__ import annotations

import datetime as dt
import types

from gongjiang.credentials import pdf


def _credential(**extra):
    base = {
        "kind": "skill_level", "title": "职业技能等级证书", "holder_name": "王师傅", "code": "K7QH3M9XW2RT5DPZ8NVA",
        "number": "Y000133000001254000001", "issuer_name": "越城机械有限公司", "issued_on": dt.date(2025, 6, 30),
        "valid_until": None, "fields": {"occupation": "车工", "level_name": "四级/中级工", "level": 2},
    }
    return types.SimpleNamespace(**{**base, **extra})


def test_skill_level_rows_carry_every_mandatory_field():
    rows = dict(pdf.rows_for(_credential(), pdf.Identity("居民身份证", "330602199005170011")))
    assert rows["证件类型"] == "居民身份证" and rows["证件号码"] == "330602199005170011"
    assert rows["职业名称"] == "车工" and rows["工种/职业方向"] == "--" and rows["职业技能等级"] == "四级/中级工"
    assert rows["证书编号"] == "Y000133000001254000001" and rows["发证日期"] == "2025年6月30日"
    assert "职业编码" not in rows  # layout-only keys are not printed


def test_without_identity_no_id_rows():
    rows = dict(pdf.rows_for(_credential(), None))
    assert "证件号码" not in rows


def test_bodies_by_kind():
    award = _credential(kind="competition_award", title="某赛 金牌",
                        fields={"competition": "绍兴市职业技能大赛", "event": "数控车", "award": "金牌", "rank": "1"})
    assert pdf.default_body(award) == "王师傅同志在绍兴市职业技能大赛数控车项目中荣获金牌（第 1 名），特发此证。"
    training = _credential(kind="training_completion", title="结业", fields={"program": "数控车床操作", "hours": "40"})
    assert "参加数控车床操作，共 40 学时" in pdf.default_body(training)
    assert "达到车工四级/中级工要求" in pdf.default_body(_credential())


def test_render_embeds_the_font_and_the_query_urls():
    data = pdf.render_credential_pdf(_credential(), identity=pdf.Identity("居民身份证", "330602199005170011"),
                                     verification_url="http://x/verify/K7QH3M9XW2RT5DPZ8NVA/")
    assert data.startswith(b"%PDF-")
    assert b"/FontFile2" in data and b"WenQuanYiMicroHei" in data
    assert pdf.FONT_PATH.stat().st_size < 4_000_000
