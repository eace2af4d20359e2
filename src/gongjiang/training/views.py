"""Pages of training: programmes (organisers, providers, employers, workers), attendance,
completion, my training and my points, apprenticeships, subsidies and the indicators page.

Views are thin: they read through training.selectors (scoped), write through the services, and
put a service's ApplicationError back onto the form. Outside the scope is 404; visible but not
writable is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_stubs_ext import StrOrPromise

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.text import clauses
from gongjiang.international.rules import country_name
from gongjiang.orgs.scope import scope_for
from gongjiang.people import selectors as people_selectors
from gongjiang.training import exports, forms, rules, selectors
from gongjiang.training.models import (
    Apprenticeship,
    Enrollment,
    Nomination,
    SubsidyClaim,
    TrainingProgram,
    TrainingSession,
)
from gongjiang.training.pages import (
    export_state,
    flash_error,
    form_page,
    read_filter_form,
    run_service,
    table_page,
)
from gongjiang.training.services import apprenticeships as apprenticeship_services
from gongjiang.training.services import programs as program_services
from gongjiang.training.services import subsidies as subsidy_services
from gongjiang.web.forms import apply_application_error, choice_field, model_choice_field
from gongjiang.web.listing import ListFilters, list_export


# --- helpers ---------------------------------------------------------------------------------
def _person_of(user: Any) -> Any:
    return getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None


def _pk_or_404(text: str) -> int:
    """A primary key given in the query string; one that is not a number finds nothing (404)."""
    try:
        return int(text)
    except ValueError:
        raise Http404 from None


TRAINING_HOME = [(gettext_lazy("培训项目"), "training:program_list")]


def _crumbs(*items: tuple[StrOrPromise, str]) -> list[tuple[str, str]]:
    return [(str(label), url) for label, url in items]


# --- programmes --------------------------------------------------------------------------------
def program_list_state(request: HttpRequest) -> tuple[forms.ProgramFilterForm, QuerySet[TrainingProgram], ListFilters]:
    """The programme list's filter form, scoped and filtered queryset and refused filters; the
    page and its export both read the query string through this."""
    form = forms.ProgramFilterForm(request.GET or None)
    data, filters = read_filter_form(form)
    return form, selectors.program_list(user=request.user, filters=selectors.ProgramFilters(**data)), filters


@login_required
def program_list_view(request: HttpRequest) -> HttpResponse:
    form, programs, filters = program_list_state(request)
    scope = scope_for(request.user)
    actions = [(_("我的培训"), reverse("training:mine"))] if _person_of(request.user) else []
    if scope.can_write:
        actions.insert(0, (_("＋ 新建培训项目"), reverse("training:program_create")))
    return table_page(request, title=_("培训项目"), columns=exports.PROGRAM_COLUMNS, objects=programs,
                       subtitle=_("境外研修、培训班、职工夜校、国际认证项目和学徒班；已发布的项目可推荐或报名。"),
                       export_url=reverse("training:program_export"), actions=actions, filter_form=form,
                       filter_errors=filters.errors)


@login_required
def program_export_view(request: HttpRequest) -> HttpResponseBase:
    """Every programme the list shows under its filters, or back to the list naming a bad filter."""
    return list_export(request, state=export_state(program_list_state), list_viewname="training:program_list",
                       title=_("培训项目"), columns=exports.PROGRAM_COLUMNS, action="training.program.exported")


@login_required
@require_http_methods(["GET", "POST"])
def program_create_view(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).can_write:
        raise PermissionDenied
    form = forms.ProgramForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        program = run_service(form, lambda: program_services.program_create(actor=request.user, **form.service_data()))
        if program is not None:
            messages.success(request, _("已创建培训项目：{name}（草稿，发布后可推荐报名）。").format(name=program.name))
            return redirect("training:program_detail", pk=program.pk)
    return form_page(request, form, title=_("新建培训项目"), submit=_("保存"),
                      cancel_url=reverse("training:program_list"), breadcrumbs=_crumbs(*TRAINING_HOME),
                      status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def program_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    if not selectors.program_can_manage(request.user, program):
        raise PermissionDenied
    initial = {name: getattr(program, name) for name in program_services.PROGRAM_FIELDS}
    initial["partners"] = list(program.partners.all())
    form = forms.ProgramForm(request.POST or None, user=request.user, initial=initial)
    organizer = model_choice_field(form, "organizer")
    assert organizer.queryset is not None  # ProgramForm always gives it the writable organisations
    organizer.queryset = organizer.queryset | type(program.organizer).objects.filter(pk=program.organizer_id)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        partners = data.pop("partners", [])
        if data.get("organizer") == program.organizer:
            data.pop("organizer")
        updated = run_service(form, lambda: program_services.program_update(actor=request.user, program=program,
                                                                      partners=partners, **data))
        if updated is not None:
            messages.success(request, _("已保存。"))
            return redirect("training:program_detail", pk=program.pk)
    return form_page(request, form, title=_("修改培训项目"), submit=_("保存"),
                      cancel_url=reverse("training:program_detail", args=[program.pk]),
                      breadcrumbs=_crumbs(*TRAINING_HOME, (program.name, reverse("training:program_detail",
                                                                                  args=[program.pk]))),
                      status=400 if form.errors else 200)


@login_required
def program_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    can_manage = selectors.program_can_manage(request.user, program)
    scope = scope_for(request.user)
    person = _person_of(request.user)
    enrollments = list(selectors.enrollment_list(user=request.user, program=program).select_related(
        "completion_credential").prefetch_related("attendances"))
    sessions = selectors.session_list(program=program)
    present = {e.pk: sum(1 for a in e.attendances.all() if a.status == "present") for e in enrollments}
    nominations = list(selectors.nomination_list(user=request.user, program=program))
    own_nomination = next((n for n in nominations if person is not None and n.person_id == person.pk), None)
    order = [*TrainingProgram.Status.values]
    transitions = [(status, TrainingProgram.Status(status).label) for status in sorted(
        rules.PROGRAM_TRANSITIONS.get(program.status, ()),
        key=lambda s: (s == TrainingProgram.Status.CANCELLED, s == TrainingProgram.Status.DRAFT, order.index(s)))]
    context = {
        "program": program,
        "destination_name": country_name(program.destination_country) if program.destination_country else "",
        "partners": list(program.partners.all()),
        "sessions": sessions,
        "nominations": nominations,
        "enrollments": [(e, present.get(e.pk, 0)) for e in enrollments],
        "can_manage": can_manage,
        "can_nominate": program.status == TrainingProgram.Status.OPEN and scope.can_write,
        "can_apply": program.status == TrainingProgram.Status.OPEN and person is not None and own_nomination is None,
        "own_nomination": own_nomination,
        "transitions": transitions,
        "session_form": forms.SessionForm(),
        "selection_form": forms.SelectionForm(initial={"criteria": program.selection_criteria}),
        "waiting": [n for n in nominations if n.status in (Nomination.Status.NOMINATED, Nomination.Status.NOT_SELECTED)],
        "selected_count": sum(1 for e in enrollments if e.status != Enrollment.Status.DROPPED),
    }
    return render(request, "training/program_detail.html", context)


@login_required
@require_POST
def program_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    try:
        program_services.program_set_status(actor=request.user, program=program, status=request.POST.get("status", ""),
                                            reason=request.POST.get("reason", ""))
        messages.success(request, _("项目状态已更新。"))
    except PermissionDeniedError:
        raise PermissionDenied from None
    except (ApplicationError, ValueError) as exc:
        if isinstance(exc, ApplicationError):
            flash_error(request, exc)
        else:
            messages.error(request, _("项目状态不正确。"))
    return redirect("training:program_detail", pk=program.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    if not selectors.program_can_manage(request.user, program):
        raise PermissionDenied
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = run_service(form, lambda: program_services.session_add(actor=request.user, program=program,
                                                                   **{k: v for k, v in form.cleaned_data.items()
                                                                      if v not in (None,)}))
        if session is not None:
            messages.success(request, _("已添加第 {n} 次课。").format(n=session.sequence))
            return redirect("training:program_detail", pk=program.pk)
    return form_page(request, form, title=_("添加课次"), submit=_("添加"),
                      cancel_url=reverse("training:program_detail", args=[program.pk]),
                      breadcrumbs=_crumbs(*TRAINING_HOME, (program.name, reverse("training:program_detail",
                                                                                  args=[program.pk]))),
                      status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def nominate_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    form = forms.NominateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        nomination = run_service(form, lambda: program_services.nomination_create(
            actor=request.user, program=program, person=form.cleaned_data["person"],
            reason=form.cleaned_data.get("reason", "")))
        if nomination is not None:
            messages.success(request, _("已推荐 {name}。").format(name=nomination.person.name))
            if "another" in request.POST:
                return redirect("training:nominate", pk=program.pk)
            return redirect("training:program_detail", pk=program.pk)
    return form_page(request, form, title=_("推荐人员：{name}").format(name=program.name), submit=_("推荐"),
                      intro=program.selection_criteria and _("遴选条件：{c}").format(c=program.selection_criteria) or "",
                      cancel_url=reverse("training:program_detail", args=[program.pk]),
                      breadcrumbs=_crumbs(*TRAINING_HOME, (program.name, reverse("training:program_detail",
                                                                                  args=[program.pk]))),
                      status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    form = forms.ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        nomination = run_service(form, lambda: program_services.nomination_apply(actor=request.user, program=program,
                                                                          **form.cleaned_data))
        if nomination is not None:
            messages.success(request, _("已报名，等待主办方遴选。"))
            return redirect("training:mine")
    return form_page(request, form, title=_("报名：{name}").format(name=program.name), submit=_("提交报名"),
                      cancel_url=reverse("training:program_detail", args=[program.pk]),
                      status=400 if form.errors else 200)


@login_required
@require_POST
def nomination_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get_for_user(user=request.user, pk=pk)
    try:
        program_services.nomination_withdraw(actor=request.user, nomination=nomination,
                                             reason=request.POST.get("reason", ""))
        messages.success(request, _("已撤回。"))
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("training:program_detail", pk=nomination.program_id)


@login_required
@require_POST
def selection_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    form = forms.SelectionForm(request.POST)
    form.is_valid()
    ids = {int(v) for v in request.POST.getlist("selected") if v.isdigit()}
    candidates = {n.pk: n for n in Nomination.objects.filter(program=program)}
    chosen = [candidates[i] for i in sorted(ids) if i in candidates]
    rejected = [n for n in candidates.values()
                if n.status == Nomination.Status.NOMINATED and n.pk not in ids and "reject_rest" in request.POST]
    try:
        result = program_services.selection_decide(
            actor=request.user, program=program, selected=chosen, not_selected=rejected,
            criteria=form.cleaned_data.get("criteria", ""), note=form.cleaned_data.get("note", ""))
        messages.success(request, _("遴选完成：入选 {a} 人，未入选 {b} 人。").format(
            a=len(result.selected), b=len(result.not_selected)))
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("training:program_detail", pk=program.pk)


@login_required
@require_http_methods(["GET", "POST"])
def enroll_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    if not selectors.program_can_manage(request.user, program):
        raise PermissionDenied
    form = forms.EnrollForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        enrollment = run_service(form, lambda: program_services.enrollment_create(
            actor=request.user, program=program, person=form.cleaned_data["person"],
            enrolled_on=form.cleaned_data.get("enrolled_on")))
        if enrollment is not None:
            messages.success(request, _("{name} 已报名入班。").format(name=enrollment.person.name))
            return redirect("training:program_detail", pk=program.pk)
    return form_page(request, form, title=_("直接报名入班"), submit=_("入班"),
                      cancel_url=reverse("training:program_detail", args=[program.pk]),
                      status=400 if form.errors else 200)


@login_required
def nomination_export_view(request: HttpRequest, pk: int) -> FileResponse:
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    return exports.xlsx_response(title=_("推荐名单"), columns=exports.NOMINATION_COLUMNS,
                                 objects=selectors.nomination_list(user=request.user, program=program),
                                 action="training.nomination.exported", filters={"program": program.pk})


@login_required
def enrollment_export_view(request: HttpRequest, pk: int) -> FileResponse:
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    return exports.xlsx_response(title=_("学员名单"), columns=exports.ENROLLMENT_COLUMNS,
                                 objects=selectors.enrollment_list(user=request.user, program=program),
                                 action="training.enrollment.exported", filters={"program": program.pk})


def _session_for_user(request: HttpRequest, pk: int) -> TrainingSession:
    session = TrainingSession.objects.select_related("program").filter(pk=pk).first()
    if session is None:
        raise Http404
    selectors.program_get_for_user(user=request.user, pk=session.program_id)
    return session


@login_required
@require_http_methods(["GET", "POST"])
def attendance_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for_user(request, pk)
    program = session.program
    if not selectors.program_can_manage(request.user, program):
        raise PermissionDenied
    enrollments = list(selectors.enrollment_list(user=request.user, program=program, status="enrolled"))
    current = dict(session.attendances.values_list("enrollment_id", "status"))
    form = forms.AttendanceForm(request.POST or None, enrollments=enrollments, current=current)
    if request.method == "POST" and form.is_valid():
        written = run_service(form, lambda: program_services.attendance_record(actor=request.user, session=session,
                                                                        marks=form.marks()))
        if written is not None:
            messages.success(request, _("已记录 {n} 人的考勤。").format(n=written))
            return redirect("training:program_detail", pk=program.pk)
    return render(request, "training/attendance.html", {"session": session, "program": program, "form": form},
                  status=400 if form.errors else 200)


def _enrollment_for_manager(request: HttpRequest, pk: int) -> Enrollment:
    enrollment = selectors.enrollment_get_for_user(user=request.user, pk=pk)
    if not selectors.program_can_manage(request.user, enrollment.program):
        raise PermissionDenied
    return enrollment


@login_required
@require_http_methods(["GET", "POST"])
def assess_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment_for_manager(request, pk)
    form = forms.AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: program_services.assessment_record(actor=request.user, enrollment=enrollment,
                                                                     **form.cleaned_data))
        if done is not None:
            messages.success(request, _("已录入 {name} 的考核结果。").format(name=enrollment.person.name))
            return redirect("training:program_detail", pk=enrollment.program_id)
    return form_page(request, form, title=_("考核结果：{name}").format(name=enrollment.person.name), submit=_("保存"),
                      cancel_url=reverse("training:program_detail", args=[enrollment.program_id]),
                      status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment_for_manager(request, pk)
    form = forms.CompleteForm(request.POST or None, initial={"on": min(enrollment.program.end_date,
                                                                       timezone.localdate())})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        done = run_service(form, lambda: program_services.enrollment_complete(actor=request.user, enrollment=enrollment,
                                                                       **data))
        if done is not None:
            messages.success(request, _("{name} 已结业，结业证书编号 {number}。").format(
                name=done.person.name, number=done.completion_certificate_number))
            return redirect("training:program_detail", pk=enrollment.program_id)
    return render(request, "training/complete.html", {
        "enrollment": enrollment, "form": form, "checks": program_services.completion_preview(enrollment=enrollment),
        "program": enrollment.program,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def complete_all_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    try:
        result = program_services.program_complete_eligible(actor=request.user, program=program)
    except PermissionDeniedError:
        raise PermissionDenied from None
    messages.success(request, _("已为 {n} 名学员办理结业。").format(n=len(result.completed)))
    for enrollment, reasons in result.refused:
        messages.warning(request, _("{name} 未结业：{reasons}").format(name=enrollment.person.name,
                                                                    reasons=clauses(reasons)))
    return redirect("training:program_detail", pk=program.pk)


@login_required
@require_http_methods(["GET", "POST"])
def drop_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment_for_manager(request, pk)
    form = forms.DropForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, lambda: program_services.enrollment_drop(actor=request.user, enrollment=enrollment,
                                                                   **form.cleaned_data))
        if done is not None:
            messages.success(request, _("{name} 已退出培训。").format(name=done.person.name))
            return redirect("training:program_detail", pk=enrollment.program_id)
    return form_page(request, form, title=_("学员退出：{name}").format(name=enrollment.person.name),
                      submit=_("确认退出"), cancel_url=reverse("training:program_detail", args=[enrollment.program_id]),
                      status=400 if form.errors else 200)


# --- my training and points -------------------------------------------------------------------------
@login_required
def my_training_view(request: HttpRequest) -> HttpResponse:
    person = _person_of(request.user)
    if person is None:
        return render(request, "training/my_training.html", {"person": None})
    history = selectors.training_history_for_person(user=request.user, person=person)
    open_programs = selectors.program_list(user=request.user, filters=selectors.ProgramFilters(status="open"))[:20]
    lines, total = selectors.points_statement(user=request.user, person=person)
    return render(request, "training/my_training.html", {
        "person": person, "history": history, "open_programs": open_programs, "points_total": total,
        "applied": {n.program_id for n in history.nominations},
    })


@login_required
def person_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's training history. As an HTMX request it is the fragment the registry profile
    page can load into itself (``hx-get`` with ``hx-trigger="load"``); otherwise a whole page."""
    person = people_selectors.person_get_for_user(user=request.user, pk=pk)
    history = selectors.training_history_for_person(user=request.user, person=person)
    context = {"person": person, "history": history}
    if getattr(request, "htmx", False):
        return render(request, "training/_profile_section.html", context)
    return render(request, "training/person_history.html", context)


