"""Writes to international cooperation data: one function per use case, one transaction each.

The managing body (``managed_by`` / ``decided_by`` / ``guided_by``) must be an organisation the
actor may write to; ``actor=None`` is a system job (the demo).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.catalog.models import Occupation
from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.rules import RuleError, normalize_text
from gongjiang.core.text import enumeration
from gongjiang.international import rules
from gongjiang.international.models import (
    Agreement,
    AgreementParty,
    Alliance,
    AllianceMember,
    ExchangeEvent,
    ForeignCertificate,
    InternationalMentor,
    JointProject,
    MentorEngagement,
    PartnerProfile,
    Recognition,
)
from gongjiang.international.selectors import (
    agreement_effective_status,
    agreement_queryset,
    alliance_queryset,
    joint_project_queryset,
    mentor_queryset,
    partner_queryset,
    recognition_queryset,
)
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset, scope_for
from gongjiang.people.models import Certificate, Person

ERR_MANAGER_SCOPE = gettext_noop("管理单位须是您管理的单位。")
ERR_NAME_REQUIRED = gettext_noop("请填写名称。")
ERR_PARTNER_KIND = gettext_noop("机构类型不正确。")
ERR_PARTY_COUNT = gettext_noop("协议须至少有两个签约方。")
ERR_PARTY_DUPLICATE = gettext_noop("同一单位不能重复列为签约方。")
ERR_NOT_A_PARTY = gettext_noop("该单位不是此协议的签约方。")
ERR_APPROVE_SCOPE = gettext_noop("只能由签约方本单位的管理员确认，或由协议管理单位凭境外方的确认依据代为登记。")
ERR_EVIDENCE_REQUIRED = gettext_noop("代境外方登记确认时须填写确认依据（如邮件日期、签字页）。")
ERR_TERMINATED = gettext_noop("协议已终止，不能修改。")
ERR_TERMINATE_REASON = gettext_noop("终止协议须填写原因。")
ERR_DOCUMENT_EMPTY = gettext_noop("协议文本文件为空。")
ERR_MEMBER_DUPLICATE = gettext_noop("该单位已是联盟成员。")
ERR_CERTIFICATE_DUPLICATE = gettext_noop("联盟成员证书编号 {number} 已使用。")
ERR_ENGAGEMENT_TARGET = gettext_noop("聘用须关联一个培训项目或联合培养项目（可都填）。")
ERR_DATES = gettext_noop("结束日期不能早于开始日期。")
ERR_HOURS = gettext_noop("学时须为不小于 0 的数字。")
ERR_RECOGNITION_DUPLICATE = gettext_noop("认可清单中已有该资格（同一颁发机构、国家和认定单位）。")
ERR_RECOGNITION_LEVEL = gettext_noop("比照等级不正确。")
ERR_CERT_NOT_INTERNATIONAL = gettext_noop("只有“境外/国际职业资格证书”类证书可以关联认可依据。")
ERR_RECOGNITION_NOT_RECOGNISED = gettext_noop("所选认可依据尚未认可（{decision}），不能关联。")


def _require_manager(actor: Any, organization: Organization, field: str = "managed_by") -> None:
    if actor is None:
        return
    if scope_for(actor).write_everything:
        return
    if not organization_queryset(actor, write=True).filter(pk=organization.pk).exists():
        raise ApplicationError(_(ERR_MANAGER_SCOPE), field=field)


def _require_write(actor: Any, queryset: Any, obj: Any) -> None:
    if actor is not None and not queryset.filter(pk=obj.pk).exists():
        raise PermissionDeniedError()


def _country(code: str, field: str = "country") -> str:
    try:
        return rules.normalize_country(code)
    except RuleError as exc:
        raise ApplicationError(exc.message, field=field) from None


# --- partners ---------------------------------------------------------------------------------
@transaction.atomic
def partner_create(
    *, actor: Any, name: str, country: str, partner_kind: str, managed_by: Organization, name_original: str = "",
    short_name: str = "", city: str = "", website: str = "", fields_of_cooperation: str = "",
    since: dt.date | None = None, foreign_registration: str = "",
) -> PartnerProfile:
    """Register a foreign partner: an ``orgs.Organization`` of kind ``foreign_partner`` and its profile."""
    from gongjiang.orgs.services import organization_create

    if actor is not None and not scope_for(actor).can_write:
        raise PermissionDeniedError()
    _require_manager(actor, managed_by)
    if partner_kind not in PartnerProfile.PartnerKind.values:
        raise ApplicationError(_(ERR_PARTNER_KIND), field="partner_kind")
    code = _country(country)
    # The organisation has no region (it is abroad), so orgs' own region check cannot place it;
    # the managing body, checked above, is what puts it in the actor's scope.
    organization = organization_create(
        actor=None, name=name, short_name=short_name, kind=Organization.Kind.FOREIGN_PARTNER, country=code,
        foreign_registration=foreign_registration,
    )
    return partner_register(
        actor=actor, organization=organization, partner_kind=partner_kind, managed_by=managed_by,
        name_original=name_original, city=city, website=website, fields_of_cooperation=fields_of_cooperation,
        since=since,
    )


@transaction.atomic
def partner_register(
    *, actor: Any, organization: Organization, partner_kind: str, managed_by: Organization, name_original: str = "",
    city: str = "", website: str = "", fields_of_cooperation: str = "", since: dt.date | None = None,
) -> PartnerProfile:
    """Add the partner profile to an organisation already registered as a foreign partner."""
    if actor is not None and not scope_for(actor).can_write:
        raise PermissionDeniedError()
    _require_manager(actor, managed_by)
    if organization.kind != Organization.Kind.FOREIGN_PARTNER:
        raise ApplicationError(_("只有“境外合作机构”类单位可以登记为境外合作伙伴。"), field="organization")
    if partner_kind not in PartnerProfile.PartnerKind.values:
        raise ApplicationError(_(ERR_PARTNER_KIND), field="partner_kind")
    if PartnerProfile.objects.filter(organization=organization).exists():
        raise ApplicationError(_("该机构已登记为境外合作伙伴。"), field="organization")
    profile = PartnerProfile(
        organization=organization, partner_kind=partner_kind, name_original=name_original.strip(), city=city.strip(),
        website=website.strip(), fields_of_cooperation=fields_of_cooperation.strip(), managed_by=managed_by,
        since=since,
    )
    profile.full_clean()
    profile.save()
    audit.record("international.partner.created", obj=profile, changes=audit.snapshot(profile), actor=actor)
    return profile


PARTNER_FIELDS = ("partner_kind", "name_original", "city", "website", "fields_of_cooperation", "since", "is_active")


@transaction.atomic
def partner_update(*, actor: Any, partner: PartnerProfile, **data: Any) -> PartnerProfile:
    _require_write(actor, partner_queryset(actor, write=True), partner)
    unknown = set(data) - set(PARTNER_FIELDS)
    if unknown:
        raise ApplicationError(_("不能设置这些字段：{fields}。").format(fields=enumeration(sorted(unknown))))
    before = audit.snapshot(partner)
    for key, value in data.items():
        setattr(partner, key, value.strip() if isinstance(value, str) else value)
    partner.full_clean()
    partner.save()
    audit.record("international.partner.updated", obj=partner, changes=audit.diff(before, audit.snapshot(partner)),
                 actor=actor)
    return partner


# --- agreements -------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartySpec:
    organization: Organization
    role: str = ""
    signatory: str = ""


def _content(agreement: Agreement) -> rules.AgreementContent:
    return rules.AgreementContent(
        title=agreement.title, kind=agreement.kind,
        party_ids=tuple(agreement.parties.values_list("organization_id", flat=True)),
        signed_date=agreement.signed_date, term_months=agreement.term_months,
        document_sha256=agreement.document_sha256, summary=agreement.summary,
    )


def _rehash(agreement: Agreement) -> bool:
    """Recompute the content hash. Returns whether it changed.

    A change after some party approved the old hash starts a new version (the approvals stay on
    record, for the old version); changes while nobody has approved yet refine the same draft.
    """
    new_hash = rules.content_hash(_content(agreement))
    changed = new_hash != agreement.content_hash
    if changed:
        if agreement.content_hash and agreement.parties.filter(approved_hash=agreement.content_hash).exists():
            agreement.version += 1
        agreement.content_hash = new_hash
    agreement.end_date = rules.agreement_end_date(agreement.signed_date, agreement.term_months)
    agreement.status = agreement_effective_status(agreement)
    agreement.save(update_fields=["content_hash", "version", "end_date", "status", "updated_at"])
    return changed


def _set_parties(agreement: Agreement, parties: Iterable[PartySpec]) -> None:
    specs = list(parties)
    ids = [spec.organization.pk for spec in specs]
    if len(ids) != len(set(ids)):
        raise ApplicationError(_(ERR_PARTY_DUPLICATE), field="parties")
    if len(ids) < 2:
        raise ApplicationError(_(ERR_PARTY_COUNT), field="parties")
    existing = {party.organization_id: party for party in agreement.parties.all()}
    for org_id, dropped in existing.items():
        if org_id not in ids:
            dropped.delete()
    for spec in specs:
        party = existing.get(spec.organization.pk)
        if party is None:
            AgreementParty.objects.create(agreement=agreement, organization=spec.organization, role=spec.role.strip(),
                                          signatory=spec.signatory.strip())
        elif (party.role, party.signatory) != (spec.role.strip(), spec.signatory.strip()):
            party.role, party.signatory = spec.role.strip(), spec.signatory.strip()
            party.save(update_fields=["role", "signatory", "updated_at"])


@transaction.atomic
def agreement_create(
    *, actor: Any, title: str, kind: str, managed_by: Organization, parties: Iterable[PartySpec],
    signed_date: dt.date | None = None, term_months: int | None = None, summary: str = "",
    alliance: Alliance | None = None,
) -> Agreement:
    """Draft an agreement with its parties. Its content hash is computed at once; parties approve
    it once the document is attached (see :func:`agreement_attach_document`)."""
    if actor is not None and not scope_for(actor).can_write:
        raise PermissionDeniedError()
    _require_manager(actor, managed_by)
    errors: dict[str, list[str]] = {}
    title = normalize_text(title or "")
    if not title:
        errors.setdefault("title", []).append(_(ERR_NAME_REQUIRED))
    if kind not in Agreement.Kind.values:
        errors.setdefault("kind", []).append(_("协议类型不正确。"))
    try:
        rules.check_term(term_months)
    except RuleError as exc:
        errors.setdefault("term_months", []).append(str(exc.message))
    if errors:
        raise ApplicationError(_("协议信息有误，请按提示修改。"), errors=errors)
    agreement = Agreement(title=title, kind=kind, managed_by=managed_by, signed_date=signed_date,
                          term_months=term_months, summary=summary.strip(), alliance=alliance)
    agreement.full_clean()
    agreement.save()
    _set_parties(agreement, parties)
    _rehash(agreement)
    audit.record("international.agreement.created", obj=agreement,
                 changes={**audit.snapshot(agreement, AGREEMENT_AUDIT_FIELDS), "parties": [p.organization.pk for p in parties]}, actor=actor)
    return agreement


AGREEMENT_FIELDS = ("title", "kind", "signed_date", "term_months", "summary", "alliance")
# core.audit.snapshot cannot serialise a FieldFile; the document is audited by its hash instead.
AGREEMENT_AUDIT_FIELDS = [*AGREEMENT_FIELDS, "managed_by", "document_sha256", "content_hash", "version", "status"]


@transaction.atomic
def agreement_update(*, actor: Any, agreement: Agreement, parties: Iterable[PartySpec] | None = None,
                     **data: Any) -> Agreement:
    """Change the agreed content. Any change gives a new version hash; earlier approvals stay on
    record but no longer count, so every party must approve the new version."""
    _require_write(actor, agreement_queryset(actor, write=True), agreement)
    if agreement.terminated_on is not None:
        raise ApplicationError(_(ERR_TERMINATED))
    unknown = set(data) - set(AGREEMENT_FIELDS)
    if unknown:
        raise ApplicationError(_("不能设置这些字段：{fields}。").format(fields=enumeration(sorted(unknown))))
    if "term_months" in data:
        try:
            rules.check_term(data["term_months"])
        except RuleError as exc:
            raise ApplicationError(exc.message, field="term_months") from None
    before = audit.snapshot(agreement, AGREEMENT_AUDIT_FIELDS)
    for key, value in data.items():
        setattr(agreement, key, normalize_text(value) if key == "title" else value)
    agreement.full_clean()
    agreement.save()
    if parties is not None:
        _set_parties(agreement, parties)
    changed = _rehash(agreement)
    audit.record("international.agreement.updated", obj=agreement, changes={
        **audit.diff(before, audit.snapshot(agreement, AGREEMENT_AUDIT_FIELDS)), "new_version": changed, "hash": agreement.content_hash,
    }, actor=actor)
    return agreement


@transaction.atomic
def agreement_attach_document(*, actor: Any, agreement: Agreement, content: bytes, filename: str) -> Agreement:
    """Attach (or replace) the agreement text. Its SHA-256 goes into the content hash."""
    _require_write(actor, agreement_queryset(actor, write=True), agreement)
    if agreement.terminated_on is not None:
        raise ApplicationError(_(ERR_TERMINATED))
    if not content:
        raise ApplicationError(_(ERR_DOCUMENT_EMPTY), field="document")
    digest = hashlib.sha256(content).hexdigest()
    safe_name = filename.replace("/", "_").replace("\\", "_")[-150:] or "agreement.pdf"
    agreement.document.save(f"{digest[:16]}-{safe_name}", ContentFile(content), save=False)
    agreement.document_name = safe_name
    agreement.document_sha256 = digest
    agreement.save(update_fields=["document", "document_name", "document_sha256", "updated_at"])
    changed = _rehash(agreement)
    audit.record("international.agreement.document_attached", obj=agreement, changes={
        "document_sha256": digest, "filename": safe_name, "new_version": changed, "hash": agreement.content_hash,
    }, actor=actor)
    return agreement


def agreement_may_approve(actor: Any, agreement: Agreement, party: AgreementParty) -> tuple[bool, bool]:
    """(may approve, on behalf of a foreign party)."""
    if organization_queryset(actor, write=True).filter(pk=party.organization_id).exists():
        return True, False
    foreign = party.organization.kind == Organization.Kind.FOREIGN_PARTNER
    manages = agreement_queryset(actor, write=True).filter(pk=agreement.pk).exists()
    return foreign and manages, True


@transaction.atomic
def agreement_approve(*, actor: Any, agreement: Agreement, party: AgreementParty, content_hash: str,
                      evidence: str = "") -> AgreementParty:
    """A party approves one exact version. A local party's administrator approves for it; the
    managing body records a foreign party's approval with the evidence it received."""
    agreement = Agreement.objects.select_for_update(no_key=True).get(pk=agreement.pk)
    if party.agreement_id != agreement.pk:
        raise ApplicationError(_(ERR_NOT_A_PARTY), field="party")
    on_behalf = False
    if actor is not None:
        allowed, on_behalf = agreement_may_approve(actor, agreement, party)
        if not allowed:
            raise PermissionDeniedError(_(ERR_APPROVE_SCOPE))
        if on_behalf and not evidence.strip():
            raise ApplicationError(_(ERR_EVIDENCE_REQUIRED), field="evidence")
    if agreement.terminated_on is not None:
        raise ApplicationError(_(ERR_TERMINATED))
    missing = rules.missing_for_approval(_content(agreement))
    if missing:
        raise ApplicationError(str(rules.ERR_AGREEMENT_INCOMPLETE).format(missing=enumeration(missing)))
    try:
        rules.check_approval(presented_hash=content_hash, current_hash=agreement.content_hash)
    except RuleError as exc:
        raise ApplicationError(exc.message, field="content_hash") from None
    party.approved_hash = agreement.content_hash
    party.approved_version = agreement.version
    party.approved_at = timezone.now()
    party.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    party.approval_evidence = evidence.strip()[:300]
    party.save(update_fields=["approved_hash", "approved_version", "approved_at", "approved_by",
                              "approval_evidence", "updated_at"])
    _rehash(agreement)
    audit.record("international.agreement.approved", obj=agreement, changes={
        "party": party.organization_id, "hash": agreement.content_hash, "version": agreement.version,
        "on_behalf": on_behalf, "evidence": evidence.strip(),
    }, actor=actor)
    return party


