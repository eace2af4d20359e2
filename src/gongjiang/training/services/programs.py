"""Programmes, sessions, nominations, selection, enrolment, attendance, assessment, completion.

One function per use case, one transaction each, every change audited. ``actor=None`` is a
system job (the demo, an import runner that has made its own checks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.rules import RuleError, normalize_text
from gongjiang.core.text import clauses, enumeration
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset, scope_for
from gongjiang.people.models import Certificate, Person
from gongjiang.people.selectors import person_queryset
from gongjiang.training import lock_objects, rules
from gongjiang.training.models import (
    Attendance,
    Enrollment,
    Nomination,
    PointsEntry,
    TrainingProgram,
    TrainingSession,
)
from gongjiang.training.selectors import program_can_manage

ERR_NAME_REQUIRED = gettext_noop("请填写项目名称。")
ERR_KIND = gettext_noop("项目类型不正确。")
ERR_DATES = gettext_noop("结束日期不能早于开始日期。")
ERR_ORGANIZER_SCOPE = gettext_noop("主办单位须是您管理的单位（或您所在地区的单位）。")
ERR_REGION_REQUIRED = gettext_noop("请填写项目所属地区（主办单位未设所在地区）。")
ERR_COUNTRY_REQUIRED = gettext_noop("境外研修须填写研修目的国（ISO 两位代码，如 DE）。")
ERR_DAYS = gettext_noop("研修天数应为 1 至项目起止日期之间的天数（{max_days} 天）。")
ERR_HOST_PARTNER = gettext_noop("境外接待机构须是已登记的境外合作机构。")
ERR_CERTIFICATE_TITLE = gettext_noop("颁发国际证书的项目须填写证书名称和颁发机构。")
ERR_DEADLINE = gettext_noop("推荐截止日期不能晚于项目开始日期。")
ERR_NUMBER = gettext_noop("“{field}”须为不小于 0 的数字。")
ERR_TRANSITION = gettext_noop("项目状态不能从“{current}”变为“{target}”。")
ERR_FINISH_OPEN_ENROLLMENTS = gettext_noop("还有 {count} 名学员未结业或退出，不能结束项目。")
ERR_SESSION_DATE = gettext_noop("课次日期 {date} 不在项目起止日期（{start}至{end}）内。")
ERR_SESSION_HAS_ATTENDANCE = gettext_noop("该课次已记录考勤，不能删除。")
ERR_SESSION_TIMES = gettext_noop("课次结束时间须晚于开始时间。")
ERR_NOT_OPEN = gettext_noop("项目“{name}”当前不接受推荐报名（状态：{status}）。")
ERR_DEADLINE_PASSED = gettext_noop("推荐报名已于 {deadline} 截止。")
ERR_ALREADY_NOMINATED = gettext_noop("{name} 已推荐或报名过此项目。")
ERR_NO_PERSON = gettext_noop("您的账号未关联技能人才档案，不能个人报名。")
ERR_NOT_NOMINATED = gettext_noop("只有“待遴选”的推荐可以撤回。")
ERR_SELECTION_FOREIGN = gettext_noop("遴选名单中有不属于本项目的推荐记录。")
ERR_SELECTION_STATE = gettext_noop("{name} 的推荐状态为“{status}”，不能再遴选。")
ERR_SELECTION_BOTH = gettext_noop("同一人不能既入选又未入选。")
ERR_SELECTION_PROGRAM_STATE = gettext_noop("项目状态为“{status}”，只有推荐报名中或培训中的项目可以遴选。")
ERR_ALREADY_ENROLLED = gettext_noop("{name} 已是本项目学员。")
ERR_ATTENDANCE_STATUS = gettext_noop("出勤情况取值不正确，可选：出勤、缺勤、请假。")
ERR_ATTENDANCE_FOREIGN = gettext_noop("考勤名单中有不属于本项目在训学员的记录（编号 {pk}）。")
ERR_NOT_ENROLLED = gettext_noop("学员状态为“{status}”，只有在训学员可以办理此项操作。")
ERR_COMPLETION_REFUSED = gettext_noop("不符合结业条件：{reasons}")
ERR_CERTIFICATE_NEEDS_NUMBER = gettext_noop("项目颁发国际证书，请填写证书编号和发证日期；未取得证书的可不填。")
ERR_DROPOUT_REASON = gettext_noop("退出培训须填写原因。")
ERR_ADJUST_ZERO = gettext_noop("调整积分不能为 0。")
ERR_ADJUST_REASON = gettext_noop("调整积分须填写原因。")
ERR_SCORE = gettext_noop("考核成绩应为 0–100 之间的数字。")
ERR_EVALUATION_APPLICATION = gettext_noop("技能等级认定申报 {pk} 不存在，或不是该学员本人的申报。")

PROGRAM_FIELDS = (
    "name", "kind", "organizer", "provider", "region", "occupation", "occupation_name", "target_level",
    "destination_country", "host_partner", "days", "start_date", "end_date", "nomination_deadline", "capacity",
    "hours", "cost_per_person", "funding_source", "subsidy_policy", "selection_criteria", "min_attendance_rate",
    "assessment_required", "awards_international_certificate", "certificate_title", "certificate_awarding_body",
    "leads_to_evaluation", "points_per_hour", "max_hours_points", "completion_points", "certificate_points",
    "description",
)


def _require_manage(actor: Any, program: TrainingProgram) -> None:
    if actor is not None and not program_can_manage(actor, program):
        raise PermissionDeniedError()


def _decimal(value: Any, field: str, label: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_(ERR_NUMBER).format(field=label))
        return None
    if number < 0:
        errors.setdefault(field, []).append(_(ERR_NUMBER).format(field=label))
    return number


def _clean_program(data: dict[str, Any], *, instance: TrainingProgram | None, actor: Any) -> dict[str, Any]:
    from gongjiang.international.rules import normalize_country

    unknown = set(data) - set(PROGRAM_FIELDS) - {"partners"}
    if unknown:
        raise ApplicationError(_("不能设置这些字段：{fields}。").format(fields=enumeration(sorted(unknown))))
    merged = {name: getattr(instance, name) for name in PROGRAM_FIELDS} if instance else {}
    merged.update(data)
    errors: dict[str, list[str]] = {}
    merged["name"] = normalize_text(merged.get("name") or "")
    if not merged["name"]:
        errors.setdefault("name", []).append(_(ERR_NAME_REQUIRED))
    kind = merged.get("kind")
    if kind not in TrainingProgram.Kind.values:
        errors.setdefault("kind", []).append(_(ERR_KIND))
    start, end = merged.get("start_date"), merged.get("end_date")
    if start and end and end < start:
        errors.setdefault("end_date", []).append(_(ERR_DATES))
    deadline = merged.get("nomination_deadline")
    if deadline and start and deadline > start:
        errors.setdefault("nomination_deadline", []).append(_(ERR_DEADLINE))
    organizer: Organization | None = merged.get("organizer")
    if organizer is None:
        errors.setdefault("organizer", []).append(_("请选择主办单位。"))
    elif actor is not None and "organizer" in data and not scope_for(actor).write_everything and not (
        organization_queryset(actor, write=True).filter(pk=organizer.pk).exists()
    ):
        errors.setdefault("organizer", []).append(_(ERR_ORGANIZER_SCOPE))
    if not merged.get("region") and organizer is not None:
        merged["region"] = organizer.region
    if not merged.get("region"):
        errors.setdefault("region", []).append(_(ERR_REGION_REQUIRED))
    if kind == TrainingProgram.Kind.OVERSEAS_STUDY:
        try:
            merged["destination_country"] = normalize_country(merged.get("destination_country") or "")
        except RuleError:
            errors.setdefault("destination_country", []).append(_(ERR_COUNTRY_REQUIRED))
        if start and end:
            max_days = (end - start).days + 1
            days = merged.get("days") or max_days
            if not 1 <= int(days) <= max_days:
                errors.setdefault("days", []).append(_(ERR_DAYS).format(max_days=max_days))
            merged["days"] = days
    else:
        merged["destination_country"] = (merged.get("destination_country") or "").strip().upper()
    host = merged.get("host_partner")
    if host is not None and host.kind != Organization.Kind.FOREIGN_PARTNER:
        errors.setdefault("host_partner", []).append(_(ERR_HOST_PARTNER))
    if merged.get("awards_international_certificate") and not (
        (merged.get("certificate_title") or "").strip() and (merged.get("certificate_awarding_body") or "").strip()
    ):
        errors.setdefault("certificate_title", []).append(_(ERR_CERTIFICATE_TITLE))
    for field, label in (("hours", _("总学时")), ("cost_per_person", _("人均费用")),
                         ("points_per_hour", _("每学时积分"))):
        if field in merged:
            value = _decimal(merged.get(field), field, label, errors)
            if value is not None or field == "cost_per_person":
                merged[field] = value
    if merged.get("hours") is None:
        merged["hours"] = Decimal("0")
    if merged.get("points_per_hour") is None:
        merged["points_per_hour"] = Decimal("1")
    level = merged.get("target_level")
    if level not in (None, "") and int(level) not in SkillLevel.values:
        errors.setdefault("target_level", []).append(_("目标等级不正确。"))
    if errors:
        raise ApplicationError(_("培训项目信息有误，请按提示修改。"), errors=errors)
    return merged


@transaction.atomic
def program_create(*, actor: Any, partners: Iterable[Organization] = (), **data: Any) -> TrainingProgram:
    """Create a programme (as a draft unless ``status`` says otherwise) for an organiser in scope."""
    status = data.pop("status", TrainingProgram.Status.DRAFT)
    if actor is not None and not scope_for(actor).can_write:
        raise PermissionDeniedError()
    cleaned = _clean_program(data, instance=None, actor=actor)
    program = TrainingProgram(**{k: v for k, v in cleaned.items() if k in PROGRAM_FIELDS}, status=status,
                              created_by=actor if getattr(actor, "is_authenticated", False) else None)
    program.full_clean()
    program.save()
    if partners:
        program.partners.set(list(partners))
    audit.record("training.program.created", obj=program,
                 changes={**audit.snapshot(program), "partners": [p.pk for p in partners]}, actor=actor)
    return program


@transaction.atomic
def program_update(*, actor: Any, program: TrainingProgram, partners: Iterable[Organization] | None = None,
                   **data: Any) -> TrainingProgram:
    _require_manage(actor, program)
    before = audit.snapshot(program)
    cleaned = _clean_program(data, instance=program, actor=actor)
    fields = [name for name in PROGRAM_FIELDS if name in cleaned and getattr(program, name) != cleaned[name]]
    for name in fields:
        setattr(program, name, cleaned[name])
    program.full_clean()
    program.save(update_fields=[*fields, "updated_at"])
    changes = audit.diff(before, audit.snapshot(program))
    if partners is not None:
        program.partners.set(list(partners))
        changes["partners"] = [p.pk for p in partners]
    audit.record("training.program.updated", obj=program, changes=changes, actor=actor)
    return program


@transaction.atomic
def program_set_status(*, actor: Any, program: TrainingProgram, status: str, reason: str = "") -> TrainingProgram:
    """Publish, start, finish or cancel a programme. Finishing needs every enrolment closed."""
    _require_manage(actor, program)
    program = lock_objects.program_for_update(program)
    if not rules.program_transition_allowed(program.status, status):
        raise ApplicationError(_(ERR_TRANSITION).format(
            current=program.get_status_display(), target=TrainingProgram.Status(status).label
        ), field="status")
    if status == TrainingProgram.Status.FINISHED:
        still_open = program.enrollments.filter(status=Enrollment.Status.ENROLLED).count()
        if still_open:
            raise ApplicationError(_(ERR_FINISH_OPEN_ENROLLMENTS).format(count=still_open), field="status")
    previous = program.status
    program.status = status
    program.save(update_fields=["status", "updated_at"])
    audit.record("training.program.status_changed", obj=program,
                 changes={"status": [previous, status], "reason": reason}, actor=actor)
    return program


# --- sessions ---------------------------------------------------------------------------------
def _clean_session(program: TrainingProgram, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    title = normalize_text(data.get("title") or "")
    if not title:
        errors.setdefault("title", []).append(_("请填写课次内容。"))
    day = data.get("date")
    if day is None:
        errors.setdefault("date", []).append(_("请填写课次日期。"))
    elif not program.start_date <= day <= program.end_date:
        errors.setdefault("date", []).append(_(ERR_SESSION_DATE).format(
            date=day.isoformat(), start=program.start_date.isoformat(), end=program.end_date.isoformat()
        ))
    start_time, end_time = data.get("start_time"), data.get("end_time")
    if start_time and end_time and end_time <= start_time:
        errors.setdefault("end_time", []).append(_(ERR_SESSION_TIMES))
    hours = _decimal(data.get("hours"), "hours", _("学时"), errors)
    if errors:
        raise ApplicationError(_("课次信息有误，请按提示修改。"), errors=errors)
    return {**data, "title": title, "hours": hours if hours is not None else Decimal("0")}


@transaction.atomic
def session_add(*, actor: Any, program: TrainingProgram, title: str, date: dt.date, hours: Any = 0,
                start_time: dt.time | None = None, end_time: dt.time | None = None, location: str = "",
                teacher: str = "") -> TrainingSession:
    _require_manage(actor, program)
    program = lock_objects.program_for_update(program)
    cleaned = _clean_session(program, {"title": title, "date": date, "hours": hours, "start_time": start_time,
                                       "end_time": end_time})
    sequence = (program.sessions.aggregate(top=Max("sequence"))["top"] or 0) + 1
    session = TrainingSession(program=program, sequence=sequence, title=cleaned["title"], date=date,
                              hours=cleaned["hours"], start_time=start_time, end_time=end_time,
                              location=location.strip(), teacher=teacher.strip())
    session.full_clean()
    session.save()
    audit.record("training.session.created", obj=session, changes=audit.snapshot(session), actor=actor)
    return session


@transaction.atomic
def session_update(*, actor: Any, session: TrainingSession, **data: Any) -> TrainingSession:
    _require_manage(actor, session.program)
    allowed = {"title", "date", "hours", "start_time", "end_time", "location", "teacher"}
    if set(data) - allowed:
        raise ApplicationError(_("不能设置这些字段：{fields}。").format(fields=enumeration(sorted(set(data) - allowed))))
    before = audit.snapshot(session)
    merged = {name: getattr(session, name) for name in allowed}
    merged.update(data)
    cleaned = _clean_session(session.program, merged)
    for name in allowed:
        setattr(session, name, cleaned[name])
    session.full_clean()
    session.save()
    audit.record("training.session.updated", obj=session, changes=audit.diff(before, audit.snapshot(session)),
                 actor=actor)
    return session


@transaction.atomic
def session_delete(*, actor: Any, session: TrainingSession) -> None:
    _require_manage(actor, session.program)
    if session.attendances.exists():
        raise ApplicationError(_(ERR_SESSION_HAS_ATTENDANCE))
    audit.record("training.session.deleted", obj=session, changes=audit.snapshot(session), actor=actor)
    session.delete()


# --- nominations and selection ------------------------------------------------------------------
def _check_open(program: TrainingProgram, *, actor: Any) -> None:
    """Nominations need a published programme; people (not system jobs recording history, such
    as imports of past programmes) must also meet the deadline."""
    if program.status != TrainingProgram.Status.OPEN:
        raise ApplicationError(_(ERR_NOT_OPEN).format(name=program.name, status=program.get_status_display()),
                               field="program")
    if actor is not None and program.nomination_deadline and timezone.localdate() > program.nomination_deadline:
        raise ApplicationError(_(ERR_DEADLINE_PASSED).format(deadline=program.nomination_deadline.isoformat()),
                               field="program")


def _save_nomination(nomination: Nomination) -> Nomination:
    nomination.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        raise ApplicationError(_(ERR_ALREADY_NOMINATED).format(name=nomination.person.name), field="person") from None
    return nomination


@transaction.atomic
def nomination_create(*, actor: Any, program: TrainingProgram, person: Person, reason: str = "",
                      score: Any = None) -> Nomination:
    """An employer (or a bureau) puts a person forward; the organiser may also add someone.

    The employer must be able to change the person's record (the person works there); the
    organiser must manage the programme.
    """
    _check_open(program, actor=actor)
    channel = Nomination.Channel.EMPLOYER
    if actor is not None:
        may_nominate = person_queryset(actor, write=True).filter(pk=person.pk).exists()
        if not may_nominate:
            if not program_can_manage(actor, program):
                raise PermissionDeniedError(_("只能推荐本单位（或本地区）的人员。"))
            channel = Nomination.Channel.ORGANIZER
        elif program_can_manage(actor, program) and not scope_for(actor).has_role("org_admin"):
            channel = Nomination.Channel.ORGANIZER
    if Nomination.objects.filter(program=program, person=person).exists():
        raise ApplicationError(_(ERR_ALREADY_NOMINATED).format(name=person.name), field="person")
    errors: dict[str, list[str]] = {}
    score_value = _decimal(score, "score", _("遴选评分"), errors)
    if errors:
        raise ApplicationError(_("推荐信息有误。"), errors=errors)
    nomination = _save_nomination(Nomination(
        program=program, person=person, employer=person.current_employer, channel=channel,
        reason=(reason or "").strip(), score=score_value,
        nominated_by=actor if getattr(actor, "is_authenticated", False) else None,
    ))
    audit.record("training.nomination.created", obj=nomination, changes=audit.snapshot(nomination), actor=actor)
    return nomination


@transaction.atomic
def nomination_apply(*, actor: Any, program: TrainingProgram, reason: str = "") -> Nomination:
    """A worker applies for a programme themselves (个人报名)."""
    person = getattr(actor, "person", None) if actor is not None else None
    if person is None:
        raise ApplicationError(_(ERR_NO_PERSON))
    _check_open(program, actor=actor)
    if Nomination.objects.filter(program=program, person=person).exists():
        raise ApplicationError(_(ERR_ALREADY_NOMINATED).format(name=person.name), field="program")
    nomination = _save_nomination(Nomination(
        program=program, person=person, employer=person.current_employer, channel=Nomination.Channel.SELF,
        reason=(reason or "").strip(), nominated_by=actor,
    ))
    audit.record("training.nomination.applied", obj=nomination, changes=audit.snapshot(nomination), actor=actor)
    return nomination


@transaction.atomic
def nomination_withdraw(*, actor: Any, nomination: Nomination, reason: str = "") -> Nomination:
    if actor is not None:
        own = getattr(getattr(actor, "person", None), "pk", None) == nomination.person_id
        if not (own or person_queryset(actor, write=True).filter(pk=nomination.person_id).exists()
                or program_can_manage(actor, nomination.program)):
            raise PermissionDeniedError()
    if nomination.status != Nomination.Status.NOMINATED:
        raise ApplicationError(_(ERR_NOT_NOMINATED), field="status")
    nomination.status = Nomination.Status.WITHDRAWN
    nomination.decision_note = (reason or "").strip()
    nomination.save(update_fields=["status", "decision_note", "updated_at"])
    audit.record("training.nomination.withdrawn", obj=nomination, changes={"reason": reason}, actor=actor)
    return nomination


@transaction.atomic
def nomination_score(*, actor: Any, nomination: Nomination, score: Any, note: str = "") -> Nomination:
    """The organiser's score for a nominee, used to rank the shortlist."""
    _require_manage(actor, nomination.program)
    errors: dict[str, list[str]] = {}
    value = _decimal(score, "score", _("遴选评分"), errors)
    if errors:
        raise ApplicationError(_("遴选评分有误。"), errors=errors)
    before = audit.snapshot(nomination, ["score", "decision_note"])
    nomination.score = value
    if note:
        nomination.decision_note = note.strip()
    nomination.save(update_fields=["score", "decision_note", "updated_at"])
    audit.record("training.nomination.scored", obj=nomination,
                 changes=audit.diff(before, audit.snapshot(nomination, ["score", "decision_note"])), actor=actor)
    return nomination


