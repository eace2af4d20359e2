"""Issuance of 职业技能等级证书: national numbers, gap-free per body, year and level; the
registry certificate (the holder's level follows at once) and its verifiable credential;
revocation and re-issue; 特级技师/首席技师 appointments; upward reporting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.catalog.levels import SkillLevel, level_from_national_grade
from gongjiang.catalog.models import Occupation
from gongjiang.core import audit
from gongjiang.core.exceptions import PermissionDeniedError
from gongjiang.credentials import services as credential_services
from gongjiang.credentials.models import Credential
from gongjiang.credentials.rules import format_national_number
from gongjiang.evaluation import rules
from gongjiang.evaluation.models import (
    Application,
    EvaluationBatch,
    EvaluationBody,
    PostAppointment,
    Publicity,
    SerialCounter,
)
from gongjiang.evaluation.services._common import (
    collect,
    fail,
    raise_if,
    require_batch_write,
    require_body_write,
)
from gongjiang.people import services as people_services
from gongjiang.people.models import Certificate, Person

ERR_NOT_PUBLICITY = gettext_noop("批次当前为“{state}”，须在公示期满后发证。")
ERR_PUBLICITY_RUNNING = gettext_noop("公示期至 {ends}，期满后（{first} 起）才能发证。")
ERR_OPEN_OBJECTIONS = gettext_noop("还有 {count} 件公示异议未处理，处理完毕后才能发证。")
ERR_BODY_INACTIVE = gettext_noop("评价机构备案状态为“{state}”或不在有效期内，不能发证。")
ERR_ISSUE_DATE = gettext_noop("发证日期须在公示期满之后，且不晚于今天。")
ERR_NO_CERTIFICATE = gettext_noop("该申报没有证书。")
ERR_POST_BODY = gettext_noop("特级技师、首席技师评聘只适用于企业自主评价（Y 类）机构的本企业职工。")
ERR_POST_LEVEL = gettext_noop("聘任{post}须本人已取得{required}（现为{current}）。")
ERR_POST_OCCUPATION = gettext_noop("特级技师、首席技师岗位应设在有高级技师（一级）的职业（工种）领域，“{occupation}”未设置一级。")
ERR_POST_TERM = gettext_noop("聘期结束日期须晚于开始日期。")
ERR_POST_GROUNDS = gettext_noop("请写明评聘依据（业绩评审、现场答辩、综合评审结论等）。")
ERR_POST_ACTIVE = gettext_noop("{name}已在聘{post}（至 {until}）。")
ERR_REISSUE_REASON = gettext_noop("补发须填写原因。")
ERR_POST = gettext_noop("岗位应为特级技师或首席技师。")
ERR_POST_INVALID = gettext_noop("评聘信息有误，请按提示修改。")
NO_LEVEL = gettext_noop("无等级")  # {current} in ERR_POST_LEVEL

# 特级技师/首席技师 requirements are set by provincial/enterprise rules (DOMAIN.md §1.3,
# UNCONFIRMED): the minimum current level of the appointee is configurable.
DEFAULT_POST_MIN_LEVEL = {
    SkillLevel.PRINCIPAL_TECHNICIAN: SkillLevel.SENIOR_TECHNICIAN,
    SkillLevel.CHIEF_TECHNICIAN: SkillLevel.SENIOR_TECHNICIAN,
}


def _counter(body: EvaluationBody, year: int, grade: int) -> SerialCounter:
    """The (body, year, grade) counter row, locked FOR UPDATE until the transaction ends."""
    try:
        with transaction.atomic():
            if not SerialCounter.objects.filter(body=body, year=year, grade=grade).exists():
                SerialCounter.objects.create(
                    body=body, year=year, grade=grade, last_serial=_highest_recorded_serial(body, year, grade)
                )
    except IntegrityError:
        pass  # another transaction created it at the same moment; the locked read below waits for it
    return SerialCounter.objects.select_for_update().get(body=body, year=year, grade=grade)


def _highest_recorded_serial(body: EvaluationBody, year: int, grade: int) -> int:
    """The highest serial among certificates already recorded under this body's prefix, year and
    level (e.g. its history, imported before it issued through the platform): numbering goes on
    after them instead of colliding."""
    prefix = f"{body.number_prefix}{year % 100:02d}{grade}"
    numbers = Certificate.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    return max((int(n[-6:]) for n in numbers if len(n) == 22 and n[-6:].isdigit()), default=0)


def assign_number(body: EvaluationBody, *, year: int, grade: int) -> str:
    """The next national certificate number of ``body`` for the year and level. Must run inside
    the issuing transaction: the counter stays locked until it commits, and a rollback returns
    the serial, so numbers are unique and gap-free."""
    counter = _counter(body, year, grade)
    serial = rules.next_serials(counter.last_serial, 1)[0]
    counter.last_serial = serial
    counter.save(update_fields=["last_serial"])
    return format_national_number(
        category=body.category, institution_code=body.institution_code, province_code=body.province_code,
        site_code=body.site_code, year=year, national_grade=grade, serial=serial,
    )


def _credential_fields(application: Application) -> dict[str, Any]:
    batch = application.batch
    return {
        "occupation": batch.occupation.name,
        "occupation_code": batch.occupation.code,
        "work_type": batch.work_type.name if batch.work_type else "--",
        "level": int(level_from_national_grade(application.grade)),
        "level_name": rules.GRADE_NAMES[application.grade],
    }


def _issue_one(*, actor: Any, application: Application, issued_on: dt.date, replaces: Credential | None = None,
               reason: str = "") -> Certificate:
    batch = application.batch
    body = batch.body
    number = assign_number(body, year=issued_on.year, grade=application.grade)
    certificate = people_services.certificate_record(
        actor=None, holder=application.person, number=number, issue_date=issued_on,
        kind=Certificate.Kind.SKILL_LEVEL, level=int(level_from_national_grade(application.grade)),
        occupation=batch.occupation, work_type=batch.work_type, issuer=body.organization, issuer_name=body.filed_name,
        source=Certificate.Source.EVALUATION, source_ref=f"evaluation.application:{application.pk}",
    )
    if replaces is None:
        credential_services.credential_issue(
            actor=actor, kind=Credential.Kind.SKILL_LEVEL, holder=application.person, title="职业技能等级证书",
            fields=_credential_fields(application), certificate=certificate,
            source_ref=f"evaluation.application:{application.pk}",
        )
    else:
        credential_services.credential_reissue(
            actor=None, original=replaces, reason=reason, certificate=certificate, fields=_credential_fields(application),
            issued_on=issued_on,
        )
    application.certificate = certificate
    application.save(update_fields=["certificate", "updated_at"])
    return certificate


@transaction.atomic
def batch_issue(*, actor: Any, batch: EvaluationBatch, issued_on: dt.date | None = None) -> list[Certificate]:
    """Issue the certificates of a batch whose publicity has ended without open objections, and
    mark it certified. Every passed application gets the next serial of the body for the year
    and level, in application order; the holders' levels follow at once."""
    require_batch_write(actor, batch)
    batch = EvaluationBatch.objects.select_for_update(of=("self",)).select_related("body", "body__organization", "occupation", "work_type").get(pk=batch.pk)
    today = timezone.localdate()
    if batch.status != EvaluationBatch.Status.PUBLICITY:
        raise fail(ERR_NOT_PUBLICITY, "status", state=batch.get_status_display())
    publicity = Publicity.objects.get(batch=batch)
    if publicity.ends_on >= today:
        raise fail(ERR_PUBLICITY_RUNNING, "status", ends=publicity.ends_on, first=publicity.ends_on + dt.timedelta(days=1))
    open_count = batch.objections.filter(status="open").count()
    if open_count:
        raise fail(ERR_OPEN_OBJECTIONS, "status", count=open_count)
    issued_on = issued_on or today
    if not publicity.ends_on < issued_on <= today:
        raise fail(ERR_ISSUE_DATE, "issued_on")
    body = batch.body
    if body.status != EvaluationBody.Status.ACTIVE or not body.valid_from <= issued_on <= body.valid_until:
        raise fail(ERR_BODY_INACTIVE, "status", state=body.get_status_display())
    certificates = []
    applications = batch.applications.filter(
        status=Application.Status.ACCEPTED, result=Application.Result.PASSED, certificate__isnull=True
    ).select_related("person", "batch", "batch__occupation", "batch__work_type").order_by("grade", "id")
    for application in applications:
        certificates.append(_issue_one(actor=actor, application=application, issued_on=issued_on))
    batch.status = EvaluationBatch.Status.CERTIFIED
    batch.certified_on = issued_on
    batch.save(update_fields=["status", "certified_on", "updated_at"])
    audit.record("evaluation.batch.certified", obj=batch,
                 changes={"status": ["publicity", "certified"], "certificates": [c.number for c in certificates],
                          "issued_on": issued_on.isoformat()}, actor=actor)
    return certificates


