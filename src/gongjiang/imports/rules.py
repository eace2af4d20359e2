"""Pure rules of the import pipeline: header matching and cell normalisation. No database.

Every normaliser takes whatever a reader produced for one cell (``str``, ``int``, ``float``,
``bool``, ``date``, ``datetime``, ``time``, ``timedelta`` or ``None``) and returns a clean value or
raises :class:`gongjiang.core.rules.RuleError` with a code and a Chinese message. Nothing else
escapes: the property tests feed them arbitrary values.

They are written for speed (``str.translate`` instead of per-character loops, caches for
region-code look-ups) because they run once per cell of files with a million rows; the tests
check that they agree with the slower reference rules in :mod:`gongjiang.core.rules`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongjiang.core import rules as core_rules
from gongjiang.core.rules import RuleError

# --- Error codes and messages -------------------------------------------------------------------
# Codes are stable identifiers (reports, tests); messages are what a user reads.
ERR_REQUIRED = _("此项为必填项，不能为空。")
ERR_TEXT_TOO_LONG = _("内容过长：最多 {limit} 个字符，实际 {length} 个。")
ERR_DATE_FORMAT = _(
    "日期格式无法识别。可填写：2023-10-12、2023/10/12、2023.10.12、2023年10月12日、20231012，"
    "或 Excel 日期单元格。"
)
ERR_DATE_INVALID = _("日期不存在（如 2 月 30 日），请核对年月日。")
ERR_DATE_RANGE = _("日期应在 1900 年至 2100 年之间。")
ERR_NUMBER_FORMAT = _("应填写整数，如 2021。")
ERR_CHOICE = _("取值“{value}”无法识别，可填写：{choices}。")
ERR_MOBILE_FORMAT = _("手机号码应为 11 位数字，以 1 开头（可带 +86）。")
ERR_REGION_FORMAT = _("行政区划应填写 6 位代码（如 330602）或地区名称（如 越城区）。")
ERR_ID_TRUNCATED = core_rules.ERR_ID_SCIENTIFIC

CODE_REQUIRED = "required"
CODE_TOO_LONG = "too_long"
CODE_DATE_FORMAT = "date_format"
CODE_DATE_INVALID = "date_invalid"
CODE_DATE_RANGE = "date_range"
CODE_NUMBER_FORMAT = "number_format"
CODE_CHOICE = "choice"
CODE_MOBILE = "mobile_format"
CODE_REGION_FORMAT = "region_format"
CODE_ID_SCIENTIFIC = "id_scientific"

# --- Text ---------------------------------------------------------------------------------------
# Text a spreadsheet would run as a formula (see formula_safe).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_FORMULA_START = frozenset(FORMULA_PREFIXES)
# Full-width ASCII and the ideographic space, from the kernel's own definition so both agree.
_HALFWIDTH: dict[int, Any] = {code: core_rules.to_halfwidth(chr(code)) for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = " "
# Invisible characters spreadsheets and copy-paste leave behind: zero-width space/joiners, BOM.
for _invisible in ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"):
    _HALFWIDTH[ord(_invisible)] = None
# Control characters (a CSV can carry them; PostgreSQL refuses NUL in text): removed. Tab and
# line breaks are whitespace, collapsed below.
for _control in (*range(0x00, 0x20), 0x7F):
    if chr(_control) not in "\t\n\r":
        _HALFWIDTH[_control] = None
_TRANSLATE = str.maketrans(_HALFWIDTH)


def clean_text(value: str) -> str:
    """Half-width, invisible and control characters removed, trimmed, inner whitespace runs
    collapsed."""
    if not value.isascii():
        value = value.translate(_TRANSLATE)
    elif value.isalnum():  # the common case (numbers, codes): nothing to collapse
        return value
    elif not value.isprintable():  # ASCII control characters
        value = value.translate(_TRANSLATE)
    return " ".join(value.split())


def cell_to_text(value: Any) -> str:
    """Any cell value as the text a person would read in it ("" for an empty cell).

    Whole floats lose their ".0" (Excel stores 13812345678 as 13812345678.0); dates print as
    ISO dates. Scientific notation is kept as Excel would show it, so the ID rules can see it.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).upper() if abs(value) >= 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(str(value))


def text(value: Any, *, max_length: int = 200) -> str:
    """Free text. A leading apostrophe that guards a formula character (how exports write
    "=…" safely, see :func:`formula_safe`) is removed, so an export imports back unchanged."""
    result = cell_to_text(value)
    if result[:1] == "'" and result[1:2] in _FORMULA_START:
        result = result[1:]
    if len(result) > max_length:
        raise RuleError(str(ERR_TEXT_TOO_LONG).format(limit=max_length, length=len(result)), CODE_TOO_LONG)
    return result


