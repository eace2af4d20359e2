"""Reads of credentials: the public verification answer, and scoped lists for staff.

The public answer (:func:`verify_by_code`, :func:`verify_by_number`) has one shape for every
outcome: ``result`` is ``valid``, ``revoked`` or ``not_found``. A wrong name and an unknown
number give the very same ``not_found`` answer, so the service cannot be used to find out who
holds what. The holder's name is always masked; an ID number is never part of it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from gongjiang.core.rules import mask_name
from gongjiang.credentials import rules
from gongjiang.credentials.models import Credential
from gongjiang.credentials.signing import VerificationFailure, decode_jws, public_jwks
from gongjiang.orgs import scope as data_scope

RESULT_VALID = "valid"
RESULT_REVOKED = "revoked"
RESULT_EXPIRED = "expired"
RESULT_NOT_FOUND = "not_found"

NOT_FOUND: dict[str, Any] = {"result": RESULT_NOT_FOUND}


def public_base_url() -> str:
    return str(getattr(settings, "PUBLIC_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def verification_url(code: str) -> str:
    return f"{public_base_url()}/verify/{code}/"


@dataclass(frozen=True)
class PublicRecord:
    """The columns a public answer needs, read in one indexed query (the hot path)."""

    pk: int
    code: str
    kind: str
    title: str
    number: str
    holder_name: str
    issuer_name: str
    issued_on: dt.date
    valid_until: dt.date | None
    status: str
    revoked_at: dt.datetime | None
    revocation_category: str
    fields: dict[str, Any]
    jwt: str
    kid: str
    certificate_status: str | None
    certificate_revoked_at: dt.datetime | None

    @classmethod
    def of(cls, credential: Credential) -> PublicRecord:
        certificate = credential.certificate
        return cls(
            pk=credential.pk, code=credential.code, kind=credential.kind, title=credential.title,
            number=credential.number, holder_name=credential.holder_name, issuer_name=credential.issuer_name,
            issued_on=credential.issued_on, valid_until=credential.valid_until, status=credential.status,
            revoked_at=credential.revoked_at, revocation_category=credential.revocation_category,
            fields=credential.fields, jwt=credential.jwt, kid=credential.signing_key.kid,
            certificate_status=certificate.status if certificate else None,
            certificate_revoked_at=certificate.revoked_at if certificate else None,
        )


_COLUMNS = (
    "id", "code", "kind", "title", "number", "holder_name", "issuer_name", "issued_on", "valid_until", "status",
    "revoked_at", "revocation_category", "fields", "jwt", "signing_key__kid", "certificate__status",
    "certificate__revoked_at",
)
_SQL_CACHE: dict[tuple[str, str], str] = {}
_PLACEHOLDER = "__gongjiang_lookup__"


def _lookup_sql(lookup: str) -> str:
    """The SELECT for one lookup, compiled by Django once per database vendor and reused: the ORM
    spends far longer compiling this query than the database spends answering it."""
    key = (connection.vendor, lookup)
    sql = _SQL_CACHE.get(key)
    if sql is None:
        queryset = Credential.objects.filter(**{lookup: _PLACEHOLDER}).order_by("-issued_on", "-id").values_list(*_COLUMNS)[:5]
        sql, params = queryset.query.sql_with_params()
        assert list(params) == [_PLACEHOLDER], params
        _SQL_CACHE[key] = sql
    return sql


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _datetime(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)  # SQLite keeps naive UTC


def _records(lookup: str, value: str) -> list[PublicRecord]:
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(lookup), [value])
        rows = cursor.fetchall()
    records = []
    for row in rows:
        fields = row[12]
        records.append(PublicRecord(
            pk=row[0], code=row[1], kind=row[2], title=row[3], number=row[4], holder_name=row[5],
            issuer_name=row[6], issued_on=_date(row[7]), valid_until=_date(row[8]),  # type: ignore[arg-type]
            status=row[9], revoked_at=_datetime(row[10]), revocation_category=row[11],
            fields=json.loads(fields) if isinstance(fields, (str, bytes)) else (fields or {}),
            jwt=row[13], kid=row[14], certificate_status=row[15], certificate_revoked_at=_datetime(row[16]),
        ))
    return records


def _effective_status(record: PublicRecord, today: dt.date) -> str:
    if record.status == Credential.Status.REVOKED or record.certificate_status == "revoked":
        return RESULT_REVOKED
    if record.valid_until is not None and record.valid_until < today:
        return RESULT_EXPIRED
    return RESULT_VALID


def public_answer(credential: Credential | PublicRecord, *, include_token: bool = True) -> dict[str, Any]:
    """What the public may know about a credential (masked name; never an ID number)."""
    record = credential if isinstance(credential, PublicRecord) else PublicRecord.of(credential)
    status = _effective_status(record, timezone.localdate())
    answer: dict[str, Any] = {
        "result": status,
        "certificate": {
            "kind": record.kind,
            "kind_label": str(Credential.Kind(record.kind).label),
            "title": record.title,
            "number": record.number,
            "holder": mask_name(record.holder_name),
            "issuer": record.issuer_name,
            "issued_on": record.issued_on.isoformat(),
            "valid_until": record.valid_until.isoformat() if record.valid_until else None,
            "fields": {k: v for k, v in record.fields.items() if k not in PRIVATE_FIELD_KEYS},
        },
        "verification_url": verification_url(record.code),
    }
    if status == RESULT_REVOKED:
        revoked_at = record.revoked_at or record.certificate_revoked_at
        category = record.revocation_category or Credential.RevocationCategory.OTHER
        answer["revocation"] = {
            "date": timezone.localtime(revoked_at).date().isoformat() if revoked_at else None,
            "category": category,
            "category_label": str(Credential.RevocationCategory(category).label),
        }
        replacement = Credential.objects.filter(replaces_id=record.pk, status=Credential.Status.VALID).first()
        if replacement is not None:
            answer["revocation"]["replaced_by"] = replacement.number or replacement.code
    if include_token:
        answer["credential"] = {
            "format": "vc+jwt",
            "jwt": record.jwt,
            "kid": record.kid,
            "jwks_url": f"{public_base_url()}/.well-known/jwks.json",
        }
    return answer


# Keys callers may put in ``fields`` for the PDF but which are never shown publicly.
PRIVATE_FIELD_KEYS = frozenset({"id_type", "id_number", "photo"})


def _base_queryset() -> QuerySet[Credential]:
    return Credential.objects.select_related("certificate", "signing_key")


def verify_by_code(code: str) -> dict[str, Any]:
    """The public answer for a verification code (the QR link)."""
    normalized = rules.normalize_verification_code(code)
    if not rules.CODE_PATTERN.match(normalized):
        return dict(NOT_FOUND)
    records = _records("code", normalized)
    if not records:
        return dict(NOT_FOUND)
    return public_answer(records[0])


def verify_by_number(number: str, name: str) -> dict[str, Any]:
    """The public answer for a certificate number and the holder's name (both required)."""
    normalized = rules.normalize_certificate_number(number or "")
    if not normalized or not (name or "").strip() or len(normalized) > 40:
        return dict(NOT_FOUND)
    # Compare every candidate, so timing does not tell "number exists" from "no such number".
    match = None
    for record in _records("number", normalized):
        if rules.name_matches(name, record.holder_name) and match is None:
            match = record
    if match is None:
        return dict(NOT_FOUND)
    return public_answer(match)