def _credential_of(certificate: Certificate) -> Credential:
    return Credential.objects.get(certificate=certificate)


@transaction.atomic
def evaluation_certificate_revoke(*, actor: Any, application: Application, reason: str, category: str) -> Application:
    """Revoke the certificate an application earned (and its credential); the level follows."""
    application = Application.objects.select_related("batch", "certificate").get(pk=application.pk)
    require_batch_write(actor, application.batch)
    if application.certificate is None:
        raise fail(ERR_NO_CERTIFICATE, "certificate")
    credential_services.credential_revoke(
        actor=None, credential=_credential_of(application.certificate), reason=reason, category=category
    )
    audit.record("evaluation.certificate.revoked", obj=application,
                 changes={"number": application.certificate.number, "category": category, "reason": reason}, actor=actor)
    return application


@transaction.atomic
def evaluation_certificate_reissue(*, actor: Any, application: Application, reason: str) -> Certificate:
    """补发: a new certificate with a new serial (same body, this year, same level), linked to the
    original, which is revoked as re-issued and verifies so everywhere."""
    require_batch_write(actor, application.batch)
    original = application.certificate
    if original is None:
        raise fail(ERR_NO_CERTIFICATE, "certificate")
    if not (reason or "").strip():
        raise fail(ERR_REISSUE_REASON, "reason")
    application = Application.objects.select_for_update(of=("self",)).select_related(
        "batch", "batch__body", "batch__body__organization", "batch__occupation", "batch__work_type", "person"
    ).get(pk=application.pk)
    certificate = _issue_one(actor=actor, application=application, issued_on=timezone.localdate(),
                             replaces=_credential_of(original), reason=reason)
    audit.record("evaluation.certificate.reissued", obj=application,
                 changes={"original": original.number, "new": certificate.number, "reason": reason}, actor=actor)
    return certificate