@login_required
def points_view(request: HttpRequest) -> HttpResponse:
    person_id = request.GET.get("person")
    if person_id:
        person = people_selectors.person_get_for_user(user=request.user, pk=_pk_or_404(person_id))
    else:
        person = _person_of(request.user)
        if person is None:
            return redirect("training:points_ranking")
    year = request.GET.get("year")
    lines, total = selectors.points_statement(user=request.user, person=person,
                                              year=int(year) if year and year.isdigit() else None)
    return render(request, "training/points.html", {"person": person, "lines": lines, "total": total,
                                                    "year": year or ""})


def points_ranking_state(request: HttpRequest) -> tuple[forms.RankingFilterForm, Any, list[dict[str, Any]],
                                                        ListFilters]:
    """The ranking's filter form, organisation (an organisation outside the scope is 404), rows
    and refused filters; the page and its export both read the query string through this."""
    from gongjiang.orgs.selectors import organization_get_for_user

    form = forms.RankingFilterForm(request.GET or None)
    data, filters = read_filter_form(form)
    organization = None
    scope = scope_for(request.user)
    if data.get("organization"):
        organization = organization_get_for_user(user=request.user, pk=data["organization"])
    elif scope.organization_ids and not scope.has_role("platform_admin", "city_admin", "district_admin"):
        organization = organization_get_for_user(user=request.user, pk=sorted(scope.organization_ids)[0])
    rows = selectors.points_ranking(user=request.user, organization=organization, year=data.get("year"))
    return form, organization, rows, filters