@dataclass
class SelectionResult:
    selected: list[Nomination]
    not_selected: list[Nomination]
    enrollments: list[Enrollment]


@transaction.atomic
def selection_decide(
    *,
    actor: Any,
    program: TrainingProgram,
    selected: Iterable[Nomination],
    not_selected: Iterable[Nomination] = (),
    criteria: str = "",
    note: str = "",
    enrolled_on: dt.date | None = None,
) -> SelectionResult:
    """The organiser selects from the nominees: the selected are enrolled at once, the criteria
    applied are recorded on the programme, and the decision on every nomination."""
    _require_manage(actor, program)
    program = lock_objects.program_for_update(program)
    if program.status not in (TrainingProgram.Status.OPEN, TrainingProgram.Status.IN_PROGRESS):
        raise ApplicationError(_(ERR_SELECTION_PROGRAM_STATE).format(status=program.get_status_display()))
    chosen = list(selected)
    rejected = list(not_selected)
    if {n.pk for n in chosen} & {n.pk for n in rejected}:
        raise ApplicationError(_(ERR_SELECTION_BOTH))
    fresh = {n.pk: n for n in Nomination.objects.select_related("person").filter(
        pk__in=[n.pk for n in chosen + rejected])}
    for nomination in chosen + rejected:
        current = fresh.get(nomination.pk)
        if current is None or current.program_id != program.pk:
            raise ApplicationError(_(ERR_SELECTION_FOREIGN))
        if current.status not in (Nomination.Status.NOMINATED, Nomination.Status.NOT_SELECTED) or (
            current.status == Nomination.Status.NOT_SELECTED and nomination in rejected
        ):
            raise ApplicationError(_(ERR_SELECTION_STATE).format(name=current.person.name,
                                                                 status=current.get_status_display()))
    already = program.enrollments.exclude(status=Enrollment.Status.DROPPED).count()
    try:
        rules.check_selection(capacity=program.capacity, already_selected=already, wanted=len(chosen))
    except RuleError as exc:
        raise ApplicationError(exc.message, field="selected") from None
    if criteria.strip():
        program.selection_criteria = criteria.strip()
        program.save(update_fields=["selection_criteria", "updated_at"])
    now = timezone.now()
    decided_by = actor if getattr(actor, "is_authenticated", False) else None
    result = SelectionResult([], [], [])
    for nomination in chosen:
        current = fresh[nomination.pk]
        current.status = Nomination.Status.SELECTED
        current.decision_note = note.strip() or current.decision_note
        current.decided_at, current.decided_by = now, decided_by
        current.save(update_fields=["status", "decision_note", "decided_at", "decided_by", "updated_at"])
        result.selected.append(current)
        result.enrollments.append(_enroll(program, current.person, nomination=current,
                                          enrolled_on=enrolled_on or program.start_date))
    for nomination in rejected:
        current = fresh[nomination.pk]
        current.status = Nomination.Status.NOT_SELECTED
        current.decision_note = note.strip() or current.decision_note
        current.decided_at, current.decided_by = now, decided_by
        current.save(update_fields=["status", "decision_note", "decided_at", "decided_by", "updated_at"])
        result.not_selected.append(current)
    audit.record("training.selection.decided", obj=program, changes={
        "selected": [n.pk for n in result.selected], "not_selected": [n.pk for n in result.not_selected],
        "criteria": program.selection_criteria, "note": note,
    }, actor=actor)
    return result