# --- 特级技师 / 首席技师 (评聘) -----------------------------------------------------------------

def _post_min_level(post: int) -> int:
    configured = getattr(settings, "EVALUATION_POST_MIN_LEVEL", {})
    return int(configured.get(post, DEFAULT_POST_MIN_LEVEL[SkillLevel(post)]))


def _post_number(body: EvaluationBody, post: int, year: int) -> str:
    """特级技师/首席技师 certificates: 2 letters and 20 digits (DOMAIN.md §4.3): TJ/SX, the body's
    institution, province and site codes, the year, and a gap-free 6-digit serial per post."""
    counter = _counter(body, year, post)
    serial = rules.next_serials(counter.last_serial, 1)[0]
    counter.last_serial = serial
    counter.save(update_fields=["last_serial"])
    prefix = "TJ" if post == SkillLevel.PRINCIPAL_TECHNICIAN else "SX"
    return f"{prefix}{body.institution_code}{body.province_code}{body.site_code}{year % 100:02d}{serial:06d}"


@transaction.atomic
def post_appoint(
    *, actor: Any, body: EvaluationBody, person: Person, post: int, occupation: Occupation,
    term_start: dt.date, term_end: dt.date, grounds: str,
) -> PostAppointment:
    """Appoint an employee to a 特级技师 or 首席技师 post (企业自主评价, 岗位聘任制). A post
    appointment certificate is recorded for the term (the holder's level follows while it runs)
    and a verifiable credential issued."""
    require_body_write(actor, body)
    errors: dict[str, list[str]] = {}
    post_level = SkillLevel(post) if post in (6, 7) else None
    employer = person.current_employer
    if body.category != EvaluationBody.Category.EMPLOYER or employer is None or not employer.path.startswith(body.organization.path):
        collect(errors, "person", ERR_POST_BODY)
    if post_level is None:
        collect(errors, "post", ERR_POST)
    else:
        required = _post_min_level(post)
        if (person.current_level or 0) < required:
            collect(errors, "person", ERR_POST_LEVEL, post=post_level.label, required=SkillLevel(required).label,
                    current=SkillLevel(person.current_level).label if person.current_level is not None else _(NO_LEVEL))
    if occupation.national_grades and 1 not in occupation.national_grades:
        collect(errors, "occupation", ERR_POST_OCCUPATION, occupation=occupation.name)
    if term_end <= term_start:
        collect(errors, "term_end", ERR_POST_TERM)
    if not (grounds or "").strip():
        collect(errors, "grounds", ERR_POST_GROUNDS)
    active = PostAppointment.objects.filter(person=person, post=post, status=PostAppointment.Status.ACTIVE,
                                            term_end__gte=term_start).first()
    if active is not None:
        collect(errors, "person", ERR_POST_ACTIVE, name=person.name, post=active.get_post_display(), until=active.term_end)
    raise_if(errors, ERR_POST_INVALID)
    assert post_level is not None
    issued_on = min(term_start, timezone.localdate())
    number = _post_number(body, post, issued_on.year)
    certificate = people_services.certificate_record(
        actor=None, holder=person, number=number, issue_date=issued_on, kind=Certificate.Kind.POST_APPOINTMENT,
        level=int(post_level), occupation=occupation, issuer=body.organization, issuer_name=body.filed_name,
        valid_until=term_end, source=Certificate.Source.APPOINTMENT, source_ref="evaluation.appointment",
    )
    appointment = PostAppointment.objects.create(
        body=body, person=person, post=post, occupation=occupation, term_start=term_start, term_end=term_end,
        grounds=grounds.strip(), certificate=certificate,
    )
    certificate.source_ref = f"evaluation.appointment:{appointment.pk}"
    certificate.save(update_fields=["source_ref"])
    credential_services.credential_issue(
        actor=actor, kind=Credential.Kind.POST_APPOINTMENT, holder=person, title=f"{post_level.label}聘书",
        fields={"post": str(post_level.label), "occupation": occupation.name, "occupation_code": occupation.code,
                "level": int(post_level), "term": f"{term_start:%Y-%m-%d} 至 {term_end:%Y-%m-%d}",
                "body": f"{body.filed_name}聘任{person.name}同志为本企业{occupation.name}{post_level.label}，"
                        f"聘期自 {term_start:%Y年%m月%d日} 至 {term_end:%Y年%m月%d日}。"},
        certificate=certificate, source_ref=f"evaluation.appointment:{appointment.pk}", valid_until=term_end,
    )
    audit.record("evaluation.appointment.created", obj=appointment, changes=audit.snapshot(appointment), actor=actor)
    return appointment