@transaction.atomic
def agreement_terminate(*, actor: Any, agreement: Agreement, on: dt.date, reason: str) -> Agreement:
    _require_write(actor, agreement_queryset(actor, write=True), agreement)
    if not (reason or "").strip():
        raise ApplicationError(_(ERR_TERMINATE_REASON), field="reason")
    agreement.terminated_on = on
    agreement.termination_reason = reason.strip()[:300]
    agreement.save(update_fields=["terminated_on", "termination_reason", "updated_at"])
    _rehash(agreement)
    audit.record("international.agreement.terminated", obj=agreement, changes={"on": on, "reason": reason},
                 actor=actor)
    return agreement


def agreement_refresh_statuses(*, today: dt.date | None = None) -> int:
    """Bring stored statuses up to date (agreements expire with time); returns how many changed."""
    changed = 0
    for agreement in Agreement.objects.exclude(status__in=[rules.TERMINATED]).prefetch_related("parties"):
        status = agreement_effective_status(agreement, today=today)
        if status != agreement.status:
            with transaction.atomic():
                previous = agreement.status
                agreement.status = status
                agreement.save(update_fields=["status", "updated_at"])
                audit.record("international.agreement.status_refreshed", obj=agreement,
                             changes={"status": [previous, status]})
            changed += 1
    return changed