def _enroll(program: TrainingProgram, person: Person, *, nomination: Nomination | None,
            enrolled_on: dt.date) -> Enrollment:
    if Enrollment.objects.filter(program=program, person=person).exists():
        raise ApplicationError(_(ERR_ALREADY_ENROLLED).format(name=person.name), field="person")
    enrollment = Enrollment(program=program, person=person, employer=person.current_employer,
                            nomination=nomination, enrolled_on=enrolled_on)
    enrollment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError:
        raise ApplicationError(_(ERR_ALREADY_ENROLLED).format(name=person.name), field="person") from None
    audit.record("training.enrollment.created", obj=enrollment, changes=audit.snapshot(enrollment))
    return enrollment


@transaction.atomic
def enrollment_create(*, actor: Any, program: TrainingProgram, person: Person,
                      enrolled_on: dt.date | None = None) -> Enrollment:
    """Enrol someone directly (walk-in classes, night school), within capacity."""
    _require_manage(actor, program)
    program = lock_objects.program_for_update(program)
    if program.status in (TrainingProgram.Status.FINISHED, TrainingProgram.Status.CANCELLED):
        raise ApplicationError(_(ERR_SELECTION_PROGRAM_STATE).format(status=program.get_status_display()))
    already = program.enrollments.exclude(status=Enrollment.Status.DROPPED).count()
    try:
        rules.check_selection(capacity=program.capacity, already_selected=already, wanted=1)
    except RuleError as exc:
        raise ApplicationError(exc.message, field="person") from None
    return _enroll(program, person, nomination=None, enrolled_on=enrolled_on or timezone.localdate())


