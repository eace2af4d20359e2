"""Pages of skill evaluation: bodies, batches, applications, scoring, publicity, issuance.

Thin: reads through evaluation.selectors (data scope: objects outside it are 404), writes
through evaluation.services; a service's ApplicationError becomes form errors or a message,
a PermissionDeniedError a 403.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.rules import mask_name
from gongjiang.evaluation import exports, forms, rules, selectors, services
from gongjiang.evaluation.excel import score_template
from gongjiang.evaluation.models import (
    GRADE_LABELS,
    Application,
    BodyScope,
    EvaluationBatch,
    EvaluationBody,
    Evaluator,
    Objection,
    PostAppointment,
    ScoreEntry,
    ScoreSheet,
)
from gongjiang.imports.exporters import export_response, filter_summary
from gongjiang.orgs.scope import organization_queryset
from gongjiang.people.models import Person
from gongjiang.people.selectors import person_queryset
from gongjiang.web.forms import apply_application_error, page_window, paginate
from gongjiang.web.listing import (
    Filter,
    ListFilters,
    export_url,
    filter_query,
    list_export,
    read_filters,
    refuse_export,
)

MSG_DONE = gettext_noop("已完成：{what}。")
MSG_PERSON_NOT_FOUND = gettext_noop("人才库中没有这个证件号码，或该人员不在您的管理范围内。")

TRANSITION_LABELS = {
    "open": gettext_lazy("开放报名"), "closed": gettext_lazy("截止报名"), "examining": gettext_lazy("开始考试"), "scoring": gettext_lazy("进入评分"),
    "publicity": gettext_lazy("发布公示"), "cancelled": gettext_lazy("取消批次"),
}


def action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """POST actions: a refused rule becomes a message on the page it came from; no scope → 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDeniedError as error:
            raise PermissionDenied(str(error.message)) from None
        except ApplicationError as error:
            for field_messages in error.as_field_map().values():
                for message in field_messages:
                    messages.error(request, message)
            if error.errors and str(error.message) not in str(error.as_field_map()):
                messages.error(request, str(error.message))
            return redirect(request.POST.get("next") or request.META.get("HTTP_REFERER") or reverse("evaluation:index"))

    return login_required(require_POST(wrapper))


def _find_person(request: HttpRequest, id_number: str) -> Person | None:
    from gongjiang.people.services import lookup_hashes

    return person_queryset(request.user).filter(id_number_hash__in=lookup_hashes(id_number)).first()


# --- Overview --------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    person = getattr(user, "person", None)
    context = {
        "batches": selectors.batch_list(user=user)[:50],
        "open_batches": selectors.open_batches().order_by("applications_close")[:50],
        "my_applications": (
            Application.objects.filter(person=person).select_related("batch", "certificate").order_by("-id")
            if person is not None else []
        ),
        "can_file": selectors.can_file_bodies(user),
        "bodies": selectors.body_list(user=user)[:50],
    }
    return render(request, "evaluation/index.html", context)


# --- Bodies ----------------------------------------------------------------------------------


def body_list_state(request: HttpRequest) -> tuple[QuerySet[EvaluationBody], ListFilters]:
    """The body list's scoped, filtered queryset; the page and its export both use it."""
    filters = read_filters(request.GET, [
        Filter("q", gettext_lazy("备案名称/编号")), Filter("status", gettext_lazy("状态"), EvaluationBody.Status.choices),
    ])
    return selectors.body_list(user=request.user, q=filters.get("q"), status=filters.get("status")), filters


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    bodies, filters = body_list_state(request)
    page, size = paginate(request, bodies)
    return render(request, "evaluation/body_list.html", {
        "bodies": page.object_list, "page": page, "page_size": size, "page_numbers": page_window(page),
        "query": filter_query(request), "statuses": EvaluationBody.Status.choices, "filter_errors": filters.errors,
        "export_url": export_url(request, "evaluation:bodies_export"),
        "can_file": selectors.can_file_bodies(request.user), "q": request.GET.get("q", ""),
    })