def document_matches(*, agreement: Agreement, content: bytes) -> bool:
    """Whether a file someone holds is exactly the approved agreement text."""
    return bool(agreement.document_sha256) and hashlib.sha256(content).hexdigest() == agreement.document_sha256


# --- alliances --------------------------------------------------------------------------------
@transaction.atomic
def alliance_create(*, actor: Any, name: str, founded_on: dt.date, guided_by: Organization,
                    secretariat: Organization | None = None, description: str = "", short_name: str = "") -> Alliance:
    from gongjiang.orgs.services import organization_create

    if actor is not None and not scope_for(actor).can_write:
        raise PermissionDeniedError()
    _require_manager(actor, guided_by, field="guided_by")
    organization = organization_create(actor=None, name=name, short_name=short_name, kind=Organization.Kind.ALLIANCE,
                                       region=guided_by.region)
    return alliance_register(actor=actor, organization=organization, founded_on=founded_on, guided_by=guided_by,
                             secretariat=secretariat, description=description)


@transaction.atomic
def alliance_register(*, actor: Any, organization: Organization, founded_on: dt.date, guided_by: Organization,
                      secretariat: Organization | None = None, description: str = "") -> Alliance:
    """Add the alliance profile to an organisation already registered as an alliance."""
    if actor is not None and not scope_for(actor).can_write:
        raise PermissionDeniedError()
    _require_manager(actor, guided_by, field="guided_by")
    if organization.kind != Organization.Kind.ALLIANCE:
        raise ApplicationError(_("只有“联盟”类单位可以登记为联盟。"), field="organization")
    alliance = Alliance(organization=organization, founded_on=founded_on, guided_by=guided_by,
                        secretariat=secretariat, description=description.strip())
    alliance.full_clean()
    alliance.save()
    audit.record("international.alliance.created", obj=alliance, changes=audit.snapshot(alliance), actor=actor)
    return alliance


