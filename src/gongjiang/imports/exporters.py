"""Exports to .xlsx in constant memory: scoped, filtered, masked, formula-safe and audited.

An :class:`Exporter` names its columns and builds its queryset through the owning app's
selector (so the data scope and the list page's filters apply exactly as on screen);
:func:`export_xlsx` walks that queryset by primary key in batches of 1,000 (keyset paging:
no OFFSET, no server-side cursor, the same on SQLite and PostgreSQL) and writes each row
through openpyxl's write-only mode, which spools to disk, so a million rows need no more
memory than a thousand.

ID numbers are masked unless the caller asks to reveal them *and* the role may see them
(``Scope.can_reveal``); a revealing export is logged as an ID reveal. Every text cell that a
spreadsheet would run as a formula (= + - @ tab CR) gets a leading apostrophe.

The people exporter writes the import template's columns first, so an export (revealed)
imports back unchanged.

:func:`write_xlsx` is the platform's one .xlsx writer (header, widths, formula-safe cells,
write-only workbook). Two ways in:

- the registry (:func:`export_xlsx`, used by ``/imports/export/<entity>.xlsx``, the
  ``gongjiang export`` command and the API): keyset batches by primary key, the reveal gate;
- every list page (:func:`export_list` / :func:`export_response`): the page's own
  :class:`Column` list and the very queryset the page paginates, all pages in the page's order
  (:func:`in_batches`), audited under the page's action with the filters and the row count.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any, ClassVar, Protocol

from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.text import enumeration
from gongjiang.imports.rules import formula_safe
from gongjiang.orgs.scope import Scope, scope_for

BATCH_SIZE = 1000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ID_NUMBER_REDACTED = "[证件号码]"
# Query parameters that page or format a list but do not filter it.
PAGING_PARAMETERS = ("page", "size", "format")
ERR_UNKNOWN_EXPORT = _("不支持导出“{name}”。可导出：{names}。")
ERR_UNKNOWN_FILTER = _("不支持的筛选条件“{key}”。可用：{keys}。")
ERR_REVEAL = _("您的角色不能导出完整证件号码。")


class SystemActor:
    """The operator on the server (a command without --as): sees everything, reveals nothing."""

    is_authenticated = True
    is_active = True
    pk = None
    username = ""

    def __init__(self) -> None:
        self._gongjiang_scope = Scope(everything=True, write_everything=True)


@dataclass(frozen=True)
class ExportColumn:
    """A registry exporter's column: its value may depend on the context (reveal, look-ups)."""

    label: Any
    value: Callable[[Any, ExportContext], Any]
    width: int = 16

    def cell(self, obj: Any, ctx: ExportContext) -> Any:
        return self.value(obj, ctx)


@dataclass
class ExportContext:
    reveal: bool
    today: dt.date = field(default_factory=timezone.localdate)
    extra: dict[int, Any] = field(default_factory=dict)  # per-batch look-ups, by pk


class Exporter:
    name: ClassVar[str]
    label: ClassVar[Any]
    sheet_title: ClassVar[Any]
    filters: ClassVar[tuple[str, ...]] = ()

    def columns(self) -> list[ExportColumn]:
        raise NotImplementedError

    def queryset(self, *, user: Any, filters: Mapping[str, Any]) -> QuerySet[Any]:
        raise NotImplementedError

    def prefetch(self, objects: list[Any], ctx: ExportContext) -> None:
        """Batch look-ups for one batch of objects (avoid a query per row)."""


_EXPORTERS: dict[str, Exporter] = {}


def register(exporter_class: type[Exporter]) -> type[Exporter]:
    _EXPORTERS[exporter_class.name] = exporter_class()
    return exporter_class


def get_exporter(name: str) -> Exporter:
    try:
        return _EXPORTERS[name]
    except KeyError:
        raise ApplicationError(
            str(ERR_UNKNOWN_EXPORT).format(name=name, names=enumeration(sorted(_EXPORTERS))), field="entity"
        ) from None


def all_exporters() -> list[Exporter]:
    return list(_EXPORTERS.values())


