"""REST API of bulk import and export (mounted under /api/v1/): the web flow, for programs.

An enterprise's or a college's own system pushes a roster in and pulls exports out the way a
person does on the pages: upload (``POST imports/jobs/``, 202, the check runs as a background
job) → poll the job (progress, counts, preview) → read the problems (``errors/``, or the
reports) → confirm (``commit/``, 202) → undo (``rollback/``) — through the same services, the
same permission checks and the same data scope as ``imports.views``:

* a job is visible to whoever uploaded it and to platform administrators; any other job is a
  404, as if it did not exist;
* who may import what is the entity's rule (``Entity.require_permission``: 403), which rows a
  user may write is checked row by row (``out_of_scope`` errors);
* refusals of the services answer 400 with a field map (``ApplicationError``) or 403
  (``PermissionDeniedError``), and change nothing.

Uploads are limited while they arrive (``SizeLimitUploadHandler``, installed before the body is
read), then checked for type, macros and zip bombs by ``services.import_job_create`` before
anything parses them.
"""

from __future__ import annotations

import tempfile
from typing import Any, cast

from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.urls import path, reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.api_base import ApiPagination, paginated_response
from gongjiang.core.api_base import InputSerializer as BaseInput
from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.rules import normalize_id_number
from gongjiang.core.text import enumeration
from gongjiang.imports import exporters, reports, safety, selectors, services, tasks
from gongjiang.imports.entities.base import Entity, all_entities, get_entity
from gongjiang.imports.models import ImportJob
from gongjiang.imports.uploads import SizeLimitUploadHandler
from gongjiang.imports.views import attachment
from gongjiang.imports.workbooks import template_workbook
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import scope_for
from gongjiang.people.models import Certificate, Honor, Person
from gongjiang.people.selectors import AGE_BANDS

TAG = "imports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Multipart overhead a declared body may exceed the file limit by before it is refused unread.
UPLOAD_SLACK = 64 * 1024

ERR_UNKNOWN_FILTER = _("不支持的筛选条件“{key}”。“{entity}”可用的筛选条件：{keys}。")
ERR_BAD_FILTER = _("筛选条件不正确。“{entity}”可用的筛选条件：{keys}。")
ERR_ID_NUMBER_IN_URL = _(
    "证件号码不能放在网址里（网址会被记录在日志中）。请按姓名、单位等条件导出，或在人才库中用 "
    "POST /api/v1/people/search/ 按证件号码查询。"
)

ERRORS = {
    400: OpenApiResponse(description=_("输入有误：按字段列出的中文错误信息，未作任何修改")),
    403: OpenApiResponse(description=_("无权执行此操作（角色或数据范围），未作任何修改")),
    404: OpenApiResponse(description=_("对象不存在，或不在您的数据范围内")),
}


class XlsxRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: <xlsx>``; the views answer files themselves."""

    media_type = XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)  # an error answer (404 …) on an xlsx request


FILE_RENDERERS = [JSONRenderer, XlsxRenderer]


def _entity_or_404(name: str) -> Entity:
    try:
        return get_entity(name)
    except ApplicationError:
        raise Http404 from None


# --- Entities and templates -----------------------------------------------------------------------
class ImportColumnOutput(serializers.Serializer):
    key = serializers.CharField(label=_("列代码"))
    label = serializers.CharField(label=_("列名（表头）"))  # type: ignore[assignment]  # DRF's own attribute name, the API's field
    aliases = serializers.ListField(child=serializers.CharField(), label=_("也可写作"))
    required = serializers.BooleanField(label=_("必填"))  # type: ignore[assignment]  # DRF's own attribute name, the API's field
    help = serializers.CharField(label=_("填写规则"))
    example = serializers.CharField(label=_("示例"))


class ImportEntityOutput(serializers.Serializer):
    name = serializers.CharField(label=_("导入内容代码"))
    label = serializers.CharField(label=_("导入内容"))  # type: ignore[assignment]  # DRF's own attribute name, the API's field
    description = serializers.CharField(label=_("说明"))
    template = serializers.URLField(label=_("导入模板（.xlsx）"))
    columns = ImportColumnOutput(many=True, label=_("列"))


def entity_data(entity: Entity, request: Request) -> dict[str, Any]:
    return {
        "name": entity.name,
        "label": str(entity.label),
        "description": str(entity.description),
        "template": request.build_absolute_uri(reverse("api-import-entity-template", args=[entity.name])),
        "columns": [
            {"key": column.key, "label": str(column.label), "aliases": [str(alias) for alias in column.aliases],
             "required": column.required, "help": str(column.help), "example": column.example}
            for column in entity.template_columns()
        ],
    }


class ImportEntitiesApi(APIView):
    @extend_schema(tags=[TAG], summary=_("可导入的内容及其列"), responses={200: ImportEntityOutput(many=True)})
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        entities = [entity for entity in all_entities() if entity.can_import(scope)]
        return Response(ImportEntityOutput([entity_data(e, request) for e in entities], many=True).data)


class ImportTemplateApi(APIView):
    renderer_classes = FILE_RENDERERS

    @extend_schema(tags=[TAG], summary=_("下载导入模板（.xlsx，含填写说明）"),
                   responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description=_("导入模板")),
                              404: ERRORS[404]})
    def get(self, request: Request, entity: str) -> HttpResponse:
        definition = _entity_or_404(entity)
        response = HttpResponse(template_workbook(definition), content_type=XLSX)
        return attachment(response, f"导入模板-{definition.label}.xlsx")


# --- Jobs ------------------------------------------------------------------------------------------
class ImportProgressOutput(serializers.Serializer):
    phase = serializers.CharField(label=_("阶段"))
    done = serializers.IntegerField(label=_("已处理行数"))
    total = serializers.IntegerField(label=_("总行数"))
    percent = serializers.IntegerField(label=_("百分比"))


class ImportRowCountsOutput(serializers.Serializer):
    total = serializers.IntegerField(label=_("数据行数"))
    ok = serializers.IntegerField(label=_("正确行数"))
    failed = serializers.IntegerField(label=_("错误行数"))


class ImportActionCountsOutput(serializers.Serializer):
    created = serializers.IntegerField(label=_("新增"))
    updated = serializers.IntegerField(label=_("更新"))
    unchanged = serializers.IntegerField(label=_("无变化"))


class ImportColumnFoundOutput(serializers.Serializer):
    key = serializers.CharField(label=_("列代码"))
    letter = serializers.CharField(label=_("列号"))
    header = serializers.CharField(label=_("文件中的表头"))


class ImportUnknownColumnOutput(serializers.Serializer):
    letter = serializers.CharField(label=_("列号"))
    header = serializers.CharField(label=_("文件中的表头"))


class ImportPreviewOutput(serializers.Serializer):
    sheet = serializers.CharField(label=_("工作表"))
    header_row = serializers.IntegerField(allow_null=True, label=_("表头所在行"))
    actions = ImportActionCountsOutput(label=_("确认后将新增、更新、不变的行数"))
    columns = ImportColumnFoundOutput(many=True, label=_("识别出的列"))
    unknown_columns = ImportUnknownColumnOutput(many=True, label=_("未识别、已忽略的列"))


class ImportFileErrorOutput(serializers.Serializer):
    code = serializers.CharField(label=_("错误代码"))
    message = serializers.CharField(label=_("错误说明"))


class ImportJobLinksOutput(serializers.Serializer):
    detail = serializers.URLField(label=_("本任务"))
    errors = serializers.URLField(label=_("逐行错误"))  # type: ignore[assignment]  # DRF's own attribute name, the API's field
    report_xlsx = serializers.URLField(allow_null=True, label=_("错误报告（标注了错误的原文件）"))
    report_json = serializers.URLField(label=_("JSON 报告"))
    commit = serializers.URLField(label=_("确认导入"))
    cancel = serializers.URLField(label=_("取消"))
    rollback = serializers.URLField(label=_("撤销导入"))


class ImportJobPinOutput(serializers.Serializer):
    label = serializers.CharField(label=_("名称"))  # type: ignore[assignment]  # DRF's own attribute name, the API's field
    url = serializers.URLField(label=_("页面地址"))


class ImportJobOutput(serializers.Serializer):
    id = serializers.UUIDField(label=_("任务编号"))
    entity = serializers.CharField(label=_("导入内容代码"))
    entity_label = serializers.CharField(label=_("导入内容"))
    file_name = serializers.CharField(label=_("文件名"))
    file_size = serializers.IntegerField(label=_("文件大小（字节）"))
    sha256 = serializers.CharField(label=_("文件摘要（SHA-256）"))
    mode = serializers.ChoiceField(choices=ImportJob.Mode.choices, label=_("导入方式"))
    dry_run = serializers.BooleanField(label=_("仅校验"))
    status = serializers.ChoiceField(choices=ImportJob.Status.choices, label=_("状态"))
    status_label = serializers.CharField(label=_("状态名称"))
    created_by = serializers.CharField(allow_null=True, label=_("提交人"))
    created_at = serializers.DateTimeField(label=_("上传时间"))
    started_at = serializers.DateTimeField(allow_null=True, label=_("开始时间"))
    finished_at = serializers.DateTimeField(allow_null=True, label=_("完成时间"))
    committed_at = serializers.DateTimeField(allow_null=True, label=_("导入时间"))
    rolled_back_at = serializers.DateTimeField(allow_null=True, label=_("撤销时间"))
    progress = ImportProgressOutput(label=_("进度"))
    rows = ImportRowCountsOutput(label=_("行数"))
    result = ImportActionCountsOutput(label=_("导入结果"))
    errors_total = serializers.IntegerField(label=_("错误数"))
    errors_truncated = serializers.BooleanField(label=_("错误过多，只保存了前一部分"))
    preview = ImportPreviewOutput(label=_("预览"))
    error = ImportFileErrorOutput(allow_null=True, label=_("文件无法导入的原因"))
    can_commit = serializers.BooleanField(label=_("可以确认导入"))
    can_cancel = serializers.BooleanField(label=_("可以取消"))
    can_rollback = serializers.BooleanField(label=_("可以撤销"))
    links = ImportJobLinksOutput(label=_("链接"))
    pinned_to = ImportJobPinOutput(allow_null=True, label=_("只导入到（从评价批次或竞赛轮次的页面发起的任务）"))


def _pairs(items: Any) -> list[tuple[str, str]]:
    pairs = []
    for item in items or []:
        if isinstance(item, (list, tuple)) and len(item) >= 2:
            pairs.append((str(item[0]), str(item[1])))
    return pairs


def job_data(job: ImportJob, request: Request) -> dict[str, Any]:
    """Everything the job page shows, as plain values."""
    summary = job.summary or {}
    try:
        entity_label = str(get_entity(job.entity).label)
    except ApplicationError:
        entity_label = job.entity
    actions = summary.get("actions") or {}
    columns = summary.get("columns") or {}

    def link(name: str) -> str:
        return request.build_absolute_uri(reverse(name, args=[job.public_id]))

    report_available = bool(job.scratch_dir) and job.has_report and services.report_path(job).exists()
    try:
        pin = get_entity(job.entity).pinned_to(job)
    except ApplicationError:
        pin = None
    return {
        "pinned_to": {"label": pin.label, "url": request.build_absolute_uri(pin.url)} if pin else None,
        "id": job.public_id,
        "entity": job.entity,
        "entity_label": entity_label,
        "file_name": job.original_filename,
        "file_size": job.file_size,
        "sha256": job.file_sha256,
        "mode": job.mode,
        "dry_run": job.dry_run,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "created_by": job.created_by.get_username() if job.created_by else None,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "committed_at": job.committed_at,
        "rolled_back_at": job.rolled_back_at,
        "progress": selectors.import_job_progress(job),
        "rows": {"total": job.rows_total, "ok": job.rows_ok, "failed": job.rows_failed},
        "result": {"created": job.rows_created, "updated": job.rows_updated, "unchanged": job.rows_unchanged},
        "errors_total": job.errors_total,
        "errors_truncated": bool(summary.get("errors_truncated")),
        "preview": {
            "sheet": job.sheet_name,
            "header_row": job.header_row,
            "actions": {key: int(actions.get(key, 0)) for key in ("created", "updated", "unchanged")},
            "columns": [{"key": str(key), "letter": letter, "header": header}
                        for key, (letter, header) in zip(columns, _pairs(columns.values()), strict=False)],
            "unknown_columns": [{"letter": letter, "header": header}
                                for letter, header in _pairs(summary.get("unknown_columns"))],
        },
        "error": {"code": job.error_code, "message": job.error_message} if job.error_code else None,
        "can_commit": job.status == ImportJob.Status.VALIDATED and not job.dry_run and job.rows_ok > 0,
        "can_cancel": job.status in (ImportJob.Status.PENDING, ImportJob.Status.VALIDATED),
        "can_rollback": job.status == ImportJob.Status.COMMITTED,
        "links": {
            "detail": link("api-import-job"),
            "errors": link("api-import-job-errors"),
            "report_xlsx": link("api-import-job-report-xlsx") if report_available else None,
            "report_json": link("api-import-job-report-json"),
            "commit": link("api-import-job-commit"),
            "cancel": link("api-import-job-cancel"),
            "rollback": link("api-import-job-rollback"),
        },
    }


def _job_response(request: Request, job: ImportJob, *, code: int = status.HTTP_200_OK) -> Response:
    # Re-read: a background job (immediate in development) may have moved it on already.
    job = selectors.import_job_get_for_user(user=request.user, public_id=job.public_id)
    return Response(ImportJobOutput(job_data(job, request)).data, status=code)


class ImportJobsApi(APIView):
    """``GET`` the caller's import jobs (platform administrators: all); ``POST`` uploads a file."""

    pagination_class = ApiPagination
    parser_classes = [MultiPartParser, FormParser]

    class ListFilterSerializer(BaseInput):
        entity = serializers.CharField(required=False, allow_blank=True, max_length=40, label=_("导入内容代码"))
        status = serializers.ChoiceField(choices=ImportJob.Status.choices, required=False, label=_("状态"))

    class CreateInputSerializer(BaseInput):
        entity = serializers.CharField(max_length=40, label=_("导入内容代码"),
                                       help_text=_("见 GET /api/v1/imports/entities/，如 people、organizations"))
        # An empty file is refused by the upload checks, with their message (as on the page).
        file = serializers.FileField(allow_empty_file=True, label=_("文件"), help_text=_("Excel（.xlsx、.xls）或 CSV（UTF-8 或 GBK/GB18030）"))
        mode = serializers.ChoiceField(choices=ImportJob.Mode.choices, default=ImportJob.Mode.ATOMIC,
                                       label=_("导入方式"))
        dry_run = serializers.BooleanField(default=False, label=_("仅校验"),
                                           help_text=_("只校验并给出报告，不能确认导入"))

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        # The size limit must be in place before anything reads the body (the CSRF check of a
        # session-authenticated request reads it during authentication).
        self.limiter = SizeLimitUploadHandler(request, limit=safety.max_upload_bytes())
        if request.method == "POST":
            request.upload_handlers.insert(0, self.limiter)
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(tags=[TAG], summary=_("导入任务列表"), parameters=[ListFilterSerializer],
                   responses={200: ImportJobOutput(many=True), 400: ERRORS[400]})
    def get(self, request: Request) -> Response:
        filters = self.ListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        jobs = selectors.import_job_list(user=request.user)
        if filters.validated_data.get("entity"):
            jobs = jobs.filter(entity=filters.validated_data["entity"])
        if filters.validated_data.get("status"):
            jobs = jobs.filter(status=filters.validated_data["status"])
        paginator = ApiPagination()
        page = paginator.paginate_queryset(jobs, request, view=self)
        return paginator.get_paginated_response(
            ImportJobOutput([job_data(job, request) for job in page or []], many=True).data
        )

    def refuse_oversized(self, request: Request) -> None:
        """An upload over the limit (declared, or found while reading), refused with the size message."""
        limit = safety.max_upload_bytes()
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit + UPLOAD_SLACK or (request.FILES is not None and self.limiter.exceeded):
            try:
                safety.check_size(max(declared, self.limiter.received, limit + 1))
            except safety.UnusableFileError as exc:
                raise ApplicationError(exc.message, field="file", code=exc.code) from None

    @extend_schema(tags=[TAG], summary=_("上传文件，排队校验（202）"), request={"multipart/form-data": CreateInputSerializer},
                   responses={202: ImportJobOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        self.refuse_oversized(request)
        data = self.CreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        uploaded = data.validated_data["file"]
        job = services.import_job_create(
            actor=request.user, entity=data.validated_data["entity"], filename=uploaded.name, source=uploaded,
            mode=data.validated_data["mode"], dry_run=data.validated_data["dry_run"],
        )
        tasks.enqueue_validation(job)
        return _job_response(request, job, code=status.HTTP_202_ACCEPTED)


class ImportJobApi(APIView):
    @extend_schema(tags=[TAG], summary=_("导入任务：状态、进度、行数、预览"),
                   responses={200: ImportJobOutput, 404: ERRORS[404]})
    def get(self, request: Request, public_id: str) -> Response:
        job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
        return Response(ImportJobOutput(job_data(job, request)).data)


class ImportRowErrorOutput(serializers.Serializer):
    row = serializers.IntegerField(label=_("行号（文件中的行）"))
    column = serializers.CharField(label=_("列（文件中的表头）"))
    column_letter = serializers.CharField(label=_("列号"))
    code = serializers.CharField(label=_("错误代码"))
    message = serializers.CharField(label=_("错误说明"))


class ImportJobErrorsApi(APIView):
    pagination_class = ApiPagination

    @extend_schema(tags=[TAG], summary=_("导入任务的逐行错误"),
                   responses={200: ImportRowErrorOutput(many=True), 404: ERRORS[404]})
    def get(self, request: Request, public_id: str) -> Response:
        job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
        return paginated_response(request=request, view=self, queryset=job.row_errors.order_by("row", "id"),
                                  serializer_class=ImportRowErrorOutput)


class ImportJobCommitApi(APIView):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    class InputSerializer(BaseInput):
        partial = serializers.BooleanField(  # type: ignore[assignment]  # DRF's own attribute name, the API's field
            required=False, allow_null=True, default=None, label=_("只导入正确的行"),
            help_text=_("true：导入正确的行，跳过有错的行；false：全部正确才导入；不填：按上传时选择的方式"),
        )

    @extend_schema(tags=[TAG], summary=_("确认导入，排队写入（202）"), request=InputSerializer,
                   responses={202: ImportJobOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, public_id: str) -> Response:
        job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.import_job_queue_commit(job=job, actor=request.user, partial=data.validated_data["partial"])
        tasks.enqueue_commit(job)
        return _job_response(request, job, code=status.HTTP_202_ACCEPTED)


class ImportJobCancelApi(APIView):
    @extend_schema(tags=[TAG], summary=_("取消任务（删除上传的文件）"), request=None,
                   responses={200: ImportJobOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, public_id: str) -> Response:
        job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
        job = services.import_job_cancel(job=job, actor=request.user)
        return _job_response(request, job)


class ImportJobRollbackApi(APIView):
    @extend_schema(tags=[TAG], summary=_("撤销本次导入（删除新增的记录，恢复修改过的记录）"), request=None,
                   responses={200: ImportJobOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, public_id: str) -> Response:
        job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
        job = services.import_job_rollback(job=job, actor=request.user)
        return _job_response(request, job)


class ImportJobReportXlsxApi(APIView):
    renderer_classes = FILE_RENDERERS

    @extend_schema(tags=[TAG], summary=_("错误报告：原文件，错误单元格标红并加“错误说明”列"),
                   responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description=_("错误报告")),
                              404: ERRORS[404]})
    def get(self, request: Request, public_id: str) -> HttpResponseBase:
        job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
        report = services.report_path(job) if job.scratch_dir else None
        if report is None or not job.has_report or not report.exists():
            raise Http404
        response = FileResponse(report.open("rb"), content_type=XLSX)
        return attachment(response, f"错误报告-{job.original_filename.rsplit('.', 1)[0]}.xlsx")


class ImportReportOutput(serializers.Serializer):
    job = serializers.UUIDField(label=_("任务编号"))
    entity = serializers.CharField(label=_("导入内容代码"))
    file = serializers.CharField(label=_("文件名"))
    sha256 = serializers.CharField(label=_("文件摘要（SHA-256）"))
    status = serializers.ChoiceField(choices=ImportJob.Status.choices, label=_("状态"))
    mode = serializers.ChoiceField(choices=ImportJob.Mode.choices, label=_("导入方式"))
    dry_run = serializers.BooleanField(label=_("仅校验"))
    sheet = serializers.CharField(label=_("工作表"))
    header_row = serializers.IntegerField(allow_null=True, label=_("表头所在行"))
    rows = ImportRowCountsOutput(label=_("行数"))
    result = ImportActionCountsOutput(label=_("导入结果"))
    preview = serializers.DictField(child=serializers.IntegerField(), label=_("确认后将新增、更新、不变的行数"))
    columns = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                    label=_("识别出的列：列代码 → [列号, 表头]"))
    unknown_columns = serializers.ListField(child=serializers.ListField(child=serializers.CharField()),
                                            label=_("未识别的列：[列号, 表头]"))
    file_error = ImportFileErrorOutput(allow_null=True, label=_("文件无法导入的原因"))
    errors_total = serializers.IntegerField(label=_("错误数"))
    errors_truncated = serializers.BooleanField(label=_("错误过多，只保存了前一部分"))
    errors = ImportRowErrorOutput(many=True, label=_("逐行错误"))  # type: ignore[assignment]  # DRF's own attribute name, the API's field


class ImportJobReportJsonApi(APIView):
    @extend_schema(tags=[TAG], summary=_("JSON 报告：行数与全部错误"),
                   responses={200: ImportReportOutput, 404: ERRORS[404]})
    def get(self, request: Request, public_id: str) -> Response:
        job = selectors.import_job_get_for_user(user=request.user, public_id=public_id)
        return Response(reports.json_report(job))


# --- Exports ---------------------------------------------------------------------------------------
def _choice(choices: Any, label: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, required=False, label=label)


def _integer(label: Any, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(required=False, label=label, **kwargs)


def _text(label: Any, max_length: int = 60) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, label=label)


def _region(label: Any) -> serializers.RegexField:
    return serializers.RegexField(r"^\d{2,6}$", required=False, allow_blank=True, label=label)


AGE_BAND_CHOICES = [(band, band) for band in AGE_BANDS]

# How each exporter's filters are checked before the export runs, so a bad value is refused
# naming its filter. A filter not listed here (an exporter added later) is passed on as text.
FILTER_FIELDS: dict[str, dict[str, Any]] = {
    "people": {
        "q": lambda: _text(_("姓名或证书编号")),
        "level": lambda: _choice(SkillLevel.choices, _("当前技能等级")),
        "occupation": lambda: _text(_("职业编码"), 12),
        "region": lambda: _region(_("地区代码")),
        "organization": lambda: _integer(_("现工作单位编号"), min_value=1),
        "age_band": lambda: _choice(AGE_BAND_CHOICES, _("年龄段")),
        "high_skilled": lambda: serializers.BooleanField(required=False, allow_null=True, default=None,
                                                         label=_("高技能人才")),
        "sex": lambda: _choice(Person.Sex.choices, _("性别")),
    },
    "organizations": {
        "q": lambda: _text(_("名称、简称或统一社会信用代码"), 200),
        "kind": lambda: _choice(Organization.Kind.choices, _("单位类型")),
        "region": lambda: _region(_("地区代码")),
        "industry": lambda: _text(_("行业代码"), 5),
        "parent": lambda: _integer(_("上级单位编号"), min_value=1),
    },
    "certificates": {
        "kind": lambda: _choice(Certificate.Kind.choices, _("证书类型")),
        "level": lambda: _choice(SkillLevel.choices, _("等级")),
        "year": lambda: _integer(_("发证年度"), min_value=1900, max_value=2100),
        "organization": lambda: _integer(_("持证人现工作单位编号"), min_value=1),
        "status": lambda: _choice(Certificate.Status.choices, _("状态")),
    },
    "honors": {
        "title": lambda: _choice(Honor.Title.choices, _("荣誉类别")),
        "level": lambda: _choice(Honor.Level.choices, _("级别")),
        "year": lambda: _integer(_("年度"), min_value=1900, max_value=2100),
    },
}


def export_filter_serializer(exporter: exporters.Exporter) -> type[BaseInput]:
    known = FILTER_FIELDS.get(exporter.name, {})
    fields = {name: known[name]() if name in known else _text(name, 200) for name in exporter.filters}
    return cast(type[BaseInput], type(f"{exporter.name.title()}ExportFilterSerializer", (BaseInput,), fields))


def _looks_like_id_number(text: str) -> bool:
    number = normalize_id_number(text or "")
    return len(number) >= 15 and number[:6].isdigit()


def export_filters(exporter: exporters.Exporter, params: Any) -> dict[str, str]:
    """The query string checked against the exporter's filters: a map of the given ones, as text
    (the exporters convert), or ApplicationError naming each wrong filter and the accepted ones."""
    given = {key: params.get(key) for key in params if params.get(key) not in ("", None)}
    accepted = enumeration(exporter.filters) or "—"
    entity = str(exporter.label)
    unknown = sorted(set(given) - set(exporter.filters))
    if unknown:
        raise ApplicationError(
            _g("筛选条件不正确。"),
            errors={key: [str(ERR_UNKNOWN_FILTER).format(key=key, entity=entity, keys=accepted)] for key in unknown},
        )
    checker = export_filter_serializer(exporter)(data=given)
    if not checker.is_valid():
        raise ApplicationError(
            _g("筛选条件不正确。"),
            errors={key: [*map(str, messages), str(ERR_BAD_FILTER).format(entity=entity, keys=accepted)]
                    for key, messages in checker.errors.items()},
        )
    if exporter.name == "people" and _looks_like_id_number(str(given.get("q", ""))):
        raise ApplicationError(ERR_ID_NUMBER_IN_URL, field="q")
    return {key: str(value) for key, value in given.items()}


def _export_parameters() -> list[OpenApiParameter]:
    used: dict[str, list[str]] = {}
    for exporter in exporters.all_exporters():
        for name in exporter.filters:
            used.setdefault(name, []).append(exporter.name)
    return [
        OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
                         description=str(_("筛选条件，适用于：{entities}")).format(entities=enumeration(names)))
        for name, names in sorted(used.items())
    ]


class ExporterOutput(serializers.Serializer):
    name = serializers.CharField(label=_("导出内容代码"))
    label = serializers.CharField(label=_("导出内容"))  # type: ignore[assignment]  # DRF's own attribute name, the API's field
    filters = serializers.ListField(child=serializers.CharField(), label=_("可用的筛选条件"))
    url = serializers.URLField(label=_("导出地址"))


class ExportersApi(APIView):
    @extend_schema(tags=[TAG], summary=_("可导出的内容及其筛选条件"), responses={200: ExporterOutput(many=True)})
    def get(self, request: Request) -> Response:
        data = [
            {"name": exporter.name, "label": str(exporter.label), "filters": list(exporter.filters),
             "url": request.build_absolute_uri(reverse("api-export", args=[exporter.name]))}
            for exporter in exporters.all_exporters()
        ]
        return Response(ExporterOutput(data, many=True).data)


class ExportApi(APIView):
    """What the caller may see of an entity, filtered by the query string, as .xlsx (masked)."""

    renderer_classes = FILE_RENDERERS

    @extend_schema(
        tags=[TAG], summary=_("导出 .xlsx（按数据范围与筛选条件，证件号码脱敏）"), parameters=_export_parameters(),
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description=_("导出的工作簿")),
                   400: ERRORS[400], 404: ERRORS[404]},
    )
    def get(self, request: Request, entity: str) -> HttpResponseBase:
        try:
            exporter = exporters.get_exporter(entity)
        except ApplicationError:
            raise Http404 from None
        filters = export_filters(exporter, request.query_params)
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
        try:
            exporters.export_xlsx(exporter=exporter, user=request.user, filters=filters, target=handle)
        except ValueError:
            handle.close()
            accepted = enumeration(exporter.filters)
            raise ApplicationError(str(ERR_BAD_FILTER).format(entity=exporter.label, keys=accepted),
                                   field="filters") from None
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        response = FileResponse(handle, content_type=XLSX)
        return attachment(response, exporters.export_filename(exporter))


J = "imports/jobs/<uuid:public_id>/"

urlpatterns = [
    path("imports/entities/", ImportEntitiesApi.as_view(), name="api-import-entities"),
    path("imports/entities/<slug:entity>/template/", ImportTemplateApi.as_view(), name="api-import-entity-template"),
    path("imports/jobs/", ImportJobsApi.as_view(), name="api-import-jobs"),
    path(J, ImportJobApi.as_view(), name="api-import-job"),
    path(f"{J}errors/", ImportJobErrorsApi.as_view(), name="api-import-job-errors"),
    path(f"{J}commit/", ImportJobCommitApi.as_view(), name="api-import-job-commit"),
    path(f"{J}cancel/", ImportJobCancelApi.as_view(), name="api-import-job-cancel"),
    path(f"{J}rollback/", ImportJobRollbackApi.as_view(), name="api-import-job-rollback"),
    path(f"{J}report.xlsx", ImportJobReportXlsxApi.as_view(), name="api-import-job-report-xlsx"),
    path(f"{J}report.json", ImportJobReportJsonApi.as_view(), name="api-import-job-report-json"),
    path("exports/", ExportersApi.as_view(), name="api-exports"),
    path("exports/<slug:entity>/", ExportApi.as_view(), name="api-export"),
]