@login_required
def points_ranking_view(request: HttpRequest) -> HttpResponseBase:
    if request.GET.get("format") == "xlsx":
        return list_export(request, state=export_state(points_ranking_state), list_viewname="training:points_ranking",
                           title=_("积分排行"), columns=exports.RANKING_COLUMNS,
                           action="training.points.ranking_exported")
    form, organization, rows, filters = points_ranking_state(request)
    title = _("培训积分排行") + (f" · {organization.name}" if organization else "")
    actions = [(_("调整积分"), reverse("training:points_adjust"))] if scope_for(request.user).can_write else []
    return table_page(request, title=title, columns=exports.RANKING_COLUMNS, objects=rows, paginated=False,
                       subtitle=_("积分来自学时、结业和取证（积分制），按单位统计。"), actions=actions,
                       export_url=reverse("training:points_ranking") + "?format=xlsx&", filter_form=form,
                       filter_errors=filters.errors)


@login_required
@require_http_methods(["GET", "POST"])
def points_adjust_view(request: HttpRequest) -> HttpResponse:
    form = forms.PointsAdjustForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        entry = run_service(form, lambda: program_services.points_adjust(actor=request.user, **{
            k: v for k, v in form.cleaned_data.items() if v is not None}))
        if entry is not None:
            messages.success(request, _("已为 {name} 记入 {points:+d} 分。").format(name=entry.person.name,
                                                                                 points=entry.points))
            return redirect(reverse("training:points") + f"?person={entry.person_id}")
    return form_page(request, form, title=_("调整积分"), submit=_("记入"),
                      cancel_url=reverse("training:points_ranking"), status=400 if form.errors else 200)


