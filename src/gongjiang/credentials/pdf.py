"""Printable A4 certificates (PDF), rendered offline with a font that ships with the install.

The font is WenQuanYi Micro Hei subset to GBK (``credentials/data/fonts``, Apache-2.0), embedded
and subset again per document by fpdf2, so the PDF shows the same on every machine and the
server needs no system font. For a 职业技能等级证书 the page carries every field the 人社部
style notice asks for (DOMAIN.md §4.4): 证书名称, 证书正文, 姓名, 证件类型, 证件号码, 职业名称,
工种/职业方向 ("--" when none), 职业技能等级 ("四级/中级工"), 证书编号, 评价机构名称, 发证日期,
the photo box (photo optional), the QR code of the verification link and both query URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF

from gongjiang.credentials.qr import qr_matrix

FONT_PATH = Path(__file__).resolve().parent / "data" / "fonts" / "WenQuanYiMicroHei-GBK.ttf"
FONT = "gongjiang-cjk"

NATIONAL_QUERY_URL = "http://jndj.osta.org.cn"
INSTITUTION_QUERY_URL = "http://pjjg.osta.org.cn"

# Labels of the keys callers put in Credential.fields (unknown keys print as they are).
FIELD_LABELS: dict[str, str] = {
    "occupation": "职业名称",
    "occupation_code": "职业编码",
    "work_type": "工种/职业方向",
    "level_name": "职业技能等级",
    "competition": "竞赛名称",
    "competition_level": "竞赛级别",
    "event": "赛项",
    "award": "获奖等次",
    "rank": "名次",
    "team": "代表队",
    "program": "培训项目",
    "hours": "培训学时",
    "period": "培训时间",
    "result": "考核结果",
    "post": "聘任岗位",
    "term": "聘期",
    "grounds": "认定依据",
}
# Keys used for layout or machine reading only, not printed as a row.
HIDDEN_KEYS = frozenset({"body", "level", "occupation_code", "batch", "body_name"})


@dataclass(frozen=True)
class Identity:
    """The holder's identity as printed on the certificate (only on the PDF, never public)."""

    id_type_label: str
    id_number: str


class _CertificatePDF(FPDF):
    pass


def _new_document(title: str) -> _CertificatePDF:
    pdf = _CertificatePDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font(FONT, "", str(FONT_PATH))
    pdf.set_title(title)
    pdf.set_creator("Gongjiang 工匠")
    pdf.set_lang("zh-CN")
    pdf.add_page()
    return pdf


def _centered(pdf: FPDF, y: float, text: str, size: float) -> None:
    pdf.set_font(FONT, size=size)
    width = pdf.get_string_width(text)
    pdf.text((210 - width) / 2, y, text)