def text_normalizer(max_length: int) -> Callable[[Any], str]:
    def normalize(value: Any) -> str:
        return text(value, max_length=max_length)

    return normalize


_NAME_DOTS = str.maketrans(dict.fromkeys("•‧∙・．.・", "·"))
_DOT_SPACES = re.compile(r"\s*·\s*")


# A name already as stored: Chinese characters only (nothing to trim, translate or shorten).
_PLAIN_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{1,60}")


def person_name(value: Any) -> str:
    """A person's name as people.services stores it (core.rules.normalize_person_name):
    trimmed, spaces collapsed, every kind of middle dot written "·"."""
    if type(value) is str and _PLAIN_NAME.fullmatch(value):
        return value  # the common case; a property test checks it against the general path
    return _person_name(value)


def _person_name(value: Any) -> str:
    name = text(value, max_length=60)
    if name.isascii() and "." not in name:
        return name
    name = name.translate(_NAME_DOTS)
    return _DOT_SPACES.sub("·", name) if "·" in name else name


# --- Headers ------------------------------------------------------------------------------------
# Traditional forms of the characters that occur in column names (a header is a label, not
# prose, so a character map is enough; no OpenCC needed).
_TRADITIONAL = str.maketrans(
    {
        "號": "号", "證": "证", "碼": "码", "業": "业", "單": "单", "學": "学", "歷": "历", "職": "职", "稱": "称", "級": "级", "別": "别", "聯": "联",
        "電": "电", "話": "话", "機": "机", "時": "时", "間": "间", "發": "发", "書": "书", "編": "编", "類": "类", "註": "注", "備": "备", "區": "区",
        "屬": "属", "參": "参", "賽": "赛", "榮": "荣", "譽": "誉", "獎": "奖", "項": "项", "種": "种", "崗": "岗", "經": "经", "構": "构", "態": "态",
        "狀": "状", "開": "开", "結": "结", "專": "专", "會": "会", "統": "统", "門": "门", "戶": "户", "員": "员", "長": "长", "場": "场", "訓": "训",
        "練": "练", "導": "导", "師": "师", "齡": "龄", "簡": "简", "國": "国", "際": "际", "與": "与", "實": "实", "驗": "验", "評": "评", "價": "价",
        "認": "认", "頒": "颁", "關": "关", "點": "点", "現": "现", "資": "资", "當": "当", "歲": "岁", "無": "无", "產": "产", "縣": "县", "鄉": "乡",
        "鎮": "镇", "內": "内", "團": "团", "體": "体", "優": "优", "勝": "胜", "務": "务", "責": "责", "負": "负", "總": "总", "數": "数", "據": "据",
        "萬": "万", "處": "处", "絡": "络", "讀": "读", "請": "请", "選": "选", "術": "术", "藝": "艺", "報": "报", "們": "们", "義": "义", "碩": "硕",
        "記": "记", "錄": "录", "獲": "获", "興": "兴", "紹": "绍", "華": "华", "衛": "卫", "車": "车", "銲": "焊", "鉗": "钳", "維": "维", "護": "护",
        "裝": "装", "製": "制", "設": "设", "計": "计", "儀": "仪", "錶": "表", "氣": "气", "線": "线", "緣": "缘",
    }
)
_HEADER_NOTES = re.compile(r"[（(\[【<《][^）)\]】>》]*[）)\]】>》]")
_HEADER_DROP = re.compile(r"[\s*＊:：_\-—/／·.。、'\"“”‘’?？!！#＃]+")


def normalize_header(value: Any) -> str:
    """A header cell reduced to its comparable core.

    "身份證號碼（必填）*" → "身份证号码"; "Name " → "name". Notes in brackets, required-markers,
    punctuation and spaces are dropped, traditional characters mapped, ASCII lower-cased.
    """
    label = cell_to_text(value)
    if not label:
        return ""
    stripped = _HEADER_NOTES.sub("", label)
    label = stripped if stripped.strip() else label
    label = label.translate(_TRADITIONAL)
    return _HEADER_DROP.sub("", label).lower()


@dataclass(frozen=True)
class HeaderMatch:
    """Where the header row is and which file column feeds which entity column."""

    row_index: int  # 0-based index into the rows the reader produced
    columns: dict[int, str]  # file column index → entity column key
    unknown: list[tuple[int, str]]  # (file column index, header text) not recognised
    duplicates: list[tuple[int, str]]  # second and later columns mapped to the same key

    @property
    def keys(self) -> set[str]:
        return set(self.columns.values())


