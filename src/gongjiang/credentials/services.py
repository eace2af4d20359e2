"""Writes of credentials: issue, revoke, re-issue. One transaction each, audited.

Other modules call these from inside their own services, after they have checked that the
actor may issue the underlying document (an evaluation body's certificate, a competition's
award, a training programme's completion). :func:`credential_issue` therefore does not repeat
that check; :func:`credential_revoke` and :func:`credential_reissue`, which staff also reach
directly through the credentials pages, check the actor's write scope over the issuer.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.rules import mask_name, normalize_person_name
from gongjiang.credentials import rules
from gongjiang.credentials.models import Credential
from gongjiang.credentials.selectors import PRIVATE_FIELD_KEYS, credential_queryset, public_base_url
from gongjiang.credentials.signing import active_signer, encode_jws
from gongjiang.orgs.models import Organization
from gongjiang.people.models import Certificate, Person

ERR_KIND = gettext_noop("证书类型不正确，可选：职业技能等级证书、竞赛获奖证书、培训结业证书、特级技师/首席技师聘书、其他证书。")
ERR_TITLE = gettext_noop("请填写证书名称。")
ERR_ISSUER = gettext_noop("请指定发证机构（单位或机构名称）。")
ERR_FIELDS = gettext_noop("证书内容须为“键: 文本”的字典，值只能是文本或数字。")
ERR_PRIVATE_FIELD = gettext_noop("证书内容不能包含证件号码或照片（{key}）：公开核验信息里不能出现这些个人信息。")
ERR_CERT_HOLDER = gettext_noop("登记证书的持证人与本证书持证人不一致。")
ERR_CERT_TAKEN = gettext_noop("该登记证书已有可核验证书。")
ERR_ISSUED_FUTURE = gettext_noop("发证日期不能晚于今天。")
ERR_VALID_UNTIL = gettext_noop("有效期至不能早于发证日期。")
ERR_REVOKE_REASON = gettext_noop("撤销证书须填写原因。")
ERR_REVOKE_CATEGORY = gettext_noop("撤销原因类别不正确，可选：弄虚作假/违规取得、信息有误、已补发/换发新证、本人申请注销、其他原因。")
ERR_ALREADY_REVOKED = gettext_noop("该证书已于 {date} 撤销，不能重复撤销。")
ERR_REISSUE_REVOKED = gettext_noop("已撤销的证书不能补发；如为错误撤销，请联系平台管理员。")


def _clean_fields(fields: dict[str, Any] | None) -> dict[str, Any]:
    if fields is None:
        return {}
    if not isinstance(fields, dict):
        raise ApplicationError(_(ERR_FIELDS), field="fields")
    cleaned: dict[str, Any] = {}
    for key, value in fields.items():
        if key in PRIVATE_FIELD_KEYS:
            raise ApplicationError(_(ERR_PRIVATE_FIELD).format(key=key), field="fields")
        if value is None:
            continue
        if isinstance(value, Promise):
            value = str(value)  # a lazily translated text
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ApplicationError(_(ERR_FIELDS), field="fields")
        cleaned[str(key)] = value
    return cleaned


def _issuer_id(issuer: Organization | None, issuer_name: str) -> str:
    if issuer is not None and issuer.credit_code:
        return f"urn:gongjiang:org:uscc:{issuer.credit_code}"
    if issuer is not None:
        return f"urn:gongjiang:org:{issuer.pk}"
    return f"{public_base_url()}/"


def _new_code() -> str:
    while True:
        code = rules.new_verification_code()
        if not Credential.objects.filter(code=code).exists():
            return code


@transaction.atomic
def credential_issue(
    *,
    actor: Any,
    kind: str,
    holder: Person,
    title: str,
    fields: dict[str, Any] | None = None,
    certificate: Certificate | None = None,
    source_ref: str = "",
    number: str = "",
    issuer: Organization | None = None,
    issuer_name: str = "",
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    replaces: Credential | None = None,
) -> Credential:
    """Issue the verifiable record of a document: a random code, the public data, the signed VC.

    ``fields`` is what the document says besides holder, number, issuer and date, as short
    texts under stable keys (``occupation``, ``occupation_code``, ``work_type``, ``level``,
    ``level_name``, ``competition``, ``event``, ``award``, ``program``, ``hours``, ``body`` ...;
    see :data:`gongjiang.credentials.pdf.FIELD_LABELS`). It must not contain an ID number.
    With ``certificate`` (a people.Certificate), number, issuer and dates default to its values.
    """
    if kind not in Credential.Kind.values:
        raise ApplicationError(_(ERR_KIND), field="kind")
    title = str(title or "").strip()
    if not title:
        raise ApplicationError(_(ERR_TITLE), field="title")
    clean_fields = _clean_fields(fields)
    if certificate is not None:
        if certificate.holder_id != holder.pk:
            raise ApplicationError(_(ERR_CERT_HOLDER), field="certificate")
        if Credential.objects.filter(certificate=certificate).exists():
            raise ApplicationError(_(ERR_CERT_TAKEN), field="certificate")
        number = number or certificate.number
        issuer = issuer or certificate.issuer
        issuer_name = issuer_name or certificate.issuer_name
        issued_on = issued_on or certificate.issue_date
        valid_until = valid_until or certificate.valid_until
    issuer_name = (issuer_name or (issuer.name if issuer is not None else "")).strip()
    if not issuer_name:
        raise ApplicationError(_(ERR_ISSUER), field="issuer")
    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate():
        raise ApplicationError(_(ERR_ISSUED_FUTURE), field="issued_on")
    if valid_until is not None and valid_until < issued_on:
        raise ApplicationError(_(ERR_VALID_UNTIL), field="valid_until")
    number = rules.normalize_certificate_number(number) if number else ""
    holder_name = normalize_person_name(holder.name)
    signer = active_signer()
    code = _new_code()
    claims = rules.build_credential_claims(
        code=code,
        base_url=public_base_url(),
        kind=kind,
        title=title,
        holder_name=holder_name,
        holder_name_masked=mask_name(holder_name),
        number=number,
        fields=clean_fields,
        issuer_id=_issuer_id(issuer, issuer_name),
        issuer_name=issuer_name,
        issued_on=issued_on,
        valid_until=valid_until,
        issued_at=timezone.now(),
        salt=secrets.token_hex(8),
    )
    credential = Credential(
        code=code,
        kind=kind,
        holder=holder,
        holder_name=holder_name,
        title=title,
        number=number,
        fields=clean_fields,
        certificate=certificate,
        issuer=issuer,
        issuer_name=issuer_name,
        issued_on=issued_on,
        valid_until=valid_until,
        replaces=replaces,
        source_ref=source_ref,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        signing_key_id=signer.key_row_id,
        jwt=encode_jws(claims, signer),
    )
    credential.full_clean()
    try:
        with transaction.atomic():
            credential.save()
    except IntegrityError:
        raise ApplicationError(_(ERR_CERT_TAKEN), field="certificate") from None
    audit.record(
        "credentials.credential.issued",
        obj=credential,
        changes={
            "kind": kind, "number": number, "holder": holder.pk, "issuer": issuer_name,
            "certificate": certificate.pk if certificate else None, "source_ref": source_ref,
            "kid": signer.kid, "replaces": replaces.pk if replaces else None,
        },
        actor=actor,
    )
    return credential


def _check_write(actor: Any, credential: Credential) -> None:
    if actor is None:
        return
    if not credential_queryset(actor, write=True).filter(pk=credential.pk).exists():
        raise PermissionDeniedError()


@transaction.atomic
def credential_revoke(
    *,
    actor: Any,
    credential: Credential,
    reason: str,
    category: str = Credential.RevocationCategory.OTHER,
    revoke_certificate: bool = True,
) -> Credential:
    """Revoke a credential (and the registry certificate behind it, so the holder's level
    follows). It then verifies as revoked, with the date and reason category, everywhere."""
    _check_write(actor, credential)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_(ERR_REVOKE_REASON), field="reason")
    if category not in Credential.RevocationCategory.values:
        raise ApplicationError(_(ERR_REVOKE_CATEGORY), field="category")
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.status == Credential.Status.REVOKED:
        date = timezone.localtime(credential.revoked_at).date().isoformat() if credential.revoked_at else ""
        raise ApplicationError(_(ERR_ALREADY_REVOKED).format(date=date), field="reason")
    credential.status = Credential.Status.REVOKED
    credential.revoked_at = timezone.now()
    credential.revocation_category = category
    credential.revocation_reason = reason[:300]
    credential.save(update_fields=["status", "revoked_at", "revocation_category", "revocation_reason", "updated_at"])
    audit.record(
        "credentials.credential.revoked", obj=credential,
        changes={"category": category, "reason": reason[:300]}, actor=actor,
    )
    if revoke_certificate and credential.certificate_id is not None:
        from gongjiang.people import services as people_services

        certificate = Certificate.objects.get(pk=credential.certificate_id)
        if certificate.status != Certificate.Status.REVOKED:
            people_services.certificate_revoke(actor=None, certificate=certificate, reason=reason)
    return credential


@transaction.atomic
def credential_reissue(
    *,
    actor: Any,
    original: Credential,
    reason: str,
    certificate: Certificate | None = None,
    number: str = "",
    fields: dict[str, Any] | None = None,
    issued_on: dt.date | None = None,
) -> Credential:
    """补发/换发: a new credential linked to the original (new number where the caller assigns
    one, e.g. a new serial from the evaluation module); the original is revoked as re-issued."""
    _check_write(actor, original)
    if original.status == Credential.Status.REVOKED:
        raise ApplicationError(_(ERR_REISSUE_REVOKED), field="original")
    credential_revoke(
        actor=None, credential=original, reason=reason, category=Credential.RevocationCategory.REISSUED,
        revoke_certificate=certificate is not None,
    )
    new = credential_issue(
        actor=actor,
        kind=original.kind,
        holder=original.holder,
        title=original.title,
        fields=fields if fields is not None else dict(original.fields),
        certificate=certificate,
        source_ref=original.source_ref,
        number=number or (certificate.number if certificate else original.number),
        issuer=original.issuer,
        issuer_name=original.issuer_name,
        issued_on=issued_on or timezone.localdate(),
        valid_until=original.valid_until,
        replaces=original,
    )
    audit.record(
        "credentials.credential.reissued", obj=new,
        changes={"original": original.pk, "reason": reason}, actor=actor,
    )
    return new


def credential_pdf(*, actor: Any, credential: Credential, with_identity: bool = True) -> bytes:
    """The printable A4 PDF. It carries the holder's ID number (the certificate must), so only
    users who may see the credential get it, and every rendering is logged."""
    from gongjiang.core.crypto import get_provider
    from gongjiang.credentials.pdf import Identity, render_credential_pdf
    from gongjiang.credentials.selectors import verification_url
    from gongjiang.people.services import ID_CIPHER_AAD

    if actor is not None and not credential_queryset(actor).filter(pk=credential.pk).exists():
        audit.record("credentials.credential.pdf_rendered", obj=credential, outcome="denied", actor=actor)
        raise PermissionDeniedError()
    identity = None
    if with_identity:
        holder = credential.holder
        number = get_provider().decrypt(holder.id_number_encrypted, associated_data=ID_CIPHER_AAD)
        identity = Identity(id_type_label=str(Person.IdType(holder.id_type).label), id_number=number)
    with transaction.atomic():
        audit.record("credentials.credential.pdf_rendered", obj=credential, actor=actor)
    return render_credential_pdf(credential, identity=identity, verification_url=verification_url(credential.code))
