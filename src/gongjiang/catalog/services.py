"""Writes to the reference data: loading regions, occupations and industries from a table.

Each loader checks every row first and writes only if every row is good: all or nothing, in
one transaction, with one audit entry naming what was created and updated. Rows are matched
by code, so loading the same file twice changes nothing the second time. Loading is a
platform operation (the ``load_*`` commands, or an interface restricted to platform
administrators); ``actor`` is recorded in the audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.catalog import rules
from gongjiang.catalog.models import Industry, Occupation, Region, WorkType
from gongjiang.catalog.tables import Column, Table
from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.rules import RuleError
from gongjiang.core.text import enumeration

REGION_COLUMNS = [
    Column("code", "行政区划代码", ("代码", "编码", "区划代码", "行政区划代码", "代碼", "編碼", "區劃代碼"), required=True),
    Column("name", "名称", ("名称", "区划名称", "名稱", "區劃名稱"), required=True),
    Column("parent", "上级代码", ("上级", "上级代码", "上級", "上級代碼", "parent_code")),
]
OCCUPATION_COLUMNS = [
    Column("code", "职业编码", ("代码", "编码", "职业编码", "職業編碼", "編碼", "代碼"), required=True),
    Column("name", "职业名称", ("名称", "职业名称", "職業名稱", "名稱"), required=True),
    Column("levels", "等级", ("等级", "设置的等级", "职业技能等级", "等級", "grades", "national_grades")),
    Column("work_types", "工种", ("工种", "工種", "worktypes")),
    Column("verified", "已核实", ("已核实", "核实", "是否核实", "已核實", "is_verified")),
    Column("source", "来源", ("来源", "來源", "出处")),
    Column("standard_title", "国家职业技能标准", ("标准", "国家职业技能标准", "標準", "standard")),
    Column("edition", "大典版本", ("版本", "大典版本")),
]
INDUSTRY_COLUMNS = [
    Column("code", "行业代码", ("代码", "编码", "行业代码", "行業代碼", "代碼"), required=True),
    Column("name", "名称", ("名称", "行业名称", "名稱", "行業名稱"), required=True),
    Column("parent", "上级代码", ("上级", "上级代码", "上級", "上級代碼", "parent_code")),
]

ERR_REQUIRED = gettext_noop("不能为空。")
ERR_TOO_LONG = gettext_noop("不能超过 {limit} 个字。")
ERR_DUPLICATE_ROW = gettext_noop("代码 {code} 与第 {row} 行重复。")
ERR_PARENT_MISSING = gettext_noop("上级代码 {parent} 既不在文件中，也不在系统中。")
ERR_NO_ANCESTOR = gettext_noop("找不到 {code} 的上级区划（已尝试 {tried}）：请先导入上级区划，或在 parent 列填写。")
ERR_INDUSTRY_PARENT_MISMATCH = gettext_noop("上级代码应为 {expected}（由行业代码推出），而不是 {parent}。")
ERR_INDUSTRY_PARENT_FOR_SECTION = gettext_noop("门类（A–T）没有上级，请留空。")
ERR_VERIFIED_NEEDS_SOURCE = gettext_noop("标记为已核实的职业编码须在“来源”列写明核实依据（标准原文或官方目录）。")
ERR_EDITION = gettext_noop("大典版本应为 4 位年份，如 2022。")
ERR_ROWS = gettext_noop("文件中有 {count} 处错误，没有写入任何数据。")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the column as written in the file, or its Chinese label
    message: str

    def __str__(self) -> str:
        return _("第 {row} 行，“{column}”列：{message}").format(
            row=self.row, column=self.column, message=self.message
        )


class RowsInvalidError(ApplicationError):
    """Some rows are wrong; nothing was written. ``row_errors`` lists every problem found."""

    def __init__(self, row_errors: list[RowError]) -> None:
        super().__init__(
            _(ERR_ROWS).format(count=len(row_errors)),
            errors={"rows": [str(e) for e in row_errors]},
            code="rows_invalid",
        )
        self.row_errors = row_errors


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


class _Checker:
    """Collects row errors with the file's own column headers."""

    def __init__(self, table: Table, columns: list[Column]) -> None:
        self.table = table
        self.labels = {c.key: c.label for c in columns}
        self.errors: list[RowError] = []

    def add(self, row: int, key: str, message: object) -> None:
        header = self.table.headers.get(key)
        label = self.labels.get(key, key)
        column = f"{header}（{label}）" if header and header != label else label
        self.errors.append(RowError(row=row, column=column, message=str(message)))

    def text(self, row: int, values: dict[str, object], key: str, *, limit: int, required: bool) -> str:
        value = values.get(key)
        # Free text keeps its Chinese punctuation (（2023年版）); only whitespace is tidied.
        text = re.sub(r"\s+", " ", str(value if value is not None else "").replace("\u3000", " ")).strip()
        if required and not text:
            self.add(row, key, _(ERR_REQUIRED))
        elif len(text) > limit:
            self.add(row, key, _(ERR_TOO_LONG).format(limit=limit))
        return text

    def raise_if_any(self) -> None:
        if self.errors:
            raise RowsInvalidError(self.errors)