def build_alias_index(columns: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """normalised alias → column key, for (key, [label, alias, ...]) pairs."""
    index: dict[str, str] = {}
    for key, names in columns:
        for name in names:
            normalized = normalize_header(name)
            if normalized:
                index.setdefault(normalized, key)
    return index


def find_header(
    rows: list[list[Any]], alias_index: Mapping[str, str], *, required: Iterable[str] = (), scan: int = 10
) -> HeaderMatch | None:
    """Find the header among the first ``scan`` rows: the row that names the most known columns.

    Title rows, notes and merged group headings above it are skipped. A row qualifies only if
    it names at least two known columns (or every required one), so a title that happens to
    contain a column word does not win.
    """
    required = set(required)
    best: HeaderMatch | None = None
    best_score = 0
    for index, row in enumerate(rows[:scan]):
        mapping: dict[int, str] = {}
        unknown: list[tuple[int, str]] = []
        duplicates: list[tuple[int, str]] = []
        for col, cell in enumerate(row):
            normalized = normalize_header(cell)
            if not normalized:
                continue
            key = alias_index.get(normalized)
            if key is None:
                unknown.append((col, cell_to_text(cell)))
            elif key in mapping.values():
                duplicates.append((col, cell_to_text(cell)))
            else:
                mapping[col] = key
        score = len(mapping)
        qualifies = score >= 2 or (required and required <= set(mapping.values()))
        if qualifies and score > best_score:
            best, best_score = HeaderMatch(index, mapping, unknown, duplicates), score
    return best


# --- Dates --------------------------------------------------------------------------------------
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CHINESE_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                   "六": 6, "七": 7, "八": 8, "九": 9}
_DATE_CHINESE = re.compile(r"^([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$")


def _chinese_small_number(text_value: str) -> int:
    """十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23, 三 → 3."""
    if "十" not in text_value:
        return _CHINESE_DIGITS[text_value] if len(text_value) == 1 else -1
    tens, _sep, units = text_value.partition("十")
    tens_value = _CHINESE_DIGITS.get(tens, -1) if tens else 1
    units_value = _CHINESE_DIGITS.get(units, -1) if units else 0
    if tens_value < 0 or units_value < 0:
        return -1
    return tens_value * 10 + units_value


def _make_date(year: int, month: int, day: int) -> dt.date:
    if not 1900 <= year <= 2100:
        raise RuleError(ERR_DATE_RANGE, CODE_DATE_RANGE)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise RuleError(ERR_DATE_INVALID, CODE_DATE_INVALID) from None


def excel_serial_to_date(serial: float) -> dt.date:
    """An Excel (1900 date system) serial number as a date; the time of day is dropped.

    Excel counts 1900-02-29, a day that never was, as serial 60; serials before it are one
    day off from the plain epoch arithmetic, so they are shifted back.
    """
    if math.isnan(serial) or not 1 <= serial < 73051:  # 73051 = 2100-01-01
        raise RuleError(ERR_DATE_RANGE, CODE_DATE_RANGE)
    days = int(serial)
    if days == 60:
        raise RuleError(ERR_DATE_INVALID, CODE_DATE_INVALID)
    if days < 60:
        days += 1
    return _EXCEL_EPOCH + dt.timedelta(days=days)


def date_value(value: Any) -> dt.date | None:
    """A date from any of the forms people write them in; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        text_value = clean_text(value)
        if not text_value:
            return None
        if len(text_value) == 10 and text_value[4] == "-" and text_value[7] == "-" and text_value.isascii():
            try:  # the common ISO form, without the regex
                return _make_date(int(text_value[:4]), int(text_value[5:7]), int(text_value[8:]))
            except ValueError:
                pass
        return _text_date(text_value)
    if isinstance(value, dt.datetime):
        return _make_date(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return _make_date(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise RuleError(ERR_DATE_FORMAT, CODE_DATE_FORMAT)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            raise RuleError(ERR_DATE_FORMAT, CODE_DATE_FORMAT)
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            number = int(value)
            return _make_date(number // 10000, number // 100 % 100, number % 100)
        return excel_serial_to_date(float(value))
    raise RuleError(ERR_DATE_FORMAT, CODE_DATE_FORMAT)


def _text_date(text_value: str) -> dt.date:
    match = _DATE_YMD.match(text_value) or _DATE_COMPACT.match(text_value)
    if match:
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    match = _DATE_CHINESE.match(text_value.replace(" ", ""))
    if match:
        year = int("".join(str(_CHINESE_DIGITS[c]) for c in match[1]))
        month, day = _chinese_small_number(match[2]), _chinese_small_number(match[3])
        if month < 0 or day < 0:
            raise RuleError(ERR_DATE_FORMAT, CODE_DATE_FORMAT)
        return _make_date(year, month, day)
    raise RuleError(ERR_DATE_FORMAT, CODE_DATE_FORMAT)


def whole_number(value: Any, *, minimum: int = 0, message: Any = None) -> int | None:
    """A whole number of at least ``minimum``: 12, "12", "１２", 12.0, "12.0"; None for an empty
    cell. The message of the refusal can be the column's own (e.g. where to find the number)."""
    text_value = cell_to_text(value).replace(" ", "")
    if not text_value:
        return None
    try:
        number = Decimal(text_value)
    except InvalidOperation:
        raise RuleError(str(message or ERR_NUMBER_FORMAT), CODE_NUMBER_FORMAT) from None
    if not number.is_finite() or number != number.to_integral_value() or number < minimum:
        raise RuleError(str(message or ERR_NUMBER_FORMAT), CODE_NUMBER_FORMAT)
    return int(number)