# --- attendance, assessment, completion ----------------------------------------------------------
@transaction.atomic
def attendance_record(*, actor: Any, session: TrainingSession, marks: Mapping[int, str]) -> int:
    """Record attendance for a session: ``marks`` maps enrolment id → present/absent/leave.
    Marks already recorded are updated; returns how many marks were written."""
    program = session.program
    _require_manage(actor, program)
    if set(marks.values()) - set(Attendance.Status.values):
        raise ApplicationError(_(ERR_ATTENDANCE_STATUS), field="marks")
    enrollments = {e.pk: e for e in program.enrollments.filter(pk__in=list(marks), status=Enrollment.Status.ENROLLED)}
    for pk in marks:
        if int(pk) not in enrollments:
            raise ApplicationError(_(ERR_ATTENDANCE_FOREIGN).format(pk=pk), field="marks")
    recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    written = 0
    for pk, status in marks.items():
        Attendance.objects.update_or_create(
            enrollment=enrollments[int(pk)], session=session, defaults={"status": status, "recorded_by": recorded_by}
        )
        written += 1
    audit.record("training.attendance.recorded", obj=session,
                 changes={"marks": {str(k): v for k, v in marks.items()}}, actor=actor)
    return written


def _require_enrolled(enrollment: Enrollment) -> None:
    if enrollment.status != Enrollment.Status.ENROLLED:
        raise ApplicationError(_(ERR_NOT_ENROLLED).format(status=enrollment.get_status_display()), field="status")


