"""List pages and their Excel export: one reading of the query string for both.

A list page and its export must show the same rows. Each list therefore has one function that
turns ``request.GET`` into its scoped, filtered queryset; the page paginates it and the export
(``gongjiang.imports.exporters.export_response``) writes all of it. The helpers here read the
filters, say clearly which filter value was refused and what is accepted, and build the export
link (the page's filters, never its page number).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.text import enumeration
from gongjiang.imports.exporters import PAGING_PARAMETERS

ERR_FILTER_CHOICE = _("筛选条件“{label}”的值“{value}”无效，可选：{accepted}。")
ERR_FILTER_TEXT = _("筛选条件“{label}”最多 {limit} 个字。")
ERR_FILTER_INTEGER = _("筛选条件“{label}”应为整数（如 2024），收到“{value}”。")
ERR_FILTER_FORM = _("筛选条件“{label}”无效：{message}")
ERR_EXPORT_REFUSED = _("未导出：请先更正筛选条件。")


@dataclass(frozen=True)
class Filter:
    """One filter of a list: a name in the query string, a label, and the values it accepts
    (``choices``; ``integer``; else free text up to ``max_length`` characters)."""

    name: str
    label: Any
    choices: Sequence[tuple[str, Any]] | None = None
    max_length: int = 100
    integer: bool = False


@dataclass
class ListFilters:
    values: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def read_filters(params: Mapping[str, Any], filters: Sequence[Filter]) -> ListFilters:
    """The filters' values from the query string; an invalid value is dropped and explained."""
    result = ListFilters()
    for spec in filters:
        value = str(params.get(spec.name, "") or "").strip()
        if not value:
            continue
        if spec.choices is not None:
            accepted = [str(choice) for choice, _label in spec.choices]
            if value not in accepted:
                result.errors.append(str(ERR_FILTER_CHOICE).format(
                    label=spec.label, value=value[:40],
                    accepted=enumeration(f"{choice}（{label}）" for choice, label in spec.choices)))
                continue
        elif spec.integer and not (value.isascii() and value.isdigit() and len(value) <= 9):
            result.errors.append(str(ERR_FILTER_INTEGER).format(label=spec.label, value=value[:40]))
            continue
        elif len(value) > spec.max_length:
            result.errors.append(str(ERR_FILTER_TEXT).format(label=spec.label, limit=spec.max_length))
            continue
        result.values[spec.name] = value
    return result


def form_filter_errors(form: forms.Form) -> list[str]:
    """A bound filter form's errors as sentences naming the filter (invalid fields are dropped)."""
    if not form.is_bound or form.is_valid():
        return []
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        for message in errors:
            out.append(str(ERR_FILTER_FORM).format(label=label, message=message))
    return out


def filter_query(request: HttpRequest) -> str:
    """The page's query string without its page number (and page size): what the export gets."""
    return urlencode([(key, value) for key, value in request.GET.items() if key not in PAGING_PARAMETERS and value != ""])


def export_url(request: HttpRequest, viewname: str, *args: Any) -> str:
    query = filter_query(request)
    return reverse(viewname, args=args) + (f"?{query}" if query else "")


def list_export(
    request: HttpRequest,
    *,
    state: Callable[[HttpRequest], tuple[Any, ListFilters]],
    list_viewname: str,
    title: Any,
    columns: Sequence[Any],
    action: str,
    object_type: str | None = None,
) -> HttpResponseBase:
    """The export behind a list page: every row the page lists under its filters (``state`` is
    the function the page builds its queryset with), or back to the page naming a bad filter."""
    from gongjiang.imports.exporters import export_response

    objects, filters = state(request)
    if filters.errors:
        return refuse_export(request, list_viewname, filters.errors)
    return export_response(user=request.user, title=title, columns=columns, objects=objects, action=action,
                           filters=filters.values, object_type=object_type)


def refuse_export(request: HttpRequest, list_viewname: str, errors: Sequence[str], *args: Any) -> HttpResponseRedirect:
    """Back to the list with the same filters, which shows what was wrong; nothing exported."""
    messages.error(request, str(ERR_EXPORT_REFUSED) + " " + " ".join(errors))
    return HttpResponseRedirect(export_url(request, list_viewname, *args))