def _clean_filters(exporter: Exporter, filters: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {key: value for key, value in filters.items() if value not in ("", None)}
    unknown = set(cleaned) - set(exporter.filters)
    if unknown:
        raise ApplicationError(str(ERR_UNKNOWN_FILTER).format(key=enumeration(sorted(unknown)),
                                                              keys=enumeration(exporter.filters)), field="filters")
    return cleaned


def iterate_by_pk(queryset: QuerySet[Any], batch_size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    """Batches of ``queryset`` in primary-key order (keyset paging; constant memory).

    Each batch first takes the next primary keys alone, then loads those rows. Selectors
    often return DISTINCT querysets (their filters join to-many relations); a DISTINCT over
    every selected column cannot stop after 1,000 rows, so paging it directly re-sorts the whole
    remaining table for every batch (quadratic). DISTINCT over the key alone streams off the
    primary-key index.
    """
    keys = queryset.order_by("pk").values_list("pk", flat=True)
    last = None
    while True:
        page = keys if last is None else keys.filter(pk__gt=last)
        ids = list(page[:batch_size])
        if not ids:
            return
        yield list(queryset.filter(pk__in=ids).order_by("pk"))
        last = ids[-1]


def iterate_in_list_order(queryset: QuerySet[Any], batch_size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    """Batches of ``queryset`` in the order the list page shows them, in constant memory.

    Only the primary keys are read in the page's order (streamed in chunks); each chunk's
    rows are then loaded by key, as :func:`iterate_by_pk` does, and put back into that order.
    A queryset ordered by the key alone takes the keyset path.
    """
    ordering = tuple(str(term) for term in queryset.query.order_by)
    if not queryset.ordered or ordering in (("pk",), ("id",)):
        yield from iterate_by_pk(queryset, batch_size)
        return
    keys = queryset.values_list("pk", flat=True).iterator(chunk_size=batch_size)
    while True:
        ids = list(islice(keys, batch_size))
        if not ids:
            return
        by_pk = {obj.pk: obj for obj in queryset.order_by().filter(pk__in=ids)}
        yield [by_pk[pk] for pk in dict.fromkeys(ids) if pk in by_pk]


def in_batches(objects: Any, batch_size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    """Batches of any list a page shows: a model queryset (in page order, see above), a
    values() queryset (ranked or aggregated rows, streamed as they come) or a plain iterable."""
    if isinstance(objects, QuerySet) and issubclass(objects._iterable_class, ModelIterable):
        yield from iterate_in_list_order(objects, batch_size)
        return
    rows = objects.iterator(chunk_size=batch_size) if isinstance(objects, QuerySet) else iter(objects)
    while batch := list(islice(rows, batch_size)):
        yield batch


# --- The one writer ----------------------------------------------------------------------------
class SheetColumn(Protocol):
    """What the writer needs of a column: a header, a width and a cell value."""

    @property
    def label(self) -> Any: ...

    @property
    def width(self) -> int: ...

    def cell(self, obj: Any, ctx: ExportContext) -> Any: ...


@dataclass(frozen=True)
class Column:
    """One column of a list page: it draws the page table *and* the export, so they agree.

    ``get`` reads the value from a row; ``link`` (page only) makes the cell a link.
    """

    label: Any
    get: Callable[[Any], Any]
    link: Callable[[Any], str] | None = None
    width: int = 16

    def cell(self, obj: Any, ctx: ExportContext) -> Any:
        return self.get(obj)


def table_rows(columns: Sequence[Column], objects: Iterable[Any]) -> list[list[tuple[Any, str]]]:
    """Cells for a page table: (value, link or "") per column."""
    return [[(column.get(obj), column.link(obj) if column.link else "") for column in columns] for obj in objects]


def write_xlsx(
    *,
    target: Path | IO[bytes],
    title: Any,
    columns: Sequence[SheetColumn],
    batches: Iterable[list[Any]],
    ctx: ExportContext | None = None,
    prefetch: Callable[[list[Any], ExportContext], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one sheet (bold frozen header, column widths, formula-safe cells) to ``target``.

    openpyxl's write-only mode spools rows to disk, so memory stays flat however many batches
    come. Returns the number of data rows written. This is the platform's only .xlsx export
    writer: the registry exporters below and every list page's export go through it.
    """
    ctx = ctx if ctx is not None else ExportContext(reveal=False)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns):
        sheet.column_dimensions[_letter(index)].width = column.width
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    rows = 0
    for batch in batches:
        ctx.extra = {}
        if prefetch is not None:
            prefetch(batch, ctx)
        for obj in batch:
            sheet.append([_cell(column.cell(obj, ctx)) for column in columns])
        rows += len(batch)
        if progress is not None:
            progress(rows)
    workbook.save(target)
    return rows


def filter_summary(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters that were set, for an audit entry; an ID number is never written to the log."""
    summary: dict[str, Any] = {}
    for key, value in filters.items():
        if value in ("", None) or key in PAGING_PARAMETERS:
            continue
        if key == "id_number" or (isinstance(value, str) and _looks_like_id_number(value)):
            value = ID_NUMBER_REDACTED
        summary[key] = value
    return summary


def _looks_like_id_number(text: str) -> bool:
    from gongjiang.core.rules import normalize_id_number

    normalized = normalize_id_number(text)
    return len(normalized) >= 15 and normalized[:6].isdigit()


def export_list(
    *,
    user: Any,
    title: Any,
    columns: Sequence[SheetColumn],
    objects: Any,
    action: str,
    target: Path | IO[bytes],
    filters: Mapping[str, Any] | None = None,
    object_type: str | None = None,
    audit_filters: Mapping[str, Any] | None = None,
) -> int:
    """Export what a list page shows (``objects``: its scoped, filtered queryset) and audit it.

    Every row of every page is written, in the page's order; ID numbers are whatever the
    columns show (masked: list pages never reveal). The audit entry names the list, the filters
    (ID numbers redacted) and the row count.
    """
    rows = write_xlsx(target=target, title=title, columns=columns, batches=in_batches(objects))
    summary = dict(audit_filters) if audit_filters is not None else filter_summary(filters or {})
    audit.record(
        action, object_type=object_type or action.rsplit(".", 1)[0], object_repr=str(title),
        changes={"rows": rows, "filters": summary, "format": "xlsx"}, actor=user,
    )
    return rows


def export_response(
    *,
    user: Any,
    title: Any,
    columns: Sequence[SheetColumn],
    objects: Any,
    action: str,
    filters: Mapping[str, Any] | None = None,
    object_type: str | None = None,
    filename: str | None = None,
    audit_filters: Mapping[str, Any] | None = None,
) -> FileResponse:
    """:func:`export_list` into a temporary file, streamed to the browser as an attachment."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it after streaming
    try:
        export_list(user=user, title=title, columns=columns, objects=objects, action=action, target=handle,
                    filters=filters, object_type=object_type, audit_filters=audit_filters)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    name = filename or f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


def export_xlsx(
    *,
    exporter: Exporter,
    user: Any,
    filters: Mapping[str, Any] | None = None,
    target: Path | IO[bytes],
    reveal: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write what ``user`` may see under ``filters`` to ``target``; audit it; return the row count."""
    actor = user if user is not None else SystemActor()
    scope = scope_for(actor)
    if reveal and (user is None or not scope.can_reveal):
        audit.record("imports.export.refused", object_type=exporter.name, outcome="denied",
                     changes={"reveal": True}, actor=user)
        raise PermissionDeniedError(ERR_REVEAL)
    cleaned = _clean_filters(exporter, filters or {})
    queryset = exporter.queryset(user=actor, filters=cleaned)
    rows = write_xlsx(target=target, title=exporter.sheet_title, columns=exporter.columns(),
                      batches=iterate_by_pk(queryset), ctx=ExportContext(reveal=reveal),
                      prefetch=exporter.prefetch, progress=progress)
    summary = {key: (ID_NUMBER_REDACTED if key in ("id_number", "q") else value) for key, value in cleaned.items()}
    audit.record(
        "imports.export.created", object_type=exporter.name, object_repr=str(exporter.label),
        changes={"entity": exporter.name, "filters": summary, "rows": rows, "reveal": reveal, "format": "xlsx"},
        actor=user,
    )
    if reveal:
        audit.record(
            "people.person.id_revealed", object_type="people.person", object_repr=str(_("批量导出")),
            changes={"export": exporter.name, "rows": rows, "filters": summary}, actor=user,
        )
    return rows


def _sheet_title(title: Any) -> str:
    # Excel refuses these in a sheet name, and more than 31 characters.
    text = str(title)
    for char in "[]:*?/\\":
        text = text.replace(char, " ")
    return text[:31] or "Sheet"


def _cell(value: Any) -> Any:
    if isinstance(value, Promise):  # lazy translations (choice labels)
        value = str(value)
    return formula_safe(value)


def _letter(index: int) -> str:
    from gongjiang.imports.rules import column_letter

    return column_letter(index)


def _date(value: dt.date | None) -> Any:
    return value if value else None


# --- People -------------------------------------------------------------------------------------
@register
class PeopleExporter(Exporter):
    name = "people"
    label = _("技能人才")
    sheet_title = _("技能人才")
    filters = ("q", "level", "occupation", "region", "organization", "age_band", "high_skilled", "sex")

    def queryset(self, *, user: Any, filters: Mapping[str, Any]) -> QuerySet[Any]:
        from gongjiang.people.selectors import PersonFilters, person_list

        values = dict(filters)
        if "organization" in values:
            values["organization"] = int(values["organization"])
        if "high_skilled" in values and isinstance(values["high_skilled"], str):
            values["high_skilled"] = values["high_skilled"].lower() in ("1", "true", "yes", "是")
        return person_list(user=user, filters=PersonFilters(**values)).select_related(
            "current_employer", "residence_region", "primary_occupation"
        )

    def prefetch(self, objects: list[Any], ctx: ExportContext) -> None:
        from gongjiang.people.models import Employment

        jobs: dict[int, Any] = {}
        for job in Employment.objects.filter(person_id__in=[p.pk for p in objects], end_date__isnull=True).order_by(
            "person_id", "-start_date", "-id"
        ):
            jobs.setdefault(job.person_id, job)
        ctx.extra = jobs

    def columns(self) -> list[ExportColumn]:
        from gongjiang.people.models import Person
        from gongjiang.people.services import ID_CIPHER_AAD, MOBILE_CIPHER_AAD

        provider_box: dict[str, Any] = {}

        def provider() -> Any:
            if "p" not in provider_box:
                from gongjiang.core.crypto import get_provider

                provider_box["p"] = get_provider()
            return provider_box["p"]

        def id_number(person: Any, ctx: ExportContext) -> str:
            if ctx.reveal:
                return provider().decrypt(person.id_number_encrypted, associated_data=ID_CIPHER_AAD)
            return person.id_number_masked

        def mobile(person: Any, ctx: ExportContext) -> str:
            if ctx.reveal and person.mobile_encrypted:
                return provider().decrypt(person.mobile_encrypted, associated_data=MOBILE_CIPHER_AAD)
            return person.mobile_masked

        def job(person: Any, ctx: ExportContext) -> Any:
            return ctx.extra.get(person.pk)

        # Choice labels translated once, not once per row (gettext costs ~10 µs a call).
        from gongjiang.catalog.levels import SkillLevel

        id_types = {value: str(label) for value, label in Person.IdType.choices}
        sexes = {value: str(label) for value, label in Person.Sex.choices}
        education = {value: str(label) for value, label in Person.Education.choices}
        levels = {value: str(label) for value, label in SkillLevel.choices}

        return [
            ExportColumn(_("姓名"), lambda p, c: p.name, 12),
            ExportColumn(_("证件类型"), lambda p, c: id_types.get(p.id_type, p.id_type), 14),
            ExportColumn(_("身份证号码"), id_number, 22),
            ExportColumn(_("性别"), lambda p, c: sexes.get(p.sex, p.sex), 8),
            ExportColumn(_("出生日期"), lambda p, c: _date(p.birth_date), 12),
            ExportColumn(_("手机号码"), mobile, 14),
            ExportColumn(_("学历"), lambda p, c: education.get(p.education, p.education), 14),
            ExportColumn(_("常住地"), lambda p, c: p.residence_region_id or "", 10),
            ExportColumn(_("工作单位"), lambda p, c: p.current_employer.name if p.current_employer else "", 24),
            ExportColumn(_("单位统一社会信用代码"), lambda p, c: (p.current_employer.credit_code or "") if p.current_employer else "", 22),
            ExportColumn(_("岗位"), lambda p, c: job(p, c).post if job(p, c) else "", 12),
            ExportColumn(_("入职日期"), lambda p, c: job(p, c).start_date if job(p, c) else None, 12),
            ExportColumn(_("备注"), lambda p, c: p.notes, 20),
            ExportColumn(_("当前技能等级"), lambda p, c: levels.get(p.current_level, ""), 16),
            ExportColumn(_("主要职业"), lambda p, c: p.primary_occupation.name if p.primary_occupation else "", 16),
        ]


# --- Organisations ------------------------------------------------------------------------------
@register
class OrganizationsExporter(Exporter):
    name = "organizations"
    label = _("单位")
    sheet_title = _("单位")
    filters = ("q", "kind", "region", "industry", "parent")

    def queryset(self, *, user: Any, filters: Mapping[str, Any]) -> QuerySet[Any]:
        from gongjiang.orgs.selectors import organization_list

        values = dict(filters)
        if "parent" in values:
            values["parent"] = int(values["parent"])
        return organization_list(user=user, **values)

    def columns(self) -> list[ExportColumn]:
        return [
            ExportColumn(_("单位名称"), lambda o, c: o.name, 28),
            ExportColumn(_("统一社会信用代码"), lambda o, c: o.credit_code or "", 22),
            ExportColumn(_("单位类型"), lambda o, c: o.get_kind_display(), 14),
            ExportColumn(_("简称"), lambda o, c: o.short_name, 12),
            ExportColumn(_("所在地区"), lambda o, c: o.region_id or "", 10),
            ExportColumn(_("所属行业"), lambda o, c: o.industry_id or "", 10),
            ExportColumn(_("上级单位"), lambda o, c: (o.parent.credit_code or o.parent.name) if o.parent else "", 24),
            ExportColumn(_("联系人"), lambda o, c: o.contact_name, 10),
            ExportColumn(_("联系电话"), lambda o, c: o.contact_phone, 16),
            ExportColumn(_("地址"), lambda o, c: o.address, 28),
        ]


# --- Certificates and honours ---------------------------------------------------------------------
def _holder_columns() -> list[ExportColumn]:
    from gongjiang.people.services import ID_CIPHER_AAD

    def id_number(obj: Any, ctx: ExportContext) -> str:
        person = obj.holder if hasattr(obj, "holder") else obj.person
        if ctx.reveal:
            from gongjiang.core.crypto import get_provider

            return get_provider().decrypt(person.id_number_encrypted, associated_data=ID_CIPHER_AAD)
        return person.id_number_masked

    return [
        ExportColumn(_("姓名"), lambda o, c: (o.holder if hasattr(o, "holder") else o.person).name, 12),
        ExportColumn(_("身份证号码"), id_number, 22),
    ]


@register
class CertificatesExporter(Exporter):
    name = "certificates"
    label = _("证书")
    sheet_title = _("证书")
    filters = ("kind", "level", "year", "organization", "status")

    def queryset(self, *, user: Any, filters: Mapping[str, Any]) -> QuerySet[Any]:
        from gongjiang.people.selectors import certificate_queryset

        queryset = certificate_queryset(user).select_related("holder", "occupation", "issuer")
        if filters.get("kind"):
            queryset = queryset.filter(kind=filters["kind"])
        if filters.get("level"):
            queryset = queryset.filter(level=int(filters["level"]))
        if filters.get("year"):
            queryset = queryset.filter(issue_date__year=int(filters["year"]))
        if filters.get("organization"):
            queryset = queryset.filter(holder__current_employer_id=int(filters["organization"]))
        if filters.get("status"):
            queryset = queryset.filter(status=filters["status"])
        return queryset

    def columns(self) -> list[ExportColumn]:
        return [
            *_holder_columns(),
            ExportColumn(_("证书编号"), lambda o, c: o.number, 26),
            ExportColumn(_("证书类型"), lambda o, c: o.get_kind_display(), 18),
            ExportColumn(_("职业（工种）"), lambda o, c: o.occupation_name, 16),
            ExportColumn(_("等级"), lambda o, c: o.get_level_display() if o.level is not None else "", 14),
            ExportColumn(_("发证机构"), lambda o, c: o.issuer_name, 24),
            ExportColumn(_("发证日期"), lambda o, c: o.issue_date, 12),
            ExportColumn(_("有效期至"), lambda o, c: o.valid_until, 12),
            ExportColumn(_("状态"), lambda o, c: o.get_status_display(), 8),
        ]


@register
class HonorsExporter(Exporter):
    name = "honors"
    label = _("荣誉")
    sheet_title = _("荣誉")
    filters = ("title", "level", "year")

    def queryset(self, *, user: Any, filters: Mapping[str, Any]) -> QuerySet[Any]:
        from gongjiang.orgs import scope as data_scope
        from gongjiang.people.models import Honor
        from gongjiang.people.selectors import PERSON_REGION_FIELDS

        queryset = data_scope.filter_queryset(
            Honor.objects.select_related("person"), user,
            region_fields=tuple(f"person__{f}" for f in PERSON_REGION_FIELDS),
            org_fields=("person__current_employer",), person_fields=("person_id",),
        )
        for key in ("title", "level"):
            if filters.get(key):
                queryset = queryset.filter(**{key: filters[key]})
        if filters.get("year"):
            queryset = queryset.filter(year=int(filters["year"]))
        return queryset

    def columns(self) -> list[ExportColumn]:
        return [
            *_holder_columns(),
            ExportColumn(_("荣誉名称"), lambda o, c: o.name, 20),
            ExportColumn(_("荣誉类别"), lambda o, c: o.get_title_display(), 14),
            ExportColumn(_("级别"), lambda o, c: o.get_level_display(), 10),
            ExportColumn(_("年度"), lambda o, c: o.year, 8),
            ExportColumn(_("授予单位"), lambda o, c: o.awarded_by, 20),
        ]


def export_filename(exporter: Exporter) -> str:
    return f"{exporter.label}-{timezone.localdate():%Y%m%d}.xlsx"

