"""Honours (荣誉): 中华技能大奖, 全国技术能手, 首席技师, 技能大师, craftsman titles, medals.

Keyed by (person, category, name, year). The category and level may be left out when the
honour's name says them (“浙江省技术能手” → 省技术能手, 省级).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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

ERR_TITLE_UNKNOWN = _("无法从荣誉名称判断荣誉类别，请填写“荣誉类别”。")
ERR_LEVEL_UNKNOWN = _("无法从荣誉名称判断级别，请填写“级别”（国家级、省级、市级、区县级、企业级、国际）。")

CODE_YEAR = "year_range"

TITLES = {
    "中华技能大奖": "china_skill_award", "全国技术能手": "national_technical_expert",
    "省技术能手": "provincial_technical_expert", "市技术能手": "city_technical_expert",
    "技术状元": "technical_champion", "首席技师": "chief_technician", "技能大师": "skill_master",
    "工匠": "craftsman", "劳动模范": "model_worker", "劳模": "model_worker", "竞赛奖牌": "competition_medal",
    "奖牌": "competition_medal", "其他": "other",
}
LEVELS = {
    "国家级": "national", "国家": "national", "全国": "national", "省级": "provincial", "省": "provincial",
    "市级": "city", "市": "city", "区县级": "district", "区级": "district", "县级": "district",
    "企业级": "enterprise", "企业": "enterprise", "国际": "international", "国际级": "international",
}
# (keyword in the honour's name, category) — first match wins, so the specific ones come first.
_TITLE_HINTS = (
    ("中华技能大奖", "china_skill_award"), ("全国技术能手", "national_technical_expert"),
    ("省技术能手", "provincial_technical_expert"), ("市技术能手", "city_technical_expert"),
    ("技术状元", "technical_champion"), ("首席技师", "chief_technician"), ("技能大师", "skill_master"),
    ("劳动模范", "model_worker"), ("劳模", "model_worker"), ("工匠", "craftsman"),
    ("金牌", "competition_medal"), ("银牌", "competition_medal"), ("铜牌", "competition_medal"),
)
_LEVEL_HINTS = (
    ("世界", "international"), ("国际", "international"), ("中华", "national"), ("全国", "national"),
    ("国家", "national"), ("省", "provincial"), ("市", "city"), ("区", "district"), ("县", "district"),
)
_TITLE_LEVEL = {"china_skill_award": "national", "national_technical_expert": "national",
                "provincial_technical_expert": "provincial", "city_technical_expert": "city"}


@register
class HonorsEntity(Entity):
    name = "honors"
    label = _("荣誉")
    description = _("登记人员获得的荣誉称号、奖项。人员须已登记。按人员、荣誉类别、荣誉名称和年度识别。")
    duplicate_column = "name"
    columns = (
        *holder_columns(),
        Column("name", _("荣誉名称"), ("荣誉称号", "称号", "奖项名称", "荣誉", "奖项"), rules.text_normalizer(100),
               required=True, help=_("如：绍兴工匠、浙江省技术能手、全国技术能手。"), example="绍兴工匠", width=20),
        Column("title", _("荣誉类别"), ("类别", "荣誉类型", "称号类别"), rules.choice_normalizer(TITLES),
               help=_("中华技能大奖、全国技术能手、省技术能手、市技术能手、技术状元、首席技师、技能大师、工匠、劳动模范、竞赛奖牌、其他。不填时按荣誉名称判断。"),
               example="工匠", width=14),
        Column("level", _("级别"), ("荣誉级别", "等级"), rules.choice_normalizer(LEVELS),
               help=_("国家级、省级、市级、区县级、企业级、国际。不填时按荣誉名称判断。"), example="市级", width=10),
        Column("year", _("年度"), ("获得年度", "获奖年度", "年份", "授予年度", "获得时间", "获奖时间"), rules.year_value,
               required=True, help=_("4 位年份，如 2023；也可填获得日期。"), example="2023", width=10),
        Column("awarded_by", _("授予单位"), ("颁发单位", "授予机关", "表彰单位"), rules.text_normalizer(200),
               help=_("如：绍兴市人民政府。"), example="绍兴市人民政府", width=20),
    )

    def row_key(self, state: RowState) -> Any:
        values = state.values
        if not values.get("_holder_hash"):
            return None
        return (values["_holder_hash"], values.get("title"), values.get("name"), values.get("year"))

    def key_label(self) -> str:
        return gettext("人员、荣誉类别、荣誉名称、年度")

    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        from gongjiang.people.services import ERR_HONOR_YEAR

        values = state.values
        check_holder(state, ctx)
        name = values.get("name") or ""
        title = values.get("title") or next((t for word, t in _TITLE_HINTS if word in name), "")
        if not title:
            title = "other" if name else ""
        values["title"] = title
        level = values.get("level") or _TITLE_LEVEL.get(title) or next((lv for word, lv in _LEVEL_HINTS if word in name), "")
        if not level and name:
            state.error("level", rules.CODE_REQUIRED, ERR_LEVEL_UNKNOWN)
        values["level"] = level
        year = values.get("year")
        if year is not None and not 1950 <= year <= ctx.today.year:
            state.error("year", CODE_YEAR, gettext(ERR_HONOR_YEAR))

    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        from gongjiang.people.models import Honor

        resolve_holders(batch, ctx)
        holders = {s.values["_holder"] for s in batch if s.values.get("_holder")}
        existing = {
            (h["person_id"], h["title"], h["name"], h["year"]): h
            for h in Honor.objects.filter(person_id__in=holders).values("person_id", "title", "name", "year", "level", "awarded_by")
        }
        for state in batch:
            if not state.ok:
                continue
            values = state.values
            payload = (state.number, values["_holder"], values["title"], values["name"], values["level"],
                       int(values["year"]), values.get("awarded_by") or "")
            _row, person, title, name, level, year, awarded_by = payload
            current = existing.get((person, title, name, year))
            if current is None:
                state.action = "created"
            elif current["level"] != level or (awarded_by and awarded_by != current["awarded_by"]):
                state.action = "updated"
            else:
                state.action = "unchanged"
            state.payload = payload

    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        from gongjiang.people.models import Honor

        result = WriteResult()
        existing = {
            (h.person_id, h.title, h.name, h.year): h
            for h in Honor.objects.filter(person_id__in={p[1] for p in payloads})
        }
        new = []
        for _row, person, title, name, level, year, awarded_by in payloads:
            current = existing.get((person, title, name, year))
            if current is None:
                honor = Honor(person_id=person, title=title, name=name, level=level, year=year, awarded_by=awarded_by,
                              source="import", source_ref=ctx.job_ref)
                honor.full_clean(validate_unique=False, validate_constraints=False)
                new.append(honor)
                continue
            wanted = {"level": level, **({"awarded_by": awarded_by} if awarded_by else {})}
            before = {key: getattr(current, key) for key, value in wanted.items() if getattr(current, key) != value}
            if before:
                for key in before:
                    setattr(current, key, wanted[key])
                current.save(update_fields=[*before, "updated_at"])
                result.updated.append(("people.honor", current.pk, before))
                result.counts["updated"] += 1
            else:
                result.counts["unchanged"] += 1
        if new:
            created = Honor.objects.bulk_create(new, batch_size=500)
            result.add_created("people.honor", [h.pk for h in created])
            result.counts["created"] += len(created)
        return result

    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        from gongjiang.people.models import Honor

        created = [pk for r in records if r.action == "created" for pk in r.object_ids]
        updated = [r for r in records if r.action == "updated"]
        for record in reversed(updated):
            Honor.objects.filter(pk=record.object_ids[0]).update(**record.before, updated_at=ctx.now)
        for start in range(0, len(created), 900):
            Honor.objects.filter(pk__in=created[start : start + 900]).delete()
        return {"deleted": len(created), "restored": len(updated)}

    def rollback_conflicts(self, *, records: list[Any], since: dt.datetime) -> list[str]:
        from gongjiang.people.models import Honor

        touched = [pk for r in records for pk in r.object_ids]
        for start in range(0, len(touched), 900):
            if Honor.objects.filter(pk__in=touched[start : start + 900], updated_at__gt=since).exists():
                return [gettext("本次导入的荣誉在导入后又被修改过。")]
        return []