@transaction.atomic
def post_end(*, actor: Any, appointment: PostAppointment, reason: str, revoke: bool = False) -> PostAppointment:
    """End an appointment early (解聘, revoke=True, revokes the certificate) or record its end."""
    require_body_write(actor, appointment.body)
    if not (reason or "").strip():
        raise fail("请填写原因。", "reason")
    appointment.status = PostAppointment.Status.REVOKED if revoke else PostAppointment.Status.ENDED
    appointment.save(update_fields=["status", "updated_at"])
    if revoke and appointment.certificate is not None:
        credential_services.credential_revoke(
            actor=None, credential=_credential_of(appointment.certificate), reason=reason,
            category=Credential.RevocationCategory.OTHER,
        )
    audit.record("evaluation.appointment.ended", obj=appointment, changes={"revoke": revoke, "reason": reason}, actor=actor)
    return appointment


def report_export(*, actor: Any, batch: EvaluationBatch) -> list[dict[str, str]]:
    """证书上报: the batch's certificates in the documented format (docs/formats/certificate-report.md).
    It carries full ID numbers, so only the body's writers and bureaus get it, and it is logged."""
    from gongjiang.evaluation.selectors import report_rows

    if actor is not None:
        try:
            require_batch_write(actor, batch)
        except PermissionDeniedError:
            with transaction.atomic():
                audit.record("evaluation.report.exported", obj=batch, outcome="denied", actor=actor)
            raise
    rows = report_rows(batch)
    with transaction.atomic():
        audit.record("evaluation.report.exported", obj=batch, changes={"rows": len(rows)}, actor=actor)
    return rows