@transaction.atomic
def alliance_member_add(*, actor: Any, alliance: Alliance, organization: Organization, joined_on: dt.date,
                        role: str = AllianceMember.Role.MEMBER, certificate_number: str = "",
                        certificate_issued_on: dt.date | None = None) -> AllianceMember:
    """Admit a member; a member certificate number is issued when none is given."""
    _require_write(actor, alliance_queryset(actor, write=True), alliance)
    if AllianceMember.objects.filter(alliance=alliance, organization=organization).exists():
        raise ApplicationError(_(ERR_MEMBER_DUPLICATE), field="organization")
    number = certificate_number.strip().upper()
    if not number:
        # A race that picks the same number is caught by the unique constraint below.
        count = AllianceMember.objects.filter(alliance=alliance).count()
        number = f"LM{alliance.pk:03d}-{joined_on:%Y}-{count + 1:03d}"
    member = AllianceMember(alliance=alliance, organization=organization, role=role, joined_on=joined_on,
                            certificate_number=number, certificate_issued_on=certificate_issued_on or joined_on)
    member.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ApplicationError(_(ERR_CERTIFICATE_DUPLICATE).format(number=number), field="certificate_number") from None
    audit.record("international.alliance.member_added", obj=member, changes=audit.snapshot(member), actor=actor)
    return member


