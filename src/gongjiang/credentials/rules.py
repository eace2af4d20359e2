"""Certificate number formats (DOMAIN.md §4). Pure: no database access.

* national (2020+): ``^[YS]\\d{4}\\d{2}\\d{6}\\d{2}[1-5]\\d{6}$`` — category, institution code,
  province, site sequence, year, level digit, serial;
* legacy 16-digit 职业资格证书: year, province/industry, city, institution kind, institution
  sequence, level digit, serial;
* anything else is accepted as "other" for historical records, never generated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongjiang.core.rules import to_halfwidth

NATIONAL_PATTERN = re.compile(r"^(?P<category>[YS])(?P<institution>\d{4})(?P<province>\d{2})(?P<site>\d{6})"
                              r"(?P<year>\d{2})(?P<grade>[1-5])(?P<serial>\d{6})$")
LEGACY_PATTERN = re.compile(r"^(?P<year>\d{2})(?P<province>\d{2})(?P<city>\d{2})(?P<institution_kind>[0-4])"
                            r"(?P<institution>\d{3})(?P<grade>[1-5])(?P<serial>\d{5})$")
OTHER_PATTERN = re.compile(r"^[A-Z0-9\-]{4,40}$")

NATIONAL = "national"
LEGACY = "legacy"
OTHER = "other"


@dataclass(frozen=True)
class ParsedNumber:
    scheme: str
    number: str
    national_grade: int | None = None
    year_2digit: str | None = None
    parts: dict[str, str] | None = None


def normalize_certificate_number(value: str) -> str:
    return to_halfwidth(str(value)).strip().replace(" ", "").upper()


def parse_certificate_number(value: str) -> ParsedNumber:
    """Classify a certificate number; raise ValueError if it is not a plausible number at all."""
    number = normalize_certificate_number(value)
    match = NATIONAL_PATTERN.match(number)
    if match:
        return ParsedNumber(NATIONAL, number, int(match["grade"]), match["year"], match.groupdict())
    match = LEGACY_PATTERN.match(number)
    if match:
        return ParsedNumber(LEGACY, number, int(match["grade"]), match["year"], match.groupdict())
    if OTHER_PATTERN.match(number):
        return ParsedNumber(OTHER, number)
    raise ValueError(number)


def format_national_number(
    *, category: str, institution_code: str, province_code: str, site_code: str, year: int, national_grade: int, serial: int
) -> str:
    """Compose a national-format number; every part is checked against its width."""
    if category not in ("Y", "S"):
        raise ValueError("category must be Y or S")
    if not re.fullmatch(r"\d{4}", institution_code):
        raise ValueError("institution code must be 4 digits")
    if not re.fullmatch(r"\d{2}", province_code):
        raise ValueError("province code must be 2 digits")
    if not re.fullmatch(r"\d{6}", site_code):
        raise ValueError("site sequence code must be 6 digits")
    if not 1 <= national_grade <= 5:
        raise ValueError("level digit must be 1–5")
    if not 1 <= serial <= 999_999:
        raise ValueError("serial must be 1–999999")
    number = f"{category}{institution_code}{province_code}{site_code}{year % 100:02d}{national_grade}{serial:06d}"
    assert NATIONAL_PATTERN.match(number)
    return number
