"""Reads of credentials: the public verification answer, and scoped lists for staff.

The public answer (:func:`verify_by_code`, :func:`verify_by_number`) has one shape for every
outcome: ``result`` is ``valid``, ``revoked`` or ``not_found``. A wrong name and an unknown
number give the very same ``not_found`` answer, so the service cannot be used to find out who
holds what. The holder's name is always masked; an ID number is never part of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
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


def _effective_status(credential: Credential, today: dt.date) -> str:
    certificate = credential.certificate
    if credential.status == Credential.Status.REVOKED or (
        certificate is not None and certificate.status == "revoked"
    ):
        return RESULT_REVOKED
    if credential.valid_until is not None and credential.valid_until < today:
        return RESULT_EXPIRED
    return RESULT_VALID


def public_answer(credential: Credential, *, include_token: bool = True) -> dict[str, Any]:
    """What the public may know about a credential (masked name; never an ID number)."""
    status = _effective_status(credential, timezone.localdate())
    answer: dict[str, Any] = {
        "result": status,
        "certificate": {
            "kind": credential.kind,
            "kind_label": str(Credential.Kind(credential.kind).label),
            "title": credential.title,
            "number": credential.number,
            "holder": mask_name(credential.holder_name),
            "issuer": credential.issuer_name,
            "issued_on": credential.issued_on.isoformat(),
            "valid_until": credential.valid_until.isoformat() if credential.valid_until else None,
            "fields": {k: v for k, v in credential.fields.items() if k not in PRIVATE_FIELD_KEYS},
        },
        "verification_url": verification_url(credential.code),
    }
    if status == RESULT_REVOKED:
        revoked_at = credential.revoked_at
        if revoked_at is None and credential.certificate is not None:
            revoked_at = credential.certificate.revoked_at
        category = credential.revocation_category or Credential.RevocationCategory.OTHER
        answer["revocation"] = {
            "date": timezone.localtime(revoked_at).date().isoformat() if revoked_at else None,
            "category": category,
            "category_label": str(Credential.RevocationCategory(category).label),
        }
        replacement = credential.reissues.filter(status=Credential.Status.VALID).first()
        if replacement is not None:
            answer["revocation"]["replaced_by"] = replacement.number or replacement.code
    if include_token:
        answer["credential"] = {
            "format": "vc+jwt",
            "jwt": credential.jwt,
            "kid": credential.signing_key.kid,
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
    credential = _base_queryset().filter(code=normalized).first()
    if credential is None:
        return dict(NOT_FOUND)
    return public_answer(credential)


def verify_by_number(number: str, name: str) -> dict[str, Any]:
    """The public answer for a certificate number and the holder's name (both required)."""
    normalized = rules.normalize_certificate_number(number or "")
    if not normalized or not (name or "").strip() or len(normalized) > 40:
        return dict(NOT_FOUND)
    # Compare every candidate, so timing does not tell "number exists" from "no such number".
    match = None
    for credential in _base_queryset().filter(number=normalized).order_by("-issued_on", "-id")[:5]:
        if rules.name_matches(name, credential.holder_name) and match is None:
            match = credential
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
        credential = _base_queryset().filter(code=code).first()
        if credential is not None and _effective_status(credential, timezone.localdate()) == RESULT_REVOKED:
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