@transaction.atomic
def alliance_member_leave(*, actor: Any, member: AllianceMember, on: dt.date) -> AllianceMember:
    _require_write(actor, alliance_queryset(actor, write=True), member.alliance)
    member.left_on = on
    member.save(update_fields=["left_on", "updated_at"])
    audit.record("international.alliance.member_left", obj=member, changes={"on": on}, actor=actor)
    return member


# --- joint projects, mentors, events ------------------------------------------------------------
@transaction.atomic
def joint_project_create(
    *, actor: Any, name: str, managed_by: Organization, partners: Iterable[Organization], start_date: dt.date,
    end_date: dt.date | None = None, agreement: Agreement | None = None, programs: Iterable[Any] = (),
    participants: Iterable[Person] = (), occupation_name: str = "", status: str = JointProject.Status.ACTIVE,
    description: str = "",
) -> JointProject:
    if actor is not None and not scope_for(actor).can_write:
        raise PermissionDeniedError()
    _require_manager(actor, managed_by)
    if end_date and end_date < start_date:
        raise ApplicationError(_(ERR_DATES), field="end_date")
    project = JointProject(name=normalize_text(name), managed_by=managed_by, agreement=agreement,
                           start_date=start_date, end_date=end_date, occupation_name=occupation_name.strip(),
                           status=status, description=description.strip())
    project.full_clean()
    project.save()
    project.partners.set(list(partners))
    project.programs.set(list(programs))
    project.participants.set(list(participants))
    audit.record("international.joint_project.created", obj=project, changes={
        **audit.snapshot(project), "partners": [p.pk for p in project.partners.all()],
        "participants": project.participants.count(),
    }, actor=actor)
    return project


