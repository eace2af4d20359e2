"""Organisations (单位): enterprises, colleges, training institutions, bureaus, unions …

Keyed by the unified social credit code, or by the exact name for the kinds that may lack
one (government departments, alliances, foreign partners). Organisations are few (thousands,
not millions), so each row is written through ``orgs.services.organization_create`` /
``organization_update``: the materialised tree path, the credit-code rules, the actor's scope
and a per-organisation audit entry all stay in the one place that owns them. A parent may be
an organisation registered earlier or one on an earlier row of the same file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.rules import RuleError
from gongjiang.core.text import enumeration
from gongjiang.imports import rules
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

ERR_CODE_REQUIRED = _("境内单位须填写统一社会信用代码（政府部门、联盟、境外机构可不填）。")
ERR_PARENT_LATER = _("上级单位“{name}”要么未登记，要么在本文件中排在后面：请把上级单位放在前面的行。")
ERR_OUT_OF_SCOPE = _("该单位不在您的管理范围内，不能修改。")
ERR_NEW_OUT_OF_SCOPE = _("新单位须位于您管理的地区内，或挂在您管理的单位之下。")
ERR_INDUSTRY = _("行业“{value}”不在国民经济行业分类中，请填写门类字母或行业代码（如 C、C34）。")
ERR_COUNTRY = _("国家/地区应填写 2 位字母代码，如 CN、DE、SG。")

KINDS = {
    "企业": "enterprise", "公司": "enterprise", "用人单位": "enterprise",
    "技工院校/技师学院": "technical_college", "技工院校": "technical_college", "技师学院": "technical_college",
    "技工学校": "technical_college", "职业院校": "vocational_school", "职业学校": "vocational_school",
    "高职院校": "vocational_school", "培训机构": "training_institution", "职业培训机构": "training_institution",
    "社会培训评价组织": "evaluation_body", "评价机构": "evaluation_body", "工会": "trade_union",
    "政府部门": "government", "机关": "government", "人社部门": "government",
    "境外合作机构": "foreign_partner", "境外机构": "foreign_partner", "联盟": "alliance",
}
_OPTIONAL_CODE = {"government", "alliance", "foreign_partner"}
FIELDS = ("name", "short_name", "kind", "credit_code", "country", "foreign_registration", "region", "industry",
          "parent", "contact_name", "contact_phone", "address")


def _country(value: Any) -> str:
    text = rules.cell_to_text(value).upper()
    if text and (len(text) != 2 or not text.isalpha() or not text.isascii()):
        raise RuleError(ERR_COUNTRY, "country_format")
    return text


@register
class OrganizationsEntity(Entity):
    name = "organizations"
    label = _("单位")
    description = _("登记或更新单位。按统一社会信用代码识别（无代码的政府部门、联盟按名称）。上级单位须已登记或在文件中排在前面。")
    duplicate_column = "name"
    columns = (
        Column("name", _("单位名称"), ("名称", "企业名称", "机构名称", "单位", "单位全称"), rules.text_normalizer(200),
               required=True, help=_("单位全称。"), example="越城机械有限公司", width=28),
        Column("credit_code", _("统一社会信用代码"), ("信用代码", "社会信用代码", "纳税人识别号", "统一代码"), rules.credit_code,
               help=_("18 位；境内企业、院校、机构必填，政府部门、联盟、境外机构可不填。"), example="91330602MA2BXXXXXX", width=22),
        Column("kind", _("单位类型"), ("类型", "机构类型", "单位性质"), rules.choice_normalizer(KINDS),
               help=_("企业、技工院校/技师学院、职业院校、培训机构、社会培训评价组织、工会、政府部门、境外合作机构、联盟。不填即为企业。"),
               example="企业", width=14),
        Column("short_name", _("简称"), ("单位简称",), rules.text_normalizer(50), example="越城机械", width=12),
        Column("region", _("所在地区"), ("地区", "行政区划", "所在区县", "注册地"), rules.region_reference,
               help=_("6 位行政区划代码或地区名称。"), example="330602", width=12),
        Column("industry", _("所属行业"), ("行业", "行业代码", "行业门类"), rules.text_normalizer(100),
               help=_("国民经济行业分类的门类字母或代码（如 C、C34）或名称。"), example="C", width=12),
        Column("parent", _("上级单位"), ("主管单位", "上级单位名称", "母公司", "总公司"), rules.text_normalizer(200),
               help=_("上级单位的名称或统一社会信用代码。"), width=24),
        Column("contact_name", _("联系人"), (), rules.text_normalizer(50), example="李主任", width=10),
        Column("contact_phone", _("联系电话"), ("电话", "联系方式"), rules.text_normalizer(30), example="0575-88000000", width=16),
        Column("address", _("地址"), ("单位地址", "注册地址", "通讯地址"), rules.text_normalizer(200), width=28),
        Column("country", _("国家/地区"), ("国别", "国家"), _country, help=_("境外合作机构填 2 位代码，如 DE；境内不填。"), width=10),
        Column("foreign_registration", _("境外注册号"), (), rules.text_normalizer(100), width=16),
    )

    def can_import(self, scope: Any) -> bool:
        return scope is None or scope.can_write

    def row_key(self, state: RowState) -> Any:
        values = state.values
        return ("code", values["credit_code"]) if values.get("credit_code") else ("name", values.get("name"))

    def key_label(self) -> str:
        return gettext("统一社会信用代码或单位名称")

    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        from gongjiang.catalog.models import Industry

        values = state.values
        kind = values["kind"] = values.get("kind") or "enterprise"
        country = values.get("country") or ""
        if not values.get("credit_code") and kind not in _OPTIONAL_CODE and country in ("", "CN"):
            state.error("credit_code", rules.CODE_REQUIRED, ERR_CODE_REQUIRED)
        values["_region"] = None
        if values.get("region"):
            try:
                values["_region"] = find_region(ctx, values["region"])
            except RuleError as exc:
                state.error("region", exc.code, exc.message)
        values["_industry"] = None
        industry = values.get("industry") or ""
        if industry:
            memo = ctx.memo("industry")
            if industry not in memo:
                memo[industry] = (
                    Industry.objects.filter(code=industry.upper()).values_list("code", flat=True).first()
                    or Industry.objects.filter(name=industry).values_list("code", flat=True).first()
                )
            if memo[industry] is None:
                state.error("industry", "industry_not_found", str(ERR_INDUSTRY).format(value=industry))
            values["_industry"] = memo[industry]
        files = ctx.memo("file_organizations")
        parent = values.get("parent") or ""
        values["_parent"] = None
        if parent:
            if parent in files:
                values["_parent"] = ("file", parent)
            else:
                try:
                    values["_parent"] = ("pk", find_organization(ctx, name=parent).pk)
                except RuleError:
                    state.error("parent", "parent_not_found", str(ERR_PARENT_LATER).format(name=parent))
        if state.ok:
            files[values["name"]] = state.number
            if values.get("credit_code"):
                files[values["credit_code"]] = state.number

    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        from gongjiang.orgs.models import Organization

        codes = [s.values["credit_code"] for s in batch if s.values.get("credit_code")]
        by_code = {o.credit_code: o for o in Organization.objects.filter(credit_code__in=codes)}
        names = [s.values["name"] for s in batch if not s.values.get("credit_code")]
        by_name: dict[str, list[Any]] = {}
        for org in Organization.objects.filter(name__in=names, credit_code__isnull=True):
            by_name.setdefault(org.name, []).append(org)
        scope = ctx.scope
        for state in batch:
            values = state.values
            code = values.get("credit_code")
            current = by_code.get(code) if code else (by_name.get(values["name"]) or [None])[0]
            payload = self._payload(state)
            if current is None:
                if not ctx.unrestricted and scope is not None:
                    region = values["_region"] or ""
                    parent = values["_parent"]
                    in_region = any(region.startswith(p) for p in scope.write_region_prefixes)
                    in_org = False
                    if parent and parent[0] == "pk":
                        parent_org = Organization.objects.filter(pk=parent[1]).values_list("path", flat=True).first() or ""
                        in_org = any(parent_org.startswith(p) for p in scope.write_org_paths)
                    elif parent and parent[0] == "file":
                        in_org = True  # checked when that row is written (the service refuses otherwise)
                    if not (in_region or in_org):
                        state.error("region", "out_of_scope", ERR_NEW_OUT_OF_SCOPE)
                        continue
                state.action = "created"
            else:
                from gongjiang.imports.entities.lookups import OrgRef

                ref = OrgRef(current.pk, current.name, current.path, current.region_id or "", current.credit_code or "")
                if not organization_writable(ctx, ref):
                    state.error("name", "out_of_scope", ERR_OUT_OF_SCOPE)
                    continue
                state.action = "updated" if _changes(current, payload) else "unchanged"
            state.payload = payload

    @staticmethod
    def _payload(state: RowState) -> tuple[Any, ...]:
        values = state.values
        parent = values["_parent"]
        return (
            state.number, values["name"], values.get("short_name") or "", values["kind"], values.get("credit_code") or "",
            values.get("country") or "", values.get("foreign_registration") or "", values["_region"], values["_industry"],
            list(parent) if parent else None, values.get("contact_name") or "", values.get("contact_phone") or "",
            values.get("address") or "",
        )

    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        from gongjiang.orgs import services as org_services
        from gongjiang.orgs.models import Organization

        result = WriteResult()
        placed = ctx.memo("written_organizations")
        for payload in payloads:
            data = _data(payload, placed)
            code = payload[4]
            current = (
                Organization.objects.filter(credit_code=code).first() if code
                else Organization.objects.filter(name=payload[1], credit_code__isnull=True).first()
            )
            try:
                if current is None:
                    org = org_services.organization_create(actor=ctx.actor, **data)
                    result.add_created("orgs.organization", [org.pk])
                    result.counts["created"] += 1
                else:
                    changed = {k: v for k, v in data.items() if _value(current, k) != _key(v)}
                    if changed:
                        before = {k: _value(current, k) for k in changed}
                        org = org_services.organization_update(actor=ctx.actor, organization=current, **changed)
                        result.updated.append(("orgs.organization", org.pk, before))
                        result.counts["updated"] += 1
                    else:
                        org = current
                        result.counts["unchanged"] += 1
            except ApplicationError as exc:
                raise ApplicationError(gettext("第 {row} 行写入失败：{message}").format(row=payload[0], message=exc.message)) from exc
            placed[payload[1]] = org
            if code:
                placed[code] = org
        return result

    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        from gongjiang.orgs import services as org_services
        from gongjiang.orgs.models import Organization

        created = [pk for r in records if r.action == "created" for pk in r.object_ids]
        updated = [r for r in records if r.action == "updated"]
        for record in reversed(updated):
            org = Organization.objects.get(pk=record.object_ids[0])
            org_services.organization_update(actor=None, organization=org, **_restore(record.before))
        for pk in reversed(created):
            Organization.objects.filter(pk=pk).delete()
        return {"deleted": len(created), "restored": len(updated)}

    def rollback_conflicts(self, *, records: list[Any], since: dt.datetime) -> list[str]:
        from gongjiang.orgs.models import Organization

        created = [pk for r in records if r.action == "created" for pk in r.object_ids]
        problems = []
        queryset = Organization.objects.filter(pk__in=created)
        others = foreign_dependents(queryset, own=(Organization,))
        if others or Organization.objects.filter(parent_id__in=created).exclude(pk__in=created).exists():
            problems.append(gettext("本次导入新增的单位已有其他记录（{what}）或下级单位。").format(
                what=enumeration(others) or "—"))
        touched = created + [r.object_ids[0] for r in records if r.action == "updated"]
        if Organization.objects.filter(pk__in=touched, updated_at__gt=since).exists():
            problems.append(gettext("本次导入涉及的单位在导入后又被修改过。"))
        return problems


def _data(payload: tuple[Any, ...], placed: dict[str, Any]) -> dict[str, Any]:
    from gongjiang.catalog.models import Industry, Region
    from gongjiang.orgs.models import Organization

    (_row, name, short_name, kind, code, country, foreign_registration, region, industry, parent, contact_name,
     contact_phone, address) = payload
    parent_org = None
    if parent:
        parent_org = placed.get(parent[1]) if parent[0] == "file" else Organization.objects.get(pk=parent[1])
    data: dict[str, Any] = {
        "name": name, "kind": kind, "credit_code": code or None,
        "region": Region.objects.get(pk=region) if region else None,
        "industry": Industry.objects.get(pk=industry) if industry else None,
        "parent": parent_org,
    }
    optional = {"short_name": short_name, "country": country, "foreign_registration": foreign_registration,
                "contact_name": contact_name, "contact_phone": contact_phone, "address": address}
    data.update({k: v for k, v in optional.items() if v})
    if not region:
        data.pop("region")
    if not industry:
        data.pop("industry")
    if not parent:
        data.pop("parent")
    return data


def _key(value: Any) -> Any:
    return getattr(value, "pk", value)


def _value(org: Any, field: str) -> Any:
    if field in ("region", "industry", "parent"):
        return getattr(org, f"{field}_id")
    return getattr(org, field)


def _changes(org: Any, payload: tuple[Any, ...]) -> bool:
    (_row, name, short_name, kind, code, country, foreign_registration, region, industry, parent, contact_name,
     contact_phone, address) = payload
    wanted = {"name": name, "kind": kind, "short_name": short_name, "country": country,
              "foreign_registration": foreign_registration, "region_id": region, "industry_id": industry,
              "contact_name": contact_name, "contact_phone": contact_phone, "address": address}
    if parent and parent[0] == "pk":
        wanted["parent_id"] = parent[1]
    elif parent:
        return True
    return any(value and getattr(org, key) != value for key, value in wanted.items() if key not in ("name", "kind")) or (
        org.name != name or org.kind != kind
    )


def _restore(before: dict[str, Any]) -> dict[str, Any]:
    from gongjiang.catalog.models import Industry, Region
    from gongjiang.orgs.models import Organization

    data = dict(before)
    for field, model in (("region", Region), ("industry", Industry), ("parent", Organization)):
        if field in data:
            data[field] = model.objects.get(pk=data[field]) if data[field] is not None else None
    return data