@transaction.atomic
def assessment_record(*, actor: Any, enrollment: Enrollment, passed: bool, score: Any = None,
                      note: str = "") -> Enrollment:
    _require_manage(actor, enrollment.program)
    _require_enrolled(enrollment)
    errors: dict[str, list[str]] = {}
    value = _decimal(score, "score", _("考核成绩"), errors)
    if value is not None and value > 100:
        errors.setdefault("score", []).append(_(ERR_SCORE))
    if errors:
        raise ApplicationError(_("考核结果有误。"), errors=errors)
    enrollment.assessment_passed = bool(passed)
    enrollment.assessment_score = value
    enrollment.assessment_note = (note or "").strip()
    enrollment.save(update_fields=["assessment_passed", "assessment_score", "assessment_note", "updated_at"])
    audit.record("training.enrollment.assessed", obj=enrollment,
                 changes={"passed": bool(passed), "score": value, "note": note}, actor=actor)
    return enrollment


def _attendance_counts(enrollment: Enrollment) -> tuple[int, int, Decimal]:
    sessions = list(enrollment.program.sessions.all())
    present = set(enrollment.attendances.filter(status=Attendance.Status.PRESENT).values_list("session_id", flat=True))
    hours = sum((s.hours for s in sessions if s.pk in present), Decimal("0"))
    return len(present), len(sessions), hours


