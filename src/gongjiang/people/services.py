"""Writes to the talent registry: one function per use case, one transaction each, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.catalog.levels import SkillLevel, level_from_national_grade
from gongjiang.catalog.models import Occupation, Region
from gongjiang.core import audit, keyrotation
from gongjiang.core.crypto import get_provider
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.rules import (
    RESIDENT_ID,
    RuleError,
    mask_id_number,
    mask_mobile,
    normalize_id_number,
    normalize_person_name,
    parse_resident_id,
    to_halfwidth,
    validate_id,
)
from gongjiang.core.text import enumeration
from gongjiang.credentials.rules import parse_certificate_number
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset, scope_for
from gongjiang.people.models import Certificate, Employment, Honor, Person
from gongjiang.people.selectors import person_queryset

ID_HASH_PURPOSE = "people.person.id_number"
ID_CIPHER_AAD = b"people.person.id_number"
MOBILE_CIPHER_AAD = b"people.person.mobile"

ERR_NAME_REQUIRED = gettext_noop("请填写姓名。")
ERR_NAME_CHARS = gettext_noop("姓名只能包含汉字、字母、间隔号“·”和空格，长度 2–60。")
ERR_SEX_MISMATCH = gettext_noop("性别与身份证号码不符：号码第 17 位表示{derived}。")
ERR_BIRTH_MISMATCH = gettext_noop("出生日期与身份证号码不符：号码中的出生日期是 {derived}。")
ERR_SEX_REQUIRED = gettext_noop("非居民身份证须填写性别。")
ERR_BIRTH_REQUIRED = gettext_noop("非居民身份证须填写出生日期。")
ERR_BIRTH_RANGE = gettext_noop("出生日期应在 1900 年之后且不晚于今天。")
ERR_DUPLICATE = gettext_noop("该证件号码已登记在库（{who}），同一证件号码只能登记一人。")
ERR_MOBILE = gettext_noop("手机号码应为 11 位数字，以 1 开头。")
ERR_OUT_OF_SCOPE_EMPLOYER = gettext_noop("所选工作单位不在您的管理范围内。")
ERR_NEW_PERSON_OUT_OF_SCOPE = gettext_noop("新登记人员须在您管理的地区居住或在您管理的单位工作。")
ERR_CERT_NUMBER = gettext_noop("证书编号格式不正确：应为 22 位全国统一编码、16 位旧职业资格证书编码，或 4–40 位字母数字。")
ERR_CERT_TAKEN = gettext_noop("证书编号 {number} 已登记。")
ERR_CERT_LEVEL_MISMATCH = gettext_noop("证书编号中的等级代码（第 {pos} 位为 {digit}）与所填等级“{level}”不符。")
ERR_LEVEL_NOT_IN_OCCUPATION = gettext_noop("职业“{occupation}”未设置“{level}”等级。")
ERR_EMPLOYMENT_DATES = gettext_noop("结束日期不能早于起始日期。")
ERR_DATE_FUTURE = gettext_noop("日期不能晚于今天。")
ERR_UPDATE_LEAVES_SCOPE = gettext_noop("这次修改会使该人员移出您的管理范围，请联系上级管理部门办理。")
ERR_REVOKE_REASON = gettext_noop("撤销证书须填写原因。")
ERR_HONOR_YEAR = gettext_noop("荣誉年度应在 1950 年至今年之间。")

EDITABLE_FIELDS = ("name", "sex", "birth_date", "education", "residence_region", "notes")


def hash_id_number(id_type: str, number: str) -> str:
    return get_provider().blind_index(f"{id_type}:{number}", purpose=ID_HASH_PURPOSE)


def lookup_hashes(raw: str) -> list[str]:
    """Keyed hashes to look a typed number up under every ID type it could be."""
    number = normalize_id_number(raw)
    return [hash_id_number(choice, number) for choice in Person.IdType.values]


def _clean_name(value: str, errors: dict[str, list[str]]) -> str:
    import re

    name = normalize_person_name(value or "")
    if not name:
        errors.setdefault("name", []).append(_(ERR_NAME_REQUIRED))
    elif not re.fullmatch(r"[\u3400-\u9fffA-Za-z·\s]{2,60}", name):
        errors.setdefault("name", []).append(_(ERR_NAME_CHARS))
    return name


def _clean_mobile(value: str, errors: dict[str, list[str]]) -> str:
    import re

    mobile = to_halfwidth(value or "").strip().replace(" ", "").replace("-", "")
    if mobile.startswith("+86"):
        mobile = mobile[3:]
    if mobile and not re.fullmatch(r"1\d{10}", mobile):
        errors.setdefault("mobile", []).append(_(ERR_MOBILE))
    return mobile


def _check_identity(
    *, id_type: str, id_number: str, sex: str | None, birth_date: dt.date | None, errors: dict[str, list[str]]
) -> tuple[str, str | None, dt.date | None]:
    """Validate the ID and reconcile typed sex and birth date with what the number says."""
    number = ""
    try:
        if id_type == RESIDENT_ID:
            parsed = parse_resident_id(id_number)
            number = parsed.number
            if sex and sex != parsed.sex:
                errors.setdefault("sex", []).append(
                    _(ERR_SEX_MISMATCH).format(derived=Person.Sex(parsed.sex).label)
                )
            if birth_date and birth_date != parsed.birth_date:
                errors.setdefault("birth_date", []).append(
                    _(ERR_BIRTH_MISMATCH).format(derived=parsed.birth_date.isoformat())
                )
            sex, birth_date = parsed.sex, parsed.birth_date
        else:
            if id_type not in Person.IdType.values:
                raise RuleError(_("证件类型不正确，可选：居民身份证、护照、港澳通行证、台湾通行证、外国人永久居留身份证。"), "id_type")
            number = validate_id(id_type, id_number)
            if not sex:
                errors.setdefault("sex", []).append(_(ERR_SEX_REQUIRED))
            if not birth_date:
                errors.setdefault("birth_date", []).append(_(ERR_BIRTH_REQUIRED))
    except RuleError as exc:
        errors.setdefault("id_number" if exc.code != "id_type" else "id_type", []).append(str(exc.message))
    if birth_date and (birth_date > timezone.localdate() or birth_date.year < 1900):
        errors.setdefault("birth_date", []).append(_(ERR_BIRTH_RANGE))
    return number, sex, birth_date


def _duplicate_message(actor: Any, existing: Person) -> str:
    visible = actor is None or person_queryset(actor).filter(pk=existing.pk).exists()
    who = f"{existing.name}，{existing.id_number_masked}" if visible else _("不在您的管理范围内")
    return _(ERR_DUPLICATE).format(who=who)


def _can_write_person(actor: Any, person: Person) -> bool:
    return person_queryset(actor, write=True).filter(pk=person.pk).exists()


@transaction.atomic
def person_create(
    *,
    actor: Any,
    name: str,
    id_type: str = RESIDENT_ID,
    id_number: str,
    sex: str | None = None,
    birth_date: dt.date | None = None,
    mobile: str = "",
    education: str = "",
    residence_region: Region | None = None,
    employer: Organization | None = None,
    post: str = "",
    occupation: Occupation | None = None,
    employment_start: dt.date | None = None,
    notes: str = "",
) -> Person:
    """Register a person. Refuses an invalid or duplicate ID, or a person outside the actor's scope.

    ``actor=None`` is a system job (demo, import runner after its own scope checks).
    """
    errors: dict[str, list[str]] = {}
    clean_name = _clean_name(name, errors)
    number, sex, birth_date = _check_identity(
        id_type=id_type, id_number=id_number, sex=sex, birth_date=birth_date, errors=errors
    )
    clean_mobile = _clean_mobile(mobile, errors)
    if education and education not in Person.Education.values:
        errors.setdefault("education", []).append(_("学历取值不正确。"))
    id_hash = hash_id_number(id_type, number) if number else ""
    if number:
        existing = Person.objects.filter(id_number_hash=id_hash).first()
        if existing is not None:
            errors.setdefault("id_number", []).append(_duplicate_message(actor, existing))
    if actor is not None:
        scope = scope_for(actor)
        if not scope.can_write:
            raise PermissionDeniedError()
        if employer is not None and not organization_queryset(actor, write=True).filter(pk=employer.pk).exists():
            errors.setdefault("employer", []).append(_(ERR_OUT_OF_SCOPE_EMPLOYER))
        elif not scope.write_everything:
            in_region = any(
                (residence_region is not None and residence_region.code.startswith(p))
                or (employer is not None and employer.region_id and employer.region_id.startswith(p))
                for p in scope.write_region_prefixes
            )
            in_org = employer is not None and any(employer.path.startswith(p) for p in scope.write_org_paths)
            if not (in_region or in_org):
                errors.setdefault("employer", []).append(_(ERR_NEW_PERSON_OUT_OF_SCOPE))
    if errors:
        raise ApplicationError(_("人员信息有误，请按提示修改。"), errors=errors)
    assert birth_date is not None  # derived from the number, or required above
    provider = get_provider()
    person = Person(
        name=clean_name,
        id_type=id_type,
        id_number_encrypted=provider.encrypt(number, associated_data=ID_CIPHER_AAD),
        id_number_hash=id_hash,
        id_number_masked=mask_id_number(number),
        sex=sex or "",
        birth_date=birth_date,
        mobile_encrypted=provider.encrypt(clean_mobile, associated_data=MOBILE_CIPHER_AAD) if clean_mobile else "",
        mobile_masked=mask_mobile(clean_mobile) if clean_mobile else "",
        education=education,
        residence_region=residence_region,
        notes=notes,
    )
    person.full_clean(exclude=["id_number_encrypted", "id_number_hash", "id_number_masked", "mobile_encrypted"])
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Two registrations of one number raced; the unique keyed hash decided.
        raise ApplicationError(_("该证件号码已登记在库，同一证件号码只能登记一人。"), field="id_number") from None
    audit.record("people.person.created", obj=person, changes=audit.snapshot(person), actor=actor)
    if employer is not None:
        employment_add(
            actor=None, person=person, organization=employer, post=post, occupation=occupation,
            start_date=employment_start or timezone.localdate(),
        )
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, **data: Any) -> Person:
    """Change a person's editable facts. The ID number itself is changed by person_change_id."""
    if actor is not None and not _can_write_person(actor, person):
        raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    unknown = set(data) - set(EDITABLE_FIELDS) - {"mobile"}
    if unknown:
        raise ApplicationError(_("不能修改这些字段：{fields}。").format(fields=enumeration(sorted(unknown))))
    before = audit.snapshot(person)
    if "name" in data:
        data["name"] = _clean_name(data["name"], errors)
    if person.id_type == RESIDENT_ID and ("sex" in data or "birth_date" in data):
        number = get_provider().decrypt(person.id_number_encrypted, associated_data=ID_CIPHER_AAD)
        _check_identity(
            id_type=RESIDENT_ID, id_number=number, sex=data.get("sex"), birth_date=data.get("birth_date"),
            errors=errors,
        )
    if "mobile" in data:
        mobile = _clean_mobile(data.pop("mobile"), errors)
        if not errors:
            provider = get_provider()
            person.mobile_encrypted = provider.encrypt(mobile, associated_data=MOBILE_CIPHER_AAD) if mobile else ""
            person.mobile_masked = mask_mobile(mobile) if mobile else ""
    if errors:
        raise ApplicationError(_("人员信息有误，请按提示修改。"), errors=errors)
    for key, value in data.items():
        setattr(person, key, value)
    person.full_clean(exclude=["id_number_encrypted", "id_number_hash", "id_number_masked", "mobile_encrypted"])
    person.save()
    if actor is not None and not _can_write_person(actor, person):
        # The change would move the person out of the actor's own scope (e.g. a district admin
        # setting a residence in another district): refuse, and the transaction rolls back.
        raise ApplicationError(_(ERR_UPDATE_LEAVES_SCOPE), field="residence_region")
    audit.record(
        "people.person.updated", obj=person, changes=audit.diff(before, audit.snapshot(person)), actor=actor
    )
    return person