@login_required
def body_export(request: HttpRequest) -> HttpResponseBase:
    """Every evaluation body the list shows under its current filters, as an .xlsx file."""
    return list_export(request, state=body_list_state, list_viewname="evaluation:bodies",
                       title=gettext_lazy("评价机构"), columns=exports.BODY_COLUMNS, action=exports.BODY_EXPORT_ACTION)


@login_required
@require_http_methods(["GET", "POST"])
def body_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_file_bodies(request.user):
        raise PermissionDenied
    organizations = organization_queryset(request.user, write=True).filter(evaluation_body__isnull=True).order_by("name")
    form = forms.BodyFilingForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.body_file(actor=request.user, **form.cleaned_data)
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, _(MSG_DONE).format(what=_("备案评价机构")))
            return redirect("evaluation:body_detail", pk=body.pk)
    return render(request, "evaluation/form.html", {
        "form": form, "title": _("评价机构备案"), "submit": _("备案"), "cancel_url": reverse("evaluation:bodies"),
    })


@login_required
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(user=request.user, pk=pk)
    can_write = selectors.body_queryset(request.user, write=True).filter(pk=pk).exists()
    can_file = selectors.body_filing_queryset(request.user).filter(pk=pk).exists()
    return render(request, "evaluation/body_detail.html", {
        "body": body,
        "scopes": body.scopes.select_related("occupation", "work_type"),
        "evaluators": body.evaluators.select_related("person", "occupation").order_by("role", "id"),
        "batches": selectors.batch_list(user=request.user, body=body.pk),
        "appointments": body.appointments.select_related("person", "occupation", "certificate"),
        "can_write": can_write, "can_file": can_file,
        "scope_form": forms.ScopeLineForm() if can_file else None,
        "status_form": forms.BodyStatusForm(initial={"status": body.status}) if can_file else None,
        "evaluator_form": forms.EvaluatorForm() if can_write else None,
        "appointment_form": forms.AppointmentForm() if can_write and body.category == "Y" else None,
        "grade_names": GRADE_LABELS,
    })