def completion_preview(*, enrollment: Enrollment) -> list[rules.Check]:
    """The checks completion would make now, for showing before the organiser confirms."""
    attended, total, _hours = _attendance_counts(enrollment)
    return rules.completion_checks(
        attended=attended, total=total, minimum_rate=enrollment.program.min_attendance_rate,
        assessment_required=enrollment.program.assessment_required, assessment_passed=enrollment.assessment_passed,
    )


def _award_points(enrollment: Enrollment, *, completed: bool, hours: Decimal, international: bool,
                  on: dt.date, actor: Any) -> list[PointsEntry]:
    lines = rules.points_for_training(
        enrollment.program.points_rule(), hours_attended=hours, completed=completed,
        international_certificate=international,
    )
    entries = []
    for line in lines:
        entry = PointsEntry(
            person=enrollment.person, organization=enrollment.employer, program=enrollment.program,
            enrollment=enrollment, kind=line.kind, points=line.points,
            reason=f"{enrollment.program.name}：{line.reason}", occurred_on=on,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        entry.full_clean(validate_constraints=False)
        entry.save()
        entries.append(entry)
    return entries


@transaction.atomic
def enrollment_complete(
    *,
    actor: Any,
    enrollment: Enrollment,
    on: dt.date | None = None,
    certificate_number: str = "",
    certificate_issue_date: dt.date | None = None,
    certificate_valid_until: dt.date | None = None,
    evaluation_application_id: int | None = None,
) -> Enrollment:
    """Mark an enrolment completed when attendance and assessment allow it.

    Completion writes the person's record: hours attended, points from the programme's rule, an
    international certificate (kind "international") when the programme awards one and its number
    is given, a completion certificate number, and the evaluation application it leads to.
    """
    program = enrollment.program
    _require_manage(actor, program)
    enrollment = lock_objects.lock(enrollment)
    _require_enrolled(enrollment)
    checks = completion_preview(enrollment=enrollment)
    failed = [c.message for c in checks if not c.passed]
    if failed:
        raise ApplicationError(_(ERR_COMPLETION_REFUSED).format(reasons=clauses(failed)), field="status")
    if certificate_number and certificate_issue_date is None:
        raise ApplicationError(_(ERR_CERTIFICATE_NEEDS_NUMBER), field="certificate_issue_date")
    _check_evaluation_application(enrollment, evaluation_application_id)
    day = on or timezone.localdate()
    attended, total, hours = _attendance_counts(enrollment)
    if total == 0:
        hours = program.hours
    certificate = None
    if certificate_number and program.awards_international_certificate:
        from gongjiang.people.services import certificate_record

        assert certificate_issue_date is not None  # a number without a date was refused above
        # The organiser manages this enrolment; recording the certificate it led to is part of
        # completing it, whoever keeps the person's registry entry.
        certificate = certificate_record(
            actor=None, holder=enrollment.person, number=certificate_number, issue_date=certificate_issue_date,
            kind=Certificate.Kind.INTERNATIONAL, occupation=program.occupation,
            occupation_name=program.certificate_title, issuer_name=program.certificate_awarding_body,
            valid_until=certificate_valid_until, source=Certificate.Source.TRAINING,
            source_ref=f"training.enrollment:{enrollment.pk}",
        )
    enrollment.status = Enrollment.Status.COMPLETED
    enrollment.completed_on = day
    enrollment.hours_attended = hours
    enrollment.international_certificate = certificate
    enrollment.completion_certificate_number = completion_certificate_number(enrollment)
    if evaluation_application_id:
        enrollment.evaluation_application_id = evaluation_application_id
    enrollment.completion_credential = _issue_completion_credential(enrollment, actor=actor, on=day, hours=hours)
    enrollment.save(update_fields=["status", "completed_on", "hours_attended", "international_certificate",
                                   "completion_certificate_number", "completion_credential",
                                   "evaluation_application_id", "updated_at"])
    entries = _award_points(enrollment, completed=True, hours=hours, international=certificate is not None, on=day,
                            actor=actor)
    audit.record("training.enrollment.completed", obj=enrollment, changes={
        "completed_on": day, "hours": hours, "attended": attended, "sessions": total,
        "certificate": certificate.pk if certificate else None, "points": sum(e.points for e in entries),
        "completion_certificate_number": enrollment.completion_certificate_number,
    }, actor=actor)
    return enrollment


def _issue_completion_credential(enrollment: Enrollment, *, actor: Any, on: dt.date, hours: Decimal) -> Any:
    """The verifiable completion certificate (PDF with QR code, public /verify/ page)."""
    from gongjiang.credentials.models import Credential
    from gongjiang.credentials.services import credential_issue

    program = enrollment.program
    period = f"{program.start_date:%Y.%m.%d}–{program.end_date:%Y.%m.%d}"
    fields: dict[str, Any] = {"program": program.name, "hours": f"{hours.normalize():f}", "period": period,
                              "result": _("合格") if enrollment.assessment_passed else _("结业")}
    if program.occupation_name:
        fields["occupation"] = program.occupation_name
    elif program.occupation is not None:
        fields["occupation"] = program.occupation.name
    if program.target_level is not None:
        fields["level_name"] = str(SkillLevel(program.target_level).label)
    return credential_issue(
        actor=actor, kind=Credential.Kind.TRAINING_COMPLETION, holder=enrollment.person,
        title=_("{name} 结业证书").format(name=program.name), fields=fields,
        number=enrollment.completion_certificate_number, issuer=program.provider or program.organizer,
        issued_on=min(on, timezone.localdate()), source_ref=f"training.enrollment:{enrollment.pk}",
    )


@dataclass
class BulkCompletion:
    completed: list[Enrollment]
    refused: list[tuple[Enrollment, list[str]]]


def program_complete_eligible(*, actor: Any, program: TrainingProgram, on: dt.date | None = None) -> BulkCompletion:
    """Complete every participant still in training who meets the completion conditions; list
    the others with their reasons. Each completion is its own transaction (one refusal does not
    undo the others)."""
    _require_manage(actor, program)
    result = BulkCompletion([], [])
    for enrollment in program.enrollments.filter(status=Enrollment.Status.ENROLLED).select_related("person"):
        failed = [c.message for c in completion_preview(enrollment=enrollment) if not c.passed]
        if failed:
            result.refused.append((enrollment, failed))
            continue
        result.completed.append(enrollment_complete(actor=actor, enrollment=enrollment, on=on))
    return result


def _check_evaluation_application(enrollment: Enrollment, application_id: int | None) -> None:
    """The evaluation application a programme led to must exist and be the participant's own."""
    if not application_id:
        return
    from gongjiang.evaluation.models import Application

    if not Application.objects.filter(pk=application_id, person_id=enrollment.person_id).exists():
        raise ApplicationError(_(ERR_EVALUATION_APPLICATION).format(pk=application_id),
                               field="evaluation_application_id")


def completion_certificate_number(enrollment: Enrollment) -> str:
    """JY + programme year + programme id (5) + enrolment id (6): unique and stable."""
    return f"JY{enrollment.program.start_date:%Y}{enrollment.program_id:05d}{enrollment.pk:06d}"


@transaction.atomic
def enrollment_drop(*, actor: Any, enrollment: Enrollment, reason: str, on: dt.date | None = None) -> Enrollment:
    """A participant leaves before completing: dated and reasoned; hours attended earn points."""
    _require_manage(actor, enrollment.program)
    enrollment = lock_objects.lock(enrollment)
    _require_enrolled(enrollment)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_(ERR_DROPOUT_REASON), field="reason")
    day = on or timezone.localdate()
    _attended, _total, hours = _attendance_counts(enrollment)
    enrollment.status = Enrollment.Status.DROPPED
    enrollment.dropped_on = day
    enrollment.dropout_reason = reason[:300]
    enrollment.hours_attended = hours
    enrollment.full_clean()
    enrollment.save(update_fields=["status", "dropped_on", "dropout_reason", "hours_attended", "updated_at"])
    _award_points(enrollment, completed=False, hours=hours, international=False, on=day, actor=actor)
    audit.record("training.enrollment.dropped", obj=enrollment, changes={"on": day, "reason": reason}, actor=actor)
    return enrollment