def person_reveal_id_number(*, actor: Any, person: Person) -> str:
    """Return the full ID number to a role allowed to see it, and log the reveal.

    Not one atomic block: a refused attempt must leave its "denied" entry behind, and an
    atomic block would roll that entry back together with the PermissionDeniedError.
    """
    scope = scope_for(actor)
    if not scope.can_reveal or not person_queryset(actor).filter(pk=person.pk).exists():
        audit.record(
            "people.person.id_revealed", obj=person, outcome="denied", actor=actor,
        )
        raise PermissionDeniedError(_("您的角色不能查看完整证件号码。"))
    with transaction.atomic():
        # The entry is written before the number leaves the service.
        audit.record("people.person.id_revealed", obj=person, actor=actor)
    return get_provider().decrypt(person.id_number_encrypted, associated_data=ID_CIPHER_AAD)


def person_reveal_mobile(*, actor: Any, person: Person) -> str:
    with transaction.atomic():
        scope = scope_for(actor)
        if not scope.can_reveal or not person_queryset(actor).filter(pk=person.pk).exists():
            raise PermissionDeniedError(_("您的角色不能查看完整手机号码。"))
        audit.record("people.person.mobile_revealed", obj=person, actor=actor)
    if not person.mobile_encrypted:
        return ""
    return get_provider().decrypt(person.mobile_encrypted, associated_data=MOBILE_CIPHER_AAD)