# --- apprenticeships ---------------------------------------------------------------------------
def apprenticeship_list_state(request: HttpRequest) -> tuple[forms.ApprenticeshipFilterForm, QuerySet[Apprenticeship],
                                                             ListFilters]:
    """The apprenticeship list's filter form, scoped and filtered queryset and refused filters;
    the page and its export both read the query string through this."""
    form = forms.ApprenticeshipFilterForm(request.GET or None)
    data, filters = read_filter_form(form)
    records = selectors.apprenticeship_list(user=request.user, filters=selectors.ApprenticeshipFilters(**data))
    return form, records, filters


@login_required
def apprenticeship_list_view(request: HttpRequest) -> HttpResponse:
    form, records, filters = apprenticeship_list_state(request)
    actions = [(_("导师带徒津贴"), reverse("training:allowance_list"))]
    if scope_for(request.user).can_write:
        actions.insert(0, (_("＋ 登记学徒"), reverse("training:apprenticeship_create")))
    return table_page(request, title=_("学徒培养"), columns=exports.APPRENTICESHIP_COLUMNS, objects=records,
                       subtitle=_("企业新型学徒制、现代学徒制和技培生：企校双导师，培养期 1–2 年（最长 3 年）。"),
                       export_url=reverse("training:apprenticeship_export"), actions=actions, filter_form=form,
                       filter_errors=filters.errors)