@transaction.atomic
def enrollment_link_evaluation(*, actor: Any, enrollment: Enrollment, application_id: int) -> Enrollment:
    """Record the evaluation application (技能等级认定申报) a completed programme led to."""
    _require_manage(actor, enrollment.program)
    _check_evaluation_application(enrollment, int(application_id))
    enrollment.evaluation_application_id = int(application_id)
    enrollment.save(update_fields=["evaluation_application_id", "updated_at"])
    audit.record("training.enrollment.evaluation_linked", obj=enrollment,
                 changes={"application_id": application_id}, actor=actor)
    return enrollment


@transaction.atomic
def points_adjust(*, actor: Any, person: Person, points: int, reason: str, on: dt.date | None = None,
                  organization: Organization | None = None) -> PointsEntry:
    """A manual correction line in a person's ledger (the ledger itself is never edited)."""
    if actor is not None and not person_queryset(actor, write=True).filter(pk=person.pk).exists():
        raise PermissionDeniedError()
    if not int(points):
        raise ApplicationError(_(ERR_ADJUST_ZERO), field="points")
    if not (reason or "").strip():
        raise ApplicationError(_(ERR_ADJUST_REASON), field="reason")
    entry = PointsEntry(
        person=person, organization=organization or person.current_employer, kind=PointsEntry.Kind.ADJUSTMENT,
        points=int(points), reason=reason.strip()[:300], occurred_on=on or timezone.localdate(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    entry.full_clean()
    entry.save()
    audit.record("training.points.adjusted", obj=entry, changes=audit.snapshot(entry), actor=actor)
    return entry
