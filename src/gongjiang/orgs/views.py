"""Organisation pages: list, detail, create and edit. Reads via orgs.selectors, writes via orgs.services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gongjiang.core.exceptions import ApplicationError
from gongjiang.imports.exporters import export_response
from gongjiang.orgs import exports, selectors, services
from gongjiang.orgs.forms import OrganizationFilterForm, OrganizationForm
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset, scope_for
from gongjiang.people import selectors as people_selectors
from gongjiang.web.forms import apply_application_error, page_window, paginate
from gongjiang.web.listing import export_url, form_filter_errors, refuse_export

MSG_CREATED = gettext_lazy("已新增单位：{name}。")
MSG_UPDATED = gettext_lazy("已保存单位信息：{name}。")


def get_organization_for_user(request: HttpRequest, pk: int) -> Organization:
    return selectors.organization_get_for_user(user=request.user, pk=pk)


def get_rw_organization_for_user(request: HttpRequest, pk: int) -> Organization:
    """404 when the user cannot see it, 403 when they can see but not change it."""
    organization = get_organization_for_user(request, pk)
    if not organization_queryset(request.user, write=True).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("您没有权限修改该单位的信息。"))
    return organization


def organization_list_state(request: HttpRequest) -> tuple[OrganizationFilterForm, QuerySet[Organization], list[str]]:
    """The list's filter form, its scoped and filtered queryset and the refused filters.

    The list page and its export both call this, so they show the same rows.
    """
    form = OrganizationFilterForm(request.GET or None, user=request.user)
    errors = form_filter_errors(form)  # invalid fields are dropped, the rest still filter
    data = getattr(form, "cleaned_data", {})
    queryset = selectors.organization_list(
        user=request.user,
        q=(data.get("q") or "").strip(),
        kind=data.get("kind") or "",
        region=data["region"].code if data.get("region") else "",
    )
    return form, queryset, errors


@login_required
@require_GET
def organization_list_view(request: HttpRequest) -> HttpResponse:
    form, queryset, errors = organization_list_state(request)
    page, size = paginate(request, queryset)
    scope = scope_for(request.user)
    context = {
        "form": form,
        "page": page,
        "organizations": page.object_list,
        "page_numbers": page_window(page),
        "page_size": size,
        "query": urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v != ""]),
        "can_create": scope.can_write,
        "filter_errors": errors,
        "export_url": export_url(request, "orgs:export") if not scope.is_empty else "",
    }
    htmx = getattr(request, "htmx", None)
    template = "orgs/organization_list.html"
    if htmx and not htmx.history_restore_request and htmx.target == "org-results":
        template = "orgs/_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@login_required
@require_GET
def organization_export_view(request: HttpRequest) -> HttpResponseBase:
    """Every organisation the list shows under its current filters, as an .xlsx file."""
    if scope_for(request.user).is_empty:
        raise PermissionDenied(_("您的角色不查看单位数据。"))
    _form, queryset, errors = organization_list_state(request)
    if errors:
        return refuse_export(request, "orgs:list", errors)
    return export_response(user=request.user, title=gettext_lazy("单位"), columns=exports.COLUMNS,
                           objects=queryset, action=exports.EXPORT_ACTION, filters=request.GET)


@login_required
@require_GET
def organization_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user(request, pk)
    staff = people_selectors.person_list(
        user=request.user, filters=people_selectors.PersonFilters(organization=organization.pk)
    )
    children = selectors.organization_list(user=request.user, parent=organization.pk)
    context = {
        "organization": organization,
        "staff_count": staff.count(),
        "high_skilled_count": people_selectors.person_list(
            user=request.user,
            filters=people_selectors.PersonFilters(organization=organization.pk, high_skilled=True),
        ).count(),
        "children": list(children[:200]),
        "can_write": organization_queryset(request.user, write=True).filter(pk=organization.pk).exists(),
    }
    return render(request, "orgs/organization_detail.html", context)


def _form_page(request: HttpRequest, form: OrganizationForm, *, title: str, organization: Organization | None) -> HttpResponse:
    return render(
        request,
        "orgs/organization_form.html",
        {"form": form, "title": title, "organization": organization, "wide_fields": ("address",)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_create_view(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).can_write:
        raise PermissionDenied(_("您的角色不能新增单位。"))
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(actor=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, MSG_CREATED.format(name=organization.name))
            return redirect("orgs:detail", pk=organization.pk)
    return _form_page(request, form, title=_("新增单位"), organization=None)


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_rw_organization_for_user(request, pk)
    form = OrganizationForm(request.POST or None, user=request.user, instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(actor=request.user, organization=organization, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            organization.refresh_from_db()
            apply_application_error(form, exc)
        else:
            messages.success(request, MSG_UPDATED.format(name=organization.name))
            return redirect("orgs:detail", pk=organization.pk)
    return _form_page(request, form, title=_("修改单位信息"), organization=organization)