def _record(action: str, *, actor: Any, object_type: str, result: LoadResult, table: Table) -> None:
    audit.record(
        action,
        object_type=object_type,
        object_repr=table.path.name[:200],
        changes={"file": table.path.name, "created": result.created, "updated": result.updated,
                 "unchanged": len(result.unchanged)},
        actor=actor,
    )


# --- Regions ------------------------------------------------------------------------------------


@transaction.atomic
def region_load(*, actor: Any, table: Table, dry_run: bool = False) -> LoadResult:
    """Create or update regions from a table with columns code, name[, parent].

    The level comes from the code; a missing parent is the nearest ancestor code found in the
    file or in the system (330602 → 330600 → 330000).
    """
    check = _Checker(table, REGION_COLUMNS)
    seen: dict[str, int] = {}
    # row, code, name, parent, parent given in the file, parent well-formed
    parsed: list[tuple[int, str, str, str | None, bool, bool]] = []
    for row, values in table.rows:
        try:
            code = rules.validate_region_code(values.get("code"))
        except RuleError as exc:
            check.add(row, "code", exc.message)
            code = ""
        name = check.text(row, values, "name", limit=50, required=True)
        parent_text = rules.normalize_code(values.get("parent"))
        parent: str | None = None
        parent_ok = True
        if parent_text:
            try:
                parent = rules.validate_region_code(parent_text)
            except RuleError as exc:
                check.add(row, "parent", exc.message)
                parent_ok = False
            else:
                if code and not rules.is_region_ancestor(parent, code):
                    check.add(row, "parent", str(rules.ERR_REGION_PARENT_NOT_ANCESTOR).format(parent=parent, code=code))
                    parent_ok = False
        if code:
            if code in seen:
                check.add(row, "code", _(ERR_DUPLICATE_ROW).format(code=code, row=seen[code]))
                continue
            seen[code] = row
            parsed.append((row, code, name, parent, bool(parent_text), parent_ok))
    wanted = _region_ancestors(seen) | {item[3] for item in parsed if item[3]}
    known = set(seen) | set(Region.objects.filter(code__in=wanted).values_list("code", flat=True))
    resolved: list[tuple[str, str, str | None]] = []
    for row, code, name, parent, parent_given, parent_ok in parsed:
        if parent_given:
            if parent_ok and parent is not None and parent not in known:
                check.add(row, "parent", _(ERR_PARENT_MISSING).format(parent=parent))
        else:
            candidates = rules.region_parent_candidates(code)
            parent = next((c for c in candidates if c in known), None)
            if candidates and parent is None:
                check.add(row, "parent", _(ERR_NO_ANCESTOR).format(code=code, tried=enumeration(candidates)))
        resolved.append((code, name, parent))
    check.raise_if_any()
    result = LoadResult(dry_run=dry_run)
    existing = {r.code: r for r in Region.objects.filter(code__in=seen)}
    # Parents first: provinces, then prefectures, then counties.
    for code, name, parent in sorted(resolved, key=lambda item: (rules.region_level(item[0]), item[0])):
        level = rules.region_level(code)
        current = existing.get(code)
        if current is None:
            result.created.append(code)
        elif (current.name, current.level, current.parent_id) != (name, level, parent):
            result.updated.append(code)
        else:
            result.unchanged.append(code)
            continue
        if not dry_run:
            Region.objects.update_or_create(
                code=code, defaults={"name": name, "level": level, "parent_id": parent, "is_active": True}
            )
    if not dry_run:
        _record("catalog.regions.loaded", actor=actor, object_type="catalog.region", result=result, table=table)
    return result


def _region_ancestors(codes: dict[str, int]) -> set[str]:
    wanted: set[str] = set()
    for code in codes:
        wanted.update(rules.region_parent_candidates(code))
    return wanted


# --- Occupations --------------------------------------------------------------------------------