@transaction.atomic
def joint_project_update(*, actor: Any, project: JointProject, partners: Iterable[Organization] | None = None,
                         programs: Iterable[Any] | None = None, participants: Iterable[Person] | None = None,
                         **data: Any) -> JointProject:
    _require_write(actor, joint_project_queryset(actor, write=True), project)
    allowed = {"name", "start_date", "end_date", "agreement", "occupation_name", "status", "description"}
    if set(data) - allowed:
        raise ApplicationError(_("不能设置这些字段：{fields}。").format(fields=enumeration(sorted(set(data) - allowed))))
    before = audit.snapshot(project)
    for key, value in data.items():
        setattr(project, key, value)
    if project.end_date and project.end_date < project.start_date:
        raise ApplicationError(_(ERR_DATES), field="end_date")
    project.full_clean()
    project.save()
    if partners is not None:
        project.partners.set(list(partners))
    if programs is not None:
        project.programs.set(list(programs))
    if participants is not None:
        project.participants.set(list(participants))
    audit.record("international.joint_project.updated", obj=project,
                 changes=audit.diff(before, audit.snapshot(project)), actor=actor)
    return project


@transaction.atomic
def mentor_create(*, actor: Any, name: str, country: str, expertise: str, managed_by: Organization,
                  introduced_on: dt.date, organization: Organization | None = None, title: str = "") -> InternationalMentor:
    if actor is not None and not scope_for(actor).can_write:
        raise PermissionDeniedError()
    _require_manager(actor, managed_by)
    mentor = InternationalMentor(name=normalize_text(name), country=_country(country), expertise=expertise.strip(),
                                 managed_by=managed_by, introduced_on=introduced_on, organization=organization,
                                 title=title.strip())
    mentor.full_clean()
    mentor.save()
    audit.record("international.mentor.created", obj=mentor, changes=audit.snapshot(mentor), actor=actor)
    return mentor


