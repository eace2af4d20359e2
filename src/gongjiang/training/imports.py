"""Excel/CSV imports of training data through the shared import pipeline (gongjiang.imports):
nominations (推荐名单), attendance per session (考勤) and assessment results (考核结果).

Registered from ``TrainingConfig.ready``. Each row names the person by name and ID number (as
every import does) and the programme by its number (shown on the programme's page). The same
rules as the pages apply: nominations only to a published programme and only of people the
importer may nominate; attendance and results only by those who manage the programme and only
for participants still in training.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongjiang.core import rules as core_rules
from gongjiang.core.rules import RuleError
from gongjiang.imports import rules
from gongjiang.imports.entities.base import (
    Column,
    Entity,
    ImportContext,
    RowState,
    WriteResult,
    register,
)
from gongjiang.imports.entities.holders import (
    CODE_HOLDER_NAME,
    CODE_HOLDER_NOT_FOUND,
    ERR_HOLDER_NAME,
    ERR_HOLDER_NOT_FOUND,
    check_holder,
    holder_columns,
    resolve_holders,
)

ERR_PROGRAM_NUMBER = _("培训项目编号应为整数（见项目页面）。")
ERR_PROGRAM_NOT_FOUND = _("培训项目 {pk} 不存在，或不在您的管理范围内。")
ERR_PROGRAM_NOT_OPEN = _("培训项目 {pk} 当前不接受推荐报名（状态：{status}）。")
ERR_NOT_MANAGER = _("您不能管理培训项目 {pk}（只有主办、承办单位和所在地区人社部门可以）。")
ERR_NOT_ENROLLED = _("该人员不是培训项目 {pk} 的在训学员。")
ERR_SESSION_NOT_FOUND = _("培训项目 {pk} 没有第 {n} 次课。")
ERR_SCORE = _("成绩应为 0–100 之间的数字。")

CODE_PROGRAM = "program"
CODE_NOT_ENROLLED = "not_enrolled"
CODE_SESSION = "session"
CODE_SCORE = "score"

ATTENDANCE_CHOICES = {"出勤": "present", "到": "present", "是": "present", "√": "present", "缺勤": "absent",
                      "缺": "absent", "否": "absent", "×": "absent", "请假": "leave", "假": "leave"}
RESULT_CHOICES = {"合格": "1", "通过": "1", "是": "1", "不合格": "0", "未通过": "0", "否": "0"}


def score_value(value: Any) -> str | None:
    text = rules.cell_to_text(value).replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RuleError(str(ERR_SCORE), CODE_SCORE) from None
    if not 0 <= number <= 100:
        raise RuleError(str(ERR_SCORE), CODE_SCORE)
    return str(number.quantize(Decimal("0.1")))


def program_column() -> Column:
    return Column("program", _("培训项目编号"), ("项目编号", "培训项目", "项目ID"), rules.whole_number, required=True,
                  help=_("项目页面地址中的编号，如 /training/12/ 中的 12。"), example="12", width=12)


def _program(ctx: ImportContext, pk: int) -> Any:
    from gongjiang.training.models import TrainingProgram
    from gongjiang.training.selectors import program_queryset

    cache = ctx.memo("training.program")
    if pk not in cache:
        queryset = TrainingProgram.objects.all() if ctx.actor is None else program_queryset(ctx.actor)
        cache[pk] = queryset.filter(pk=pk).first()
    return cache[pk]


def _manages(ctx: ImportContext, program: Any) -> bool:
    from gongjiang.training.selectors import program_can_manage

    if ctx.unrestricted:
        return True
    cache = ctx.memo("training.manages")
    if program.pk not in cache:
        cache[program.pk] = program_can_manage(ctx.actor, program)
    return cache[program.pk]


def _resolve_participants(batch: list[RowState], ctx: ImportContext) -> dict[tuple[int, int], Any]:
    """Person (by keyed hash, name checked) and their open enrolment in the row's programme.

    Unlike certificate imports, the importer need not be able to edit the person's registry
    entry: managing the programme is what allows recording their attendance and results.
    """
    from gongjiang.people.models import Person
    from gongjiang.training.models import Enrollment

    hashes = {s.values["_holder_hash"] for s in batch if s.values.get("_holder_hash")}
    people = {
        row[0]: row[1:] for row in Person.objects.filter(id_number_hash__in=list(hashes)).values_list(
            "id_number_hash", "pk", "name")
    }
    enrollments = {}
    for state in batch:
        values = state.values
        values["_holder"] = None
        if not state.ok:
            continue
        holder_hash = values.get("_holder_hash")
        match = people.get(holder_hash) if holder_hash else None  # rows without a hash were not looked up
        if match is None:
            state.error("holder_id_number", CODE_HOLDER_NOT_FOUND, ERR_HOLDER_NOT_FOUND)
            continue
        pk, name = match
        if name != values.get("holder_name"):
            state.error("holder_name", CODE_HOLDER_NAME,
                        str(ERR_HOLDER_NAME).format(masked=core_rules.mask_name(name)))
            continue
        values["_holder"] = pk
        program = _program(ctx, values["program"])
        if program is None:
            state.error("program", CODE_PROGRAM, str(ERR_PROGRAM_NOT_FOUND).format(pk=values["program"]))
            continue
        if not _manages(ctx, program):
            state.error("program", CODE_PROGRAM, str(ERR_NOT_MANAGER).format(pk=program.pk))
    wanted = {(s.values["program"], s.values["_holder"]) for s in batch if s.ok and s.values.get("_holder")}
    if wanted:
        for enrollment in Enrollment.objects.filter(
            program_id__in={w[0] for w in wanted}, person_id__in={w[1] for w in wanted},
            status=Enrollment.Status.ENROLLED,
        ):
            enrollments[(enrollment.program_id, enrollment.person_id)] = enrollment
    for state in batch:
        if state.ok and (state.values["program"], state.values["_holder"]) not in enrollments:
            state.error("holder_id_number", CODE_NOT_ENROLLED, str(ERR_NOT_ENROLLED).format(pk=state.values["program"]))
    return enrollments


@register
class NominationsEntity(Entity):
    name = "training_nominations"
    label = _("培训推荐名单")
    description = _("单位向已发布的培训项目推荐人员。人员须已登记且在您的管理范围内；同一人对同一项目只推荐一次。")
    duplicate_column = "holder_id_number"
    columns = (
        *holder_columns(),
        program_column(),
        Column("reason", _("推荐理由"), ("理由", "推荐意见", "主要事迹"), rules.text_normalizer(500),
               help=_("可不填。"), example="参与企业技术革新", width=30),
        Column("score", _("遴选评分"), ("评分", "得分"), score_value, help=_("主办方评分，可不填。"), example="", width=10),
    )

    def row_key(self, state: RowState) -> Any:
        values = state.values
        return (values.get("_holder_hash"), values.get("program")) if values.get("_holder_hash") else None

    def key_label(self) -> str:
        return gettext("人员、培训项目")

    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        check_holder(state, ctx)

    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        from gongjiang.training.models import Nomination, TrainingProgram

        resolve_holders(batch, ctx)
        existing = set(Nomination.objects.filter(
            person_id__in={s.values["_holder"] for s in batch if s.values.get("_holder")},
            program_id__in={s.values["program"] for s in batch if s.values.get("program")},
        ).values_list("program_id", "person_id"))
        for state in batch:
            if not state.ok:
                continue
            values = state.values
            program = _program(ctx, values["program"])
            if program is None:
                state.error("program", CODE_PROGRAM, str(ERR_PROGRAM_NOT_FOUND).format(pk=values["program"]))
                continue
            if program.status != TrainingProgram.Status.OPEN:
                state.error("program", CODE_PROGRAM, str(ERR_PROGRAM_NOT_OPEN).format(
                    pk=program.pk, status=program.get_status_display()))
                continue
            state.action = "unchanged" if (program.pk, values["_holder"]) in existing else "created"
            state.payload = (state.number, values["_holder"], program.pk, values.get("reason") or "",
                             values.get("score"))

    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        from gongjiang.people.models import Person
        from gongjiang.training.models import Nomination

        result = WriteResult()
        employers = dict(Person.objects.filter(pk__in={p[1] for p in payloads}).values_list("pk", "current_employer_id"))
        existing = set(Nomination.objects.filter(person_id__in=set(employers)).values_list("program_id", "person_id"))
        actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
        new = []
        for _row, person, program, reason, score in payloads:
            if (program, person) in existing:
                result.counts["unchanged"] += 1
                continue
            nomination = Nomination(program_id=program, person_id=person, employer_id=employers.get(person),
                                    channel=Nomination.Channel.EMPLOYER, reason=reason,
                                    score=Decimal(score) if score else None, nominated_by=actor)
            nomination.full_clean(validate_unique=False, validate_constraints=False,
                                  exclude=["program", "person", "employer", "nominated_by"])
            new.append(nomination)
        if new:
            created = Nomination.objects.bulk_create(new, batch_size=500)
            result.add_created("training.nomination", [n.pk for n in created])
            result.counts["created"] += len(created)
        return result

    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        from gongjiang.training.models import Nomination

        created = [pk for r in records if r.action == "created" for pk in r.object_ids]
        deleted = 0
        for start in range(0, len(created), 900):
            deleted += Nomination.objects.filter(pk__in=created[start:start + 900],
                                                 status=Nomination.Status.NOMINATED).delete()[0]
        return {"deleted": deleted, "restored": 0}

    def rollback_conflicts(self, *, records: list[Any], since: dt.datetime) -> list[str]:
        from gongjiang.training.models import Nomination

        created = [pk for r in records for pk in r.object_ids]
        for start in range(0, len(created), 900):
            if Nomination.objects.filter(pk__in=created[start:start + 900]).exclude(
                    status=Nomination.Status.NOMINATED).exists():
                return [gettext("本次导入的推荐已有遴选结果，不能撤销。")]
        return []


@register
class AttendanceEntity(Entity):
    name = "training_attendance"
    label = _("培训考勤")
    description = _("按课次登记在训学员的出勤情况（出勤、缺勤、请假）。须由项目的主办、承办单位或人社部门导入。")
    duplicate_column = "holder_id_number"
    columns = (
        *holder_columns(),
        program_column(),
        Column("session", _("课次"), ("课次序号", "第几次课", "序号"), rules.whole_number, required=True,
               help=_("项目页面“课次与考勤”中的序号。"), example="1", width=8),
        Column("status", _("出勤情况"), ("考勤", "出勤", "状态"), rules.choice_normalizer(
            ATTENDANCE_CHOICES, shown=("出勤", "缺勤", "请假")), required=True, example="出勤", width=10),
    )

    def row_key(self, state: RowState) -> Any:
        values = state.values
        if not values.get("_holder_hash"):
            return None
        return (values["_holder_hash"], values.get("program"), values.get("session"))

    def key_label(self) -> str:
        return gettext("人员、培训项目、课次")

    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        check_holder(state, ctx)

    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        from gongjiang.training.models import Attendance, TrainingSession

        enrollments = _resolve_participants(batch, ctx)
        sessions = {(s.program_id, s.sequence): s.pk for s in TrainingSession.objects.filter(
            program_id__in={e[0] for e in enrollments})}
        current = {(a.enrollment_id, a.session_id): a.status for a in Attendance.objects.filter(
            enrollment_id__in=[e.pk for e in enrollments.values()])}
        for state in batch:
            if not state.ok:
                continue
            values = state.values
            session = sessions.get((values["program"], values["session"]))
            if session is None:
                state.error("session", CODE_SESSION, str(ERR_SESSION_NOT_FOUND).format(
                    pk=values["program"], n=values["session"]))
                continue
            enrollment = enrollments[(values["program"], values["_holder"])]
            before = current.get((enrollment.pk, session))
            state.action = "created" if before is None else ("unchanged" if before == values["status"] else "updated")
            state.payload = (state.number, enrollment.pk, session, values["status"])

    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        from gongjiang.training.models import Attendance

        result = WriteResult()
        actor = ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None
        existing = {(a.enrollment_id, a.session_id): a for a in Attendance.objects.filter(
            enrollment_id__in={p[1] for p in payloads}, session_id__in={p[2] for p in payloads})}
        new = []
        for _row, enrollment, session, status in payloads:
            current = existing.get((enrollment, session))
            if current is None:
                new.append(Attendance(enrollment_id=enrollment, session_id=session, status=status, recorded_by=actor))
            elif current.status != status:
                result.updated.append(("training.attendance", current.pk, {"status": current.status}))
                current.status = status
                current.recorded_by = actor
                current.save(update_fields=["status", "recorded_by", "updated_at"])
                result.counts["updated"] += 1
            else:
                result.counts["unchanged"] += 1
        if new:
            created = Attendance.objects.bulk_create(new, batch_size=500)
            result.add_created("training.attendance", [a.pk for a in created])
            result.counts["created"] += len(created)
        return result

    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        from gongjiang.training.models import Attendance

        created = [pk for r in records if r.action == "created" for pk in r.object_ids]
        updated = [r for r in records if r.action == "updated"]
        for record in reversed(updated):
            Attendance.objects.filter(pk=record.object_ids[0]).update(**record.before, updated_at=ctx.now)
        for start in range(0, len(created), 900):
            Attendance.objects.filter(pk__in=created[start:start + 900]).delete()
        return {"deleted": len(created), "restored": len(updated)}


@register
class ResultsEntity(Entity):
    name = "training_results"
    label = _("培训考核结果")
    description = _("登记在训学员的考核结果和成绩；结业在项目页面办理（可一键为符合条件的学员结业）。")
    duplicate_column = "holder_id_number"
    columns = (
        *holder_columns(),
        program_column(),
        Column("passed", _("考核结果"), ("结果", "是否合格", "考核结论"), rules.choice_normalizer(
            RESULT_CHOICES, shown=("合格", "不合格")), required=True, example="合格", width=10),
        Column("score", _("考核成绩"), ("成绩", "得分", "分数"), score_value, example="86", width=10),
        Column("note", _("考核说明"), ("说明", "备注"), rules.text_normalizer(300), example="", width=20),
    )

    def row_key(self, state: RowState) -> Any:
        values = state.values
        return (values.get("_holder_hash"), values.get("program")) if values.get("_holder_hash") else None

    def key_label(self) -> str:
        return gettext("人员、培训项目")

    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        check_holder(state, ctx)

    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        enrollments = _resolve_participants(batch, ctx)
        for state in batch:
            if not state.ok:
                continue
            values = state.values
            enrollment = enrollments[(values["program"], values["_holder"])]
            passed = values["passed"] == "1"
            score = values.get("score")
            same = (enrollment.assessment_passed == passed
                    and (str(enrollment.assessment_score) if enrollment.assessment_score is not None else None) == score
                    and enrollment.assessment_note == (values.get("note") or ""))
            state.action = "unchanged" if same else ("created" if enrollment.assessment_passed is None else "updated")
            state.payload = (state.number, enrollment.pk, int(passed), score, values.get("note") or "")

    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        from gongjiang.training.models import Enrollment

        result = WriteResult()
        enrollments = Enrollment.objects.in_bulk([p[1] for p in payloads])
        for _row, pk, passed, score, note in payloads:
            enrollment = enrollments[pk]
            wanted = {"assessment_passed": bool(passed), "assessment_score": Decimal(score) if score else None,
                      "assessment_note": note}
            before = {k: getattr(enrollment, k) for k, v in wanted.items() if getattr(enrollment, k) != v}
            if not before:
                result.counts["unchanged"] += 1
                continue
            for key in before:
                setattr(enrollment, key, wanted[key])
            enrollment.save(update_fields=[*before, "updated_at"])
            result.updated.append(("training.enrollment", pk, {
                k: (str(v) if isinstance(v, Decimal) else v) for k, v in before.items()}))
            result.counts["updated"] += 1
        return result

    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        from gongjiang.training.models import Enrollment

        updated = [r for r in records if r.action == "updated"]
        for record in reversed(updated):
            Enrollment.objects.filter(pk=record.object_ids[0]).update(**record.before, updated_at=ctx.now)
        return {"deleted": 0, "restored": len(updated)}