def _refresh_current_employer(person: Person) -> None:
    current = (
        Employment.objects.filter(person=person, end_date__isnull=True).order_by("-start_date", "-id").first()
    )
    employer_id = current.organization_id if current else None
    if person.current_employer_id != employer_id:
        person.current_employer_id = employer_id
        person.save(update_fields=["current_employer", "updated_at"])


@transaction.atomic
def employment_add(
    *,
    actor: Any,
    person: Person,
    organization: Organization,
    start_date: dt.date,
    end_date: dt.date | None = None,
    post: str = "",
    occupation: Occupation | None = None,
    close_previous: bool = True,
) -> Employment:
    """Record a job. A new open job closes the previous open one the day before it starts."""
    if (
        actor is not None
        and not _can_write_person(actor, person)
        and not organization_queryset(actor, write=True).filter(pk=organization.pk).exists()
    ):
        raise PermissionDeniedError()
    if end_date and end_date < start_date:
        raise ApplicationError(_(ERR_EMPLOYMENT_DATES), field="end_date")
    if start_date > timezone.localdate():
        raise ApplicationError(_(ERR_DATE_FUTURE), field="start_date")
    if end_date is None and close_previous:
        for previous in Employment.objects.filter(person=person, end_date__isnull=True, start_date__lt=start_date):
            previous.end_date = start_date - dt.timedelta(days=1)
            previous.save(update_fields=["end_date", "updated_at"])
    employment = Employment(
        person=person, organization=organization, start_date=start_date, end_date=end_date, post=post,
        occupation=occupation,
    )
    employment.full_clean()
    employment.save()
    _refresh_current_employer(person)
    audit.record("people.employment.created", obj=employment, changes=audit.snapshot(employment), actor=actor)
    return employment


