"""Helpers shared by the platform's page forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from gongjiang.core.exceptions import ApplicationError

PAGE_SIZES = (20, 50, 100)
DEFAULT_PAGE_SIZE = 20


def apply_application_error(
    form: forms.BaseForm, error: ApplicationError | ValidationError, *, field_map: dict[str, str] | None = None
) -> None:
    """Put a service's field errors onto the form, so the user sees which field is wrong and why.

    ``field_map`` renames service field names to form field names where they differ. Errors for
    fields the form does not have, and the overall message when there is no field map, become
    non-field errors.
    """
    field_map = field_map or {}
    if isinstance(error, ValidationError):
        # A model's full_clean() refusing something the form let through: same treatment.
        error = ApplicationError(
            "; ".join(error.messages),
            errors=error.message_dict if hasattr(error, "error_dict") else {},
        )
    if not error.errors:
        form.add_error(None, str(error.message))
        return
    for name, messages in error.errors.items():
        target = field_map.get(name, name)
        for message in messages:
            if target in form.fields:
                form.add_error(target, str(message))
            else:
                form.add_error(None, str(message))


def paginate(request: HttpRequest, queryset: Any, *, allowed_sizes: tuple[int, ...] = PAGE_SIZES) -> tuple[Page, int]:
    """A page of ``queryset`` from ``?page=`` and ``?size=``; bad values fall back, never 404."""
    try:
        size = int(request.GET.get("size", DEFAULT_PAGE_SIZE))
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    if size not in allowed_sizes:
        size = DEFAULT_PAGE_SIZE
    paginator = Paginator(queryset, size)
    return paginator.get_page(request.GET.get("page")), size


def page_window(page: Page, *, around: int = 2) -> list[int | None]:
    """Page numbers to show: first, last, and a few around the current one; None marks a gap."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - around, page.number + around + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    out: list[int | None] = []
    previous = 0
    for number in numbers:
        if number - previous > 1:
            out.append(None)
        out.append(number)
        previous = number
    return out


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The choice field ``name`` of ``form``: ``Form.fields`` is typed as plain ``Field``, which
    has no ``choices``; this checks the field's kind as it narrows the type."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The model choice field ``name`` of ``form`` (plain ``Field`` has no ``queryset``)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field
