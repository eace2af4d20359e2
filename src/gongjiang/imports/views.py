"""Pages of bulk import and export: upload → background check with progress → preview of the
problems → confirm → result (and undo); templates to download; exports of what the user sees.

Views are thin: services do the work, selectors decide what a user may see (a job is visible to
whoever uploaded it and to platform admins; anything else is a 404).
"""

from __future__ import annotations

import tempfile
from typing import Any, TypeVar
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.imports import exporters, reports, selectors, services, tasks
from gongjiang.imports.entities.base import all_entities, get_entity
from gongjiang.imports.forms import UploadForm
from gongjiang.imports.models import ImportJob
from gongjiang.imports.safety import ERR_TOO_LARGE, max_upload_bytes
from gongjiang.imports.uploads import SizeLimitUploadHandler
from gongjiang.imports.workbooks import template_workbook
from gongjiang.orgs.scope import scope_for
from gongjiang.web.forms import apply_application_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ERRORS = 200


_Response = TypeVar("_Response", bound=HttpResponseBase)


def attachment(response: _Response, filename: str) -> _Response:
    """``response`` as a download named ``filename`` (the pages' and the API's files).

    RFC 6266/5987: an ASCII fallback plus the UTF-8 name, so Chinese names survive every browser."""
    response["Content-Disposition"] = f"attachment; filename=\"download.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response


def _entity_or_404(name: str) -> Any:
    try:
        return get_entity(name)
    except ApplicationError:
        raise Http404 from None


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    entities = [entity for entity in all_entities() if entity.can_import(scope)]
    return render(request, "imports/index.html", {
        "entities": entities,
        "can_import": bool(entities) and scope.can_write,
        "exporters": exporters.all_exporters(),
        "jobs": selectors.import_job_list(user=request.user)[:20],
    })


@csrf_exempt  # only so the size limit can be installed before the body is read; see below
@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, entity: str) -> HttpResponse:
    definition = _entity_or_404(entity)
    try:
        definition.require_permission(request.user)
    except PermissionDeniedError:
        raise PermissionDenied from None
    limit = max_upload_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if request.method == "POST" and declared > limit + 64 * 1024:
        # Refuse before reading the body at all (nothing is changed, so no CSRF check needed).
        return _too_large(request, definition, declared)
    limiter = SizeLimitUploadHandler(request, limit=limit)
    request.upload_handlers.insert(0, limiter)
    return _upload(request, definition, limiter)


def _too_large(request: HttpRequest, definition: Any, size: int) -> HttpResponse:
    limit = max_upload_bytes()
    form = UploadForm(max_mb=limit // (1024 * 1024))
    message = str(ERR_TOO_LARGE).format(size=f"{size / 1024 / 1024:.1f}" if size else "—",
                                        limit=f"{limit / 1024 / 1024:.1f}")
    return render(request, "imports/upload.html", {"entity": definition, "form": form, "upload_error": message,
                                                   "columns": definition.template_columns()}, status=413)


@csrf_protect
def _upload(request: HttpRequest, definition: Any, limiter: SizeLimitUploadHandler) -> HttpResponse:
    max_mb = max_upload_bytes() // (1024 * 1024)
    if request.method == "POST" and request.FILES is not None and limiter.exceeded:  # FILES: parse the body now
        return _too_large(request, definition, limiter.received)
    form = UploadForm(request.POST or None, request.FILES or None, max_mb=max_mb)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                actor=request.user, entity=definition.name, filename=uploaded.name, source=uploaded,
                mode=form.cleaned_data["mode"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            tasks.enqueue_validation(job)
            return redirect("imports:job", public_id=job.public_id)
    return render(request, "imports/upload.html", {"entity": definition, "form": form,
                                                   "columns": definition.template_columns()})


def _job_context(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    errors = list(job.row_errors.all()[:PREVIEW_ERRORS]) if job.errors_total else []
    summary = job.summary or {}
    entity = get_entity(job.entity)
    return {
        "job": job,
        "entity": entity,
        "pin": entity.pinned_to(job),
        "errors": errors,
        "more_errors": max(job.errors_total - len(errors), 0),
        "preview": summary.get("actions", {}),
        "unknown_columns": summary.get("unknown_columns", []),
        "columns": summary.get("columns", {}),
        "can_commit": job.status == ImportJob.Status.VALIDATED and not job.dry_run and job.rows_ok > 0,
        "report_available": job.has_report and services.report_path(job).exists() if job.scratch_dir else False,
        "polling": job.is_active,
        "progress": selectors.import_job_progress(job),
    }


@login_required
@never_cache
@require_GET
def job_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
    return render(request, "imports/job.html", _job_context(request, job))


@login_required
@never_cache
@require_GET
def job_status(request: HttpRequest, public_id: str) -> HttpResponse:
    """The job's status panel alone (polled by HTMX while the job runs)."""
    job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
    return render(request, "imports/_job_panel.html", _job_context(request, job))


@login_required
@require_POST
def job_commit(request: HttpRequest, public_id: str) -> HttpResponse:
    job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
    partial = request.POST.get("partial") == "1"
    try:
        job = services.import_job_queue_commit(job=job, actor=request.user, partial=partial)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        tasks.enqueue_commit(job)
    return redirect("imports:job", public_id=job.public_id)


@login_required
@require_POST
def job_cancel(request: HttpRequest, public_id: str) -> HttpResponse:
    job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
    try:
        services.import_job_cancel(job=job, actor=request.user)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("已取消，上传的文件已删除。"))
    return redirect("imports:job", public_id=job.public_id)


@login_required
@require_POST
def job_rollback(request: HttpRequest, public_id: str) -> HttpResponse:
    job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
    try:
        services.import_job_rollback(job=job, actor=request.user)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("已撤销本次导入：新增的记录已删除，修改过的记录已恢复原值。"))
    return redirect("imports:job", public_id=job.public_id)


@login_required
@never_cache
@require_GET
def job_report_xlsx(request: HttpRequest, public_id: str) -> HttpResponseBase:
    job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
    path = services.report_path(job) if job.scratch_dir else None
    if path is None or not job.has_report or not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=XLSX)
    return attachment(response, f"错误报告-{job.original_filename.rsplit('.', 1)[0]}.xlsx")


@login_required
@never_cache
@require_GET
def job_report_json(request: HttpRequest, public_id: str) -> HttpResponse:
    job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
    return JsonResponse(reports.json_report(job), json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def template_download(request: HttpRequest, entity: str) -> HttpResponse:
    definition = _entity_or_404(entity)
    response = HttpResponse(template_workbook(definition), content_type=XLSX)
    return attachment(response, f"导入模板-{definition.label}.xlsx")


@login_required
@never_cache
@require_GET
def export(request: HttpRequest, entity: str) -> HttpResponseBase:
    """The entity's rows the user may see, filtered by the query string, as .xlsx (masked)."""
    try:
        exporter = exporters.get_exporter(entity)
    except ApplicationError:
        raise Http404 from None
    filters = {key: value for key, value in request.GET.items() if key in exporter.filters}
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        exporters.export_xlsx(exporter=exporter, user=request.user, filters=filters, target=handle)
    except (ValueError, ApplicationError):
        handle.close()
        messages.error(request, _("筛选条件不正确。"))
        return redirect("imports:index")
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX)
    return attachment(response, exporters.export_filename(exporter))
