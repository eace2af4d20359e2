"""Certificate number formats (DOMAIN.md §4). Pure: no database access.

* national (2020+): ``^[YS]\\d{4}\\d{2}\\d{6}\\d{2}[1-5]\\d{6}$`` — category, institution code,
  province, site sequence, year, level digit, serial;
* legacy 16-digit 职业资格证书: year, province/industry, city, institution kind, institution
  sequence, level digit, serial;
* anything else is accepted as "other" for historical records, never generated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

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


# --- Verification codes, names, and the signed credential (pure) ---------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # base32 without I, O, 0, 1 (no look-alikes)
CODE_LENGTH = 20  # 20 × 5 bits = 100 bits of randomness: not guessable, not enumerable
CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


def new_verification_code() -> str:
    """A random public verification code (the QR target), e.g. ``K7QH3M9XW2RT5DPZ8NVA``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_verification_code(value: str) -> str:
    """What people type or scan: case, spaces, dashes and full-width forms do not matter."""
    return to_halfwidth(str(value)).strip().replace(" ", "").replace("-", "").upper()


def is_verification_code(value: str) -> bool:
    return bool(CODE_PATTERN.match(normalize_verification_code(value)))


def name_matches(typed: str, recorded: str) -> bool:
    """Whether the name typed on the public page is the holder's name (spaces and dots normalised)."""
    from gongjiang.core.rules import normalize_person_name

    left = normalize_person_name(typed or "").replace(" ", "")
    right = normalize_person_name(recorded or "").replace(" ", "")
    return bool(left) and hmac.compare_digest(left.encode("utf-8"), right.encode("utf-8"))


def name_identity_hash(name: str, salt: str) -> str:
    """Open Badges 3.0 IdentityObject hash of the holder's name: ``sha256$<hex of name+salt>``."""
    from gongjiang.core.rules import normalize_person_name

    digest = hashlib.sha256((normalize_person_name(name).replace(" ", "") + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


ACHIEVEMENT_TYPES = {
    "skill_level": "Certification",
    "competition_award": "Award",
    "training_completion": "CertificateOfCompletion",
    "post_appointment": "ext:PostAppointment",
    "other": "Certificate",
}

VC_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _timestamp(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def build_credential_claims(
    *,
    code: str,
    base_url: str,
    kind: str,
    title: str,
    holder_name: str,
    holder_name_masked: str,
    number: str,
    fields: dict[str, Any],
    issuer_id: str,
    issuer_name: str,
    issued_on: dt.date,
    valid_until: dt.date | None,
    issued_at: dt.datetime,
    salt: str,
) -> dict[str, Any]:
    """The JWT claims of a VC-JWT carrying an Open Badges 3.0 ``AchievementCredential``.

    The holder is identified by a salted hash of their name (OB 3.0 ``IdentityObject``) and a
    masked display name; no ID number is ever put into a credential.
    """
    base = base_url.rstrip("/")
    credential_id = f"{base}/verify/{code}/"
    achievement_type = ACHIEVEMENT_TYPES.get(kind, "Certificate")
    description = str(fields.get("body") or title)
    valid_from = dt.datetime(issued_on.year, issued_on.month, issued_on.day, tzinfo=dt.UTC)
    vc: dict[str, Any] = {
        "@context": VC_CONTEXTS,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name},
        "validFrom": valid_from.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "awardedDate": issued_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": True,
                    "identityHash": name_identity_hash(holder_name, salt),
                    "salt": salt,
                }
            ],
            "name": holder_name_masked,
            "achievement": {
                "id": f"{base}/achievements/{kind}/{fields.get('occupation_code', '') or 'general'}/"
                f"{fields.get('level', '') or 'any'}",
                "type": ["Achievement"],
                "achievementType": achievement_type,
                "name": title,
                "description": description,
                "criteria": {"narrative": description},
                "humanCode": number or code,
            },
        },
        "credentialStatus": {"id": f"{base}/api/v1/verify/{code}/", "type": "GongjiangStatusCheck"},
        "gongjiang": {"kind": kind, "number": number, "code": code, "fields": fields},
    }
    claims: dict[str, Any] = {
        "iss": issuer_id,
        "jti": credential_id,
        "sub": f"urn:gongjiang:holder:{name_identity_hash(holder_name, salt)[7:39]}",
        # From the start of the issue date, but never after the signing itself: the date is the
        # platform's local date (Asia/Shanghai by default), which is a day ahead of UTC for
        # eight hours each day, and a token "not yet valid" when handed over fails every
        # standard JWT verifier.
        "nbf": min(_timestamp(issued_on), int(issued_at.timestamp())),
        "iat": int(issued_at.timestamp()),
        "vc": vc,
    }
    if valid_until is not None:
        end = valid_until + dt.timedelta(days=1)
        claims["exp"] = _timestamp(end)
        vc["validUntil"] = dt.datetime(end.year, end.month, end.day, tzinfo=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return claims
