"""People (技能人才) with their current employment.

Keyed by the ID number's keyed hash: a row whose number is registered updates that person
(only the columns the row fills in), otherwise it registers a new one. Writes keep the
invariants of :mod:`gongjiang.people.services`: the number is stored encrypted
(``ID_CIPHER_AAD``), as the keyed hash ``hash_id_number`` and masked; sex and birth date come
from a resident ID; ``current_employer`` follows the open employment (a new job closes the
previous open one the day before it starts); a new person has no level until a certificate
gives one.

Data scope, as ``people.services.person_create``: the employer must be one the actor may write
to; a new person must live in the actor's region or work for the actor's organisation; an
existing person outside the actor's scope can only be hired (an employment is added, nothing
else changes, and the name must match the registry).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongjiang.core import rules as core_rules
from gongjiang.core.rules import RuleError
from gongjiang.core.text import enumeration
from gongjiang.imports import bulkwrite, rules
from gongjiang.imports.entities.base import (
    Column,
    Entity,
    ImportContext,
    RowState,
    WriteResult,
    foreign_dependents,
    register,
)
from gongjiang.imports.entities.lookups import find_organization, find_region, organization_writable
from gongjiang.people.services import ID_CIPHER_AAD, ID_HASH_PURPOSE, MOBILE_CIPHER_AAD

ERR_PERSON_OUT_OF_SCOPE = _("该证件号码对应的人员已登记，但不在您的管理范围内，不能修改其信息；如是新入职员工，请填写本单位为工作单位。")
ERR_NAME_DIFFERS = _("姓名与库中该证件号码登记的姓名不一致，请核对证件号码和姓名。")
ERR_START_BEFORE_CURRENT = _("入职日期早于其现任职的起始日期 {start}，请核对。")
ERR_EMPLOYER_FOR_DATES = _("填写了入职日期或岗位，但没有填写工作单位。")

CODE_NAME = "name_format"
CODE_SEX_MISMATCH = "sex_mismatch"
CODE_BIRTH_MISMATCH = "birth_mismatch"
CODE_OUT_OF_SCOPE = "out_of_scope"
CODE_NAME_DIFFERS = "name_differs"
CODE_DATE_FUTURE = "date_future"
CODE_START_BEFORE_CURRENT = "start_before_current"

MOBILE_DIGEST_PURPOSE = "imports.person.mobile"
_NAME_RE = re.compile(r"[\u3400-\u9fffA-Za-z·\s]{2,60}")

ID_TYPES = {
    "居民身份证": core_rules.RESIDENT_ID, "身份证": core_rules.RESIDENT_ID, "二代身份证": core_rules.RESIDENT_ID,
    "护照": core_rules.PASSPORT, "港澳居民来往内地通行证": core_rules.HK_MACAO_PERMIT,
    "港澳通行证": core_rules.HK_MACAO_PERMIT, "回乡证": core_rules.HK_MACAO_PERMIT,
    "台湾居民来往大陆通行证": core_rules.TAIWAN_PERMIT, "台湾通行证": core_rules.TAIWAN_PERMIT,
    "台胞证": core_rules.TAIWAN_PERMIT, "外国人永久居留身份证": core_rules.FOREIGN_PERMANENT_ID,
    "外国人永久居留证": core_rules.FOREIGN_PERMANENT_ID, "永居证": core_rules.FOREIGN_PERMANENT_ID,
}
SEXES = {"男": core_rules.SEX_MALE, "男性": core_rules.SEX_MALE, "女": core_rules.SEX_FEMALE,
         "女性": core_rules.SEX_FEMALE, "M": core_rules.SEX_MALE, "F": core_rules.SEX_FEMALE,
         "male": core_rules.SEX_MALE, "female": core_rules.SEX_FEMALE}
EDUCATION = {
    "初中及以下": "junior_high", "初中": "junior_high", "小学": "junior_high",
    "高中": "high_school", "普高": "high_school",
    "中专/职高": "secondary_vocational", "中专": "secondary_vocational", "职高": "secondary_vocational",
    "中职": "secondary_vocational",
    "技工学校": "technical_school", "技校": "technical_school",
    "高级技工学校/技师学院": "senior_technical_school", "高级技工学校": "senior_technical_school",
    "技师学院": "senior_technical_school",
    "大专/高职": "junior_college", "大专": "junior_college", "高职": "junior_college", "专科": "junior_college",
    "大学专科": "junior_college",
    "本科": "bachelor", "大学本科": "bachelor", "大学": "bachelor",
    "硕士研究生": "master", "硕士": "master", "研究生": "master",
    "博士研究生": "doctor", "博士": "doctor",
}


def _id_cell(value: Any) -> str:
    return rules.id_number_text(value)


@register
class PeopleEntity(Entity):
    name = "people"
    label = _("技能人才（含工作单位）")
    description = _("登记或更新人员，并记录其现工作单位。按证件号码识别：库中已有的人员只更新所填的列。")
    key_columns = ("id_number",)
    columns = (
        Column("name", _("姓名"), ("名字", "人员姓名", "职工姓名", "员工姓名", "学员姓名", "人才姓名", "name"),
               rules.person_name, required=True, help=_("2–60 个汉字或字母，少数民族姓名的间隔号写“·”。"),
               example="张三", width=12),
        Column("id_type", _("证件类型"), ("证件种类", "证件名称"), rules.choice_normalizer(ID_TYPES),
               help=_("不填即为居民身份证；也可填：护照、港澳通行证、台湾通行证、外国人永久居留身份证。"),
               example="居民身份证", width=14),
        Column("id_number", _("身份证号码"),
               ("身份证号", "身份证", "公民身份号码", "公民身份证号码", "证件号码", "证件号", "身份证件号码",
                "身份证件号", "身分证号码", "身分证号", "居民身份证号码", "居民身份证号", "证件编号", "idnumber", "id"),
               _id_cell, required=True,
               help=_("18 位，末位可为 X（大小写均可）。请把该列设为“文本”格式：Excel 存成数字会丢失后几位（如 3.30602E+17），此类号码无法恢复，会被拒绝。"),
               example="330602199005170018", width=22),
        Column("sex", _("性别"), ("sex",), rules.choice_normalizer(SEXES, shown=("男", "女")),
               help=_("居民身份证可不填（按号码第 17 位推算），填了须与号码一致；其他证件必填。"), example="男", width=8),
        Column("birth_date", _("出生日期"), ("出生年月日", "生日", "出生时间"), rules.date_value,
               help=_("居民身份证可不填（按号码推算）；其他证件必填。格式如 1990-05-17、1990年5月17日。"),
               example="1990-05-17", width=14),
        Column("mobile", _("手机号码"), ("手机号", "手机", "联系电话", "联系方式", "移动电话", "电话", "电话号码", "mobile"),
               rules.mobile, help=_("11 位手机号码，可带 +86。库中已有的人员不填则不修改。"), example="13812345678", width=16),
        Column("education", _("学历"), ("文化程度", "最高学历"),
               rules.choice_normalizer(EDUCATION, shown=("初中及以下", "高中", "中专/职高", "技工学校", "高级技工学校/技师学院",
                                                         "大专/高职", "本科", "硕士研究生", "博士研究生")),
               help=_("初中及以下、高中、中专/职高、技工学校、高级技工学校/技师学院、大专/高职、本科、硕士研究生、博士研究生。"),
               example="大专/高职", width=14),
        Column("residence_region", _("常住地"), ("居住地", "常住地区", "居住地区", "所在地区", "常住地行政区划"),
               rules.region_reference, help=_("6 位行政区划代码（如 330602）或地区名称（如 越城区）。"), example="330602", width=12),
        Column("employer", _("工作单位"),
               ("单位", "单位名称", "所在单位", "用人单位", "现工作单位", "工作单位名称", "就职单位", "企业名称"),
               rules.text_normalizer(200), help=_("须是已登记的单位：填登记名称或简称，或填统一社会信用代码。单位管理员只能填本单位（及下属单位）。"),
               example="越城机械有限公司", width=24),
        Column("employer_credit_code", _("单位统一社会信用代码"),
               ("统一社会信用代码", "单位信用代码", "社会信用代码", "信用代码", "工作单位统一社会信用代码"),
               rules.credit_code, help=_("18 位。填了就按代码找单位，更准确。"), example="91330602MA2BXXXXXX", width=22),
        Column("post", _("岗位"), ("职务", "岗位/职务", "工作岗位", "岗位名称"), rules.text_normalizer(100),
               help=_("如：数控车工、班组长。"), example="数控车工", width=14),
        Column("employment_start", _("入职日期"), ("入职时间", "到岗日期", "到岗时间", "进入本单位时间", "起始日期"),
               rules.date_value, help=_("不填为导入当天。不能晚于今天。"), example="2015-03-01", width=14),
        Column("notes", _("备注"), ("说明",), rules.text_normalizer(2000), help=_("库中已有的人员不填则不修改。"), width=20),
    )

    # -- step 1: one row ---------------------------------------------------------------------------
    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        values = state.values
        name = values.get("name") or ""
        if name and not _NAME_RE.fullmatch(name):
            from gongjiang.people.services import ERR_NAME_CHARS

            state.error("name", CODE_NAME, gettext(ERR_NAME_CHARS))
        id_type = values.get("id_type") or core_rules.RESIDENT_ID
        values["id_type"] = id_type
        text_number = values.get("id_number") or ""
        number = ""
        sex, birth = values.get("sex") or "", values.get("birth_date")
        if text_number:
            try:
                if id_type == core_rules.RESIDENT_ID:
                    parsed = rules.resident_id(text_number, today=ctx.today)
                    number = parsed.number
                    if sex and sex != parsed.sex:
                        from gongjiang.people.services import ERR_SEX_MISMATCH

                        label = "男" if parsed.sex == core_rules.SEX_MALE else "女"
                        state.error("sex", CODE_SEX_MISMATCH, gettext(ERR_SEX_MISMATCH).format(derived=label))
                    if birth and birth != parsed.birth_date:
                        from gongjiang.people.services import ERR_BIRTH_MISMATCH

                        state.error("birth_date", CODE_BIRTH_MISMATCH,
                                    gettext(ERR_BIRTH_MISMATCH).format(derived=parsed.birth_date.isoformat()))
                    sex, birth = parsed.sex, parsed.birth_date
                else:
                    number = rules.other_id(id_type, text_number)
            except RuleError as exc:
                state.error("id_number", exc.code, exc.message)
        if id_type != core_rules.RESIDENT_ID:
            from gongjiang.people.services import ERR_BIRTH_REQUIRED, ERR_SEX_REQUIRED

            if not sex:
                state.error("sex", rules.CODE_REQUIRED, gettext(ERR_SEX_REQUIRED))
            if not birth:
                state.error("birth_date", rules.CODE_REQUIRED, gettext(ERR_BIRTH_REQUIRED))
        if birth and (birth > ctx.today or birth.year < 1900):
            from gongjiang.people.services import ERR_BIRTH_RANGE

            state.error("birth_date", rules.CODE_DATE_RANGE, gettext(ERR_BIRTH_RANGE))
        values["_number"], values["sex"], values["birth_date"] = number, sex, birth

        region = values.get("residence_region") or ""
        values["_region"] = None
        if region:
            try:
                values["_region"] = find_region(ctx, region)
            except RuleError as exc:
                state.error("residence_region", exc.code, exc.message)
        employer_name, employer_code = values.get("employer") or "", values.get("employer_credit_code") or ""
        values["_employer"] = None
        if employer_name or employer_code:
            column = "employer_credit_code" if employer_code else "employer"
            try:
                org = find_organization(ctx, name=employer_name, credit_code=employer_code)
            except RuleError as exc:
                state.error(column, exc.code, exc.message)
            else:
                if organization_writable(ctx, org):
                    values["_employer"] = org
                else:
                    from gongjiang.people.services import ERR_OUT_OF_SCOPE_EMPLOYER

                    state.error(column, CODE_OUT_OF_SCOPE, gettext(ERR_OUT_OF_SCOPE_EMPLOYER))
        elif values.get("employment_start") or values.get("post"):
            state.error("employer", rules.CODE_REQUIRED, ERR_EMPLOYER_FOR_DATES)
        start = values.get("employment_start")
        if start and start > ctx.today:
            from gongjiang.people.services import ERR_DATE_FUTURE

            state.error("employment_start", CODE_DATE_FUTURE, gettext(ERR_DATE_FUTURE))
        if number:
            values["_hash"] = ctx.crypto.blind_index(f"{id_type}:{number}", purpose=ID_HASH_PURPOSE)

    def row_key(self, state: RowState) -> Any:
        digest = state.values.get("_hash")
        return int(digest[:16], 16) if digest else None

    # -- step 2: a batch against the database ------------------------------------------------------
    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        from gongjiang.people.selectors import person_queryset

        existing = _existing_people([state.values["_hash"] for state in batch])
        open_jobs: dict[int, list[tuple[int, str, dt.date]]] = {}
        if existing:
            from gongjiang.people.models import Employment

            for person_id, org_id, post, job_start in Employment.objects.filter(
                person_id__in=[row["pk"] for row in existing.values()], end_date__isnull=True
            ).values_list("person_id", "organization_id", "post", "start_date"):
                open_jobs.setdefault(person_id, []).append((org_id, post, job_start))
        writable: set[int] = set()
        if existing and not ctx.unrestricted:
            writable = set(
                person_queryset(ctx.actor, write=True)
                .filter(pk__in=[row["pk"] for row in existing.values()])
                .values_list("pk", flat=True)
            )
        crypto = ctx.crypto
        for state in batch:
            values = state.values
            employer = values["_employer"]
            current = existing.get(values["_hash"])
            employment_only = False
            if current is None:
                if not ctx.unrestricted and not self._new_person_in_scope(ctx, values["_region"], employer):
                    from gongjiang.people.services import ERR_NEW_PERSON_OUT_OF_SCOPE

                    state.error("employer", CODE_OUT_OF_SCOPE, gettext(ERR_NEW_PERSON_OUT_OF_SCOPE))
                    continue
                state.action = "created"
            else:
                if not ctx.unrestricted and current["pk"] not in writable:
                    if employer is None:
                        state.error("id_number", CODE_OUT_OF_SCOPE, ERR_PERSON_OUT_OF_SCOPE)
                        continue
                    if current["name"] != values["name"]:
                        state.error("name", CODE_NAME_DIFFERS, ERR_NAME_DIFFERS)
                        continue
                    employment_only = True
                jobs = open_jobs.get(current["pk"], [])
                start = values.get("employment_start")
                if employer is not None and start and not any(org == employer.pk for org, _p, _s in jobs):
                    clash = [s for _o, _p, s in jobs if s >= start]
                    if clash:
                        state.error("employment_start", CODE_START_BEFORE_CURRENT,
                                    str(ERR_START_BEFORE_CURRENT).format(start=max(clash).isoformat()))
                        continue
                state.action = self._preview_action(current, values, employment_only, jobs, ctx)
            number = values["_number"]
            mobile = values.get("mobile") or ""
            birth = values["birth_date"]
            start = values.get("employment_start")
            state.payload = (
                state.number,
                values["name"],
                values["id_type"],
                values["_hash"],
                crypto.encrypt(number, associated_data=ID_CIPHER_AAD) if current is None else "",
                core_rules.mask_id_number(number),
                values["sex"],
                birth.isoformat() if birth else None,
                crypto.encrypt(mobile, associated_data=MOBILE_CIPHER_AAD) if mobile else "",
                rules.mask_mobile(mobile) if mobile else "",
                # Only an existing person's mobile is ever compared (on re-import).
                crypto.blind_index(mobile, purpose=MOBILE_DIGEST_PURPOSE) if mobile and current is not None else "",
                values.get("education") or "",
                values["_region"],
                employer.pk if employer else None,
                values.get("post") or "",
                start.isoformat() if start else None,
                values.get("notes") or "",
                1 if employment_only else 0,
            )

    @staticmethod
    def _new_person_in_scope(ctx: ImportContext, region: str | None, employer: Any) -> bool:
        scope = ctx.scope
        assert scope is not None
        in_region = any(
            (region is not None and region.startswith(prefix))
            or (employer is not None and employer.region_code.startswith(prefix))
            for prefix in scope.write_region_prefixes
        )
        in_org = employer is not None and any(employer.path.startswith(p) for p in scope.write_org_paths)
        return in_region or in_org

    @staticmethod
    def _preview_action(
        current: dict[str, Any], values: dict[str, Any], employment_only: bool,
        jobs: list[tuple[int, str, dt.date]], ctx: ImportContext,
    ) -> str:
        employer = values["_employer"]
        if employer is not None:
            posts = [post for org, post, _start in jobs if org == employer.pk]
            if not posts or (values.get("post") and values["post"] != posts[0]):
                return "updated"
        if employment_only:
            return "unchanged"
        if values["name"] != current["name"]:
            return "updated"
        for key, column in (("education", "education"), ("_region", "residence_region_id"), ("notes", "notes")):
            if values.get(key) and values[key] != current[column]:
                return "updated"
        mobile = values.get("mobile")
        if mobile:
            from gongjiang.people.services import MOBILE_CIPHER_AAD

            old = ctx.crypto.decrypt(current["mobile_encrypted"], associated_data=MOBILE_CIPHER_AAD) if current["mobile_encrypted"] else ""
            if old != mobile:
                return "updated"
        return "unchanged"

    # -- step 3: write -----------------------------------------------------------------------------
    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        from gongjiang.people.models import Employment, Person
        from gongjiang.people.services import MOBILE_CIPHER_AAD

        result = WriteResult()
        today_iso = ctx.today.isoformat()
        as_date = bulkwrite.date_converter()
        # p[4], the encrypted number, is only filled in for a person the check found new.
        if ctx.streamed and all(p[4] for p in payloads):
            existing: dict[str, dict[str, Any]] = {}
        else:
            existing = _existing_people([p[3] for p in payloads])
        new_rows = [p for p in payloads if p[3] not in existing]
        old_rows = [p for p in payloads if p[3] in existing]
        # New people, and the jobs of those who have an employer.
        person_ids = bulkwrite.allocate_ids(Person, len(new_rows))
        if new_rows:
            bulkwrite.insert_rows(
                Person,
                ("id", "name", "id_type", "id_number_encrypted", "id_number_hash", "id_number_masked", "sex",
                 "birth_date", "mobile_encrypted", "mobile_masked", "education", "residence_region_id",
                 "current_employer_id", "notes"),
                (
                    (pk, p[1], p[2], p[4], p[3], p[5], p[6], as_date(p[7]), p[8], p[9], p[11], p[12], p[13], p[16])
                    for pk, p in zip(person_ids, new_rows, strict=True)
                ),
            )
            result.add_created("people.person", person_ids)
            result.counts["created"] += len(new_rows)
        jobs = [(pk, p) for pk, p in zip(person_ids, new_rows, strict=True) if p[13] is not None]
        employment_ids = bulkwrite.allocate_ids(Employment, len(jobs))
        if jobs:
            bulkwrite.insert_rows(
                Employment,
                ("id", "person_id", "organization_id", "post", "start_date", "end_date"),
                (
                    (eid, pk, p[13], p[14], as_date(p[15] or today_iso), None)
                    for eid, (pk, p) in zip(employment_ids, jobs, strict=True)
                ),
                fresh_parents=("person_id",),  # the people just inserted above
            )
            result.add_created("people.employment", employment_ids)
        if old_rows:
            self._update_existing(old_rows, existing, ctx, result, MOBILE_CIPHER_AAD)
        return result

    def _update_existing(
        self, rows: list[tuple[Any, ...]], existing: dict[str, dict[str, Any]], ctx: ImportContext,
        result: WriteResult, mobile_aad: bytes,
    ) -> None:
        from gongjiang.people.models import Employment, Person

        person_pks = [existing[p[3]]["pk"] for p in rows]
        open_jobs: dict[int, list[Employment]] = {}
        for job in Employment.objects.filter(person_id__in=person_pks, end_date__isnull=True).order_by("-start_date", "-id"):
            open_jobs.setdefault(job.person_id, []).append(job)
        new_jobs: list[tuple[int, tuple[Any, ...], dt.date]] = []
        for payload in rows:
            current = existing[payload[3]]
            pk = current["pk"]
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            if not payload[17]:
                if payload[1] != current["name"]:
                    before["name"], after["name"] = current["name"], payload[1]
                for index, column in ((11, "education"), (12, "residence_region_id"), (16, "notes")):
                    if payload[index] and payload[index] != current[column]:
                        before[column], after[column] = current[column], payload[index]
                if payload[8]:
                    old_digest = ""
                    if current["mobile_encrypted"]:
                        old_plain = ctx.crypto.decrypt(current["mobile_encrypted"], associated_data=mobile_aad)
                        old_digest = ctx.crypto.blind_index(old_plain, purpose=MOBILE_DIGEST_PURPOSE)
                    if old_digest != payload[10]:
                        before["mobile_encrypted"], after["mobile_encrypted"] = current["mobile_encrypted"], payload[8]
                        before["mobile_masked"], after["mobile_masked"] = current["mobile_masked"], payload[9]
            employer_id = payload[13]
            jobs_now = open_jobs.get(pk, [])
            changed = False
            if employer_id is not None:
                same = [job for job in jobs_now if job.organization_id == employer_id]
                if same:
                    job = same[0]
                    if payload[14] and payload[14] != job.post:
                        result.updated.append(("people.employment", job.pk, {"post": job.post}))
                        Employment.objects.filter(pk=job.pk).update(post=payload[14], updated_at=ctx.now)
                        changed = True
                    if current["current_employer_id"] != employer_id and job is jobs_now[0]:
                        before["current_employer_id"], after["current_employer_id"] = current["current_employer_id"], employer_id
                else:
                    start = dt.date.fromisoformat(payload[15]) if payload[15] else ctx.today
                    for job in jobs_now:
                        if job.start_date < start:
                            result.updated.append(("people.employment", job.pk, {"end_date": None}))
                            Employment.objects.filter(pk=job.pk).update(
                                end_date=start - dt.timedelta(days=1), updated_at=ctx.now
                            )
                    remaining = [job for job in jobs_now if job.start_date >= start]
                    new_jobs.append((pk, payload, start))
                    changed = True
                    latest = max([start, *[job.start_date for job in remaining]])
                    if latest == start and current["current_employer_id"] != employer_id:
                        before["current_employer_id"], after["current_employer_id"] = current["current_employer_id"], employer_id
            if after:
                Person.objects.filter(pk=pk).update(**after, updated_at=ctx.now)
                result.updated.append(("people.person", pk, before))
            result.counts["updated" if after or changed else "unchanged"] += 1
        if new_jobs:
            ids = bulkwrite.allocate_ids(Employment, len(new_jobs))
            bulkwrite.insert_rows(
                Employment,
                ("id", "person_id", "organization_id", "post", "start_date", "end_date"),
                (
                    (eid, pk, payload[13], payload[14], bulkwrite.prepare_value(start), None)
                    for eid, (pk, payload, start) in zip(ids, new_jobs, strict=True)
                ),
            )
            result.add_created("people.employment", ids)

    # -- step 4: undo ------------------------------------------------------------------------------
    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        from gongjiang.people.models import Employment, Person

        created_people = [pk for r in records if r.model == "people.person" and r.action == "created" for pk in r.object_ids]
        created_jobs = [pk for r in records if r.model == "people.employment" and r.action == "created" for pk in r.object_ids]
        updated = [r for r in records if r.action == "updated"]
        # Undo in the reverse order of the writes.
        for record in reversed(updated):
            model = Employment if record.model == "people.employment" else Person
            model.objects.filter(pk=record.object_ids[0]).update(**record.before, updated_at=ctx.now)
        for start in range(0, len(created_jobs), 900):
            Employment.objects.filter(pk__in=created_jobs[start : start + 900]).delete()
        for start in range(0, len(created_people), 900):
            chunk = created_people[start : start + 900]
            Employment.objects.filter(person_id__in=chunk).delete()
            Person.objects.filter(pk__in=chunk).delete()
        touched = {r.object_ids[0] for r in updated if r.model == "people.person"}
        touched |= set(
            Employment.objects.filter(pk__in=[r.object_ids[0] for r in updated if r.model == "people.employment"])
            .values_list("person_id", flat=True)
        )
        _refresh_current_employers(touched)
        return {"deleted": len(created_people), "restored": len(updated)}

    def rollback_conflicts(self, *, records: list[Any], since: dt.datetime) -> list[str]:
        """Reasons the job cannot be undone (later changes that undoing would destroy)."""
        from gongjiang.people.models import Employment, Person

        created = [pk for r in records if r.model == "people.person" and r.action == "created" for pk in r.object_ids]
        updated = [r.object_ids[0] for r in records if r.model == "people.person" and r.action == "updated"]
        problems: list[str] = []
        for start in range(0, len(created), 900):
            chunk = created[start : start + 900]
            others = foreign_dependents(Person.objects.filter(pk__in=chunk), own=(Person, Employment))
            if others:
                problems.append(gettext("本次导入新增的人员已有其他记录（{what}）。").format(what=enumeration(others)))
                break
            if Person.objects.filter(pk__in=chunk, user__isnull=False).exists():
                problems.append(gettext("本次导入新增的人员已开通登录账号。"))
                break
        touched = created + updated
        for start in range(0, len(touched), 900):
            if Person.objects.filter(pk__in=touched[start : start + 900], updated_at__gt=since).exists():
                problems.append(gettext("本次导入涉及的人员在导入后又被修改过。"))
                break
        return problems


_EXISTING_COLUMNS = ("id", "id_number_hash", "name", "education", "residence_region_id", "current_employer_id",
                     "mobile_encrypted", "mobile_masked", "notes")


def _existing_people(hashes: list[str]) -> dict[str, dict[str, Any]]:
    """Registered people by keyed hash, for a batch of rows.

    Plain SQL: this runs once per 1,000 rows, and building the ORM query for 1,000 parameters
    cost more than running it.
    """
    from django.db import connection

    from gongjiang.people.models import Person

    found: dict[str, dict[str, Any]] = {}
    if not hashes:
        return found
    fields = {f.attname: bulkwrite.column_name(f) for f in Person._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(fields[name]) for name in _EXISTING_COLUMNS)
    table = connection.ops.quote_name(Person._meta.db_table)
    hash_column = connection.ops.quote_name(fields["id_number_hash"])
    with connection.cursor() as cursor:
        for start in range(0, len(hashes), 900):
            where, params = bulkwrite.hash_lookup(hash_column, hashes[start : start + 900])
            cursor.execute(f"SELECT {columns} FROM {table} WHERE {where}", params)  # noqa: S608
            for row in cursor.fetchall():
                record = dict(zip(_EXISTING_COLUMNS, row, strict=True))
                record["pk"] = record["id"]
                found[record["id_number_hash"]] = record
    return found


def _refresh_current_employers(person_ids: set[int]) -> None:
    """current_employer = the organisation of the open job that started last (people.services)."""
    from gongjiang.people.models import Employment, Person

    for pk in person_ids:
        job = Employment.objects.filter(person_id=pk, end_date__isnull=True).order_by("-start_date", "-id").first()
        Person.objects.filter(pk=pk).update(current_employer_id=job.organization_id if job else None)
