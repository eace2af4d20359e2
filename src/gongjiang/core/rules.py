"""Pure rules of the shared kernel: ID numbers, credit codes, masking, text normalisation.

No database access here, so everything can be tested with plain values and hypothesis.
Check digits come from python-stdnum (GB 11643 and GB 32100); this module adds the things a
registry needs around them: normalisation of what people type, derived sex and birth date,
other ID types, and masks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum import numdb
from stdnum.cn import uscc

RESIDENT_ID = "resident_id"
PASSPORT = "passport"
HK_MACAO_PERMIT = "hk_macao_permit"
TAIWAN_PERMIT = "taiwan_permit"
FOREIGN_PERMANENT_ID = "foreign_permanent_id"

SEX_MALE = "male"
SEX_FEMALE = "female"

ERR_ID_FORMAT = _("身份证号码应为 18 位：17 位数字加 1 位数字或 X（15 位旧号码请先升位）。")
ERR_ID_CHECKSUM = _("身份证号码校验位不正确，请核对最后一位。")
ERR_ID_DATE = _("身份证号码中的出生日期（第 7–14 位）不是有效日期。")
ERR_ID_FUTURE = _("身份证号码中的出生日期晚于今天。")
ERR_ID_REGION = _("身份证号码前 6 位不是有效的行政区划代码。")
ERR_ID_SCIENTIFIC = _("证件号码被 Excel 存成了科学计数法（如 3.30602E+17），后几位已丢失，无法恢复；请把该列设为文本后重新录入。")
ERR_PASSPORT = _("护照号码应为 5–20 位字母或数字。")
ERR_HK_MACAO = _("港澳居民来往内地通行证号码应为 H 或 M 加 8 位或 10 位数字。")
ERR_TAIWAN = _("台湾居民来往大陆通行证号码应为 8 位或 10 位数字。")
ERR_FOREIGN_PERMANENT = _("外国人永久居留身份证号码应为 15 位或 18 位字母数字。")
ERR_USCC_FORMAT = _("统一社会信用代码应为 18 位，由数字和大写字母组成（不含 I、O、S、V、Z）。")
ERR_USCC_CHECKSUM = _("统一社会信用代码校验位不正确，请核对最后一位。")


class RuleError(ValueError):
    """A value broke a rule; ``message`` is the Chinese text a user reads."""

    def __init__(self, message: object, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


_FULLWIDTH_OFFSET = 0xFEE0


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ｘ …) and the ideographic space to their half-width forms."""
    out = []
    for char in text:
        code = ord(char)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - _FULLWIDTH_OFFSET))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def normalize_text(value: str) -> str:
    """NFKC-free clean-up that keeps Chinese intact: half-width, trimmed, inner runs of spaces collapsed."""
    return re.sub(r"\s+", " ", to_halfwidth(value)).strip()


_NAME_DOTS = "·•‧∙・．.・"


def normalize_person_name(value: str) -> str:
    """Trim, collapse spaces, and unify the middle dot of names like 阿依古丽·买买提."""
    text = normalize_text(value)
    for dot in _NAME_DOTS:
        text = text.replace(dot, "·")
    return re.sub(r"\s*·\s*", "·", text)


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def normalize_id_number(value: str) -> str:
    text = to_halfwidth(str(value)).strip().replace(" ", "").replace("-", "")
    return text.upper()


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    sex: str
    region_code: str


def parse_resident_id(value: str, *, today: dt.date | None = None) -> ResidentId:
    """Validate a GB 11643 resident ID number and derive birth date, sex and region code."""
    number = normalize_id_number(value)
    if _SCIENTIFIC.match(number):
        raise RuleError(ERR_ID_SCIENTIFIC, "id_scientific")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise RuleError(ERR_ID_FORMAT, "id_format")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise RuleError(ERR_ID_DATE, "id_date") from None
    if birth > (today or timezone.localdate()) or birth.year < 1900:
        raise RuleError(ERR_ID_FUTURE if birth.year >= 1900 else ERR_ID_DATE, "id_date")
    if resident_id_check_char(number[:17]) != number[17]:
        raise RuleError(ERR_ID_CHECKSUM, "id_checksum")
    if not is_known_region_code(number[:6]):
        raise RuleError(ERR_ID_REGION, "id_region")
    sex = SEX_MALE if int(number[16]) % 2 == 1 else SEX_FEMALE
    return ResidentId(number=number, birth_date=birth, sex=sex, region_code=number[:6])