@transaction.atomic
def employment_end(*, actor: Any, employment: Employment, end_date: dt.date) -> Employment:
    if actor is not None and not _can_write_person(actor, employment.person):
        raise PermissionDeniedError()
    if end_date < employment.start_date:
        raise ApplicationError(_(ERR_EMPLOYMENT_DATES), field="end_date")
    employment.end_date = end_date
    employment.save(update_fields=["end_date", "updated_at"])
    _refresh_current_employer(employment.person)
    audit.record("people.employment.ended", obj=employment, changes={"end_date": end_date.isoformat()}, actor=actor)
    return employment


def person_refresh_level(person: Person) -> Person:
    """Derive the current level and main occupation from valid level-bearing certificates."""
    best = (
        Certificate.objects.filter(holder=person, status=Certificate.Status.VALID, level__isnull=False)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate()))
        .exclude(kind=Certificate.Kind.INTERNATIONAL)
        .order_by("-level", "-issue_date", "-id")
        .first()
    )
    level = best.level if best else None
    occupation_id = best.occupation_id if best else None
    if person.current_level != level or person.primary_occupation_id != occupation_id:
        person.current_level = level
        person.primary_occupation_id = occupation_id
        person.save(update_fields=["current_level", "primary_occupation", "updated_at"])
    return person


