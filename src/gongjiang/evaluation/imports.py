"""Excel/CSV imports of skill evaluation through the shared import pipeline (gongjiang.imports):
applications to a batch (集体申报名单) and score sheets (成绩表).

Registered from ``EvaluationConfig.ready``. The same rules as the services apply, because the
checks use the services' own helpers and every row is written by the service code:

* applications (``evaluation_applications``): the batch by its number (批次编号, shown on the
  batch page), the person by name and ID number (registered, and on the staff of an
  organisation the importer administers — the rule of ``application_submit``); the batch must
  be open for applications; eligibility is decided by the batch's rule set (an ineligible
  person is recorded as "不符合条件" with the explanation, as on the page); capacity; a person
  who already applied to the batch for the same grade is unchanged, for another grade an error.
  Each row is saved and audited as ``application_submit`` does (``is_bulk`` set).
* scores (``evaluation_scores``): the columns of the batch's score template (申报编号, 姓名,
  科目, 成绩, 考评员证卡编号), so downloaded templates and earlier files keep working. Theory
  scores only by the batch's managers; practical and review scores per evaluator, who must be
  assigned to that component of the batch and have no conflict of interest; an evaluator who
  signed in may enter only their own scores; only draft sheets (a submitted or locked score is
  changed by a correction with a reason, on the scores page). Each row goes through
  ``score_enter`` (audited with the previous value).

Undo deletes the applications an import created (refused once score sheets, certificates or
objections depend on them, or they were changed since) and restores the scores an import
entered (refused once a sheet was submitted, locked or changed since).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongjiang.core import rules as core_rules
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.rules import RuleError
from gongjiang.core.text import clauses, enumeration
from gongjiang.evaluation import rules as evaluation_rules
from gongjiang.evaluation.services.scoring import COMPONENT_NAMES
from gongjiang.imports import rules
from gongjiang.imports.entities.base import (
    ERR_NO_PERMISSION,
    Column,
    Entity,
    ImportContext,
    JobPin,
    RowState,
    WriteResult,
    foreign_dependents,
    register,
)
from gongjiang.imports.entities.holders import (
    CODE_HOLDER_NAME,
    CODE_HOLDER_NOT_FOUND,
    CODE_OUT_OF_SCOPE,
    ERR_HOLDER_NAME,
    ERR_HOLDER_NOT_FOUND,
    check_holder,
    holder_columns,
)
from gongjiang.imports.entities.people import EDUCATION

ERR_NUMBER = _("应填写编号（整数），如 12。")
ERR_BATCH_NOT_FOUND = _("认定批次 {pk} 不存在，或不在您的管理范围内（批次编号见批次页面）。")
ERR_PERSON_OUT_OF_SCOPE = _("该人员不是您所管理单位的在职人员，不能由您申报。")
ERR_ALREADY_APPLIED = _("该人员已申报本批次（{grade}），不能重复申报；如需改报等级请先撤回原申报。")
ERR_CAPACITY = _("本批次计划 {capacity} 人，已额满（含本文件前面受理的人员）。")
ERR_SCORE = _("成绩应为 0–100 之间的数，最多一位小数。")
ERR_APPLICATION_NOT_FOUND = _("申报编号 {pk} 不存在，或不在您的管理范围内。")
ERR_APPLICANT_NAME = _("姓名与申报编号 {pk} 的申报人（{masked}）不一致，请核对。")
ERR_BATCH_STATE = _("批次“{name}”当前为“{state}”，不能录入成绩（考试中或评分中才可以）。")
ERR_NO_SHEET = _("该申报没有{component}成绩单（只有已受理的申报在开考时生成成绩单）。")
ERR_SHEET_STATE = _("成绩单已{state}，不能再导入；已锁定的成绩请在成绩页面填写原因进行更正。")
ERR_THEORY_STAFF = _("理论知识考试成绩只能由评价机构工作人员录入。")
ERR_EVALUATOR_REQUIRED = _("技能考核和综合评审须填写考评员证卡编号（按考评员分别录入）。")
ERR_EVALUATOR_NOT_FOUND = _("评价机构的考评员名册中没有证卡编号“{card}”。")
ERR_NOT_OWN = _("您只能录入本人的评分（证卡编号 {card} 不是您的）。")
ERR_NOT_ASSIGNED = _("考评员{name}未被安排参加本批次的{component}。")
ERR_CONFLICT = _("回避：考评员{evaluator}与考生同属一个单位，不能为其评分。")
ERR_ROLLBACK_APPLICATIONS = _("本次导入的申报已有后续处理（{what}），不能撤销。")
ERR_ROLLBACK_CHANGED = _("本次导入的申报在导入后已被修改（撤回、破格受理等），不能撤销。")
ERR_ROLLBACK_SHEETS = _("本次导入的成绩已提交或锁定，不能撤销；请在成绩页面退回或更正。")
ERR_ROLLBACK_SCORES_CHANGED = _("本次导入的成绩在导入后又被修改，不能撤销。")
ERR_BATCH_REQUIRED = _("必填：批次编号（批次页面上的编号）；从批次页面上传的文件可不填。")
ERR_OTHER_BATCH = _("本次导入限定在批次“{name}”（批次编号 {pinned}），本行的批次编号为 {value}；"
                    "请删去本行，或到该批次的页面另行上传。")
ERR_OTHER_BATCH_APPLICATION = _("申报编号 {pk} 属于批次“{other}”（批次编号 {other_pk}），不属于本次导入限定的批次"
                                "“{name}”（批次编号 {pinned}）。")
ERR_PROGRAM_CHOICE = _("培养类别“{value}”无法识别，可填写：{choices}（可填多项，用顿号、逗号或分号分隔）。")
ERR_FLAG_CHOICE = _("其他情形“{value}”无法识别，可填写：{choices}（可填多项，用顿号、逗号或分号分隔）。")

CODE_BATCH = "batch_not_found"
CODE_BATCH_CLOSED = "batch_not_open"
CODE_GRADE = "grade_not_offered"
CODE_ALREADY_APPLIED = "already_applied"
CODE_NOT_IN_BODY = "not_in_body_organization"
CODE_ROUTE = "route"
CODE_GROUNDS = "grounds"
CODE_FACTS = "facts"
CODE_CAPACITY = "capacity"
CODE_SCORE = "score_range"
CODE_APPLICATION = "application_not_found"
CODE_NAME = "name_differs"
CODE_BATCH_STATE = "batch_state"
CODE_NO_SHEET = "no_sheet"
CODE_SHEET_STATE = "sheet_not_draft"
CODE_THEORY_STAFF = "theory_staff_only"
CODE_EVALUATOR_REQUIRED = "evaluator_required"
CODE_EVALUATOR_NOT_FOUND = "evaluator_not_found"
CODE_NOT_OWN = "not_own_evaluator"
CODE_NOT_ASSIGNED = "not_assigned"
CODE_CONFLICT = "conflict_of_interest"
CODE_OTHER_BATCH = "other_batch"

GRADES = {
    "五级/初级工": "5", "五级": "5", "初级工": "5", "初级": "5", "5": "5", "5级": "5",
    "四级/中级工": "4", "四级": "4", "中级工": "4", "中级": "4", "4": "4", "4级": "4",
    "三级/高级工": "3", "三级": "3", "高级工": "3", "3": "3", "3级": "3",
    "二级/技师": "2", "二级": "2", "技师": "2", "2": "2", "2级": "2",
    "一级/高级技师": "1", "一级": "1", "高级技师": "1", "1": "1", "1级": "1",
}
GRADES_SHOWN = ("五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "一级/高级技师")
YES_NO = {"是": "1", "否": "0", "√": "1", "×": "0", "有": "1", "无": "0", "Y": "1", "N": "0", "yes": "1", "no": "0"}
ROUTES = {"正常申报": "regular", "正常": "regular", "直接认定": "direct", "破格晋升": "promotion", "破格": "promotion"}
GROUNDS = {
    "解决重大工艺技术难题或重大质量问题": "technical_problem", "技术难题": "technical_problem",
    "技术创新成果获省部级以上奖项": "provincial_award", "获奖": "provincial_award",
    "“师带徒”业绩突出": "mentoring", "师带徒业绩突出": "mentoring", "师带徒": "mentoring",
    "技能高超、业绩突出的一线职工": "outstanding", "业绩突出": "outstanding",
}
GROUNDS_SHOWN = ("解决重大工艺技术难题或重大质量问题", "技术创新成果获省部级以上奖项", "“师带徒”业绩突出",
                 "技能高超、业绩突出的一线职工")
EDUCATION_SHOWN = ("初中及以下", "高中", "中专/职高", "技工学校", "高级技工学校/技师学院", "大专/高职", "本科", "硕士研究生",
                   "博士研究生")
TITLES = {"初级职称": "junior", "初级": "junior", "中级职称": "intermediate", "中级": "intermediate",
          "高级职称": "senior", "高级": "senior", "副高": "senior", "正高": "senior", "无": ""}
# 培养类别 and 其他情形 (several per cell): the form's labels, the stored keys and short forms.
PROGRAMS = {
    **{label: key for key, label in evaluation_rules.PROGRAM_LABELS.items()},
    **{key: key for key in evaluation_rules.PROGRAM_LABELS},
    "中级技能培养目标": "intermediate_skill", "以中级技能为培养目标": "intermediate_skill",
    "高级技能培养目标": "senior_skill", "以高级技能为培养目标": "senior_skill",
    "高级工班": "senior_worker_class", "预备技师班": "preparatory_technician", "技师班": "preparatory_technician",
    "预备技师班/技师班": "preparatory_technician",
    "经评估论证的高等职业学校": "evaluated_program", "普通高等学校": "evaluated_program",
}
PROGRAMS_SHOWN = tuple(evaluation_rules.PROGRAM_LABELS.values())
# 学徒期满 has its own column (as on the application form, which leaves it out of 其他情形).
FLAG_KEYS = tuple(key for key in evaluation_rules.FLAG_LABELS if key != "apprenticeship_completed")
FLAGS = {
    **{evaluation_rules.FLAG_LABELS[key]: key for key in FLAG_KEYS},
    **{key: key for key in FLAG_KEYS},
    "拟从事本职业或相关职业工作": "intends_to_work", "拟从事本职业工作": "intends_to_work",
    "承诺从事本职业": "intends_to_work", "预备技师证书": "preparatory_technician_certificate",
}
FLAGS_SHOWN = tuple(evaluation_rules.FLAG_LABELS[key] for key in FLAG_KEYS)
COMPONENTS = {
    **COMPONENT_NAMES,
    **{label: key for key, label in evaluation_rules.COMPONENT_LABELS.items()},
    "理论考试": evaluation_rules.THEORY, "技能操作": evaluation_rules.PRACTICAL,
}
# Application fields given in a column (the facts the eligibility rules read), with their kind.
FACT_COLUMNS = {
    "occupation_start": "date", "prior_grade": "int", "prior_certificate_number": "text",
    "prior_certificate_date": "date", "education": "text", "education_related": "bool",
    "is_graduating": "bool", "title_level": "text", "title_date": "date", "apprenticeship_completed": "bool",
    "programs": "list", "flags": "list",
}
# Where a service error about a field is reported, and with which code.
FIELD_COLUMNS = {"batch": ("batch", CODE_BATCH_CLOSED), "grade": ("grade", CODE_GRADE),
                 "person": ("holder_id_number", CODE_NOT_IN_BODY), "route": ("route", CODE_ROUTE),
                 "grounds": ("grounds", CODE_GROUNDS)}


def number(value: Any) -> int | None:
    return rules.whole_number(value, minimum=1, message=ERR_NUMBER)


def score(value: Any) -> str | None:
    text = rules.cell_to_text(value).replace(" ", "")
    if not text:
        return None
    try:
        return str(evaluation_rules.to_score(text))
    except (ValueError, InvalidOperation, ArithmeticError):
        raise RuleError(str(ERR_SCORE), CODE_SCORE) from None


def _choice(mapping: dict[str, str], shown: tuple[str, ...] | None = None) -> Any:
    return rules.choice_normalizer(mapping, shown=shown)


_TOKENS = re.compile(r"[^、,，;；\n|]+")  # what lies between the separators


def multi_choice_normalizer(mapping: dict[str, str], *, shown: tuple[str, ...], message: Any) -> Any:
    """A normaliser for a cell holding several choices (培养类别, 其他情形): a list of stored
    keys in the order given, without repeats; "" for an empty cell.

    Labels may themselves contain a separator (“…高等职业学校、专科及以上普通高等学校”), so the
    longest known labels are taken out of the text first and only the rest is split. Anything
    left that is not a known label is an error naming it and listing the accepted labels.
    """
    mapping = {rules.clean_text(label): key for label, key in mapping.items()}  # as the cells are cleaned
    index = {rules.normalize_header(label): key for label, key in mapping.items()}
    longest = sorted(mapping, key=len, reverse=True)
    offered = enumeration(shown)

    def normalize(value: Any) -> Any:
        text = rules.clean_text(rules.cell_to_text(value))
        if not text:
            return ""
        found: list[tuple[int, str]] = []
        for label in longest:
            while (at := text.find(label)) >= 0:
                found.append((at, mapping[label]))
                text = text[:at] + "；" * len(label) + text[at + len(label):]
        for match in _TOKENS.finditer(text):
            token = match.group().strip()
            if not token:
                continue
            key = index.get(rules.normalize_header(token))
            if key is None:
                raise RuleError(str(message).format(value=token[:30], choices=offered), rules.CODE_CHOICE)
            found.append((match.start(), key))
        return list(dict.fromkeys(key for _at, key in sorted(found)))

    return normalize


def _actor(ctx: ImportContext) -> Any:
    return ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None


def pinned_batch(ctx: ImportContext) -> Any:
    """The batch a job was started from (:func:`batch_import_start`), or None."""
    from gongjiang.evaluation.models import BatchImport

    memo = ctx.memo("evaluation.pinned_batch")
    if "batch" not in memo:
        public_id = ctx.job_public_id
        pin = (BatchImport.objects.filter(job__public_id=public_id).select_related("batch").first()
               if public_id is not None else None)
        memo["batch"] = pin.batch if pin is not None else None
    return memo["batch"]


def batch_pin(job: Any) -> JobPin | None:
    """The batch ``job`` is pinned to, for the job's page (Entity.pinned_to)."""
    from django.urls import reverse

    from gongjiang.evaluation.models import BatchImport

    pin = BatchImport.objects.filter(job=job).select_related("batch").first()
    if pin is None:
        return None
    return JobPin(label=gettext("评价批次：{name}").format(name=pin.batch.name),
                  url=reverse("evaluation:batch_detail", args=[pin.batch_id]))