@action
def body_status(request: HttpRequest, pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(user=request.user, pk=pk)
    form = forms.BodyStatusForm(request.POST)
    if form.is_valid():
        services.body_set_status(actor=request.user, body=body, **form.cleaned_data)
        messages.success(request, _(MSG_DONE).format(what=_("变更备案状态")))
    return redirect("evaluation:body_detail", pk=pk)


@action
def body_scope_add(request: HttpRequest, pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(user=request.user, pk=pk)
    form = forms.ScopeLineForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("请选择职业和至少一个等级。"))
    services.body_scope_set(actor=request.user, body=body, occupation=form.cleaned_data["occupation"],
                            work_type=form.cleaned_data["work_type"], grades=[int(g) for g in form.cleaned_data["grades"]])
    messages.success(request, _(MSG_DONE).format(what=_("更新备案范围")))
    return redirect("evaluation:body_detail", pk=pk)


@action
def body_scope_remove(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    body = selectors.body_get_for_user(user=request.user, pk=pk)
    services.body_scope_remove(actor=request.user, line=get_object_or_404(BodyScope, pk=line, body=body))
    return redirect("evaluation:body_detail", pk=pk)


@action
def body_evaluator_add(request: HttpRequest, pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(user=request.user, pk=pk)
    form = forms.EvaluatorForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("请填写证件号码和类别。"))
    person = _find_person(request, form.cleaned_data["id_number"])
    if person is None:
        raise ApplicationError(_(MSG_PERSON_NOT_FOUND), field="id_number")
    services.evaluator_add(actor=request.user, body=body, person=person, role=form.cleaned_data["role"],
                           card_number=form.cleaned_data["card_number"], valid_until=form.cleaned_data["valid_until"])
    messages.success(request, _(MSG_DONE).format(what=_("加入名册：") + person.name))
    return redirect("evaluation:body_detail", pk=pk)


@action
def body_evaluator_remove(request: HttpRequest, pk: int, evaluator: int) -> HttpResponse:
    body = selectors.body_get_for_user(user=request.user, pk=pk)
    services.evaluator_deactivate(actor=request.user, evaluator=get_object_or_404(Evaluator, pk=evaluator, body=body))
    return redirect("evaluation:body_detail", pk=pk)


@action
def body_appointment_add(request: HttpRequest, pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(user=request.user, pk=pk)
    form = forms.AppointmentForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("请完整填写聘任信息。"))
    data = dict(form.cleaned_data)
    person = _find_person(request, data.pop("id_number"))
    if person is None:
        raise ApplicationError(_(MSG_PERSON_NOT_FOUND), field="id_number")
    services.post_appoint(actor=request.user, body=body, person=person, **data)
    messages.success(request, _(MSG_DONE).format(what=_("聘任") + person.name))
    return redirect("evaluation:body_detail", pk=pk)


@action
def appointment_end(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(PostAppointment, pk=pk)
    selectors.body_get_for_user(user=request.user, pk=appointment.body_id)
    services.post_end(actor=request.user, appointment=appointment, reason=request.POST.get("reason", ""),
                      revoke=request.POST.get("revoke") == "1")
    return redirect("evaluation:body_detail", pk=appointment.body_id)


# --- Batches ---------------------------------------------------------------------------------


def batch_list_state(request: HttpRequest) -> tuple[QuerySet[EvaluationBatch], ListFilters]:
    """The batch list's scoped, filtered queryset; the page and its export both use it."""
    filters = read_filters(request.GET, [
        Filter("q", gettext_lazy("名称/职业")), Filter("status", gettext_lazy("状态"), EvaluationBatch.Status.choices),
    ])
    return selectors.batch_list(user=request.user, status=filters.get("status"), q=filters.get("q")), filters


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    batches, filters = batch_list_state(request)
    page, size = paginate(request, batches)
    return render(request, "evaluation/batch_list.html", {
        "batches": page.object_list, "page": page, "page_size": size, "page_numbers": page_window(page),
        "query": filter_query(request), "filter_errors": filters.errors,
        "export_url": export_url(request, "evaluation:batches_export"),
        "statuses": EvaluationBatch.Status.choices, "q": request.GET.get("q", ""),
    })


@login_required
def batch_export(request: HttpRequest) -> HttpResponseBase:
    """Every batch the list shows under its current filters, as an .xlsx file."""
    return list_export(request, state=batch_list_state, list_viewname="evaluation:batches",
                       title=gettext_lazy("认定批次"), columns=exports.BATCH_COLUMNS, action=exports.BATCH_EXPORT_ACTION)


@login_required
@require_http_methods(["GET", "POST"])
def batch_create(request: HttpRequest, body_pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(user=request.user, pk=body_pk)
    from gongjiang.catalog.models import Occupation

    occupations = Occupation.objects.filter(pk__in=body.scopes.values("occupation")).order_by("code")
    today = timezone.localdate()
    form = forms.BatchForm(request.POST or None, occupations=occupations, initial={
        "applications_open": today, "applications_close": today + dt.timedelta(days=14),
    })
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["grades"] = [int(g) for g in data["grades"]]
        try:
            batch = services.batch_create(actor=request.user, body=body, **data)
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, _(MSG_DONE).format(what=_("新建批次")))
            return redirect("evaluation:batch_detail", pk=batch.pk)
    return render(request, "evaluation/form.html", {
        "form": form, "title": _("新建认定批次"), "subtitle": body.filed_name, "submit": _("保存"),
        "cancel_url": reverse("evaluation:body_detail", args=[body.pk]),
    })


def batch_applications_state(request: HttpRequest, batch: EvaluationBatch) -> tuple[QuerySet[Application], ListFilters]:
    """The applications a batch's page lists (the user's scope, the page's filters); the page
    and its export both use it."""
    filters = read_filters(request.GET, [
        Filter("status", gettext_lazy("受理"), Application.Status.choices),
        Filter("result", gettext_lazy("结果"), Application.Result.choices),
    ])
    return selectors.application_list(user=request.user, batch=batch, status=filters.get("status"),
                                      result=filters.get("result")), filters


def _batch_context(request: HttpRequest, batch: EvaluationBatch) -> dict[str, Any]:
    user = request.user
    can_write = selectors.batch_queryset(user, write=True).filter(pk=batch.pk).exists()
    listed, filters = batch_applications_state(request, batch)
    page, size = paginate(request, listed)  # a large batch has thousands of applications
    applications = list(page.object_list)
    person = getattr(user, "person", None)
    mine = Application.objects.filter(batch=batch, person=person).exclude(status="withdrawn").first() if person else None
    publicity = getattr(batch, "publicity", None) if batch.status in ("publicity", "certified") else None
    can_bulk = batch.status == "open" and organization_queryset(user, write=True).exists()
    return {
        "batch": batch,
        "applications": applications,
        "page": page, "page_size": size, "page_numbers": page_window(page), "query": filter_query(request),
        "filter_errors": filters.errors,
        "application_statuses": Application.Status.choices,
        "application_results": Application.Result.choices,
        "filtered": bool(filters.values),
        "export_url": export_url(request, "evaluation:batch_applications_export", batch.pk),
        "can_write": can_write,
        "mine": mine,
        "can_apply": batch.status == "open" and person is not None and mine is None,
        "can_bulk": can_bulk,
        "application_upload_form": forms.ApplicationUploadForm() if can_bulk else None,
        "transitions": [(t, TRANSITION_LABELS[t]) for t in sorted(rules.TRANSITIONS[batch.status]) if t in TRANSITION_LABELS],
        "assignments": selectors.assignments_for(batch) if can_write or batch.status != "draft" else [],
        "assignment_form": forms.AssignmentForm(evaluators=batch.body.evaluators.filter(is_active=True).exclude(
            role="supervisor").select_related("person")) if can_write else None,
        "assignment_problems": services.assignment_problems(batch) if can_write and batch.status in ("open", "closed") else [],
        "publicity": publicity,
        "objections": batch.objections.select_related("application__person") if can_write else [],
        "objection_form": forms.ObjectionForm(applications=batch.applications.filter(result="passed").select_related("person"))
        if can_write and batch.status == "publicity" else None,
        "resolve_form": forms.ResolveForm(),
        "revoke_form": forms.RevokeForm(),
        "today": timezone.localdate(),
        "grade_names": GRADE_LABELS,
    }


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    return render(request, "evaluation/batch_detail.html", _batch_context(request, batch))


@login_required
@require_GET
def batch_applications_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Every application the batch's page lists under its filters, as an .xlsx file (ID numbers
    masked); a batch outside the user's scope is 404, as its page is."""
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    applications, filters = batch_applications_state(request, batch)
    if filters.errors:
        return refuse_export(request, "evaluation:batch_detail", filters.errors, batch.pk)
    return export_response(
        user=request.user, title=_("{batch} 申报").format(batch=batch.name), columns=exports.APPLICATION_COLUMNS,
        objects=applications, action=exports.APPLICATION_EXPORT_ACTION, object_type="evaluation.evaluationbatch",
        filters=filters.values, audit_filters={"batch": batch.pk, **filter_summary(filters.values)},
        filename=f"applications-batch-{batch.pk}-{timezone.localdate():%Y%m%d}.xlsx",
    )


@action
def batch_transition(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("操作不正确。"))
    services.batch_transition(actor=request.user, batch=batch, target=form.cleaned_data["target"],
                              reason=form.cleaned_data["reason"], publicity_starts_on=form.cleaned_data["publicity_starts_on"])
    messages.success(request, _(MSG_DONE).format(what=TRANSITION_LABELS.get(form.cleaned_data["target"], "")))
    return redirect("evaluation:batch_detail", pk=pk)


@action
def batch_assign(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    form = forms.AssignmentForm(request.POST, evaluators=batch.body.evaluators.all())
    if not form.is_valid():
        raise ApplicationError(_("请选择考评员和科目。"))
    services.batch_assign_evaluator(actor=request.user, batch=batch, **form.cleaned_data)
    return redirect("evaluation:batch_detail", pk=pk)


@action
def batch_unassign(request: HttpRequest, pk: int, assignment: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    services.batch_unassign_evaluator(actor=request.user, assignment=get_object_or_404(batch.assignments, pk=assignment))
    return redirect("evaluation:batch_detail", pk=pk)


@action
def batch_issue(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    certificates = services.batch_issue(actor=request.user, batch=batch)
    messages.success(request, _("已发证 {count} 本。").format(count=len(certificates)))
    return redirect("evaluation:batch_detail", pk=pk)


@login_required
@require_GET
def batch_report(request: HttpRequest, pk: int) -> HttpResponse:
    """证书上报 file (CSV, UTF-8 with BOM so Excel opens it; format in docs/formats)."""
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    try:
        rows = services.report_export(actor=request.user, batch=batch)
    except PermissionDeniedError:
        raise PermissionDenied from None
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([label for _key, label in selectors.REPORT_COLUMNS])
    for row in rows:
        writer.writerow([row[key] for key, _label in selectors.REPORT_COLUMNS])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="certificate-report-batch-{batch.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- Applications ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def batch_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """A worker applies for themselves; the eligibility verdict shows live (HTMX) as they type."""
    batch = selectors.open_batches().filter(pk=pk).first() or selectors.batch_get_for_user(user=request.user, pk=pk)
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied(_("只有登记在人才库中的本人可以在线申报；单位请使用集体申报。"))
    form = forms.ApplicationForm(request.POST or None, initial={"grade": max(batch.grades), "education": person.education})
    grade_field = form.fields["grade"]
    assert isinstance(grade_field, ChoiceField)  # a TypedChoiceField; form.fields is typed as plain Fields
    grade_field.choices = [(str(g), GRADE_LABELS[g]) for g in sorted(batch.grades, reverse=True)]
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("preview") or getattr(request, "htmx", False):
            preview = services.eligibility_preview(batch=batch, person=person, grade=form.cleaned_data["grade"],
                                                   facts=form.facts())
            if getattr(request, "htmx", False):
                return render(request, "evaluation/_eligibility.html", {"eligibility": preview})
        else:
            try:
                application = services.application_submit(actor=request.user, batch=batch, person=person,
                                                          grade=form.cleaned_data["grade"], facts=form.facts())
            except PermissionDeniedError:
                raise PermissionDenied from None
            except ApplicationError as error:
                apply_application_error(form, error)
            else:
                if application.status == Application.Status.ACCEPTED:
                    messages.success(request, _("申报已受理。"))
                else:
                    messages.warning(request, _("申报不符合条件，未受理。原因见下方说明。"))
                return redirect("evaluation:application_detail", pk=application.pk)
    return render(request, "evaluation/apply.html", {"batch": batch, "form": form, "person": person, "preview": preview,
                                                     "wide_fields": ("programs", "flags")})


@login_required
@require_http_methods(["GET", "POST"])
def batch_bulk_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """An employer applies for several of its staff: tick people, give the grade and facts."""
    batch = selectors.open_batches().filter(pk=pk).first() or selectors.batch_get_for_user(user=request.user, pk=pk)
    employers = organization_queryset(request.user, write=True).exclude(kind="government").order_by("name")
    chosen = request.GET.get("employer") or request.POST.get("employer")
    employer = (employers.filter(pk=chosen).first() if chosen is not None else None) or employers.first()
    if employer is None:
        raise PermissionDenied
    staff = Person.objects.filter(current_employer__path__startswith=employer.path).order_by("name")[:500]
    errors: list[str] = []
    if request.method == "POST":
        rows = []
        for person in staff:
            if request.POST.get(f"pick-{person.pk}") != "1":
                continue
            row: dict[str, Any] = {"person": person, "grade": request.POST.get(f"grade-{person.pk}") or max(batch.grades)}
            start = request.POST.get(f"start-{person.pk}")
            if start:
                try:
                    row["occupation_start"] = dt.date.fromisoformat(start)
                except ValueError:
                    errors.append(_("{name}：开始从事本职业工作日期格式应为 2015-03-01。").format(name=person.name))
            rows.append(row)
        if not rows:
            errors.append(_("请至少勾选一人。"))
        if not errors:
            try:
                saved = services.application_bulk_submit(actor=request.user, batch=batch, employer=employer, rows=rows)
            except PermissionDeniedError:
                raise PermissionDenied from None
            except ApplicationError as error:
                errors.extend(m for messages_ in error.as_field_map().values() for m in messages_)
            else:
                accepted = sum(1 for a in saved if a.status == "accepted")
                messages.success(request, _("已集体申报 {count} 人，受理 {accepted} 人，其余不符合条件（见各人说明）。").format(
                    count=len(saved), accepted=accepted))
                return redirect("evaluation:batch_detail", pk=batch.pk)
    return render(request, "evaluation/bulk_apply.html", {
        "batch": batch, "employer": employer, "employers": employers, "staff": staff, "errors": errors,
        "grades": [(g, GRADE_LABELS[g]) for g in sorted(batch.grades, reverse=True)],
    })


@action
def batch_application_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """An employer's bulk-application list for this batch through the shared import pipeline,
    pinned to the batch (rows naming another batch are errors; an empty 批次编号 is this batch);
    it continues on the import job page (preview, error report, confirm, undo)."""
    from gongjiang.evaluation.imports import batch_import_start

    batch = selectors.open_batches().filter(pk=pk).first() or selectors.batch_get_for_user(user=request.user, pk=pk)
    form = forms.ApplicationUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ApplicationError(_("请选择申报名单文件（.xlsx、.xls 或 .csv）。"), field="file")
    uploaded = form.cleaned_data["file"]
    job = batch_import_start(actor=request.user, entity="evaluation_applications", batch=batch,
                             filename=uploaded.name, source=uploaded, mode=form.cleaned_data["mode"] or "atomic")
    messages.info(request, _("申报名单已上传（{batch}），正在校验；确认后才写入。").format(batch=batch.name))
    return redirect("imports:job", public_id=job.public_id)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    can_write = selectors.batch_queryset(request.user, write=True).filter(pk=application.batch_id).exists()
    credential = getattr(application.certificate, "credential", None) if application.certificate else None
    return render(request, "evaluation/application_detail.html", {
        "application": application, "can_write": can_write, "credential": credential,
        "sheets": application.score_sheets.all() if application.batch.status in ("publicity", "certified") or can_write else [],
        "is_own": getattr(getattr(request.user, "person", None), "pk", None) == application.person_id,
        "revoke_form": forms.RevokeForm(),
    })


@action
def application_exception(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    services.application_approve_exception(actor=request.user, application=application, reason=request.POST.get("reason", ""))
    messages.success(request, _("已破格受理。"))
    return redirect("evaluation:application_detail", pk=pk)


@action
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    services.application_withdraw(actor=request.user, application=application)
    messages.success(request, _("已撤回申报。"))
    return redirect("evaluation:application_detail", pk=pk)


@action
def application_absent(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    services.application_mark_absent(actor=request.user, application=application)
    return redirect("evaluation:batch_scores", pk=application.batch_id)


@action
def application_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    services.evaluation_certificate_revoke(actor=request.user, application=application,
                                           reason=request.POST.get("reason", ""), category=request.POST.get("category", "other"))
    messages.success(request, _("证书已撤销。"))
    return redirect("evaluation:application_detail", pk=pk)


@action
def application_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    certificate = services.evaluation_certificate_reissue(actor=request.user, application=application,
                                                          reason=request.POST.get("reason", ""))
    messages.success(request, _("已补发新证 {number}。").format(number=certificate.number))
    return redirect("evaluation:application_detail", pk=pk)


# --- Scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    """One line of the scores page: a sheet, the viewing evaluator's own entry on it, and whether they may enter."""

    sheet: ScoreSheet
    my_entry: ScoreEntry | None
    can_enter: bool


@login_required
def batch_scores(request: HttpRequest, pk: int) -> HttpResponse:
    """The score sheets of a batch. Body staff see and lock all; an evaluator enters their own."""
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    can_write = selectors.batch_queryset(request.user, write=True).filter(pk=pk).exists()
    evaluator = selectors.evaluator_for_user(request.user, batch.body)
    if not can_write and evaluator is None:
        raise PermissionDenied
    sheets = list(selectors.sheet_list(batch=batch))
    my_components = set(batch.assignments.filter(evaluator=evaluator).values_list("component", flat=True)) if evaluator else set()
    rows = [
        SheetRow(
            sheet=sheet,
            my_entry=next((e for e in sheet.entries.all() if evaluator and e.evaluator_id == evaluator.pk), None),
            can_enter=sheet.status == "draft" and batch.status in ("examining", "scoring") and (
                (sheet.component == "theory" and can_write) or sheet.component in my_components or can_write
            ),
        )
        for sheet in sheets
    ]
    return render(request, "evaluation/scores.html", {
        "batch": batch, "sheets": sheets, "rows": rows, "can_write": can_write, "evaluator": evaluator,
        "panel": batch.body.evaluators.filter(assignments__batch=batch).distinct().select_related("person"),
        # Managers upload any scores of the batch; an evaluator uploads their own (the import checks each row).
        "upload_form": forms.ScoreUploadForm() if can_write or evaluator is not None else None,
        "sampled": [s for s in sheets if s.is_sampled],
    })


@action
def sheet_enter(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = get_object_or_404(ScoreSheet.objects.select_related("application__batch"), pk=pk)
    selectors.batch_get_for_user(user=request.user, pk=sheet.application.batch_id)
    evaluator = None
    if request.POST.get("evaluator"):
        evaluator = get_object_or_404(Evaluator, pk=request.POST["evaluator"], body=sheet.application.batch.body)
    services.score_enter(actor=request.user, sheet=sheet, score=request.POST.get("score", ""), evaluator=evaluator)
    if request.POST.get("submit") == "1":
        services.sheet_submit(actor=request.user, sheet=sheet)
    if getattr(request, "htmx", False):
        sheet.refresh_from_db()
        return render(request, "evaluation/_sheet_row_done.html", {"sheet": sheet})
    return redirect("evaluation:batch_scores", pk=sheet.application.batch_id)


@action
def sheet_submit(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = get_object_or_404(ScoreSheet.objects.select_related("application__batch"), pk=pk)
    selectors.batch_get_for_user(user=request.user, pk=sheet.application.batch_id)
    services.sheet_submit(actor=request.user, sheet=sheet)
    return redirect("evaluation:batch_scores", pk=sheet.application.batch_id)


@action
def sheet_correct(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = get_object_or_404(ScoreSheet.objects.select_related("application__batch"), pk=pk)
    selectors.batch_get_for_user(user=request.user, pk=sheet.application.batch_id)
    services.sheet_correct(actor=request.user, sheet=sheet, score=request.POST.get("score", ""),
                           reason=request.POST.get("reason", ""))
    messages.success(request, _("成绩已更正，记入审计日志。"))
    return redirect("evaluation:batch_scores", pk=sheet.application.batch_id)


@action
def sheet_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = get_object_or_404(ScoreSheet.objects.select_related("application__batch"), pk=pk)
    batch = selectors.batch_get_for_user(user=request.user, pk=sheet.application.batch_id)
    evaluator = None
    if request.POST.get("evaluator"):
        evaluator = get_object_or_404(Evaluator, pk=request.POST["evaluator"], body=batch.body)
    services.recheck_record(actor=request.user, sheet=sheet, score=request.POST.get("score", ""), evaluator=evaluator)
    return redirect("evaluation:batch_scores", pk=batch.pk)


@action
def batch_lock(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    count = services.sheets_lock(actor=request.user, batch=batch)
    messages.success(request, _("已锁定 {count} 份成绩单。").format(count=count))
    return redirect("evaluation:batch_scores", pk=pk)


@action
def batch_sample(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    sampled = services.recheck_sample(actor=request.user, batch=batch)
    messages.success(request, _("已抽取 {count} 份成绩单复核。").format(count=len(sampled)))
    return redirect("evaluation:batch_scores", pk=pk)


@login_required
@require_GET
def batch_score_template(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, pk=pk, write=True)
    response = HttpResponse(
        score_template(batch), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="scores-batch-{batch.pk}.xlsx"'
    return response


@action
def batch_score_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A score sheet through the shared import pipeline: checked in the background, then the
    import page shows every problem (row, column, code), the error report and the choice to
    write all rows or only the correct ones; the import can be undone there."""
    from gongjiang.evaluation.imports import batch_import_start

    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    form = forms.ScoreUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ApplicationError(_("请选择成绩表文件（.xlsx、.xls 或 .csv）。"), field="file")
    uploaded = form.cleaned_data["file"]
    # Pinned to this batch: a row of another batch's candidate is an error of its row.
    job = batch_import_start(actor=request.user, entity="evaluation_scores", batch=batch, filename=uploaded.name,
                             source=uploaded, mode=form.cleaned_data["mode"] or "atomic")
    messages.info(request, _("成绩表已上传（{batch}），正在校验；确认后才写入。").format(batch=batch.name))
    return redirect("imports:job", public_id=job.public_id)


# --- Publicity -------------------------------------------------------------------------------


@action
def objection_add(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    form = forms.ObjectionForm(request.POST, applications=batch.applications.all())
    if not form.is_valid():
        raise ApplicationError(_("请填写异议人和异议内容。"))
    services.objection_record(actor=request.user, batch=batch, **form.cleaned_data)
    return redirect("evaluation:batch_detail", pk=pk)


@action
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection, pk=pk)
    selectors.batch_get_for_user(user=request.user, pk=objection.batch_id)
    form = forms.ResolveForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("请选择结论并填写处理意见。"))
    services.objection_resolve(actor=request.user, objection=objection, **form.cleaned_data)
    return redirect("evaluation:batch_detail", pk=objection.batch_id)


@require_GET
def publicity_public(request: HttpRequest, pk: int) -> HttpResponse:
    """The public pass list (公示) during and after publicity: masked names, no ID numbers."""
    batch = get_object_or_404(EvaluationBatch.objects.select_related("body", "occupation", "work_type"), pk=pk,
                              status__in=["publicity", "certified"])
    publicity = getattr(batch, "publicity", None)
    people = [
        {"name": mask_name(a.person.name), "grade": GRADE_LABELS[a.grade],
         "employer": a.employer.name if a.employer else ""}
        for a in selectors.pass_list(batch).select_related("employer")
    ]
    response = render(request, "evaluation/publicity_public.html", {"batch": batch, "publicity": publicity, "people": people})
    response["Cache-Control"] = "no-store"
    return response