@transaction.atomic
def mentor_set_active(*, actor: Any, mentor: InternationalMentor, is_active: bool) -> InternationalMentor:
    _require_write(actor, mentor_queryset(actor, write=True), mentor)
    mentor.is_active = is_active
    mentor.save(update_fields=["is_active", "updated_at"])
    audit.record("international.mentor.updated", obj=mentor, changes={"is_active": is_active}, actor=actor)
    return mentor


@transaction.atomic
def engagement_add(*, actor: Any, mentor: InternationalMentor, description: str, start_date: dt.date,
                   end_date: dt.date | None = None, program: Any = None, joint_project: JointProject | None = None,
                   hours: Any = None) -> MentorEngagement:
    _require_write(actor, mentor_queryset(actor, write=True), mentor)
    if program is None and joint_project is None:
        raise ApplicationError(_(ERR_ENGAGEMENT_TARGET), field="program")
    if end_date and end_date < start_date:
        raise ApplicationError(_(ERR_DATES), field="end_date")
    value = None
    if hours not in (None, ""):
        try:
            value = Decimal(str(hours))
            if value < 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise ApplicationError(_(ERR_HOURS), field="hours") from None
    engagement = MentorEngagement(mentor=mentor, description=description.strip(), start_date=start_date,
                                  end_date=end_date, program=program, joint_project=joint_project, hours=value)
    engagement.full_clean()
    engagement.save()
    audit.record("international.mentor.engaged", obj=engagement, changes=audit.snapshot(engagement), actor=actor)
    return engagement


@transaction.atomic
def event_create(*, actor: Any, name: str, kind: str, held_on: dt.date, managed_by: Organization,
                 location: str = "", country: str = "CN", partners: Iterable[Organization] = (),
                 participant_count: int = 0, description: str = "") -> ExchangeEvent:
    if actor is not None and not scope_for(actor).can_write:
        raise PermissionDeniedError()
    _require_manager(actor, managed_by)
    code = (country or "CN").strip().upper()
    if code != "CN":
        code = _country(code)
    event = ExchangeEvent(name=normalize_text(name), kind=kind, held_on=held_on, managed_by=managed_by,
                          location=location.strip(), country=code, participant_count=participant_count,
                          description=description.strip())
    event.full_clean()
    event.save()
    event.partners.set(list(partners))
    audit.record("international.event.created", obj=event, changes=audit.snapshot(event), actor=actor)
    return event


# --- recognition ------------------------------------------------------------------------------
def _check_recognition(decision: str, decision_date: dt.date | None, level: int | None, title: str) -> None:
    try:
        rules.check_recognition(decision=decision, decision_date=decision_date, domestic_level=level,
                                domestic_title=title)
    except RuleError as exc:
        field = "decision_date" if exc.code == "decision_date" else "domestic_title"
        raise ApplicationError(exc.message, field=field) from None


@transaction.atomic
def recognition_create(
    *, actor: Any, qualification: str, awarding_body: str, country: str, decided_by: Organization,
    decision: str = Recognition.Decision.PENDING, decision_date: dt.date | None = None,
    domestic_level: int | None = None, domestic_title: str = "", category: str = Recognition.Category.SKILL,
    batch: str = "", document_number: str = "", qualification_original: str = "",
    occupation: Occupation | None = None, awarding_organization: Organization | None = None,
) -> Recognition:
    """Put a foreign qualification on the recognition list, with its decision and mapping."""
    if actor is not None and not scope_for(actor).can_write:
        raise PermissionDeniedError()
    _require_manager(actor, decided_by, field="decided_by")
    _check_recognition(decision, decision_date, domestic_level, domestic_title)
    recognition = Recognition(
        qualification=normalize_text(qualification), awarding_body=normalize_text(awarding_body),
        country=_country(country), decided_by=decided_by, decision=decision, decision_date=decision_date,
        domestic_level=domestic_level, domestic_title=domestic_title.strip(), category=category, batch=batch.strip(),
        document_number=document_number.strip(), qualification_original=qualification_original.strip(),
        occupation=occupation, awarding_organization=awarding_organization,
    )
    recognition.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            recognition.save()
    except IntegrityError:
        raise ApplicationError(_(ERR_RECOGNITION_DUPLICATE), field="qualification") from None
    audit.record("international.recognition.created", obj=recognition, changes=audit.snapshot(recognition),
                 actor=actor)
    return recognition