# --- Applications ------------------------------------------------------------------------------


def _batch_for_applications(ctx: ImportContext, pk: int) -> Any:
    """The batch, if the importer may see it: open batches are public, others by data scope."""
    from django.db.models import Q

    from gongjiang.evaluation.models import EvaluationBatch
    from gongjiang.evaluation.selectors import batch_queryset

    cache = ctx.memo("evaluation.batch")
    if pk not in cache:
        queryset = EvaluationBatch.objects.select_related("body", "body__organization", "rule_set")
        if not ctx.unrestricted:
            queryset = queryset.filter(Q(status=EvaluationBatch.Status.OPEN)
                                       | Q(pk__in=batch_queryset(ctx.actor, write=True).values("pk")))
        cache[pk] = queryset.filter(pk=pk).first()
    return cache[pk]


def _facts(values: dict[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for key, kind in FACT_COLUMNS.items():
        value = values.get(key)
        if value in (None, ""):
            continue
        if kind == "bool":
            value = value == "1"
        elif kind == "int":
            value = int(value)
        facts[key] = value
    return facts


def _encode(facts: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in facts.items()}


def _decode(facts: dict[str, Any]) -> dict[str, Any]:
    return {k: (dt.date.fromisoformat(v) if FACT_COLUMNS.get(k) == "date" else v) for k, v in facts.items()}


@register
class ApplicationsEntity(Entity):
    name = "evaluation_applications"
    label = _("职业技能等级认定申报")
    description = _(
        "单位为本单位职工向报名中的认定批次集体申报。人员须已登记且为您所管理单位的在职人员；按批次的申报条件自动审查，"
        "不符合条件的记为“不符合条件”并附说明；同一人对同一批次只申报一次。"
    )
    duplicate_column = "holder_id_number"
    columns = (
        *holder_columns(),
        Column("batch", _("批次编号"), ("认定批次编号", "认定批次", "批次", "批次ID", "计划编号"), number,
               help=_("批次页面上的批次编号（页面地址 /evaluation/batches/12/ 中的 12）。在批次页面上传时可不填，"
                      "填写时须为该批次。"), example="12", width=10),
        Column("grade", _("申报等级"), ("等级", "申报级别", "认定等级"), _choice(GRADES, GRADES_SHOWN), required=True,
               help=_("五级/初级工、四级/中级工、三级/高级工、二级/技师、一级/高级技师（或 5–1）；须为批次的认定等级。"),
               example="四级/中级工", width=14),
        Column("occupation_start", _("开始从事本职业工作日期"), ("从事本职业工作日期", "参加工作日期", "从业开始日期"),
               rules.date_value, help=_("如 2015-03-01、2015年3月1日。"), example="2015-03-01", width=14),
        Column("prior_grade", _("已有证书等级"), ("原证书等级", "已取得等级"), _choice(GRADES, GRADES_SHOWN),
               help=_("已取得的本职业（或相关职业）证书等级；人才库中已登记的证书会自动计入。"), example="", width=14),
        Column("prior_certificate_number", _("已有证书编号"), ("原证书编号",), rules.text_normalizer(40), example="", width=22),
        Column("prior_certificate_date", _("已有证书发证日期"), ("原证书发证日期", "取证日期"), rules.date_value,
               help=_("与已有证书等级同时填写。"), example="", width=14),
        Column("education", _("学历"), ("文化程度", "最高学历"), _choice(EDUCATION, EDUCATION_SHOWN), help=_("不填则按人员库中的学历。"),
               example="", width=14),
        Column("education_related", _("本专业或相关专业"), ("所学专业相关", "专业相关"), _choice(YES_NO, ("是", "否")),
               example="", width=10),
        Column("is_graduating", _("在校应届毕业生"), ("应届毕业生",), _choice(YES_NO, ("是", "否")), example="", width=10),
        Column("title_level", _("职称"), ("专业技术职称", "职称等级"), _choice(TITLES, ("初级职称", "中级职称", "高级职称")),
               example="", width=12),
        Column("title_date", _("职称取得日期"), ("取得职称日期",), rules.date_value, example="", width=14),
        Column("apprenticeship_completed", _("学徒期满"), ("学徒期满（是/否）",), _choice(YES_NO, ("是", "否")),
               example="", width=10),
        Column("programs", _("培养类别"), ("培养类型", "就读培养类别", "职业院校培养类别"),
               multi_choice_normalizer(PROGRAMS, shown=PROGRAMS_SHOWN, message=ERR_PROGRAM_CHOICE),
               help=_("在校生或毕业生就读的培养类别（可填多项，用顿号分隔）：经评估论证、以中级技能为培养目标的中等及以上职业学校；"
                      "经评估论证、以高级技能为培养目标的高等职业学校；技工院校高级工班；技师学院预备技师班/技师班；"
                      "经评估论证的高等职业学校、专科及以上普通高等学校。"),
               example="技工院校高级工班", width=24),
        Column("flags", _("其他情形"), ("其它情形", "其他条件", "其他情况"),
               multi_choice_normalizer(FLAGS, shown=FLAGS_SHOWN, message=ERR_FLAG_CHOICE),
               help=_("可填多项，用顿号分隔：拟从事本职业或相关职业工作（承诺）；取得预备技师证书。学徒期满请填“学徒期满”列。"),
               example="", width=24),
        Column("route", _("申报方式"), ("认定方式",), _choice(ROUTES, ("正常申报", "直接认定", "破格晋升")),
               help=_("不填即为正常申报；直接认定和破格晋升只适用于企业自主评价（Y 类）机构的本企业职工。"),
               example="正常申报", width=12),
        Column("grounds_kind", _("认定/破格依据类别"), ("依据类别",), _choice(GROUNDS, GROUNDS_SHOWN),
               example="", width=20),
        Column("grounds", _("认定/破格依据"), ("依据", "主要业绩"), rules.text_normalizer(2000), example="", width=30),
    )

    def pinned_to(self, job: Any) -> JobPin | None:
        return batch_pin(job)

    def row_key(self, state: RowState) -> Any:
        values = state.values
        return (values.get("_holder_hash"), values.get("batch")) if values.get("_holder_hash") else None

    def key_label(self) -> str:
        return gettext("人员、批次")

    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        check_holder(state, ctx)
        values = state.values
        if any(column == "batch" for column, _code, _message in state.errors):
            return
        pinned = pinned_batch(ctx)
        if values.get("batch") in (None, ""):
            if pinned is None:
                state.error("batch", rules.CODE_REQUIRED, ERR_BATCH_REQUIRED)
            else:
                values["batch"] = pinned.pk
        elif pinned is not None and values["batch"] != pinned.pk:
            state.error("batch", CODE_OTHER_BATCH,
                        str(ERR_OTHER_BATCH).format(name=pinned.name, pinned=pinned.pk, value=values["batch"]))

    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        from gongjiang.evaluation.models import Application
        from gongjiang.evaluation.services import applications as service
        from gongjiang.orgs.scope import organization_queryset
        from gongjiang.people.models import Person

        hashes = {s.values["_holder_hash"] for s in batch if s.values.get("_holder_hash")}
        people = {p.id_number_hash: p for p in Person.objects.filter(id_number_hash__in=list(hashes)).select_related(
            "current_employer")}
        writable: set[int] = set()
        if not ctx.unrestricted:
            writable = set(organization_queryset(ctx.actor, write=True).filter(
                pk__in={p.current_employer_id for p in people.values() if p.current_employer_id}).values_list("pk", flat=True))
        existing = {
            (a.batch_id, a.person_id): a for a in Application.objects.filter(
                person_id__in=[p.pk for p in people.values()],
                batch_id__in={s.values["batch"] for s in batch if s.values.get("batch")},
            ).exclude(status=Application.Status.WITHDRAWN)
        }
        taken = ctx.memo("evaluation.accepted")  # batch pk → accepted so far (database + this file)
        for state in batch:
            values = state.values
            holder_hash = values.get("_holder_hash")
            person = people.get(holder_hash) if holder_hash else None
            if person is None:
                state.error("holder_id_number", CODE_HOLDER_NOT_FOUND, ERR_HOLDER_NOT_FOUND)
                continue
            if person.name != values.get("holder_name"):
                state.error("holder_name", CODE_HOLDER_NAME,
                            str(ERR_HOLDER_NAME).format(masked=core_rules.mask_name(person.name)))
                continue
            if not ctx.unrestricted and person.current_employer_id not in writable:
                state.error("holder_id_number", CODE_OUT_OF_SCOPE, ERR_PERSON_OUT_OF_SCOPE)
                continue
            evaluation_batch = _batch_for_applications(ctx, values["batch"])
            if evaluation_batch is None:
                state.error("batch", CODE_BATCH, str(ERR_BATCH_NOT_FOUND).format(pk=values["batch"]))
                continue
            grade = int(values["grade"])
            before = existing.get((evaluation_batch.pk, person.pk))
            if before is not None:
                if before.grade == grade:
                    state.action = "unchanged"
                    state.payload = (state.number, evaluation_batch.pk, person.pk, grade, "", "", "", {})
                else:
                    state.error("holder_id_number", CODE_ALREADY_APPLIED,
                                str(ERR_ALREADY_APPLIED).format(grade=evaluation_rules.GRADE_NAMES[before.grade]))
                continue
            route = values.get("route") or "regular"
            facts = _facts(values)
            errors: dict[str, list[str]] = {}
            service._check_batch_accepts(evaluation_batch, grade, errors)
            application = service._build(
                actor=_actor(ctx), batch=evaluation_batch, person=person, grade=grade, facts=facts, route=route,
                grounds_kind=values.get("grounds_kind") or "", grounds=values.get("grounds") or "", is_bulk=True,
                errors=errors,
            )
            if errors:
                for field, messages in errors.items():
                    column, code = FIELD_COLUMNS.get(field, (field if field in self.by_key else "", CODE_FACTS))
                    for message in messages:
                        state.error(column, code, message)
                continue
            assert application is not None
            service._decide(application)
            if application.status == Application.Status.ACCEPTED and evaluation_batch.capacity:
                if evaluation_batch.pk not in taken:
                    taken[evaluation_batch.pk] = evaluation_batch.applications.filter(
                        status=Application.Status.ACCEPTED).count()
                if taken[evaluation_batch.pk] + 1 > evaluation_batch.capacity:
                    state.error("batch", CODE_CAPACITY, str(ERR_CAPACITY).format(capacity=evaluation_batch.capacity))
                    continue
                taken[evaluation_batch.pk] += 1
            state.action = "created"
            state.payload = (state.number, evaluation_batch.pk, person.pk, grade, route,
                             application.grounds_kind, application.grounds, _encode(facts))

    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        """Each row as ``application_submit`` saves it: checked again under the batch's row lock,
        decided by the rule set, capacity checked, saved with ``full_clean`` and audited."""
        from gongjiang.evaluation.models import Application, EvaluationBatch
        from gongjiang.evaluation.services import applications as service
        from gongjiang.evaluation.services._common import fresh_batch
        from gongjiang.people.models import Person

        result = WriteResult()
        batches: dict[int, EvaluationBatch] = {}
        people = Person.objects.select_related("current_employer").in_bulk({p[2] for p in payloads})
        created: list[int] = []
        for row, batch_pk, person_pk, grade, route, grounds_kind, grounds, facts in payloads:
            if batch_pk not in batches:
                batches[batch_pk] = fresh_batch(EvaluationBatch(pk=batch_pk))
            batch, person = batches[batch_pk], people[person_pk]
            same = Application.objects.filter(batch=batch, person=person).exclude(status=Application.Status.WITHDRAWN)
            if not route and same.filter(grade=grade).exists():
                result.counts["unchanged"] += 1
                continue
            errors: dict[str, list[str]] = {}
            service._check_batch_accepts(batch, grade, errors)
            application = service._build(
                actor=_actor(ctx), batch=batch, person=person, grade=grade, facts=_decode(facts), route=route,
                grounds_kind=grounds_kind, grounds=grounds, is_bulk=True, errors=errors,
            )
            if errors or application is None:
                # Changed since the check (the batch closed, someone applied meanwhile): all back.
                raise ApplicationError(
                    gettext("第 {row} 行：{messages}").format(
                        row=row, messages=clauses(m for ms in errors.values() for m in ms)),
                    errors=errors,
                )
            service._decide(application)
            if application.status == Application.Status.ACCEPTED:
                service._check_capacity(batch, 1)
            service._save(application, _actor(ctx))
            created.append(application.pk)
        if created:
            result.add_created("evaluation.application", created)
            result.counts["created"] += len(created)
        return result

    def rollback_conflicts(self, *, records: list[Any], since: dt.datetime) -> list[str]:
        from gongjiang.evaluation.models import Application

        created = [pk for r in records if r.action == "created" for pk in r.object_ids]
        reasons: list[str] = []
        for start in range(0, len(created), 900):
            queryset = Application.objects.filter(pk__in=created[start:start + 900])
            dependents = foreign_dependents(queryset, own=[Application])
            if dependents:
                reasons.append(str(ERR_ROLLBACK_APPLICATIONS).format(what=enumeration(dependents)))
                break
            if queryset.filter(updated_at__gt=since).exists():
                reasons.append(str(ERR_ROLLBACK_CHANGED))
                break
        return reasons

    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        from gongjiang.core import audit
        from gongjiang.evaluation.models import Application

        created = [pk for r in records if r.action == "created" for pk in r.object_ids]
        deleted = 0
        for start in range(0, len(created), 900):
            queryset = Application.objects.filter(pk__in=created[start:start + 900]).select_related("person", "batch")
            for application in queryset:
                audit.record("evaluation.application.import_undone", obj=application,
                             changes={"batch": application.batch_id, "person": application.person_id,
                                      "grade": application.grade, "status": application.status},
                             actor=_actor(ctx))
            deleted += queryset.delete()[0]
        return {"deleted": deleted, "restored": 0}


# --- Scores ------------------------------------------------------------------------------------


class _Access:
    """What the importer may do in a batch: manage it (staff), or enter as one evaluator."""

    def __init__(self, staff: bool, own: Any) -> None:
        self.staff, self.own = staff, own


def _access(ctx: ImportContext, batch: Any) -> _Access:
    from gongjiang.evaluation.selectors import batch_queryset, evaluator_for_user

    cache = ctx.memo("evaluation.access")
    if batch.pk not in cache:
        if ctx.unrestricted:
            cache[batch.pk] = _Access(True, None)
        else:
            staff = batch_queryset(ctx.actor, write=True).filter(pk=batch.pk).exists()
            cache[batch.pk] = _Access(staff, evaluator_for_user(ctx.actor, batch.body))
    return cache[batch.pk]


@register
class ScoresEntity(Entity):
    name = "evaluation_scores"
    label = _("职业技能等级认定成绩")
    description = _(
        "按成绩表模板（批次成绩页面可下载已填好考生的模板）录入成绩：理论知识考试由评价机构工作人员录入；技能考核和综合评审"
        "按考评员分别录入，考评员须被安排到该科目且不与考生同属一个单位。只能录入草稿状态的成绩单。"
    )
    duplicate_column = "application"
    columns = (
        Column("application", _("申报编号"), ("申报号", "申报ID", "报名编号"), number, required=True,
               help=_("成绩表模板中的申报编号（申报页面地址中的编号）。"), example="101", width=10),
        Column("name", _("姓名"), ("考生姓名", "考生", "申报人"), rules.person_name,
               help=_("可不填；填写时须与申报人姓名一致。"), example="张三", width=12),
        Column("component", _("科目"), ("考试科目", "考核科目", "考核项目"),
               _choice(COMPONENTS, ("理论知识考试", "技能考核", "综合评审")), required=True,
               help=_("理论知识考试（理论）、技能考核（技能、实操）或综合评审（评审）。"), example="理论", width=14),
        Column("score", _("成绩"), ("分数", "得分", "评分"), score, required=True,
               help=_("0–100，最多一位小数。"), example="86.5", width=8),
        Column("evaluator", _("考评员证卡编号"), ("证卡编号", "考评员证号", "考评员编号"), rules.text_normalizer(40),
               help=_("技能考核和综合评审必填：评分考评员的证卡编号；理论知识考试不填。"), example="KP001", width=16),
    )

    def pinned_to(self, job: Any) -> JobPin | None:
        return batch_pin(job)

    def can_import(self, scope: Any) -> bool:
        return scope is None or scope.can_write

    def require_permission(self, actor: Any) -> None:
        """Managers of a batch (who may write) and evaluators on a body's roster (their own scores)."""
        from gongjiang.evaluation.models import Evaluator
        from gongjiang.orgs.scope import scope_for

        if actor is None or self.can_import(scope_for(actor)):
            return
        if getattr(actor, "is_authenticated", False) and Evaluator.objects.filter(
                person__user=actor, is_active=True).exclude(role=Evaluator.Role.SUPERVISOR).exists():
            return
        raise PermissionDeniedError(str(ERR_NO_PERMISSION).format(entity=self.label))

    def row_key(self, state: RowState) -> Any:
        values = state.values
        if not values.get("application") or not values.get("component"):
            return None
        return (values["application"], values["component"], values.get("evaluator") or "")

    def key_label(self) -> str:
        return gettext("申报编号、科目、考评员证卡编号")

    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        values = state.values
        if values.get("component") == evaluation_rules.THEORY:
            values["evaluator"] = ""
        elif values.get("component") and not values.get("evaluator"):
            state.error("evaluator", CODE_EVALUATOR_REQUIRED, ERR_EVALUATOR_REQUIRED)

    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        from gongjiang.evaluation.models import (
            Application,
            Evaluator,
            EvaluatorAssignment,
            ScoreEntry,
            ScoreSheet,
        )
        from gongjiang.evaluation.services.scoring import SCORING_STATES

        applications = Application.objects.select_related(
            "person", "batch", "batch__body").in_bulk({s.values["application"] for s in batch})
        sheets = {(s.application_id, s.component): s for s in ScoreSheet.objects.filter(application_id__in=list(applications))}
        bodies = {a.batch.body_id for a in applications.values()}
        evaluators = {(e.body_id, e.card_number): e for e in Evaluator.objects.filter(
            body_id__in=bodies, card_number__in={s.values.get("evaluator") for s in batch if s.values.get("evaluator")},
        ).select_related("person")}
        assigned = set(EvaluatorAssignment.objects.filter(
            batch_id__in={a.batch_id for a in applications.values()}).values_list("batch_id", "evaluator_id", "component"))
        entries = {(e.sheet_id, e.evaluator_id): e.score for e in ScoreEntry.objects.filter(
            sheet_id__in=[s.pk for s in sheets.values()])}
        pinned = pinned_batch(ctx)
        for state in batch:
            values = state.values
            application = applications.get(values["application"])
            access = _access(ctx, application.batch) if application is not None else None
            if application is None or access is None or not (access.staff or access.own is not None):
                state.error("application", CODE_APPLICATION, str(ERR_APPLICATION_NOT_FOUND).format(pk=values["application"]))
                continue
            if values.get("name") and values["name"] != application.person.name:
                state.error("name", CODE_NAME, str(ERR_APPLICANT_NAME).format(
                    pk=application.pk, masked=core_rules.mask_name(application.person.name)))
                continue
            evaluation_batch = application.batch
            if pinned is not None and evaluation_batch.pk != pinned.pk:
                state.error("application", CODE_OTHER_BATCH, str(ERR_OTHER_BATCH_APPLICATION).format(
                    pk=application.pk, other=evaluation_batch.name, other_pk=evaluation_batch.pk, name=pinned.name,
                    pinned=pinned.pk))
                continue
            if evaluation_batch.status not in SCORING_STATES:
                state.error("application", CODE_BATCH_STATE, str(ERR_BATCH_STATE).format(
                    name=evaluation_batch.name, state=evaluation_batch.get_status_display()))
                continue
            component = values["component"]
            sheet = sheets.get((application.pk, component))
            if sheet is None:
                state.error("component", CODE_NO_SHEET, str(ERR_NO_SHEET).format(
                    component=evaluation_rules.COMPONENT_LABELS[component]))
                continue
            if sheet.status != ScoreSheet.Status.DRAFT:
                state.error("score", CODE_SHEET_STATE, str(ERR_SHEET_STATE).format(state=sheet.get_status_display()))
                continue
            value = Decimal(values["score"])
            if component == evaluation_rules.THEORY:
                if not access.staff:
                    state.error("component", CODE_THEORY_STAFF, ERR_THEORY_STAFF)
                    continue
                before, evaluator_pk = sheet.score, 0
            else:
                evaluator = evaluators.get((evaluation_batch.body_id, values["evaluator"]))
                if evaluator is None:
                    state.error("evaluator", CODE_EVALUATOR_NOT_FOUND,
                                str(ERR_EVALUATOR_NOT_FOUND).format(card=values["evaluator"]))
                    continue
                if not access.staff and (access.own is None or access.own.pk != evaluator.pk):
                    state.error("evaluator", CODE_NOT_OWN, str(ERR_NOT_OWN).format(card=values["evaluator"]))
                    continue
                if (evaluation_batch.pk, evaluator.pk, component) not in assigned:
                    state.error("evaluator", CODE_NOT_ASSIGNED, str(ERR_NOT_ASSIGNED).format(
                        name=evaluator.person.name, component=evaluation_rules.COMPONENT_LABELS[component]))
                    continue
                candidate_employer = application.employer_id or application.person.current_employer_id
                if evaluation_rules.has_conflict(evaluator.person.current_employer_id, candidate_employer):
                    state.error("evaluator", CODE_CONFLICT, str(ERR_CONFLICT).format(evaluator=evaluator.person.name))
                    continue
                before, evaluator_pk = entries.get((sheet.pk, evaluator.pk)), evaluator.pk
            state.action = "created" if before is None else ("unchanged" if before == value else "updated")
            state.payload = (state.number, sheet.pk, evaluator_pk, values["score"])

    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        """Each row through ``score_enter`` (the same checks, under the sheet's row lock, audited
        with the previous value). The sheets' values before the import are kept for undo."""
        from gongjiang.evaluation.models import Evaluator, ScoreEntry, ScoreSheet
        from gongjiang.evaluation.services.scoring import score_enter

        result = WriteResult()
        sheets = ScoreSheet.objects.in_bulk({p[1] for p in payloads})
        evaluators = Evaluator.objects.in_bulk({p[2] for p in payloads if p[2]})
        kept = ctx.memo("evaluation.sheets_kept")
        for _row, sheet_pk, evaluator_pk, text in payloads:
            sheet = sheets[sheet_pk]
            value = Decimal(text)
            evaluator = evaluators.get(evaluator_pk)
            entry = ScoreEntry.objects.filter(sheet_id=sheet_pk, evaluator=evaluator).first() if evaluator else None
            current = (entry.score if entry is not None else None) if evaluator else sheet.score
            if current is not None and current == value:
                result.counts["unchanged"] += 1
                continue
            if sheet_pk not in kept:
                kept[sheet_pk] = True
                result.updated.append(("evaluation.scoresheet", sheet_pk, {
                    "score": None if sheet.score is None else str(sheet.score), "entered_by_id": sheet.entered_by_id}))
            sheet = score_enter(actor=ctx.actor, sheet=sheet, score=value, evaluator=evaluator)
            sheets[sheet_pk] = sheet
            if evaluator is None:
                result.counts["created" if current is None else "updated"] += 1
            elif entry is None:
                new = ScoreEntry.objects.get(sheet_id=sheet_pk, evaluator=evaluator)
                result.add_created("evaluation.scoreentry", [new.pk])
                result.counts["created"] += 1
            else:
                result.updated.append(("evaluation.scoreentry", entry.pk, {"score": str(entry.score)}))
                result.counts["updated"] += 1
        return result

    @staticmethod
    def _sheet_ids(records: list[Any]) -> list[int]:
        return [pk for r in records if r.model == "evaluation.scoresheet" for pk in r.object_ids]

    def rollback_conflicts(self, *, records: list[Any], since: dt.datetime) -> list[str]:
        from gongjiang.evaluation.models import ScoreEntry, ScoreSheet

        sheet_ids = self._sheet_ids(records)
        for start in range(0, len(sheet_ids), 900):
            chunk = sheet_ids[start:start + 900]
            if ScoreSheet.objects.filter(pk__in=chunk).exclude(status=ScoreSheet.Status.DRAFT).exists():
                return [str(ERR_ROLLBACK_SHEETS)]
            if (ScoreSheet.objects.filter(pk__in=chunk, updated_at__gt=since).exists()
                    or ScoreEntry.objects.filter(sheet_id__in=chunk, updated_at__gt=since).exists()):
                return [str(ERR_ROLLBACK_SCORES_CHANGED)]
        return []

    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        from gongjiang.core import audit
        from gongjiang.evaluation.models import ScoreEntry, ScoreSheet

        created = [pk for r in records if r.model == "evaluation.scoreentry" and r.action == "created"
                   for pk in r.object_ids]
        restored = 0
        for record in reversed([r for r in records if r.action == "updated"]):
            before = record.before
            if record.model == "evaluation.scoreentry":
                ScoreEntry.objects.filter(pk=record.object_ids[0]).update(score=Decimal(before["score"]), updated_at=ctx.now)
                continue
            sheet = ScoreSheet.objects.get(pk=record.object_ids[0])
            old = None if before["score"] is None else Decimal(before["score"])
            audit.record("evaluation.score.import_undone", obj=sheet,
                         changes={"score": [None if sheet.score is None else str(sheet.score), before["score"]]},
                         actor=_actor(ctx))
            ScoreSheet.objects.filter(pk=sheet.pk).update(score=old, entered_by_id=before["entered_by_id"],
                                                          updated_at=ctx.now)
            restored += 1
        for start in range(0, len(created), 900):
            ScoreEntry.objects.filter(pk__in=created[start:start + 900]).delete()
        return {"deleted": len(created), "restored": restored}


# --- Imports started from a batch -------------------------------------------------------------

BATCH_ENTITIES = (ApplicationsEntity.name, ScoresEntity.name)
ERR_NOT_BATCH_STAFF = _("只有本批次评价机构的工作人员或安排到本批次的考评员可以导入成绩。")
ERR_NOT_EMPLOYER = _("只有单位管理员可以为本单位职工集体申报。")


def batch_import_start(*, actor: Any, entity: str, batch: Any, filename: str, source: Any, mode: str = "atomic",
                       dry_run: bool = False) -> Any:
    """Start an import job of ``evaluation_applications`` or ``evaluation_scores`` from one batch's
    page and queue its check.

    The job is pinned to the batch (:class:`~gongjiang.evaluation.models.BatchImport`): a row
    whose 批次编号 names another batch, or whose application belongs to another batch, is an
    error of that row (``other_batch``); an application row without 批次编号 is for this batch.
    Scores: the batch's managers or an evaluator of its body; applications: an organisation
    administrator (PermissionDeniedError otherwise). A refused upload raises ApplicationError as
    ``imports.services.import_job_create`` does, and nothing is stored.
    """

    from gongjiang.evaluation.models import BatchImport
    from gongjiang.evaluation.selectors import batch_queryset, evaluator_for_user
    from gongjiang.imports import services as import_services
    from gongjiang.orgs.scope import organization_queryset, scope_for

    if entity not in BATCH_ENTITIES:
        raise ValueError(entity)
    unrestricted = scope_for(actor).write_everything
    if entity == ScoresEntity.name and not unrestricted and not (
            batch_queryset(actor, write=True).filter(pk=batch.pk).exists()
            or evaluator_for_user(actor, batch.body) is not None):
        raise PermissionDeniedError(str(ERR_NOT_BATCH_STAFF))
    if entity == ApplicationsEntity.name and not unrestricted and not organization_queryset(actor, write=True).exists():
        raise PermissionDeniedError(str(ERR_NOT_EMPLOYER))
    return import_services.import_job_start_pinned(
        actor=actor, entity=entity, filename=filename, source=source, mode=mode, dry_run=dry_run,
        pin=lambda job: BatchImport.objects.create(job=job, batch=batch),
    )