@login_required
def apprenticeship_export_view(request: HttpRequest) -> HttpResponseBase:
    """Every apprenticeship the list shows under its filters, or back to the list naming a bad filter."""
    return list_export(request, state=export_state(apprenticeship_list_state),
                       list_viewname="training:apprenticeship_list", title=_("学徒培养"),
                       columns=exports.APPRENTICESHIP_COLUMNS, action="training.apprenticeship.exported")


@login_required
@require_http_methods(["GET", "POST"])
def apprenticeship_create_view(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).can_write:
        raise PermissionDenied
    form = forms.ApprenticeshipForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        record = run_service(form, lambda: apprenticeship_services.apprenticeship_create(actor=request.user, **{
            k: v for k, v in form.cleaned_data.items() if v not in (None,)}))
        if record is not None:
            messages.success(request, _("已登记学徒 {name}。").format(name=record.apprentice.name))
            return redirect("training:apprenticeship_detail", pk=record.pk)
    return form_page(request, form, title=_("登记学徒培养"), submit=_("登记"),
                      cancel_url=reverse("training:apprenticeship_list"),
                      breadcrumbs=_crumbs((_("学徒培养"), "training:apprenticeship_list")),
                      status=400 if form.errors else 200)


@login_required
def apprenticeship_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.apprenticeship_detail(user=request.user, pk=pk)
    record = detail["apprenticeship"]
    can_write = selectors.apprenticeship_queryset(request.user, write=True).filter(pk=record.pk).exists()
    person = _person_of(request.user)
    sides = []
    if person is not None and person.pk == record.enterprise_mentor_id or can_write:
        sides.append("enterprise")
    if person is not None and person.pk == record.school_mentor_id or can_write:
        sides.append("school")
    allowed = rules.TRANSITIONS.get(record.status, frozenset())
    status_form = forms.StatusChangeForm(initial={"on": timezone.localdate()})
    choice_field(status_form, "status").choices = [(s, Apprenticeship.Status(s).label) for s in sorted(allowed)]
    return render(request, "training/apprenticeship_detail.html", {
        **detail, "can_write": can_write, "sign_sides": sides, "status_form": status_form,
        "review_form": forms.ReviewForm(initial={"review_date": timezone.localdate()}),
        "allowance_form": forms.AllowanceForm(),
    })