@transaction.atomic
def occupation_load(*, actor: Any, table: Table, dry_run: bool = False) -> LoadResult:
    """Create or update occupations and their work types (工种) from a table.

    Columns: code, name, levels, work_types, verified, source[, standard_title, edition].
    A row marked verified must say where the code was checked (``source``). Work types in the
    file are added; work types already recorded are kept (certificates may refer to them).
    """
    check = _Checker(table, OCCUPATION_COLUMNS)
    seen: dict[str, int] = {}
    parsed: list[dict[str, Any]] = []
    for row, values in table.rows:
        try:
            code = rules.validate_occupation_code(values.get("code"))
        except RuleError as exc:
            check.add(row, "code", exc.message)
            code = ""
        name = check.text(row, values, "name", limit=100, required=True)
        try:
            grades = rules.parse_levels(values.get("levels"))
        except RuleError as exc:
            check.add(row, "levels", exc.message)
            grades = []
        work_types = rules.parse_work_types(values.get("work_types"))
        for work_type in work_types:
            if len(work_type) > 100:
                check.add(row, "work_types", _(ERR_TOO_LONG).format(limit=100))
        try:
            verified = rules.parse_bool(values.get("verified"))
        except RuleError as exc:
            check.add(row, "verified", exc.message)
            verified = False
        source = check.text(row, values, "source", limit=300, required=False)
        if verified and not source:
            check.add(row, "source", _(ERR_VERIFIED_NEEDS_SOURCE))
        standard_title = check.text(row, values, "standard_title", limit=200, required=False)
        edition = rules.normalize_code(values.get("edition")) or "2022"
        if not (len(edition) == 4 and edition.isdigit()):
            check.add(row, "edition", _(ERR_EDITION))
        if code:
            if code in seen:
                check.add(row, "code", _(ERR_DUPLICATE_ROW).format(code=code, row=seen[code]))
                continue
            seen[code] = row
        parsed.append({
            "code": code, "name": name, "national_grades": grades, "work_types": work_types,
            "is_verified": verified, "source": source, "standard_title": standard_title, "edition": edition,
        })
    check.raise_if_any()
    result = LoadResult(dry_run=dry_run)
    existing = {o.code: o for o in Occupation.objects.filter(code__in=seen).prefetch_related("work_types")}
    fields = ("name", "national_grades", "is_verified", "source", "standard_title", "edition")
    for item in parsed:
        current = existing.get(item["code"])
        new_work_types = [w for w in item["work_types"]
                          if current is None or w not in {t.name for t in current.work_types.all()}]
        if current is None:
            result.created.append(item["code"])
        elif any(getattr(current, f) != item[f] for f in fields) or new_work_types or not current.is_active:
            result.updated.append(item["code"])
        else:
            result.unchanged.append(item["code"])
            continue
        if dry_run:
            continue
        occupation, _created = Occupation.objects.update_or_create(
            code=item["code"], defaults={**{f: item[f] for f in fields}, "is_active": True}
        )
        for name in new_work_types:
            WorkType.objects.get_or_create(occupation=occupation, name=name)
    if not dry_run:
        _record("catalog.occupations.loaded", actor=actor, object_type="catalog.occupation", result=result,
                table=table)
    return result


# --- Industries ---------------------------------------------------------------------------------


@transaction.atomic
def industry_load(*, actor: Any, table: Table, dry_run: bool = False) -> LoadResult:
    """Create or update industries (GB/T 4754) from a table with columns code, name[, parent].

    The parent follows from the code (a division's section, a group's division …); a parent
    column, if present, must agree.
    """
    check = _Checker(table, INDUSTRY_COLUMNS)
    seen: dict[str, int] = {}
    parsed: list[tuple[int, str, str, str | None]] = []
    for row, values in table.rows:
        try:
            code = rules.validate_industry_code(values.get("code"))
        except RuleError as exc:
            check.add(row, "code", exc.message)
            code = ""
        name = check.text(row, values, "name", limit=100, required=True)
        given = rules.normalize_code(values.get("parent")).upper()
        if not code:
            continue
        expected = rules.industry_parent(code)
        if given and expected is None:
            check.add(row, "parent", _(ERR_INDUSTRY_PARENT_FOR_SECTION))
        elif given and given != expected:
            check.add(row, "parent", _(ERR_INDUSTRY_PARENT_MISMATCH).format(expected=expected, parent=given))
        if code in seen:
            check.add(row, "code", _(ERR_DUPLICATE_ROW).format(code=code, row=seen[code]))
            continue
        seen[code] = row
        parsed.append((row, code, name, expected))
    parents = {p for _row, _code, _name, p in parsed if p}
    known = set(seen) | set(Industry.objects.filter(code__in=parents).values_list("code", flat=True))
    for row, _code, _name, parent in parsed:
        if parent and parent not in known:
            check.add(row, "parent", _(ERR_PARENT_MISSING).format(parent=parent))
    check.raise_if_any()
    result = LoadResult(dry_run=dry_run)
    existing = {i.code: i for i in Industry.objects.filter(code__in=seen)}
    for _row, code, name, parent in sorted(parsed, key=lambda item: (len(item[1]), item[1])):
        current = existing.get(code)
        if current is None:
            result.created.append(code)
        elif (current.name, current.parent_id) != (name, parent):
            result.updated.append(code)
        else:
            result.unchanged.append(code)
            continue
        if not dry_run:
            Industry.objects.update_or_create(code=code, defaults={"name": name, "parent_id": parent})
    if not dry_run:
        _record("catalog.industries.loaded", actor=actor, object_type="catalog.industry", result=result,
                table=table)
    return result