def year_value(value: Any) -> int | None:
    """A year: 2021, "2021", "2021年", 2021.0, or a date (its year)."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    if isinstance(value, bool):
        raise RuleError(ERR_NUMBER_FORMAT, CODE_NUMBER_FORMAT)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value) or not value.is_integer():
            raise RuleError(ERR_NUMBER_FORMAT, CODE_NUMBER_FORMAT)
        return int(value)
    if isinstance(value, int):
        return value
    text_value = cell_to_text(value).removesuffix("年度").removesuffix("年")
    if not text_value:
        return None
    if not re.fullmatch(r"\d{1,6}", text_value):
        raise RuleError(ERR_NUMBER_FORMAT, CODE_NUMBER_FORMAT)
    return int(text_value)


# --- Identity numbers ---------------------------------------------------------------------------
_ID_STRIP = str.maketrans({" ": None, "-": None, "'": None, '"': None, "‘": None, "’": None, "“": None, "”": None})
_RESIDENT_SHAPE = re.compile(r"\d{17}[\dX]")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")


def id_number_text(value: Any) -> str:
    """The typed ID number as text, refusing one Excel has already turned into a number.

    Excel keeps 15 significant digits: an 18-digit number stored as a number has lost its
    last digits (3.30602E+17, or 330602199005170000 once reformatted). That is reported, never
    guessed. Shorter numbers (passports, permits) survive as numbers and are accepted.
    """
    if type(value) is str and len(value) == 18 and value.isascii() and _RESIDENT_SHAPE.fullmatch(value):
        return value  # the common case, already clean: 17 ASCII digits and a digit or X
    if value is None:
        return ""
    if isinstance(value, bool):
        raise RuleError(core_rules.ERR_ID_FORMAT, "id_format")
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if abs(value) >= 1e15 or not value.is_integer():
            raise RuleError(ERR_ID_TRUNCATED, CODE_ID_SCIENTIFIC)
        return str(int(value))
    if isinstance(value, int):
        if abs(value) >= 10**15:
            raise RuleError(ERR_ID_TRUNCATED, CODE_ID_SCIENTIFIC)
        return str(value)
    text_value = clean_text(str(value)).translate(_ID_STRIP).upper()
    if _SCIENTIFIC.match(text_value):
        raise RuleError(ERR_ID_TRUNCATED, CODE_ID_SCIENTIFIC)
    return text_value


@lru_cache(maxsize=16384)
def _known_region(code: str) -> bool:
    checker = getattr(core_rules, "is_known_region_code", None)
    if checker is not None:
        return bool(checker(code))
    # Older kernels: ask the full rule with a synthetic, otherwise valid number.
    first17 = f"{code}19900101001"
    try:
        core_rules.parse_resident_id(first17 + core_rules.resident_id_check_char(first17))
    except RuleError as exc:
        return exc.code != "id_region"
    return True


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    sex: str


def resident_id(value: Any, *, today: dt.date) -> ResidentId:
    """GB 11643 check of a resident ID number, agreeing with core.rules.parse_resident_id.

    The same checks in the same order (shape, date, future, check digit, region), with the
    region look-up cached, because the kernel's version costs ~60 µs a number.
    """
    if isinstance(value, str) and len(value) == 18 and _RESIDENT_SHAPE.fullmatch(value):
        number = value  # already clean (the column normaliser ran id_number_text)
    else:
        number = id_number_text(value)
        if not number:
            raise RuleError(ERR_REQUIRED, CODE_REQUIRED)
        if not _RESIDENT_SHAPE.fullmatch(number):
            raise RuleError(core_rules.ERR_ID_FORMAT, "id_format")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise RuleError(core_rules.ERR_ID_DATE, "id_date") from None
    if birth > today or birth.year < 1900:
        raise RuleError(core_rules.ERR_ID_FUTURE if birth.year >= 1900 else core_rules.ERR_ID_DATE, "id_date")
    # ISO 7064 MOD 11-2 in one C call: the weights 2^(17-i) mod 11 are what reading the 17
    # digits as a base-13 number gives modulo 11 (13 ≡ 2), the trick python-stdnum uses.
    remainder = (1 - 2 * int(number[:17], 13)) % 11
    if ("X" if remainder == 10 else str(remainder)) != number[17]:
        if number.endswith("000"):
            # The tell-tale of a number Excel rounded to 15 significant digits and re-typed.
            raise RuleError(ERR_ID_TRUNCATED, CODE_ID_SCIENTIFIC)
        raise RuleError(core_rules.ERR_ID_CHECKSUM, "id_checksum")
    if not _known_region(number[:6]):
        raise RuleError(core_rules.ERR_ID_REGION, "id_region")
    sex = core_rules.SEX_MALE if (ord(number[16]) - 48) % 2 == 1 else core_rules.SEX_FEMALE
    return ResidentId(number=number, birth_date=birth, sex=sex)


def other_id(id_type: str, value: Any) -> str:
    """A passport or permit number, checked by the kernel's rule for its type."""
    number = id_number_text(value)
    if not number:
        raise RuleError(ERR_REQUIRED, CODE_REQUIRED)
    return core_rules.validate_id(id_type, number)


