"""Pages of the talent registry: list, export, profile and the forms that change a record.

Views are thin: they read through people.selectors (which apply the data scope), write through
people.services, and map a service's ApplicationError onto the form. An object outside the
user's scope is a 404; one the user may see but not change is a 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.rules import age_on
from gongjiang.orgs.scope import scope_for
from gongjiang.people import exports, selectors, services
from gongjiang.people.forms import (
    CertificateForm,
    CertificateRevokeForm,
    EmploymentEndForm,
    EmploymentForm,
    HonorForm,
    IdLookupForm,
    PersonCreateForm,
    PersonEditForm,
    PersonFilterForm,
)
from gongjiang.people.models import Person
from gongjiang.web.forms import apply_application_error, page_window, paginate

SORTS: dict[str, tuple[Any, ...]] = {
    "name": ("name", "id"),
    "level": (F("current_level").asc(nulls_first=True), "name", "id"),
    "-level": (F("current_level").desc(nulls_last=True), "name", "id"),
    "age": ("-birth_date", "id"),
    "-age": ("birth_date", "id"),
    "employer": (F("current_employer__name").asc(nulls_last=True), "name", "id"),
    "-updated": ("-updated_at", "-id"),
}
DEFAULT_SORT = "name"

HISTORY_LABELS = {
    "people.person.created": gettext_lazy("登记入库"),
    "people.person.updated": gettext_lazy("修改基本信息"),
    "people.person.id_revealed": gettext_lazy("查看完整证件号码"),
    "people.person.mobile_revealed": gettext_lazy("查看完整手机号码"),
    "people.person.id_changed": gettext_lazy("更正证件号码"),
    "people.employment.created": gettext_lazy("新增工作经历"),
    "people.employment.ended": gettext_lazy("结束工作经历"),
    "people.certificate.recorded": gettext_lazy("登记证书"),
    "people.certificate.revoked": gettext_lazy("撤销证书"),
    "people.honor.added": gettext_lazy("新增荣誉"),
}

MSG_PERSON_CREATED = gettext_lazy("已登记：{name}。")
MSG_PERSON_UPDATED = gettext_lazy("已保存 {name} 的基本信息。")
MSG_EMPLOYMENT_ADDED = gettext_lazy("已新增工作经历。")
MSG_EMPLOYMENT_ENDED = gettext_lazy("已结束该工作经历。")
MSG_CERTIFICATE_RECORDED = gettext_lazy("已登记证书 {number}。")
MSG_CERTIFICATE_REVOKED = gettext_lazy("已撤销证书 {number}。")
MSG_HONOR_ADDED = gettext_lazy("已新增荣誉：{name}。")
MSG_NOT_FOUND_BY_ID = gettext_lazy("没有找到该证件号码的人员，或该人员不在您的管理范围内。")


# --- access helpers ---------------------------------------------------------------------------


def _can_write(request: HttpRequest, person: Person) -> bool:
    return selectors.person_queryset(request.user, write=True).filter(pk=person.pk).exists()


def get_person_for_user(request: HttpRequest, pk: int) -> Person:
    """The person if the user may see them, else 404."""
    return selectors.person_get_for_user(user=request.user, pk=pk)


def get_rw_person_for_user(request: HttpRequest, pk: int) -> Person:
    """The person if the user may change them: 404 when out of sight, 403 when read-only."""
    person = get_person_for_user(request, pk)
    if not _can_write(request, person):
        raise PermissionDenied(_("您没有权限修改该人员的信息。"))
    return person


def _require_can_write(request: HttpRequest) -> None:
    if not scope_for(request.user).can_write:
        raise PermissionDenied(_("您的角色不能登记或修改人才信息。"))


# --- list and export ----------------------------------------------------------------------------


def _list_state(request: HttpRequest) -> tuple[PersonFilterForm, selectors.PersonFilters, str]:
    form = PersonFilterForm(request.GET or None, user=request.user)
    if form.is_bound:
        form.is_valid()  # invalid fields are dropped, the rest still filter
    filters = form.to_filters()
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    return form, filters, sort


def _query_without_page(request: HttpRequest) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v != ""])


@login_required
@require_http_methods(["GET", "POST"])
def person_list_view(request: HttpRequest) -> HttpResponse:
    """The registry: search, filters, sorting and paging; HTMX requests get only the results.

    A POST is the exact look-up by ID number (kept out of URLs); it shows the match(es) in place.
    """
    form, filters, sort = _list_state(request)
    lookup_form = IdLookupForm()
    id_lookup = False
    if request.method == "POST":
        lookup_form = IdLookupForm(request.POST)
        if lookup_form.is_valid():
            filters = selectors.PersonFilters(id_number=lookup_form.cleaned_data["id_number"])
            form = PersonFilterForm(user=request.user)
            id_lookup = True
    queryset = selectors.person_list(user=request.user, filters=filters).order_by(*SORTS[sort])
    page, size = paginate(request, queryset)
    people = list(page.object_list)
    today = timezone.localdate()
    for person in people:
        person.age = age_on(person.birth_date, today) if person.birth_date else None
    query = _query_without_page(request)
    scope = scope_for(request.user)
    context = {
        "form": form,
        "lookup_form": lookup_form,
        "id_lookup": id_lookup,
        "page": page,
        "people": people,
        "page_numbers": page_window(page),
        "page_size": size,
        "query": query,
        "sort": sort,
        "sort_query": urlencode([(k, v) for k, v in request.GET.items() if k not in ("page", "sort") and v != ""]),
        "export_url": reverse("people:export") + (f"?{query}" if query else ""),
        "can_create": scope.can_write,
        "can_export": not scope.is_empty,
        "own_record_only": bool(scope.person_ids) and not (scope.everything or scope.region_prefixes or scope.org_paths),
        "not_found_by_id": id_lookup and not page.paginator.count,
    }
    htmx = getattr(request, "htmx", None)
    template = "people/person_list.html"
    if htmx and not htmx.history_restore_request and htmx.target == "registry-results":
        template = "people/_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@login_required
@require_GET
def person_export_view(request: HttpRequest) -> HttpResponseBase:
    """The current view (same filters, same scope, same order) as an .xlsx file, ID numbers masked."""
    scope = scope_for(request.user)
    if scope.is_empty:
        raise PermissionDenied(_("您的角色不查看人才数据。"))
    _form, filters, sort = _list_state(request)
    handle, _rows = exports.person_export(user=request.user, filters=filters, order_by=SORTS[sort])
    filename = _("技能人才_{stamp}.xlsx").format(stamp=timezone.localtime().strftime("%Y%m%d-%H%M"))
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- profile ---------------------------------------------------------------------------------------


def _history(person: Person) -> list[dict[str, Any]]:
    entries = []
    for entry in selectors.person_history(person=person):
        changed = entry.changes if isinstance(entry.changes, dict) else {}
        entries.append(
            {
                "at": entry.at,
                "who": entry.actor_username or _("系统"),
                "label": HISTORY_LABELS.get(entry.action, entry.action),
                "action": entry.action,
                "object": entry.object_repr if entry.object_type != "people.person" else "",
                "fields": sorted(changed) if entry.action.endswith(".updated") else [],
                "outcome": entry.outcome,
                "outcome_label": entry.get_outcome_display(),
            }
        )
    return entries


def _profile_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    profile = selectors.person_profile(user=request.user, pk=pk)
    person = profile["person"]
    scope = scope_for(request.user)
    profile.update(
        can_write=_can_write(request, person),
        can_reveal=scope.can_reveal,
        history=_history(person),
        today=timezone.localdate(),
    )
    return profile


@login_required
@require_GET
def person_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "people/person_detail.html", _profile_context(request, pk))


@login_required
@require_POST
def person_reveal_id_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full ID number to a role allowed to see it; the service writes the audit entry."""
    person = get_person_for_user(request, pk)
    try:
        number = services.person_reveal_id_number(actor=request.user, person=person)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from None
    htmx = getattr(request, "htmx", None)
    if htmx:
        return render(request, "people/_id_number.html", {"person": person, "revealed": number, "can_reveal": True})
    context = _profile_context(request, pk)
    context["revealed"] = number
    return render(request, "people/person_detail.html", context)


