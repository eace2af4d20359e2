"""Judging and results over HTTP: a judge's worklist and sheets (entries by number only), the
chief judge's moderation, lock, publish and corrections, and the public results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongjiang.competitions import excel, rules, selectors, services
from gongjiang.competitions import imports as competition_imports
from gongjiang.competitions.api.serializers import (
    AppealOutput,
    BlindEntryOutput,
    CompetitionOutput,
    MedalRowOutput,
    PublicResultOutput,
    ReasonInput,
    RoundOutput,
    SheetOutput,
    sheet_data,
)
from gongjiang.competitions.models import ScoreSheet
from gongjiang.core.api_base import InputSerializer as BaseInput
from gongjiang.core.exceptions import ApplicationError
from gongjiang.imports import selectors as import_selectors
from gongjiang.imports.api import ERRORS as IMPORT_ERRORS
from gongjiang.imports.api import ImportJobOutput, ImportJobsApi, job_data
from gongjiang.imports.models import ImportJob

TAG = "competitions-judging"
PUBLIC_TAG = "competitions-public"
ERRORS = {
    400: OpenApiResponse(description=_("输入有误：按字段列出的中文错误信息")),
    403: OpenApiResponse(description=_("无权执行此操作（不是本赛项裁判或裁判长）")),
    404: OpenApiResponse(description=_("对象不存在，或不在您的数据范围内")),
}


class AssignmentsApi(APIView):
    class OutputSerializer(serializers.Serializer):
        judge = serializers.IntegerField(source="pk")
        event = serializers.IntegerField(source="event.pk")
        event_name = serializers.CharField(source="event.name", label=_("赛项"))
        competition = serializers.CharField(source="event.competition.name", label=_("竞赛"))
        is_chief = serializers.BooleanField(label=_("裁判长"))
        rounds = RoundOutput(source="event.rounds", many=True)

    @extend_schema(tags=[TAG], summary=_("我的裁判任务"), responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        assignments = selectors.judge_assignments(request.user).prefetch_related("event__rounds__stage")
        return Response(self.OutputSerializer(assignments, many=True).data)


class _LockProblemsField(serializers.DictField):
    """What stops the round from being locked, as the view found it (passed in the context)."""

    def get_attribute(self, instance: Any) -> dict[str, list[str]]:
        problems: dict[str, list[str]] = self.context["lock_problems"]
        return problems


class RoundStatusApi(APIView):
    class OutputSerializer(RoundOutput):
        lock_problems = _LockProblemsField(child=serializers.ListField(child=serializers.CharField()),
                                           label=_("锁定前须处理的问题"))

        class Meta(RoundOutput.Meta):
            fields = [*RoundOutput.Meta.fields, "lock_problems"]

    @extend_schema(tags=[TAG], summary=_("轮次状态（含锁定前须处理的问题）"), responses={200: OutputSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        event_round = selectors.round_get_for_user(user=request.user, pk=pk)
        problems = services.lock_problems(event_round) if event_round.status == "open" else {}
        return Response(self.OutputSerializer(event_round, context={"lock_problems": problems}).data)


class WorklistApi(APIView):
    class OutputSerializer(serializers.Serializer):
        entry = BlindEntryOutput()
        sheet = serializers.IntegerField(allow_null=True)
        sheet_status = serializers.CharField(allow_blank=True, label=_("成绩单状态"))
        conflict = serializers.BooleanField(label=_("须回避"))

    @extend_schema(tags=[TAG], summary=_("我的评分清单（仅显示参赛编号）"), responses={200: OutputSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        event_round = selectors.round_get_for_user(user=request.user, pk=pk)
        judge = selectors.judge_for(request.user, event_round.event)
        if judge is None:
            raise Http404
        rows = [
            {"entry": row.entry, "sheet": row.sheet.pk if row.sheet else None,
             "sheet_status": row.sheet.status if row.sheet else "", "conflict": row.conflict}
            for row in selectors.judge_sheet_rows(judge=judge, event_round=event_round)
        ]
        return Response(self.OutputSerializer(rows, many=True).data)


class MySheetApi(APIView):
    class InputSerializer(BaseInput):
        marks = serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True),
                                      label=_("评分（评分项编号 → 分数；评价分 0–3）"))
        submit = serializers.BooleanField(required=False, default=False, label=_("保存后提交"))

    @extend_schema(tags=[TAG], summary=_("我的成绩单"), responses={200: SheetOutput, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        entry = selectors.entry_get_for_staff(user=request.user, pk=pk)
        judge = selectors.judge_for(request.user, entry.event)
        if judge is None:
            raise Http404
        sheet = ScoreSheet.objects.filter(entry=entry, judge=judge).first()
        return Response(sheet_data(sheet, entry=entry, judge=judge))

    @extend_schema(tags=[TAG], summary=_("保存（并可提交）我的评分"), request=InputSerializer,
                   responses={200: SheetOutput, **ERRORS})
    def put(self, request: Request, pk: int) -> Response:
        entry = selectors.entry_get_for_staff(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sheet = services.marks_save(actor=request.user, entry=entry, **serializer.validated_data)
        return Response(sheet_data(sheet, entry=entry, judge=sheet.judge))


class SheetSubmitApi(APIView):
    @extend_schema(tags=[TAG], summary=_("提交成绩单"), request=None, responses={200: SheetOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        sheet = selectors.sheet_get_for_user(user=request.user, pk=pk)
        services.sheet_submit(actor=request.user, sheet=sheet)
        return Response(sheet_data(sheet, entry=sheet.entry, judge=sheet.judge))


class SheetReopenApi(APIView):
    @extend_schema(tags=[TAG], summary=_("退回成绩单（裁判长）"), request=ReasonInput, responses={200: SheetOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        sheet = selectors.sheet_get_for_user(user=request.user, pk=pk)
        serializer = ReasonInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.sheet_reopen(actor=request.user, sheet=sheet, **serializer.validated_data)
        return Response(sheet_data(sheet, entry=sheet.entry, judge=sheet.judge))


class RoundMarksApi(APIView):
    """Every entry's marks per aspect and judge, with disagreement flags (chief judge, organiser)."""

    class OutputSerializer(serializers.Serializer):
        entry = serializers.CharField(label=_("参赛编号"))
        practical_marks = serializers.DecimalField(max_digits=8, decimal_places=2, label=_("实操得分"))
        aspects = serializers.ListField(child=serializers.DictField(), label=_("评分项"))
        missing = serializers.ListField(child=serializers.CharField(), label=_("未评分项"))

    @extend_schema(tags=[TAG], summary=_("本轮评分汇总与复议提示"), responses={200: OutputSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        event_round = selectors.round_get_for_user(user=request.user, pk=pk)
        judge = selectors.judge_for(request.user, event_round.event)
        if not selectors.can_organize(request.user, event_round.event.competition) and not (judge and judge.is_chief):
            raise Http404
        rows = [
            {"entry": row.entry.number, "practical_marks": row.practical_marks,
             "missing": [a.code for a in row.missing],
             "aspects": [{"code": a.aspect.code, "mark": str(a.mark), "disagrees": a.disagrees,
                          "moderated": a.moderated, "values": {str(k): str(v) for k, v in a.values.items()}}
                         for a in row.aspects]}
            for row in selectors.round_marks(event_round, statuses=("draft", "submitted", "locked"))
        ]
        return Response(self.OutputSerializer(rows, many=True).data)


class ModerationApi(APIView):
    class InputSerializer(BaseInput):
        entry = serializers.IntegerField(label=_("参赛"))
        aspect = serializers.CharField(max_length=20, label=_("评分项编号"))
        reason = serializers.CharField(max_length=300, label=_("复议意见"))

    class OutputSerializer(serializers.Serializer):
        entry = serializers.CharField(label=_("参赛编号"))
        aspect = serializers.CharField(label=_("评分项编号"))

    @extend_schema(tags=[TAG], summary=_("裁判长确认差异较大的评价分"), request=InputSerializer,
                   responses={201: OutputSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        event_round = selectors.round_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = event_round.entries.filter(pk=data["entry"]).first()
        if entry is None:
            raise serializers.ValidationError({"entry": [_("参赛不在本轮。")]})
        try:
            aspect = selectors.aspect_get(event=event_round.event, key=data["aspect"])
        except Http404:
            raise serializers.ValidationError({"aspect": [_("评分项不属于本赛项。")]}) from None
        services.moderation_accept(actor=request.user, entry=entry, aspect=aspect, reason=data["reason"])
        return Response({"entry": entry.number, "aspect": aspect.code}, status=201)


class RoundLockApi(APIView):
    @extend_schema(tags=[TAG], summary=_("锁定本轮成绩（裁判长）"), request=None, responses={200: RoundOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        event_round = selectors.round_get_for_user(user=request.user, pk=pk)
        event_round = services.round_lock(actor=request.user, event_round=event_round)
        return Response(RoundOutput(event_round).data)


class RoundPublishApi(APIView):
    @extend_schema(tags=[TAG], summary=_("公布本轮成绩（裁判长）"), request=None, responses={200: RoundOutput, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        event_round = selectors.round_get_for_user(user=request.user, pk=pk)
        event_round = services.round_publish(actor=request.user, event_round=event_round)
        return Response(RoundOutput(event_round).data)


class RoundAdvanceApi(APIView):
    class OutputSerializer(serializers.Serializer):
        advanced = serializers.ListField(child=serializers.CharField(), label=_("晋级的参赛编号"))

    @extend_schema(tags=[TAG], summary=_("生成晋级名单（组织方）"), request=None, responses={200: OutputSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        event_round = selectors.round_get_for_user(user=request.user, pk=pk)
        created = services.round_advance(actor=request.user, event_round=event_round)
        return Response({"advanced": [e.number for e in created]})


class RoundAppealsApi(APIView):
    @extend_schema(tags=[TAG], summary=_("本轮申诉"), responses={200: AppealOutput(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        event_round = selectors.round_get_for_user(user=request.user, pk=pk)
        return Response(AppealOutput(selectors.appeal_list(user=request.user, event_round=event_round),
                                     many=True).data)


class MarkCorrectApi(APIView):
    class InputSerializer(BaseInput):
        value = serializers.CharField(max_length=20, label=_("更正后的分数"))
        reason = serializers.CharField(max_length=300, label=_("更正原因"))

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        previous_value = serializers.DecimalField(max_digits=6, decimal_places=2, label=_("原分数"))
        new_value = serializers.DecimalField(max_digits=6, decimal_places=2, label=_("更正后"))
        reason = serializers.CharField(label=_("原因"))

    @extend_schema(tags=[TAG], summary=_("更正已锁定的评分（裁判长，留痕）"), request=InputSerializer,
                   responses={200: OutputSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        mark = selectors.mark_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = services.mark_correct(actor=request.user, mark=mark, **serializer.validated_data)
        return Response(self.OutputSerializer(correction).data)


# =================================================================================================
# Public
# =================================================================================================


class PublicCompetitionsApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(tags=[PUBLIC_TAG], summary=_("已公布成绩的竞赛"), responses={200: CompetitionOutput(many=True)},
                   auth=[])
    def get(self, request: Request) -> Response:
        return Response(CompetitionOutput(selectors.published_competitions(), many=True).data)


class PublicCompetitionApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    class OutputSerializer(serializers.Serializer):
        competition = CompetitionOutput()
        rounds = RoundOutput(many=True)
        medal_table = MedalRowOutput(many=True, label=_("奖牌榜（金、银、铜）"))
        points_table = MedalRowOutput(many=True, label=_("奖牌积分榜（4/3/2/1）"))

    @extend_schema(tags=[PUBLIC_TAG], summary=_("竞赛成绩与奖牌榜"), responses={200: OutputSerializer, 404: ERRORS[404]},
                   auth=[])
    def get(self, request: Request, pk: int) -> Response:
        competition = selectors.published_competition_get(pk=pk)
        return Response(self.OutputSerializer({
            "competition": competition,
            "rounds": selectors.published_rounds(competition),
            "medal_table": selectors.medal_table(competition=competition),
            "points_table": selectors.medal_table(competition=competition, order=rules.BY_POINTS),
        }).data)


class PublicRoundApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    class OutputSerializer(serializers.Serializer):
        round = RoundOutput()
        results = PublicResultOutput(many=True)

    @extend_schema(tags=[PUBLIC_TAG], summary=_("已公布的赛项成绩（姓名遮挡）"),
                   responses={200: OutputSerializer, 404: ERRORS[404]}, auth=[])
    def get(self, request: Request, pk: int) -> Response:
        event_round = selectors.published_round_get(pk=pk)
        return Response(self.OutputSerializer({"round": event_round,
                                               "results": selectors.public_results(event_round)}).data)


class PublicYearTableApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    class FilterSerializer(BaseInput):
        order = serializers.ChoiceField(choices=[rules.BY_MEDALS, rules.BY_POINTS], default=rules.BY_MEDALS,
                                        label=_("排序（medals 金银铜 / points 积分）"))

    @extend_schema(tags=[PUBLIC_TAG], summary=_("年度奖牌榜（按组队单位汇总）"), parameters=[FilterSerializer],
                   responses={200: MedalRowOutput(many=True)}, auth=[])
    def get(self, request: Request, year: int) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        table = selectors.year_medal_table(year=year, order=filters.validated_data["order"])
        return Response(MedalRowOutput(table, many=True).data)


# =================================================================================================
# Excel: exports and bulk imports
# =================================================================================================

XLSX_RESPONSE = {(200, excel.XLSX): OpenApiTypes.BINARY, 404: ERRORS[404]}


def _xlsx(data: bytes, stem: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=excel.XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(excel.export_filename(stem))}"
    return response


class EntriesExportApi(APIView):
    @extend_schema(tags=[TAG], summary=_("导出报名表（Excel，证件号码遮挡）"), responses=XLSX_RESPONSE)
    def get(self, request: Request, pk: int) -> HttpResponse:
        competition = selectors.competition_get_for_user(user=request.user, pk=pk)
        entries = selectors.entry_list(user=request.user, competition=competition)
        return _xlsx(excel.entries_workbook(entries), f"报名表_{competition.name}")


class RoundExportApi(APIView):
    KINDS = ("scores", "results", "marks-template", "theory-template")

    @extend_schema(tags=[TAG], summary=_("导出评分明细、成绩表或模板（Excel）"),
                   description=_("kind：scores 评分明细、results 成绩表（锁定后）、marks-template 评分模板（裁判）、"
                                 "theory-template 理论成绩模板"), responses=XLSX_RESPONSE)
    def get(self, request: Request, pk: int, kind: str) -> HttpResponse:
        event_round = selectors.round_get_for_user(user=request.user, pk=pk)
        judge = selectors.judge_for(request.user, event_round.event)
        organizer = selectors.can_organize(request.user, event_round.event.competition)
        stem = f"{event_round.event.code}_{event_round.stage.name}"
        if kind == "marks-template" and judge is not None:
            return _xlsx(excel.marks_template(event_round, judge), f"评分模板_{stem}")
        if kind not in self.KINDS or not (organizer or (judge is not None and judge.is_chief)):
            raise Http404
        if kind == "scores":
            return _xlsx(excel.score_sheet_workbook(event_round), f"评分明细_{stem}")
        if kind == "theory-template":
            return _xlsx(excel.theory_template(event_round), f"理论成绩模板_{stem}")
        if kind == "results" and event_round.status != "open":
            return _xlsx(excel.results_workbook(event_round, with_names=True), f"成绩表_{stem}")
        raise Http404


ERR_LEGACY_PARAMETER = _("不再支持参数“{name}”：请在表格的“{column}”列按行填写（{how}），见导入模板。")
ROUND_IMPORT_DESCRIPTION = _(
    "上传的表格进入统一的导入流程（与 POST /api/v1/imports/jobs/ 相同）：返回 202 和导入任务，后台逐行校验；"
    "查询 Location 中的任务地址，看错误（errors/）后用 POST /api/v1/imports/jobs/{id}/commit/ 确认写入，可撤销。"
    "任务限定在地址中的轮次：表格中其他轮次的参赛编号、或“轮次ID”列填写其他轮次，都作为该行的错误报告。"
)


class RoundImportApi(ImportJobsApi):
    """A round's sheet into the import pipeline: the upload of ``ImportJobsApi`` (its size limit
    while the body arrives, the same checks, 202 with the job), pinned to the round in the URL
    (:func:`competitions.imports.round_import_start`)."""

    http_method_names = ["post", "options"]
    entity = ""
    # Parameters of the old synchronous endpoint, now columns of the sheet: name → (column, how).
    legacy_parameters: dict[str, tuple[str, Any]] = {}

    class InputSerializer(BaseInput):
        # An empty file is refused by the upload checks, with their message (as on the page).
        file = serializers.FileField(allow_empty_file=True, label=_("文件"),
                                     help_text=_("Excel（.xlsx、.xls）或 CSV（UTF-8 或 GBK/GB18030），可用本轮的导入模板"))
        mode = serializers.ChoiceField(choices=ImportJob.Mode.choices, default=ImportJob.Mode.ATOMIC,
                                       label=_("导入方式"))
        dry_run = serializers.BooleanField(default=False, label=_("仅校验"), help_text=_("只校验并给出报告，不能确认导入"))

    def post(self, request: Request, pk: int) -> Response:  # type: ignore[override]
        event_round = selectors.round_get_for_user(user=request.user, pk=pk)
        body = request.data
        assert isinstance(body, Mapping), "multipart and form bodies parse into a QueryDict"
        given = [name for name in self.legacy_parameters if str(body.get(name) or "").strip()]
        if given:
            errors: dict[str, list[Any]] = {}
            for name in given:
                column, how = self.legacy_parameters[name]
                errors[name] = [str(ERR_LEGACY_PARAMETER).format(name=name, column=column, how=how)]
            raise ApplicationError(errors[given[0]][0], errors=errors)
        self.refuse_oversized(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        uploaded = data.validated_data["file"]
        job = competition_imports.round_import_start(
            actor=request.user, entity=self.entity, event_round=event_round, filename=uploaded.name,
            source=uploaded, mode=data.validated_data["mode"], dry_run=data.validated_data["dry_run"],
        )
        job = import_selectors.import_job_get_for_user(user=request.user, public_id=job.public_id)
        return Response(ImportJobOutput(job_data(job, request)).data, status=status.HTTP_202_ACCEPTED,
                        headers={"Location": reverse("api-import-job", args=[job.public_id])})


IMPORT_RESPONSES = {202: ImportJobOutput, 400: IMPORT_ERRORS[400], 403: IMPORT_ERRORS[403], 404: IMPORT_ERRORS[404]}
IMPORT_RESPONSE_HEADERS = [OpenApiParameter("Location", OpenApiTypes.URI, OpenApiParameter.HEADER, response=[202],
                                            description=_("导入任务的地址：/api/v1/imports/jobs/{id}/"))]


class MarksImportApi(RoundImportApi):
    entity = "competition_marks"
    legacy_parameters = {
        "submit": ("提交成绩单", _("填“是”则保存后提交成绩单")),
        "judge": ("裁判", _("裁判长代其他裁判录入时填该裁判的姓名")),
    }

    @extend_schema(tags=[TAG], summary=_("上传评分表，创建导入任务（202）"), description=ROUND_IMPORT_DESCRIPTION,
                   request={"multipart/form-data": RoundImportApi.InputSerializer}, responses=IMPORT_RESPONSES,
                   parameters=IMPORT_RESPONSE_HEADERS)
    def post(self, request: Request, pk: int) -> Response:  # type: ignore[override]
        return super().post(request, pk)


class TheoryImportApi(RoundImportApi):
    entity = "competition_theory"
    legacy_parameters = {"reason": ("更正原因", _("成绩锁定后更正时必填"))}

    @extend_schema(tags=[TAG], summary=_("上传理论成绩表，创建导入任务（202）"), description=ROUND_IMPORT_DESCRIPTION,
                   request={"multipart/form-data": RoundImportApi.InputSerializer}, responses=IMPORT_RESPONSES,
                   parameters=IMPORT_RESPONSE_HEADERS)
    def post(self, request: Request, pk: int) -> Response:  # type: ignore[override]
        return super().post(request, pk)