@transaction.atomic
def certificate_record(
    *,
    actor: Any,
    holder: Person,
    number: str,
    issue_date: dt.date,
    kind: str = Certificate.Kind.SKILL_LEVEL,
    level: int | None = None,
    occupation: Occupation | None = None,
    occupation_name: str = "",
    work_type: Any = None,
    issuer: Organization | None = None,
    issuer_name: str = "",
    valid_until: dt.date | None = None,
    source: str = Certificate.Source.MANUAL,
    source_ref: str = "",
) -> Certificate:
    """Record a certificate a person holds (historical, imported, or issued by another module).

    The national 22-character and legacy 16-digit formats are recognised and their level digit
    must agree with ``level``; other formats are stored as "other". The holder's level follows.
    """
    if actor is not None and not _can_write_person(actor, holder):
        raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    try:
        parsed = parse_certificate_number(number)
    except ValueError:
        raise ApplicationError(_(ERR_CERT_NUMBER), field="number") from None
    if level is None and parsed.national_grade is not None and kind in (
        Certificate.Kind.SKILL_LEVEL, Certificate.Kind.QUALIFICATION
    ):
        level = level_from_national_grade(parsed.national_grade)
    if (
        level is not None
        and parsed.national_grade is not None
        and level_from_national_grade(parsed.national_grade) != level
    ):
        pos = 16 if parsed.scheme == "national" else 11
        errors.setdefault("level", []).append(
            _(ERR_CERT_LEVEL_MISMATCH).format(pos=pos, digit=parsed.national_grade, level=SkillLevel(level).label)
        )
    if occupation is not None and level is not None and occupation.national_grades:
        from gongjiang.catalog.levels import national_grade

        grade = national_grade(level)
        if grade is not None and grade not in occupation.national_grades:
            errors.setdefault("level", []).append(
                _(ERR_LEVEL_NOT_IN_OCCUPATION).format(occupation=occupation.name, level=SkillLevel(level).label)
            )
    if issue_date > timezone.localdate():
        errors.setdefault("issue_date", []).append(_(ERR_DATE_FUTURE))
    if Certificate.objects.filter(kind=kind, number=parsed.number).exists():
        errors.setdefault("number", []).append(_(ERR_CERT_TAKEN).format(number=parsed.number))
    if errors:
        raise ApplicationError(_("证书信息有误，请按提示修改。"), errors=errors)
    certificate = Certificate(
        kind=kind, number=parsed.number, scheme=parsed.scheme, holder=holder, occupation=occupation,
        occupation_name=occupation_name or (occupation.name if occupation else ""), work_type=work_type,
        level=level, issuer=issuer, issuer_name=issuer_name or (issuer.name if issuer else ""),
        issue_date=issue_date, valid_until=valid_until, source=source, source_ref=source_ref,
    )
    certificate.full_clean()
    certificate.save()
    audit.record("people.certificate.recorded", obj=certificate, changes=audit.snapshot(certificate), actor=actor)
    person_refresh_level(holder)
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    if actor is not None and not _can_write_person(actor, certificate.holder):
        raise PermissionDeniedError()
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_(ERR_REVOKE_REASON), field="reason")
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_reason = reason
    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["status", "revoked_reason", "revoked_at", "updated_at"])
    audit.record("people.certificate.revoked", obj=certificate, changes={"reason": reason}, actor=actor)
    person_refresh_level(certificate.holder)
    return certificate


@transaction.atomic
def honor_add(
    *, actor: Any, person: Person, title: str, name: str, level: str, year: int, awarded_by: str = "",
    source: str = "manual", source_ref: str = "",
) -> Honor:
    if actor is not None and not _can_write_person(actor, person):
        raise PermissionDeniedError()
    if not 1950 <= int(year) <= timezone.localdate().year:
        raise ApplicationError(_(ERR_HONOR_YEAR), field="year")
    honor = Honor(
        person=person, title=title, name=(name or Honor.Title(title).label).strip(), level=level, year=year,
        awarded_by=awarded_by, source=source, source_ref=source_ref,
    )
    honor.full_clean()
    honor.save()
    audit.record("people.honor.added", obj=honor, changes=audit.snapshot(honor), actor=actor)
    return honor


def rotate_person_keys(*, batch_size: int = 1000) -> int:
    """Re-encrypt ID and mobile ciphertexts written under an old key with the active key."""
    return keyrotation.reencrypt(
        Person.objects.all(), action="people.keys.rotated", batch_size=batch_size,
        fields={"id_number_encrypted": lambda _person: ID_CIPHER_AAD,
                "mobile_encrypted": lambda _person: MOBILE_CIPHER_AAD},
    )