def _post_action(request: HttpRequest, form: Any, call: Callable[[Any], Any], success: str, back: str) -> HttpResponse:
    if form.is_valid():
        try:
            call(form.cleaned_data)
            messages.success(request, success)
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ApplicationError as exc:
            flash_error(request, exc)
    else:
        messages.error(request, clauses(f"{form.fields[k].label}：{' '.join(v)}" if k in form.fields else " ".join(v)
                                         for k, v in form.errors.items()))
    return redirect(back)


@login_required
@require_POST
def apprenticeship_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.apprenticeship_get_for_user(user=request.user, pk=pk)
    return _post_action(request, forms.StatusChangeForm(request.POST), lambda d: (
        apprenticeship_services.apprenticeship_change_status(actor=request.user, apprenticeship=record, **d)),
        _("状态已变更。"), reverse("training:apprenticeship_detail", args=[record.pk]))


@login_required
@require_POST
def review_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.apprenticeship_get_for_user(user=request.user, pk=pk)
    return _post_action(request, forms.ReviewForm(request.POST), lambda d: (
        apprenticeship_services.review_create(actor=request.user, apprenticeship=record, **d)),
        _("已新增培养进度考核，待双导师签字。"), reverse("training:apprenticeship_detail", args=[record.pk]))


@login_required
@require_POST
def review_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get_for_user(user=request.user, pk=pk)
    try:
        apprenticeship_services.review_sign(actor=request.user, review=review, side=request.POST.get("side", ""))
        messages.success(request, _("已签字。"))
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("training:apprenticeship_detail", pk=review.apprenticeship_id)


