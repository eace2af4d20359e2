"""Cached look-ups of reference data that rows name: organisations, regions, occupations.

Each distinct value is looked up once per job, so a file of 100,000 staff of one employer
costs one query, not 100,000.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongjiang.core import rules as core_rules
from gongjiang.core.rules import RuleError
from gongjiang.imports.entities.base import ImportContext

ERR_ORG_CODE_NOT_FOUND = _("统一社会信用代码为 {code} 的单位尚未登记，请先导入或登记该单位。")
ERR_ORG_NAME_NOT_FOUND = _("单位“{name}”尚未登记（须与登记的名称或简称完全一致），请先登记该单位或改填统一社会信用代码。")
ERR_ORG_AMBIGUOUS = _("有 {count} 个单位名为“{name}”，请改填统一社会信用代码以区分。")
ERR_ORG_NAME_CODE_MISMATCH = _("单位名称“{name}”与统一社会信用代码 {code} 登记的单位“{registered}”不一致。")
ERR_REGION_NOT_FOUND = _("行政区划“{value}”不存在，请填写 6 位代码（如 330602）或准确的地区名称。")
ERR_REGION_AMBIGUOUS = _("有多个地区名为“{value}”，请改填 6 位行政区划代码。")
ERR_OCCUPATION_NOT_FOUND = _("职业“{value}”不在职业分类大典中，请填写职业编码（如 6-18-01-01）或准确的职业名称。")
ERR_OCCUPATION_AMBIGUOUS = _("有多个职业名为“{value}”，请改填职业编码。")

CODE_ORG_NOT_FOUND = "organization_not_found"
CODE_ORG_AMBIGUOUS = "organization_ambiguous"
CODE_ORG_MISMATCH = "organization_mismatch"
CODE_REGION_NOT_FOUND = "region_not_found"
CODE_OCCUPATION_NOT_FOUND = "occupation_not_found"


@dataclass(frozen=True)
class OrgRef:
    pk: int
    name: str
    path: str
    region_code: str
    credit_code: str


def _org_ref(org: Any) -> OrgRef:
    return OrgRef(org.pk, org.name, org.path, org.region_id or "", org.credit_code or "")


def find_organization(ctx: ImportContext, *, name: str = "", credit_code: str = "") -> OrgRef:
    """The organisation a row names by credit code and/or name; RuleError if none or several."""
    memo = ctx.memo("organization")
    asked = (name, credit_code)
    found = memo.get(asked)
    if found is not None:
        if isinstance(found, RuleError):
            raise found
        return found
    from gongjiang.orgs.models import Organization

    if not credit_code and len(name) == 18:
        with contextlib.suppress(RuleError):
            credit_code, name = core_rules.validate_credit_code(name), ""
    key = (name, credit_code)
    if key in memo:
        found = memo[key]
        if isinstance(found, RuleError):
            raise found
        return found
    result: OrgRef | RuleError
    if credit_code:
        org = Organization.objects.filter(credit_code=credit_code).first()
        if org is None:
            result = RuleError(str(ERR_ORG_CODE_NOT_FOUND).format(code=credit_code), CODE_ORG_NOT_FOUND)
        elif name and name not in (org.name, org.short_name):
            result = RuleError(
                str(ERR_ORG_NAME_CODE_MISMATCH).format(name=name, code=credit_code, registered=org.name),
                CODE_ORG_MISMATCH,
            )
        else:
            result = _org_ref(org)
    else:
        candidates = list(Organization.objects.filter(Q(name=name) | Q(short_name=name))[:5])
        exact = [org for org in candidates if org.name == name]
        chosen = exact if exact else candidates
        if not chosen:
            result = RuleError(str(ERR_ORG_NAME_NOT_FOUND).format(name=name), CODE_ORG_NOT_FOUND)
        elif len(chosen) > 1:
            result = RuleError(str(ERR_ORG_AMBIGUOUS).format(count=len(chosen), name=name), CODE_ORG_AMBIGUOUS)
        else:
            result = _org_ref(chosen[0])
    memo[key] = memo[asked] = result
    if isinstance(result, RuleError):
        raise result
    return result


def organization_writable(ctx: ImportContext, org: OrgRef) -> bool:
    """Whether the actor may attach records to ``org`` (its write scope)."""
    if ctx.unrestricted:
        return True
    memo = ctx.memo("organization_writable")
    if org.pk not in memo:
        from gongjiang.orgs.scope import organization_queryset

        memo[org.pk] = organization_queryset(ctx.actor, write=True).filter(pk=org.pk).exists()
    return bool(memo[org.pk])


def find_region(ctx: ImportContext, reference: str) -> str:
    """A region code for "code:330602" or "name:越城区" (as rules.region_reference returns)."""
    from gongjiang.catalog.models import Region

    memo = ctx.memo("region")
    if reference in memo:
        found = memo[reference]
        if isinstance(found, RuleError):
            raise found
        return str(found)
    kind, _sep, value = reference.partition(":")
    result: str | RuleError
    if kind == "code":
        result = value if Region.objects.filter(code=value).exists() else RuleError(
            str(ERR_REGION_NOT_FOUND).format(value=value), CODE_REGION_NOT_FOUND
        )
    else:
        codes = list(Region.objects.filter(name=value).values_list("code", flat=True)[:10])
        if len(codes) > 1 and ctx.scope is not None and not ctx.scope.everything:
            mine = [c for c in codes if any(c.startswith(p) for p in ctx.scope.region_prefixes)]
            codes = mine or codes
        if not codes:
            result = RuleError(str(ERR_REGION_NOT_FOUND).format(value=value), CODE_REGION_NOT_FOUND)
        elif len(codes) > 1:
            result = RuleError(str(ERR_REGION_AMBIGUOUS).format(value=value), CODE_REGION_NOT_FOUND)
        else:
            result = codes[0]
    memo[reference] = result
    if isinstance(result, RuleError):
        raise result
    return result


def find_occupation(ctx: ImportContext, value: str) -> tuple[int, str, list[int]]:
    """(pk, name, national grades) of an occupation given by code (6-18-01-01) or exact name."""
    import re

    from gongjiang.catalog.models import Occupation

    memo = ctx.memo("occupation")
    if value in memo:
        found = memo[value]
        if isinstance(found, RuleError):
            raise found
        return found
    if re.fullmatch(r"[1-8]-\d{2}-\d{2}-\d{2}", value):
        matches = list(Occupation.objects.filter(code=value)[:2])
    else:
        matches = list(Occupation.objects.filter(name=value)[:2])
    result: Any
    if not matches:
        result = RuleError(str(ERR_OCCUPATION_NOT_FOUND).format(value=value), CODE_OCCUPATION_NOT_FOUND)
    elif len(matches) > 1:
        result = RuleError(str(ERR_OCCUPATION_AMBIGUOUS).format(value=value), CODE_OCCUPATION_NOT_FOUND)
    else:
        result = (matches[0].pk, matches[0].name, list(matches[0].national_grades or []))
    memo[value] = result
    if isinstance(result, RuleError):
        raise result
    return result