def _draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(url)
    modules = len(matrix)
    cell = size / modules
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        col = 0
        while col < modules:
            if row[col]:
                start = col
                while col < modules and row[col]:
                    col += 1
                pdf.rect(x + start * cell, y + row_index * cell, (col - start) * cell, cell, style="F")
            else:
                col += 1


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Break Chinese text into lines that fit ``width`` (characters, not words)."""
    lines: list[str] = []
    current = ""
    for char in text:
        if pdf.get_string_width(current + char) > width:
            lines.append(current)
            current = char
        else:
            current += char
    if current:
        lines.append(current)
    return lines


def rows_for(credential: Any, identity: Identity | None) -> list[tuple[str, str]]:
    """The labelled rows the PDF prints, in order."""
    fields = dict(credential.fields)
    rows: list[tuple[str, str]] = [("姓名", credential.holder_name)]
    if identity is not None:
        rows += [("证件类型", identity.id_type_label), ("证件号码", identity.id_number)]
    if credential.kind == "skill_level":
        rows += [
            ("职业名称", str(fields.get("occupation", "")) or "--"),
            ("工种/职业方向", str(fields.get("work_type", "")) or "--"),
            ("职业技能等级", str(fields.get("level_name", "")) or "--"),
        ]
        used = {"occupation", "work_type", "level_name"}
    else:
        used = set()
    for key, value in fields.items():
        if key in used or key in HIDDEN_KEYS or value in ("", None):
            continue
        rows.append((FIELD_LABELS.get(str(key), str(key)), str(value)))
    rows.append(("证书编号", credential.number or credential.code))
    rows.append(("发证日期", f"{credential.issued_on.year}年{credential.issued_on.month}月{credential.issued_on.day}日"))
    if credential.valid_until:
        rows.append(("有效期至", f"{credential.valid_until:%Y-%m-%d}"))
    return rows


KIND_HEADINGS = {
    "skill_level": "职业技能等级证书",
    "competition_award": "荣誉证书",
    "training_completion": "结业证书",
    "post_appointment": "聘书",
    "other": "证书",
}


def default_body(credential: Any) -> str:
    fields = credential.fields
    if fields.get("body"):
        return str(fields["body"])
    name = credential.holder_name
    if credential.kind == "competition_award" and fields.get("award"):
        rank = f"（第 {fields['rank']} 名）" if fields.get("rank") else ""
        return f"{name}同志在{fields.get('competition', '')}{fields.get('event', '')}项目中荣获{fields['award']}{rank}，特发此证。"
    if credential.kind == "training_completion" and fields.get("program"):
        hours = f"，共 {fields['hours']} 学时" if fields.get("hours") else ""
        period = f"（{fields['period']}）" if fields.get("period") else ""
        result = f"，考核{fields['result']}" if fields.get("result") else ""
        return f"{name}同志参加{fields['program']}{period}{hours}{result}，准予结业，特发此证。"
    if credential.kind == "skill_level":
        level = fields.get("level_name") or ""
        occupation = fields.get("occupation") or ""
        return (
            f"经评价，{credential.holder_name}同志的职业技能水平达到{occupation}"
            f"{'（' + str(fields['work_type']) + '）' if fields.get('work_type') else ''}{level}要求，特发此证。"
        )
    return str(fields.get("body") or credential.title)


def render_credential_pdf(
    credential: Any, *, identity: Identity | None, verification_url: str, photo: bytes | None = None
) -> bytes:
    """Render the A4 PDF of ``credential`` (a credentials.Credential) and return its bytes."""
    title = KIND_HEADINGS.get(credential.kind, "证书")
    pdf = _new_document(credential.title)
    # Frame
    pdf.set_draw_color(150, 110, 40)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 190, 277)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, 184, 271)
    # Title, and the document's own name under it when it says more
    _centered(pdf, 42, title, 30)
    if credential.title != title:
        pdf.set_font(FONT, size=13)
        for index, line in enumerate(_wrap(pdf, credential.title, 160)[:2]):
            _centered(pdf, 52 + index * 6.5, line, 13)
    # Photo box (一寸 25×35 mm) with the photo when there is one
    photo_x, photo_y = 160, 62
    pdf.set_draw_color(120, 120, 120)
    pdf.rect(photo_x, photo_y, 25, 35)
    if photo:
        import io

        pdf.image(io.BytesIO(photo), x=photo_x, y=photo_y, w=25, h=35)
    else:
        pdf.set_font(FONT, size=9)
        pdf.text(photo_x + 4.5, photo_y + 19, "持证人照片")
    # Body text
    pdf.set_font(FONT, size=14)
    y = 70.0
    for line in _wrap(pdf, default_body(credential), 120):
        pdf.text(28, y, line)
        y += 8
    # Field rows (小四 = 12 pt)
    y = max(y + 6, 108.0)
    pdf.set_draw_color(210, 200, 180)
    pdf.set_line_width(0.2)
    for label, value in rows_for(credential, identity):
        pdf.set_font(FONT, size=12)
        pdf.text(28, y, label)
        value_lines = _wrap(pdf, value, 112) or [""]
        for index, line in enumerate(value_lines):
            pdf.text(68, y + index * 6, line)
        y += 6 * (len(value_lines) - 1)
        pdf.line(26, y + 2.5, 184, y + 2.5)
        y += 10
    # Issuer and date, bottom right
    pdf.set_font(FONT, size=12)
    issuer_lines = _wrap(pdf, f"评价机构：{credential.issuer_name}" if credential.kind == "skill_level"
                         else f"发证单位：{credential.issuer_name}", 100)
    y_issuer = 238.0
    for line in issuer_lines:
        pdf.text(184 - pdf.get_string_width(line), y_issuer, line)
        y_issuer += 6
    # QR code and query URLs, bottom left
    _draw_qr(pdf, verification_url, 24, 224, 30)
    pdf.set_font(FONT, size=8)
    pdf.text(24, 258, "扫码核验")
    lines = [f"本平台核验：{verification_url}", f"核验码：{credential.code}"]
    if credential.kind == "skill_level":
        lines += [f"证书信息查询网址：{NATIONAL_QUERY_URL}", f"机构信息查询网址：{INSTITUTION_QUERY_URL}"]
    y = 264.0
    for line in lines:
        pdf.text(24, y, line)
        y += 4.5
    return bytes(pdf.output())