@login_required
@require_POST
def allowance_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.apprenticeship_get_for_user(user=request.user, pk=pk)

    def call(data: dict[str, Any]) -> Any:
        side = data.pop("mentor")
        mentor = record.enterprise_mentor if side == "enterprise" else record.school_mentor
        return apprenticeship_services.mentor_allowance_record(actor=request.user, apprenticeship=record,
                                                               mentor=mentor, **data)

    return _post_action(request, forms.AllowanceForm(request.POST), call, _("已登记带徒津贴。"),
                        reverse("training:apprenticeship_detail", args=[record.pk]))


@login_required
def allowance_list_view(request: HttpRequest) -> HttpResponseBase:
    allowances = selectors.mentor_allowance_list(user=request.user)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(title=_("导师带徒津贴"), columns=exports.ALLOWANCE_COLUMNS, objects=allowances,
                                     action="training.mentor_allowance.exported")
    return table_page(request, title=_("导师带徒津贴"), columns=exports.ALLOWANCE_COLUMNS, objects=allowances,
                       subtitle=_("津贴由企业确定并发放，此处登记备查。"),
                       export_url=reverse("training:allowance_list") + "?format=xlsx&",
                       breadcrumbs=_crumbs((_("学徒培养"), "training:apprenticeship_list")))


# --- subsidies ----------------------------------------------------------------------------------
@login_required
def policy_list_view(request: HttpRequest) -> HttpResponseBase:
    policies = selectors.policy_list(user=request.user)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(title=_("补贴政策"), columns=exports.POLICY_COLUMNS, objects=policies,
                                     action="training.subsidy_policy.exported")
    scope = scope_for(request.user)
    actions = [(_("补贴申领"), reverse("training:claim_list"))]
    if scope.everything or scope.has_role("city_admin", "district_admin"):
        actions.insert(0, (_("＋ 制定补贴政策"), reverse("training:policy_create")))
    return table_page(request, title=_("补贴政策"), columns=exports.POLICY_COLUMNS, objects=policies,
                       subtitle=_("按地区和年度登记的补贴标准与限制条件；申领时据此自动核算。"),
                       export_url=reverse("training:policy_list") + "?format=xlsx&", actions=actions)


@login_required
@require_http_methods(["GET", "POST"])
def policy_create_view(request: HttpRequest) -> HttpResponse:
    form = forms.PolicyForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        policy = run_service(form, lambda: subsidy_services.policy_create(actor=request.user, **form.service_data()))
        if policy is not None:
            messages.success(request, _("已登记补贴政策：{name}。").format(name=policy.name))
            return redirect("training:policy_list")
    return form_page(request, form, title=_("制定补贴政策"), submit=_("保存"),
                      cancel_url=reverse("training:policy_list"), status=400 if form.errors else 200)


def claim_list_state(request: HttpRequest) -> tuple[forms.ClaimFilterForm, QuerySet[SubsidyClaim], ListFilters]:
    """The claim list's filter form, scoped and filtered queryset and refused filters; the page
    and its export both read the query string through this."""
    form = forms.ClaimFilterForm(request.GET or None)
    data, filters = read_filter_form(form)
    return form, selectors.claim_list(user=request.user, filters=selectors.ClaimFilters(**data)), filters


@login_required
def claim_list_view(request: HttpRequest) -> HttpResponse:
    form, claims, filters = claim_list_state(request)
    columns = [exports.Column(exports.CLAIM_COLUMNS[0].label, exports.CLAIM_COLUMNS[0].get,
                              lambda c: reverse("training:claim_detail", args=[c.pk])), *exports.CLAIM_COLUMNS[1:]]
    actions = [(_("补贴政策"), reverse("training:policy_list"))]
    if scope_for(request.user).can_write:
        actions.insert(0, (_("＋ 申领补贴"), reverse("training:claim_create")))
    return table_page(request, title=_("补贴申领"), columns=columns, objects=claims,
                       subtitle=_("每笔申领都按政策自动核算并写明理由；导出的清单可用于发放。"),
                       export_url=reverse("training:claim_export"), actions=actions, filter_form=form,
                       filter_errors=filters.errors)


