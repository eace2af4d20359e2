"""Page helpers shared by the training and international views: run a service and map its
refusal onto the form, render the generic form and table pages, read a list's filter form in
the shape the platform's list helpers (``gongjiang.web.listing``) use for the page and its export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.text import clauses
from gongjiang.training import exports
from gongjiang.web.forms import apply_application_error, page_window, paginate
from gongjiang.web.listing import ListFilters, filter_query, form_filter_errors


def run_service(form: Any, call: Callable[[], Any]) -> Any:
    """Call a service; on a business-rule refusal put the reasons on the form and return None."""
    try:
        return call()
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from None
    except ApplicationError as exc:
        apply_application_error(form, exc)
        return None


def flash_error(request: HttpRequest, exc: ApplicationError) -> None:
    details = [str(m) for msgs in exc.errors.values() for m in msgs] if exc.errors else []
    messages.error(request, clauses(details) if details else str(exc.message))


def read_filter_form(form: Any) -> tuple[dict[str, Any], ListFilters]:
    """A list's filter form read: the valid, non-empty values (cleaned, for the selector) and a
    :class:`ListFilters` naming every refused filter. An invalid field is dropped from the
    page's filters and refuses the export (``listing.list_export``)."""
    errors = form_filter_errors(form)
    cleaned: dict[str, Any] = {}
    values: dict[str, str] = {}
    for name, value in (getattr(form, "cleaned_data", None) or {}).items():
        if name in form.errors or value in ("", None):
            continue
        cleaned[name] = value
        values[name] = str(form.data.get(form.add_prefix(name), "")).strip()
    return cleaned, ListFilters(values=values, errors=errors)


def export_state(state: Callable[[HttpRequest], tuple[Any, ...]]) -> Callable[[HttpRequest], tuple[Any, ListFilters]]:
    """A list's state (``(form, …, objects, filters)``) as ``listing.list_export`` reads it."""

    def read(request: HttpRequest) -> tuple[Any, ListFilters]:
        *_rest, objects, filters = state(request)
        return objects, filters

    return read


def form_page(request: HttpRequest, form: Any, *, title: str, submit: str, cancel_url: str,
               intro: str = "", breadcrumbs: list[tuple[str, str]] | None = None, status: int = 200) -> HttpResponse:
    return render(request, "training/form.html", {
        "form": form, "title": title, "submit": submit, "cancel_url": cancel_url, "intro": intro,
        "breadcrumbs": breadcrumbs or [], "wide_fields": ("description", "selection_criteria", "reason", "summary",
                                                          "notes", "partners", "exclusive_with"),
    }, status=status)


def table_page(request: HttpRequest, *, title: str, columns: list[exports.Column], objects: Any,
                subtitle: str = "", export_url: str = "", actions: list[tuple[str, str]] | None = None,
                filter_form: Any = None, breadcrumbs: list[tuple[str, str]] | None = None,
                paginated: bool = True, filter_errors: list[str] | None = None) -> HttpResponse:
    if paginated:
        page, size = paginate(request, objects)
        items: Any = page.object_list
    else:
        page, size, items = None, 0, objects
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page"])
    return render(request, "training/table.html", {
        "title": title, "subtitle": subtitle, "headers": [c.label for c in columns],
        "rows": exports.table_rows(columns, items), "page": page, "page_size": size,
        "page_numbers": page_window(page) if page else [], "query": query, "export_url": export_url,
        "export_query": filter_query(request), "filter_errors": filter_errors or [],
        "actions": actions or [], "filter_form": filter_form, "breadcrumbs": breadcrumbs or [],
    })