def credential_check_token(token: str, *, jwks: dict[str, Any] | None = None) -> dict[str, Any]:
    """Check a VC-JWT: signature against the JWKS (the installation's when not given), then
    expiry, then — where this installation issued it — revocation.

    Returns ``{"ok": bool, "reason": str, "claims": dict}``; reasons: ``valid``, ``malformed``,
    ``unknown_key``, ``bad_signature``, ``unsupported_algorithm``, ``not_yet_valid``,
    ``expired``, ``revoked``.
    """
    try:
        _header, claims = decode_jws(token, jwks if jwks is not None else public_jwks())
    except VerificationFailure as failure:
        return {"ok": False, "reason": failure.reason, "claims": {}}
    now = timezone.now().timestamp()
    if "nbf" in claims and now < float(claims["nbf"]) - 86400:
        return {"ok": False, "reason": "not_yet_valid", "claims": claims}
    if "exp" in claims and now >= float(claims["exp"]):
        return {"ok": False, "reason": "expired", "claims": claims}
    code = str(claims.get("vc", {}).get("gongjiang", {}).get("code", ""))
    if code:
        records = _records("code", code)
        if records and _effective_status(records[0], timezone.localdate()) == RESULT_REVOKED:
            return {"ok": False, "reason": "revoked", "claims": claims}
    return {"ok": True, "reason": "valid", "claims": claims}


# --- Staff reads ------------------------------------------------------------------------------

CREDENTIAL_REGION_FIELDS = ("issuer__region__code", "holder__current_employer__region__code")
CREDENTIAL_ORG_FIELDS = ("issuer", "holder__current_employer")
CREDENTIAL_PERSON_FIELDS = ("holder_id",)


def credential_queryset(user: Any, *, write: bool = False) -> QuerySet[Credential]:
    """Credentials in the user's scope: issued by their organisations (or in their region), or
    held by people they may see; a worker sees their own. Writing (revoking) needs write scope
    over the issuing organisation or its region."""
    if write:
        return data_scope.filter_queryset(
            Credential.objects.all(), user,
            region_fields=("issuer__region__code",), org_fields=("issuer",), write=True,
        )
    return data_scope.filter_queryset(
        Credential.objects.all(), user,
        region_fields=CREDENTIAL_REGION_FIELDS, org_fields=CREDENTIAL_ORG_FIELDS,
        person_fields=CREDENTIAL_PERSON_FIELDS,
    )


def credential_list(*, user: Any, q: str = "", kind: str = "", status: str = "") -> QuerySet[Credential]:
    queryset = credential_queryset(user).select_related("holder", "issuer")
    if q:
        text = q.strip().upper()
        queryset = queryset.filter(number=text) | queryset.filter(code=text) | queryset.filter(
            holder_name__icontains=q.strip()
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-issued_on", "-id")


def credential_get_for_user(*, user: Any, pk: int, write: bool = False) -> Credential:
    """The credential, or 404 when outside the user's scope."""
    try:
        return credential_queryset(user, write=write).select_related(
            "holder", "issuer", "certificate", "signing_key", "replaces"
        ).get(pk=pk)
    except (Credential.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def credentials_for_source(source_ref: str) -> QuerySet[Credential]:
    """Credentials another module issued for one of its records (``source_ref`` as it passed)."""
    return Credential.objects.filter(source_ref=source_ref).select_related("signing_key").order_by("id")