@transaction.atomic
def recognition_decide(*, actor: Any, recognition: Recognition, decision: str, decision_date: dt.date,
                       domestic_level: int | None = None, domestic_title: str = "",
                       document_number: str = "", batch: str = "") -> Recognition:
    _require_write(actor, recognition_queryset(actor, write=True), recognition)
    _check_recognition(decision, decision_date, domestic_level, domestic_title)
    before = audit.snapshot(recognition)
    recognition.decision = decision
    recognition.decision_date = decision_date
    recognition.domestic_level = domestic_level
    recognition.domestic_title = domestic_title.strip()
    if document_number:
        recognition.document_number = document_number.strip()
    if batch:
        recognition.batch = batch.strip()
    recognition.full_clean()
    recognition.save()
    audit.record("international.recognition.decided", obj=recognition,
                 changes=audit.diff(before, audit.snapshot(recognition)), actor=actor)
    return recognition


def _check_recognised(recognition: Recognition | None) -> None:
    if recognition is not None and recognition.decision not in (rules.RECOGNISED, rules.MAPPED):
        raise ApplicationError(_(ERR_RECOGNITION_NOT_RECOGNISED).format(
            decision=recognition.get_decision_display()), field="recognition")


@transaction.atomic
def foreign_certificate_record(
    *, actor: Any, holder: Person, number: str, issue_date: dt.date, qualification: str = "",
    awarding_body: str = "", country: str = "", recognition: Recognition | None = None,
    valid_until: dt.date | None = None, program: Any = None,
) -> ForeignCertificate:
    """Record a person's foreign or international certificate (people Certificate of kind
    "international") and link it to the recognition it falls under."""
    from gongjiang.people.services import certificate_record

    _check_recognised(recognition)
    code = _country(country or (recognition.country if recognition else ""))
    certificate = certificate_record(
        actor=actor, holder=holder, number=number, issue_date=issue_date, kind=Certificate.Kind.INTERNATIONAL,
        occupation=recognition.occupation if recognition else None,
        occupation_name=qualification or (recognition.qualification if recognition else ""),
        issuer_name=awarding_body or (recognition.awarding_body if recognition else ""),
        valid_until=valid_until, source=Certificate.Source.RECOGNITION,
        source_ref=f"international.recognition:{recognition.pk}" if recognition else "",
    )
    link = ForeignCertificate(certificate=certificate, recognition=recognition, country=code, program=program)
    link.full_clean()
    link.save()
    audit.record("international.foreign_certificate.recorded", obj=link,
                 changes={"certificate": certificate.pk, "recognition": recognition.pk if recognition else None},
                 actor=actor)
    return link


@transaction.atomic
def foreign_certificate_link(*, actor: Any, certificate: Certificate, recognition: Recognition | None,
                             country: str = "") -> ForeignCertificate:
    """Link an existing international certificate (e.g. one a training programme recorded) to its
    recognition, or change the link."""
    from gongjiang.people.selectors import person_queryset

    if actor is not None and not person_queryset(actor, write=True).filter(pk=certificate.holder_id).exists():
        raise PermissionDeniedError()
    if certificate.kind != Certificate.Kind.INTERNATIONAL:
        raise ApplicationError(_(ERR_CERT_NOT_INTERNATIONAL), field="certificate")
    _check_recognised(recognition)
    code = _country(country or (recognition.country if recognition else ""))
    link, created = ForeignCertificate.objects.update_or_create(
        certificate=certificate, defaults={"recognition": recognition, "country": code}
    )
    audit.record("international.foreign_certificate.linked", obj=link, changes={
        "certificate": certificate.pk, "recognition": recognition.pk if recognition else None, "created": created,
    }, actor=actor)
    return link
