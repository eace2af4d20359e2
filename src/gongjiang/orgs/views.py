"""Organisation pages: list, detail, create and edit. Reads via orgs.selectors, writes via orgs.services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gongjiang.core.exceptions import ApplicationError
from gongjiang.orgs import selectors, services
from gongjiang.orgs.forms import OrganizationFilterForm, OrganizationForm
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset, scope_for
from gongjiang.people import selectors as people_selectors
from gongjiang.web.forms import apply_application_error, page_window, paginate

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


@login_required
@require_GET
def organization_list_view(request: HttpRequest) -> HttpResponse:
    form = OrganizationFilterForm(request.GET or None, user=request.user)
    if form.is_bound:
        form.is_valid()  # invalid fields are dropped, the rest still filter
    data = getattr(form, "cleaned_data", {})
    queryset = selectors.organization_list(
        user=request.user,
        q=(data.get("q") or "").strip(),
        kind=data.get("kind") or "",
        region=data["region"].code if data.get("region") else "",
    )
    page, size = paginate(request, queryset)
    context = {
        "form": form,
        "page": page,
        "organizations": page.object_list,
        "page_numbers": page_window(page),
        "page_size": size,
        "query": urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v != ""]),
        "can_create": scope_for(request.user).can_write,
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