def credit_code(value: Any) -> str:
    text_value = id_number_text(value)
    if not text_value:
        return ""
    return core_rules.validate_credit_code(text_value)


# --- Other values -------------------------------------------------------------------------------
def mask_mobile(number: str) -> str:
    """core.rules.mask_mobile for a number :func:`mobile` has already cleaned (11 digits)."""
    return number[:3] + "****" + number[-4:]


def mobile(value: Any) -> str:
    """An 11-digit mainland mobile number; "" for an empty cell."""
    if type(value) is str and len(value) == 11 and value.isascii() and value.isdigit() and value[0] == "1":
        return value  # already clean: the common case
    text_value = cell_to_text(value).replace(" ", "").replace("-", "")
    if text_value.startswith("+86"):
        text_value = text_value[3:]
    elif text_value.startswith("86") and len(text_value) == 13:
        text_value = text_value[2:]
    if not text_value:
        return ""
    if len(text_value) != 11 or not text_value.isdigit() or not text_value.isascii() or text_value[0] != "1":
        raise RuleError(ERR_MOBILE_FORMAT, CODE_MOBILE)
    return text_value


def choice_normalizer(
    choices: Mapping[str, str], *, shown: Iterable[str] | None = None
) -> Callable[[Any], str]:
    """A normaliser mapping the labels (and synonyms) in ``choices`` to stored values.

    Keys are compared after :func:`normalize_header`-style clean-up, so "男性", "男 " and
    "（男）" all work; ``shown`` is the list the error message offers.
    """
    index = {normalize_header(label): stored for label, stored in choices.items()}
    exact = {**dict(choices.items()), **index}
    offered = "、".join(shown if shown is not None else dict.fromkeys(choices))

    def normalize(value: Any) -> str:
        label = cell_to_text(value)
        if not label:
            return ""
        stored = exact.get(label)
        if stored is not None:
            return stored
        stored = index.get(normalize_header(label))
        if stored is None:
            raise RuleError(str(ERR_CHOICE).format(value=label[:30], choices=offered), CODE_CHOICE)
        return stored

    return normalize


def region_reference(value: Any) -> str:
    """A region given as a 6-digit code or a name; returned as "code:330602" or "name:越城区"."""
    text_value = cell_to_text(value).replace(" ", "")
    if not text_value:
        return ""
    if text_value.isdigit():
        if len(text_value) != 6:
            raise RuleError(ERR_REGION_FORMAT, CODE_REGION_FORMAT)
        return f"code:{text_value}"
    if len(text_value) > 50:
        raise RuleError(ERR_REGION_FORMAT, CODE_REGION_FORMAT)
    return f"name:{text_value}"


# --- Spreadsheet safety for exports ---------------------------------------------------------------


def formula_safe(value: Any) -> Any:
    """Neutralise a text cell that a spreadsheet would run as a formula (CSV/formula injection).

    Such text gets a leading apostrophe, the convention OWASP recommends; numbers and dates
    are left as they are, so a negative number stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
