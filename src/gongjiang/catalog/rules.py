"""Pure rules of the reference data: code formats, hierarchy from codes, level notations.

No database access here, so everything is testable with plain values (hypothesis).

* Regions (GB/T 2260, DOMAIN.md §5.4): six digits; the first two name a province-level division
  (11 北京 … 82 澳门), digits 3–4 a prefecture, digits 5–6 a county. The parent of a code is the
  nearest existing ancestor: ``330602`` → ``330600`` → ``330000`` (municipalities such as
  北京 have no prefecture row, so ``110101`` falls back to ``110000``).
* Occupations (职业分类大典, DOMAIN.md §5.1): ``^[1-8]-\\d{2}-\\d{2}-\\d{2}$``; the levels an
  occupation's standard sets are national grades 1 (一级/高级技师) … 5 (五级/初级工).
* Industries (GB/T 4754-2017): sections A–T, divisions of two digits, groups of three and
  classes of four; a division belongs to the section whose range holds it.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from gongjiang.core.rules import RuleError, normalize_text, to_halfwidth

# --- Regions ------------------------------------------------------------------------------------

PROVINCE_CODES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省",
    "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

REGION_LEVEL_PROVINCE = 1
REGION_LEVEL_PREFECTURE = 2
REGION_LEVEL_COUNTY = 3

ERR_REGION_CODE = _("行政区划代码应为 6 位数字（如 330602）。")
ERR_REGION_PROVINCE = _("行政区划代码前两位“{prefix}”不是省级代码（11 北京 … 82 澳门）。")
ERR_REGION_PARENT_NOT_ANCESTOR = _("上级代码 {parent} 不是 {code} 的上级：上级代码须是本代码的省级或地级部分。")

_REGION_CODE = re.compile(r"^\d{6}$")


def normalize_code(value: object) -> str:
    """A code as typed or read from Excel: half-width, no spaces; ``330602.0`` → ``330602``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = to_halfwidth(str(value if value is not None else "")).strip().replace(" ", "")
    if re.fullmatch(r"\d+\.0", text):
        text = text[:-2]
    return text


def validate_region_code(value: object) -> str:
    code = normalize_code(value)
    if not _REGION_CODE.match(code):
        raise RuleError(ERR_REGION_CODE, "region_code")
    if code[:2] not in PROVINCE_CODES:
        raise RuleError(ERR_REGION_PROVINCE.format(prefix=code[:2]), "region_province")
    return code


def region_level(code: str) -> int:
    """1 province, 2 prefecture, 3 county, read from the code itself."""
    if code.endswith("0000"):
        return REGION_LEVEL_PROVINCE
    if code.endswith("00"):
        return REGION_LEVEL_PREFECTURE
    return REGION_LEVEL_COUNTY


def region_parent_candidates(code: str) -> list[str]:
    """Possible parents of ``code``, nearest first (the caller picks the first that exists)."""
    level = region_level(code)
    if level == REGION_LEVEL_PROVINCE:
        return []
    province = code[:2] + "0000"
    if level == REGION_LEVEL_PREFECTURE:
        return [province]
    return [code[:4] + "00", province]


def is_region_ancestor(parent: str, code: str) -> bool:
    return parent != code and parent in region_parent_candidates(code)


# --- Occupations --------------------------------------------------------------------------------

OCCUPATION_CODE = re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}$")

ERR_OCCUPATION_CODE = _("职业编码应为“大类-中类-小类-细类”，如 6-18-01-01（大类 1–8，其余各 2 位数字）。")
ERR_LEVELS = _("等级写法不正确：“{token}”。可写 5,4,3（数字 1–5，1 = 一级/高级技师，5 = 五级/初级工）、"
               "五级/四级，或 四级-一级 这样的范围。")
ERR_BOOLEAN = _("“{value}”不是有效的是/否值，可填：是、否、true、false、1、0。")

_DASHES = "－–—‐‑﹣"


def normalize_occupation_code(value: object) -> str:
    text = normalize_code(value)
    for dash in _DASHES:
        text = text.replace(dash, "-")
    return text


def validate_occupation_code(value: object) -> str:
    code = normalize_occupation_code(value)
    if not OCCUPATION_CODE.match(code):
        raise RuleError(ERR_OCCUPATION_CODE, "occupation_code")
    return code


