"""Historical certificates (历史证书): national 22-character and legacy 16-digit numbers.

Keyed by (kind, number), as the certificate table's unique constraint. The number's scheme
and level digit come from ``credentials.rules.parse_certificate_number`` and must agree with
the level typed (``people.services.certificate_record`` rules); the holder must be registered.
After writing, each holder's derived level is refreshed with
``people.services.person_refresh_level`` so the registry's invariant holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.levels import SkillLevel, level_from_national_grade, national_grade
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
from gongjiang.imports.entities.holders import check_holder, holder_columns, resolve_holders
from gongjiang.imports.entities.lookups import find_occupation

ERR_CERT_OTHER_HOLDER = _("证书编号 {number} 已登记在另一人名下，不能改到此人名下。")
ERR_VALID_BEFORE_ISSUE = _("有效期不能早于发证日期。")

CODE_CERT_NUMBER = "certificate_number"
CODE_LEVEL_MISMATCH = "level_mismatch"
CODE_LEVEL_NOT_IN_OCCUPATION = "level_not_in_occupation"
CODE_OTHER_HOLDER = "certificate_other_holder"
CODE_DATE_FUTURE = "date_future"

KINDS = {
    "职业技能等级证书": "skill_level", "技能等级证书": "skill_level", "等级证书": "skill_level",
    "职业资格证书": "qualification", "资格证书": "qualification", "国家职业资格证书": "qualification",
    "专项职业能力证书": "special_ability", "专项能力证书": "special_ability",
    "境外/国际职业资格证书": "international", "国际职业资格证书": "international", "境外职业资格证书": "international",
    "特级技师/首席技师聘任": "post_appointment", "聘任证书": "post_appointment",
}
LEVELS = {
    "五级/初级工": SkillLevel.JUNIOR, "初级工": SkillLevel.JUNIOR, "初级": SkillLevel.JUNIOR, "五级": SkillLevel.JUNIOR,
    "5": SkillLevel.JUNIOR, "5级": SkillLevel.JUNIOR,
    "四级/中级工": SkillLevel.INTERMEDIATE, "中级工": SkillLevel.INTERMEDIATE, "中级": SkillLevel.INTERMEDIATE,
    "四级": SkillLevel.INTERMEDIATE, "4": SkillLevel.INTERMEDIATE, "4级": SkillLevel.INTERMEDIATE,
    "三级/高级工": SkillLevel.SENIOR, "高级工": SkillLevel.SENIOR, "高级": SkillLevel.SENIOR, "三级": SkillLevel.SENIOR,
    "3": SkillLevel.SENIOR, "3级": SkillLevel.SENIOR,
    "二级/技师": SkillLevel.TECHNICIAN, "技师": SkillLevel.TECHNICIAN, "二级": SkillLevel.TECHNICIAN,
    "2": SkillLevel.TECHNICIAN, "2级": SkillLevel.TECHNICIAN,
    "一级/高级技师": SkillLevel.SENIOR_TECHNICIAN, "高级技师": SkillLevel.SENIOR_TECHNICIAN,
    "一级": SkillLevel.SENIOR_TECHNICIAN, "1": SkillLevel.SENIOR_TECHNICIAN, "1级": SkillLevel.SENIOR_TECHNICIAN,
    "特级技师": SkillLevel.PRINCIPAL_TECHNICIAN, "首席技师": SkillLevel.CHIEF_TECHNICIAN,
    "学徒工": SkillLevel.APPRENTICE,
}
_LEVEL_CHOICE = rules.choice_normalizer(
    {label: str(int(value)) for label, value in LEVELS.items()},
    shown=("五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "一级/高级技师", "特级技师", "首席技师"),
)


def _level(value: Any) -> int | None:
    stored = _LEVEL_CHOICE(value)
    return int(stored) if stored else None


def _certificate_number(value: Any) -> str:
    text = rules.id_number_text(value)
    return text


@register
class CertificatesEntity(Entity):
    name = "certificates"
    label = _("历史证书")
    description = _("登记人员已取得的证书（含 22 位全国统一编码和 16 位旧职业资格证书编码）。持证人须已登记。按证书类型和编号识别。")
    key_columns = ("number",)
    columns = (
        *holder_columns(),
        Column("number", _("证书编号"), ("证书号", "证书号码", "编号", "证书编码", "certificateno"), _certificate_number,
               required=True, help=_("22 位全国统一编码（如 Y000033000001231000001）、16 位旧职业资格证书编号，或其他 4–40 位字母数字编号。请设为文本格式。"),
               example="S000033000001235000123", width=26),
        Column("kind", _("证书类型"), ("证书种类", "证书类别"), rules.choice_normalizer(KINDS),
               help=_("不填即为职业技能等级证书；也可填：职业资格证书、专项职业能力证书、境外/国际职业资格证书。"),
               example="职业技能等级证书", width=18),
        Column("occupation", _("职业（工种）"), ("职业", "职业名称", "职业编码", "工种名称", "职业工种", "鉴定工种"),
               rules.text_normalizer(100), help=_("职业分类大典的职业名称或编码（如 6-18-01-01）；找不到时按原文保存。"),
               example="车工", width=16),
        Column("work_type", _("工种/职业方向"), ("工种", "职业方向"), rules.text_normalizer(100),
               help=_("如：数控车工。"), example="数控车工", width=14),
        Column("level", _("等级"), ("职业技能等级", "技能等级", "证书等级", "级别"), _level,
               help=_("五级/初级工、四级/中级工、三级/高级工、二级/技师、一级/高级技师（也可填 5–1 级）。不填时按证书编号中的等级位推算。"),
               example="三级/高级工", width=14),
        Column("issuer", _("发证机构"), ("评价机构", "鉴定机构", "发证单位", "颁证机构"), rules.text_normalizer(200),
               help=_("评价机构或发证机关名称。"), example="绍兴市职业技能鉴定中心", width=24),
        Column("issue_date", _("发证日期"), ("发证时间", "颁证日期", "取证日期", "取证时间", "获证日期", "发证年月日"),
               rules.date_value, required=True, help=_("如 2021-06-30、2021年6月30日。不能晚于今天。"), example="2021-06-30", width=14),
        Column("valid_until", _("有效期至"), ("有效期", "有效日期", "截止日期"), rules.date_value,
               help=_("长期有效不填。"), example="", width=14),
    )

    def row_key(self, state: RowState) -> Any:
        number = state.values.get("number")
        return (state.values.get("kind") or "skill_level", number) if number else None

    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        from gongjiang.credentials.rules import parse_certificate_number
        from gongjiang.people.services import (
            ERR_CERT_LEVEL_MISMATCH,
            ERR_CERT_NUMBER,
            ERR_DATE_FUTURE,
            ERR_LEVEL_NOT_IN_OCCUPATION,
        )

        values = state.values
        check_holder(state, ctx)
        kind = values["kind"] = values.get("kind") or "skill_level"
        level = values.get("level")
        number = values.get("number") or ""
        values["_parsed"] = None
        if number:
            try:
                parsed = parse_certificate_number(number)
            except ValueError:
                state.error("number", CODE_CERT_NUMBER, gettext(ERR_CERT_NUMBER))
            else:
                values["_parsed"] = parsed
                values["number"] = parsed.number
                if parsed.national_grade is not None and kind in ("skill_level", "qualification"):
                    derived = level_from_national_grade(parsed.national_grade)
                    if level is None:
                        level = derived
                    elif level != derived:
                        pos = 16 if parsed.scheme == "national" else 11
                        state.error("level", CODE_LEVEL_MISMATCH, gettext(ERR_CERT_LEVEL_MISMATCH).format(
                            pos=pos, digit=parsed.national_grade, level=SkillLevel(level).label))
        values["level"] = level
        occupation = values.get("occupation") or ""
        values["_occupation"] = None
        if occupation:
            try:
                values["_occupation"] = find_occupation(ctx, occupation)
            except RuleError as exc:
                if occupation[:1].isdigit():
                    state.error("occupation", exc.code, exc.message)
            else:
                _pk, occupation_name, grades = values["_occupation"]
                grade = national_grade(level) if level is not None else None
                if grades and level is not None and grade is not None and grade not in grades:
                    state.error("level", CODE_LEVEL_NOT_IN_OCCUPATION, gettext(ERR_LEVEL_NOT_IN_OCCUPATION).format(
                        occupation=occupation_name, level=SkillLevel(level).label))
        issue = values.get("issue_date")
        if issue and issue > ctx.today:
            state.error("issue_date", CODE_DATE_FUTURE, gettext(ERR_DATE_FUTURE))
        until = values.get("valid_until")
        if issue and until and until < issue:
            state.error("valid_until", rules.CODE_DATE_RANGE, ERR_VALID_BEFORE_ISSUE)

    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        from gongjiang.people.models import Certificate

        resolve_holders(batch, ctx)
        existing = {
            (row["kind"], row["number"]): row
            for row in Certificate.objects.filter(number__in=[s.values["number"] for s in batch]).values(
                "kind", "number", "holder_id", "occupation_id", "occupation_name", "work_type_id", "level", "issuer_id",
                "issuer_name", "issue_date", "valid_until", "occupation__name", "occupation__code",
            )
        }
        for state in batch:
            if not state.ok:
                continue
            values = state.values
            payload = self._payload(state, ctx)
            current = existing.get((values["kind"], values["number"]))
            if current is None:
                state.action = "created"
            elif current["holder_id"] != values["_holder"]:
                state.error("number", CODE_OTHER_HOLDER, str(ERR_CERT_OTHER_HOLDER).format(number=values["number"]))
                continue
            else:
                state.action = "updated" if _changes(current, payload) else "unchanged"
            state.payload = payload

    def _payload(self, state: RowState, ctx: ImportContext) -> tuple[Any, ...]:
        from gongjiang.imports.entities.lookups import find_organization

        values = state.values
        occupation = values["_occupation"]
        issuer_name = values.get("issuer") or ""
        issuer_pk = None
        if issuer_name:
            try:
                issuer_pk = find_organization(ctx, name=issuer_name).pk
            except RuleError:
                issuer_pk = None
        occupation_name = occupation[1] if occupation else (values.get("occupation") or "")
        work_type = values.get("work_type") or ""
        work_type_pk = _work_type(ctx, occupation[0], work_type) if occupation and work_type else None
        if work_type and work_type_pk is None:
            occupation_name = f"{occupation_name}（{work_type}）" if occupation_name else work_type
        return (
            state.number,
            values["_holder"],
            values["kind"],
            values["number"],
            values["_parsed"].scheme,
            occupation[0] if occupation else None,
            occupation_name[:100],
            work_type_pk,
            int(values["level"]) if values["level"] is not None else None,
            issuer_pk,
            issuer_name,
            values["issue_date"].isoformat(),
            values["valid_until"].isoformat() if values.get("valid_until") else None,
            values.get("occupation") or "",  # as typed: to tell an unchanged occupation on re-import
        )

    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        from gongjiang.people.models import Certificate, Person
        from gongjiang.people.services import person_refresh_level

        result = WriteResult()
        existing = {
            (c.kind, c.number): c
            for c in Certificate.objects.filter(number__in=[p[3] for p in payloads]).select_related("occupation")
        }
        new = []
        for payload in payloads:
            current = existing.get((payload[2], payload[3]))
            fields = _fields(payload)
            if current is not None and _same_occupation(
                payload[13], current.occupation_name, current.occupation.name if current.occupation else "",
                current.occupation.code if current.occupation else "",
            ):
                for key in ("occupation_id", "occupation_name", "work_type_id"):
                    fields.pop(key)
            if current is None:
                new.append(Certificate(
                    kind=payload[2], number=payload[3], scheme=payload[4], holder_id=payload[1],
                    source=Certificate.Source.IMPORT, source_ref=ctx.job_ref, **fields,
                ))
                continue
            before = {key: getattr(current, key) for key in fields if getattr(current, key) != fields[key]}
            if before:
                for key in before:
                    setattr(current, key, fields[key])
                current.save(update_fields=[*before, "updated_at"])
                result.updated.append(("people.certificate", current.pk, before))
                result.counts["updated"] += 1
            else:
                result.counts["unchanged"] += 1
        if new:
            for certificate in new:
                certificate.full_clean(validate_unique=False, validate_constraints=False)
            created = Certificate.objects.bulk_create(new, batch_size=500)
            result.add_created("people.certificate", [c.pk for c in created])
            result.counts["created"] += len(created)
        holders = {p[1] for p in payloads}
        for person in Person.objects.filter(pk__in=holders):
            person_refresh_level(person)
        return result

    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        from gongjiang.people.models import Certificate, Person
        from gongjiang.people.services import person_refresh_level

        created = [pk for r in records if r.action == "created" for pk in r.object_ids]
        updated = [r for r in records if r.action == "updated"]
        holders = set(Certificate.objects.filter(pk__in=created + [r.object_ids[0] for r in updated]).values_list(
            "holder_id", flat=True))
        for record in reversed(updated):
            Certificate.objects.filter(pk=record.object_ids[0]).update(**record.before, updated_at=ctx.now)
        for start in range(0, len(created), 900):
            Certificate.objects.filter(pk__in=created[start : start + 900]).delete()
        for person in Person.objects.filter(pk__in=holders):
            person_refresh_level(person)
        return {"deleted": len(created), "restored": len(updated)}

    def rollback_conflicts(self, *, records: list[Any], since: dt.datetime) -> list[str]:
        from gongjiang.people.models import Certificate

        touched = [pk for r in records for pk in r.object_ids]
        for start in range(0, len(touched), 900):
            if Certificate.objects.filter(pk__in=touched[start : start + 900], updated_at__gt=since).exists():
                return [gettext("本次导入的证书在导入后又被修改或撤销过。")]
        return []


def _fields(payload: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "occupation_id": payload[5], "occupation_name": payload[6], "work_type_id": payload[7], "level": payload[8],
        "issuer_id": payload[9], "issuer_name": payload[10], "issue_date": dt.date.fromisoformat(payload[11]),
        "valid_until": dt.date.fromisoformat(payload[12]) if payload[12] else None,
    }


def _same_occupation(typed: str, stored_name: str, catalog_name: str, catalog_code: str) -> bool:
    """The row names the occupation the certificate already has (so linking it to the catalogue
    now would be a change the user did not ask for: export → import must change nothing)."""
    return bool(typed) and typed in (stored_name, catalog_name, catalog_code) or (not typed and not stored_name)


def _changes(current: Mapping[str, Any], payload: tuple[Any, ...]) -> bool:
    fields = _fields(payload)
    if _same_occupation(payload[13], current["occupation_name"], current["occupation__name"] or "",
                        current["occupation__code"] or ""):
        for key in ("occupation_id", "occupation_name", "work_type_id"):
            fields.pop(key)
    return any(current[key] != value for key, value in fields.items())


def _work_type(ctx: ImportContext, occupation_pk: int, name: str) -> int | None:
    from gongjiang.catalog.models import WorkType

    memo = ctx.memo("work_type")
    key = (occupation_pk, name)
    if key not in memo:
        memo[key] = WorkType.objects.filter(occupation_id=occupation_pk, name=name).values_list("pk", flat=True).first()
    return memo[key]