def is_known_region_code(code: str) -> bool:
    """Whether a 6-digit code is (or was) a county-level division in GB/T 2260.

    python-stdnum's own ``ric.validate`` also requires the county to have existed in the birth
    year. That refuses real numbers: people born before 1983 received their numbers in 1984 or
    later, under codes created after their birth (e.g. 越城区 330602, created 1983). So any
    period of validity is accepted here.
    """
    results = numdb.get("cn/loc").info(code)
    return any("county" in props for _part, props in results)


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character for 17 digits."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return "10X98765432"[total % 11]


_OTHER_ID_PATTERNS = {
    PASSPORT: (re.compile(r"^[A-Z0-9]{5,20}$"), ERR_PASSPORT),
    HK_MACAO_PERMIT: (re.compile(r"^[HM]\d{8}(\d{2})?$"), ERR_HK_MACAO),
    TAIWAN_PERMIT: (re.compile(r"^\d{8}(\d{2})?$"), ERR_TAIWAN),
    FOREIGN_PERMANENT_ID: (re.compile(r"^[A-Z0-9]{15}$|^9\d{17}$"), ERR_FOREIGN_PERMANENT),
}


def validate_id(id_type: str, value: str) -> str:
    """Normalise and validate an ID of any supported type; return the canonical form."""
    if id_type == RESIDENT_ID:
        return parse_resident_id(value).number
    number = normalize_id_number(value)
    if _SCIENTIFIC.match(number):
        raise RuleError(ERR_ID_SCIENTIFIC, "id_scientific")
    pattern, message = _OTHER_ID_PATTERNS[id_type]
    if not pattern.match(number):
        raise RuleError(message, "id_format")
    return number


def validate_credit_code(value: str) -> str:
    """Validate a unified social credit code (GB 32100) and return it in canonical form."""
    code = to_halfwidth(str(value)).strip().upper().replace(" ", "")
    if not re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", code):
        raise RuleError(ERR_USCC_FORMAT, "credit_code_format")
    try:
        uscc.validate(code)
    except stdnum_exceptions.InvalidChecksum:
        raise RuleError(ERR_USCC_CHECKSUM, "credit_code_checksum") from None
    except stdnum_exceptions.ValidationError:
        raise RuleError(ERR_USCC_FORMAT, "credit_code_format") from None
    return code


def mask_id_number(number: str) -> str:
    """Mask for display: first 6 and last 4 of a resident ID (``330602********123X``).

    Shorter numbers keep at most a third of their characters, split between both ends, so a
    mask never reveals more than the birth-date-free parts.
    """
    if not number:
        return ""
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[-4:]
    keep = max(1, len(number) // 3)
    head = keep // 2
    tail = keep - head
    return number[:head] + "*" * (len(number) - keep) + (number[-tail:] if tail else "")


def mask_mobile(number: str) -> str:
    digits = to_halfwidth(number).strip()
    if len(digits) == 11:
        return digits[:3] + "****" + digits[-4:]
    return mask_id_number(digits)


def mask_name(name: str) -> str:
    """For public pages: keep the family name, mask the given name (张** / 阿依古丽·***)."""
    if not name:
        return ""
    if "·" in name:
        first, _rest = name.split("·", 1)
        return first + "·***"
    return name[0] + "*" * max(1, len(name) - 1)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def region_prefix(code: str) -> str:
    """The code prefix that every region under ``code`` shares (330600 → 3306, 330000 → 33)."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code