# Words for one national grade. Longer words first so 高级技师 is not read as 高级 + 技师.
_GRADE_WORDS: list[tuple[str, int]] = [
    ("一级/高级技师", 1), ("二级/技师", 2), ("三级/高级工", 3), ("四级/中级工", 4), ("五级/初级工", 5),
    ("高级技师", 1), ("高级工", 3), ("中级工", 4), ("初级工", 5), ("技师", 2),
    ("一级", 1), ("二级", 2), ("三级", 3), ("四级", 4), ("五级", 5),
    ("高级", 3), ("中级", 4), ("初级", 5),
    ("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5),
    ("一", 1), ("二", 2), ("三", 3), ("四", 4), ("五", 5),
]
_GRADE_BY_WORD = dict(_GRADE_WORDS)
_RANGE = re.compile(r"^(?P<start>.+?)\s*(?:-|~|至|到)\s*(?P<end>.+)$")
_SEPARATORS = re.compile(r"[,，、;；\s]+")


def _grade(token: str) -> int:
    word = token.strip()
    if word in _GRADE_BY_WORD:
        return _GRADE_BY_WORD[word]
    raise RuleError(ERR_LEVELS.format(token=token), "levels")


def parse_levels(value: object) -> list[int]:
    """National grades from a typed notation, highest number (五级) first, without repeats.

    Accepts ``5,4,3``, ``五级/四级``, ``五级、四级、三级``, ``初级工;中级工``, the combined wording
    ``四级/中级工`` and ranges such as ``4-1`` or ``四级–一级``. Empty means "not set".
    """
    text = to_halfwidth(str(value if value is not None else "")).strip()
    for dash in _DASHES:
        text = text.replace(dash, "-")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text:
        return []
    grades: set[int] = set()
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        if part in _GRADE_BY_WORD:
            grades.add(_GRADE_BY_WORD[part])
            continue
        match = _RANGE.match(part)
        if match:
            start, end = _grade(match["start"]), _grade(match["end"])
            grades.update(range(min(start, end), max(start, end) + 1))
            continue
        for piece in part.split("/"):
            if piece:
                grades.add(_grade(piece))
    return sorted(grades, reverse=True)


def format_levels(grades: list[int]) -> str:
    return ",".join(str(g) for g in sorted(set(grades), reverse=True))


def parse_work_types(value: object) -> list[str]:
    """Work types (工种) separated by 、 or ; (full- or half-width), trimmed, first spelling kept."""
    text = normalize_text(str(value if value is not None else ""))
    names: list[str] = []
    for part in re.split(r"[、;；]", text):
        name = part.strip()
        if name and name not in names:
            names.append(name)
    return names


_TRUE = {"是", "已核实", "核实", "true", "yes", "y", "1", "t", "√", "✓"}
_FALSE = {"否", "未核实", "false", "no", "n", "0", "f", "×", ""}


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = normalize_text(str(value if value is not None else "")).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RuleError(ERR_BOOLEAN.format(value=value), "boolean")


# --- Industries ---------------------------------------------------------------------------------

# GB/T 4754-2017: which divisions (大类) each section (门类) holds.
INDUSTRY_SECTIONS: list[tuple[str, int, int]] = [
    ("A", 1, 5), ("B", 6, 12), ("C", 13, 43), ("D", 44, 46), ("E", 47, 50), ("F", 51, 52),
    ("G", 53, 60), ("H", 61, 62), ("I", 63, 65), ("J", 66, 69), ("K", 70, 70), ("L", 71, 72),
    ("M", 73, 75), ("N", 76, 79), ("O", 80, 82), ("P", 83, 83), ("Q", 84, 85), ("R", 86, 90),
    ("S", 91, 96), ("T", 97, 97),
]

ERR_INDUSTRY_CODE = _("行业代码应为门类字母 A–T，或 2 位大类、3 位中类、4 位小类数字（如 C、17、171、1711）。")
ERR_INDUSTRY_DIVISION = _("大类代码 {code} 不属于任何门类（GB/T 4754-2017 大类为 01–97）。")

_INDUSTRY_CODE = re.compile(r"^(?:[A-T]|\d{2,4})$")


def validate_industry_code(value: object) -> str:
    code = normalize_code(value).upper()
    if re.fullmatch(r"\d", code):
        code = "0" + code  # Excel drops the leading zero of 01–09
    if not _INDUSTRY_CODE.match(code):
        raise RuleError(ERR_INDUSTRY_CODE, "industry_code")
    if len(code) >= 2 and industry_section_of(code[:2]) is None:
        raise RuleError(ERR_INDUSTRY_DIVISION.format(code=code[:2]), "industry_division")
    return code


def industry_section_of(division: str) -> str | None:
    number = int(division)
    for letter, first, last in INDUSTRY_SECTIONS:
        if first <= number <= last:
            return letter
    return None


def industry_parent(code: str) -> str | None:
    """The parent code of an industry code: section for a division, and so on down."""
    if len(code) == 1:
        return None
    if len(code) == 2:
        return industry_section_of(code)
    return code[:-1]