# --- forms -------------------------------------------------------------------------------------------


def _render_form(request: HttpRequest, form: Any, *, title: Any, person: Person | None = None,
                 submit: Any = None, intro: Any = "", danger: bool = False, status: int = 200) -> HttpResponse:
    cancel = reverse("people:detail", args=[person.pk]) if person else reverse("people:list")
    return render(
        request,
        "people/form.html",
        {"form": form, "title": title, "person": person, "submit": submit or _("保存"), "intro": intro,
         "cancel_url": cancel, "danger": danger, "wide_fields": ("notes", "reason")},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create_view(request: HttpRequest) -> HttpResponse:
    _require_can_write(request)
    form = PersonCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                actor=request.user,
                name=data["name"], id_type=data["id_type"], id_number=data["id_number"],
                sex=data["sex"] or None, birth_date=data["birth_date"], mobile=data["mobile"],
                education=data["education"], residence_region=data["residence_region"],
                employer=data["employer"], post=data["post"], occupation=data["occupation"],
                employment_start=data["employment_start"], notes=data["notes"],
            )
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, MSG_PERSON_CREATED.format(name=person.name))
            return redirect("people:detail", pk=person.pk)
    return _render_form(request, form, title=_("登记技能人才"), submit=_("登记"),
                        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_rw_person_for_user(request, pk)
    form = PersonEditForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.changes())
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, MSG_PERSON_UPDATED.format(name=person.name))
            return redirect("people:detail", pk=person.pk)
    intro = _("证件号码不能在此修改。") + (
        " " + _("性别和出生日期由居民身份证号码确定。") if person.id_type == Person.IdType.RESIDENT_ID else ""
    )
    return _render_form(request, form, title=_("修改基本信息"), person=person, intro=intro,
                        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def employment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_rw_person_for_user(request, pk)
    form = EmploymentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_add(actor=request.user, person=person, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, MSG_EMPLOYMENT_ADDED)
            return redirect("people:detail", pk=person.pk)
    return _render_form(request, form, title=_("新增工作经历"), person=person,
                        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def employment_end_view(request: HttpRequest, pk: int, employment_pk: int) -> HttpResponse:
    person = get_rw_person_for_user(request, pk)
    employment = selectors.employment_get_for_user(user=request.user, person_pk=person.pk, pk=employment_pk)
    form = EmploymentEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_end(actor=request.user, employment=employment, end_date=form.cleaned_data["end_date"])
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, MSG_EMPLOYMENT_ENDED)
            return redirect("people:detail", pk=person.pk)
    intro = _("{organization}，{start} 起。").format(organization=employment.organization.name, start=employment.start_date)
    return _render_form(request, form, title=_("结束工作经历"), person=person, intro=intro,
                        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_rw_person_for_user(request, pk)
    form = CertificateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.certificate_record(actor=request.user, holder=person, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, MSG_CERTIFICATE_RECORDED.format(number=certificate.number))
            return redirect("people:detail", pk=person.pk)
    return _render_form(request, form, title=_("登记证书"), person=person,
                        intro=_("技能等级由有效证书自动确定，无需手工填写。"), status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke_view(request: HttpRequest, pk: int, certificate_pk: int) -> HttpResponse:
    person = get_rw_person_for_user(request, pk)
    certificate = selectors.certificate_get_for_user(user=request.user, person_pk=person.pk, pk=certificate_pk)
    form = CertificateRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"])
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, MSG_CERTIFICATE_REVOKED.format(number=certificate.number))
            return redirect("people:detail", pk=person.pk)
    intro = _("撤销后该证书不再计入技能等级，此操作会记入审计日志。") + f" {certificate}"
    return _render_form(request, form, title=_("撤销证书"), person=person, intro=intro, submit=_("确认撤销"),
                        danger=True, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def honor_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_rw_person_for_user(request, pk)
    form = HonorForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            honor = services.honor_add(actor=request.user, person=person, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, MSG_HONOR_ADDED.format(name=honor.name))
            return redirect("people:detail", pk=person.pk)
    return _render_form(request, form, title=_("新增荣誉"), person=person, status=400 if form.errors else 200)