@login_required
def claim_export_view(request: HttpRequest) -> HttpResponseBase:
    """Every claim the list shows under its filters, or back to the list naming a bad filter."""
    return list_export(request, state=export_state(claim_list_state), list_viewname="training:claim_list",
                       title=_("补贴申领清单"), columns=exports.CLAIM_COLUMNS, action="training.subsidy_claim.exported")


@login_required
@require_http_methods(["GET", "POST"])
def claim_create_view(request: HttpRequest) -> HttpResponse:
    form = forms.ClaimForm(request.POST or None, user=request.user,
                           initial={"claim_date": timezone.localdate(), "months_covered": 12})
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if "preview" in request.POST or getattr(request, "htmx", False):
            person, policy = data.pop("person"), data.pop("policy")
            data.pop("occupation_name", None)
            data["claim_date"] = data.get("claim_date") or timezone.localdate()
            try:
                preview = subsidy_services.subsidy_preview(person=person, policy=policy, **data)
            except ApplicationError as exc:
                apply_application_error(form, exc)
            if getattr(request, "htmx", False):
                return render(request, "training/_claim_preview.html", {"preview": preview, "form": form})
        else:
            claim = run_service(form, lambda: subsidy_services.claim_create(actor=request.user, **data))
            if claim is not None:
                if claim.eligible:
                    messages.success(request, _("已核算：符合条件，金额 {amount} 元，待人社部门审核。").format(
                        amount=claim.amount))
                else:
                    messages.warning(request, _("已核算：不符合条件，理由见下。"))
                return redirect("training:claim_detail", pk=claim.pk)
    return render(request, "training/claim_form.html", {"form": form, "preview": preview},
                  status=400 if form.errors else 200)


@login_required
def claim_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_get_for_user(user=request.user, pk=pk)
    scope = scope_for(request.user)
    return render(request, "training/claim_detail.html", {
        "claim": claim, "can_decide": scope.everything or scope.has_role("city_admin", "district_admin"),
        "can_cancel": selectors.claim_queryset(request.user, write=True).filter(pk=claim.pk).exists(),
    })


@login_required
@require_POST
def claim_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    claim = selectors.claim_get_for_user(user=request.user, pk=pk)
    calls = {
        "approve": lambda: subsidy_services.claim_approve(actor=request.user, claim=claim,
                                                          note=request.POST.get("note", "")),
        "pay": lambda: subsidy_services.claim_mark_paid(actor=request.user, claim=claim),
        "cancel": lambda: subsidy_services.claim_cancel(actor=request.user, claim=claim,
                                                        reason=request.POST.get("reason", "")),
    }
    if action not in calls:
        raise Http404
    try:
        calls[action]()
        messages.success(request, _("已处理。"))
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("training:claim_detail", pk=claim.pk)


# --- indicators ---------------------------------------------------------------------------------
@login_required
def indicators_view(request: HttpRequest) -> HttpResponse:
    from gongjiang.international.selectors import international_counts

    year = request.GET.get("year")
    counts = selectors.training_counts(user=request.user, year=int(year) if year and year.isdigit() else None)
    kinds = [(TrainingProgram.Kind(kind).label, counts.person_times_by_kind.get(kind, 0),
              counts.people_by_kind.get(kind, 0)) for kind in TrainingProgram.Kind.values]
    apprentice_rows = []
    for kind in Apprenticeship.Kind.values:
        row: list[StrOrPromise | int] = [Apprenticeship.Kind(kind).label]
        row += [counts.apprentices_by_kind_status.get((kind, status), 0) for status in Apprenticeship.Status.values]
        apprentice_rows.append(row)
    return render(request, "training/indicators.html", {
        "counts": counts, "international": international_counts(user=request.user), "kinds": kinds,
        "apprentice_rows": apprentice_rows, "apprentice_statuses": Apprenticeship.Status.labels, "year": year or "",
        "claim_statuses": SubsidyClaim.Status,
    })
