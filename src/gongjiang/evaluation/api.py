"""REST API of skill evaluation (mounted under /api/v1/evaluation/): staff operations.

One APIView per use case with nested input/output serializers; the views call selectors (the
data scope: 404 outside it) and services (rules; ApplicationError → 400 with a field map,
PermissionDeniedError → 403).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongjiang.catalog.models import Occupation, WorkType
from gongjiang.evaluation import rules, selectors, services
from gongjiang.evaluation.models import (
    Application,
    EvaluationBatch,
    EvaluationBody,
    Evaluator,
    ScoreSheet,
)
from gongjiang.people.selectors import person_queryset


class EvaluationBodyOutput(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.name")
    number_prefix = serializers.CharField()

    class Meta:
        model = EvaluationBody
        fields = ["id", "filed_name", "organization", "category", "filing_authority", "filing_number",
                  "institution_code", "province_code", "site_code", "number_prefix", "valid_from", "valid_until", "status"]


class EvaluationBatchOutput(serializers.ModelSerializer):
    body = serializers.CharField(source="body.filed_name")
    body_id = serializers.IntegerField()
    occupation_code = serializers.CharField(source="occupation.code")
    occupation = serializers.CharField(source="occupation.name")
    work_type = serializers.CharField(source="work_type.name", default=None)

    class Meta:
        model = EvaluationBatch
        fields = ["id", "name", "body_id", "body", "occupation_code", "occupation", "work_type", "grades", "status",
                  "applications_open", "applications_close", "theory_exam_on", "practical_exam_on", "review_on",
                  "sites", "capacity", "fee", "pass_mark", "publicity_days", "certified_on"]


class EvaluationApplicationOutput(serializers.ModelSerializer):
    person = serializers.CharField(source="person.name")
    person_id = serializers.IntegerField()
    certificate_number = serializers.CharField(source="certificate.number", default=None)

    class Meta:
        model = Application
        fields = ["id", "batch_id", "person_id", "person", "grade", "route", "status", "is_exception", "eligibility",
                  "result", "certificate_number", "is_bulk"]


class ScoreSheetOutput(serializers.ModelSerializer):
    entries = serializers.SerializerMethodField()

    class Meta:
        model = ScoreSheet
        fields = ["id", "application_id", "component", "status", "score", "is_sampled", "recheck_score", "is_discrepant",
                  "entries"]

    def get_entries(self, sheet: ScoreSheet) -> list[dict[str, Any]]:
        return [{"evaluator_id": e.evaluator_id, "score": str(e.score)} for e in sheet.entries.all()]


def _page(request: Request, queryset: QuerySet[Any], serializer: type[serializers.BaseSerializer[Any]], view: APIView) -> Response:
    from rest_framework.pagination import PageNumberPagination

    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


TAG = "等级认定"


class BodyListApi(APIView):
    @extend_schema(tags=[TAG], summary="评价机构列表", responses=EvaluationBodyOutput(many=True))
    def get(self, request: Request) -> Response:
        return _page(request, selectors.body_list(user=request.user, q=request.query_params.get("q", "")), EvaluationBodyOutput, self)


class BodyDetailApi(APIView):
    @extend_schema(tags=[TAG], summary="评价机构", responses=EvaluationBodyOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(EvaluationBodyOutput(selectors.body_get_for_user(user=request.user, pk=pk)).data)


class BatchListApi(APIView):
    class InputSerializer(serializers.Serializer):
        body = serializers.IntegerField()
        name = serializers.CharField(max_length=200)
        occupation = serializers.CharField(help_text="职业编码，如 6-18-01-01")
        work_type = serializers.CharField(required=False, allow_blank=True, help_text="工种名称")
        grades = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=5), min_length=1)
        applications_open = serializers.DateField()
        applications_close = serializers.DateField()
        theory_exam_on = serializers.DateField(required=False, allow_null=True)
        practical_exam_on = serializers.DateField(required=False, allow_null=True)
        review_on = serializers.DateField(required=False, allow_null=True)
        sites = serializers.CharField(required=False, allow_blank=True)
        capacity = serializers.IntegerField(required=False, min_value=0)
        fee = serializers.DecimalField(required=False, max_digits=8, decimal_places=2, min_value=0)
        publicity_days = serializers.IntegerField(required=False, min_value=1, max_value=60)

    @extend_schema(tags=[TAG], summary="认定批次列表", responses=EvaluationBatchOutput(many=True))
    def get(self, request: Request) -> Response:
        queryset = selectors.batch_list(user=request.user, status=request.query_params.get("status", ""),
                                        q=request.query_params.get("q", ""))
        return _page(request, queryset, EvaluationBatchOutput, self)

    @extend_schema(tags=[TAG], summary="新建认定批次", request=InputSerializer, responses={201: EvaluationBatchOutput})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        body = selectors.body_get_for_user(user=request.user, pk=values.pop("body"))
        occupation = get_object_or_404(Occupation, code=values.pop("occupation"))
        work_type_name = values.pop("work_type", "")
        work_type = get_object_or_404(WorkType, occupation=occupation, name=work_type_name) if work_type_name else None
        batch = services.batch_create(actor=request.user, body=body, occupation=occupation, work_type=work_type, **values)
        return Response(EvaluationBatchOutput(batch).data, status=status.HTTP_201_CREATED)


class BatchDetailApi(APIView):
    @extend_schema(tags=[TAG], summary="认定批次", responses=EvaluationBatchOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(EvaluationBatchOutput(selectors.batch_get_for_user(user=request.user, pk=pk)).data)


class BatchMoveApi(APIView):
    class InputSerializer(serializers.Serializer):
        target = serializers.ChoiceField(choices=EvaluationBatch.Status.choices)
        reason = serializers.CharField(required=False, allow_blank=True, default="")
        publicity_starts_on = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(tags=[TAG], summary="批次流转（发证为 target=certified）", request=InputSerializer,
                   responses=EvaluationBatchOutput)
    def post(self, request: Request, pk: int) -> Response:
        batch = selectors.batch_get_for_user(user=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["target"] == EvaluationBatch.Status.CERTIFIED:
            services.batch_issue(actor=request.user, batch=batch)
        else:
            services.batch_transition(actor=request.user, batch=batch, **data.validated_data)
        return Response(EvaluationBatchOutput(selectors.batch_get_for_user(user=request.user, pk=pk)).data)


class BatchApplicationsApi(APIView):
    class InputSerializer(serializers.Serializer):
        person = serializers.IntegerField(help_text="人员编号（人才库）")
        grade = serializers.IntegerField(min_value=1, max_value=5)
        route = serializers.ChoiceField(choices=Application.Route.choices, default="regular")
        grounds_kind = serializers.CharField(required=False, allow_blank=True, default="")
        grounds = serializers.CharField(required=False, allow_blank=True, default="")
        occupation_start = serializers.DateField(required=False)
        prior_grade = serializers.IntegerField(required=False, min_value=1, max_value=5)
        prior_certificate_number = serializers.CharField(required=False, allow_blank=True)
        prior_certificate_date = serializers.DateField(required=False)
        education = serializers.CharField(required=False, allow_blank=True)
        education_related = serializers.BooleanField(required=False)
        is_graduating = serializers.BooleanField(required=False)
        programs = serializers.ListField(child=serializers.CharField(), required=False)
        title_level = serializers.CharField(required=False, allow_blank=True)
        title_date = serializers.DateField(required=False)
        apprenticeship_completed = serializers.BooleanField(required=False)
        flags = serializers.ListField(child=serializers.CharField(), required=False)

    @extend_schema(tags=[TAG], summary="批次的申报", responses=EvaluationApplicationOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        batch = selectors.batch_get_for_user(user=request.user, pk=pk)
        return _page(request, selectors.application_list(user=request.user, batch=batch), EvaluationApplicationOutput, self)

    @extend_schema(tags=[TAG], summary="申报（按申报条件即时审查）", request=InputSerializer,
                   responses={201: EvaluationApplicationOutput})
    def post(self, request: Request, pk: int) -> Response:
        batch = selectors.open_batches().filter(pk=pk).first() or selectors.batch_get_for_user(user=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        person = get_object_or_404(person_queryset(request.user), pk=values.pop("person"))
        application = services.application_submit(
            actor=request.user, batch=batch, person=person, grade=values.pop("grade"), route=values.pop("route"),
            grounds_kind=values.pop("grounds_kind"), grounds=values.pop("grounds"), facts=values,
        )
        return Response(EvaluationApplicationOutput(application).data, status=status.HTTP_201_CREATED)


class ApplicationExceptionApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=300)

    @extend_schema(tags=[TAG], summary="破格受理", request=InputSerializer, responses=EvaluationApplicationOutput)
    def post(self, request: Request, pk: int) -> Response:
        application = selectors.application_get_for_user(user=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_approve_exception(actor=request.user, application=application,
                                                              reason=data.validated_data["reason"])
        return Response(EvaluationApplicationOutput(application).data)


class BatchSheetsApi(APIView):
    @extend_schema(tags=[TAG], summary="批次的成绩单", responses=ScoreSheetOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        batch = selectors.batch_get_for_user(user=request.user, pk=pk)
        if not selectors.batch_queryset(request.user, write=True).filter(pk=pk).exists() and \
                selectors.evaluator_for_user(request.user, batch.body) is None:
            from gongjiang.core.exceptions import PermissionDeniedError

            raise PermissionDeniedError()
        return _page(request, selectors.sheet_list(batch=batch), ScoreSheetOutput, self)


class BatchLockApi(APIView):
    @extend_schema(tags=[TAG], summary="锁定已提交的成绩单", request=None,
                   responses=inline_serializer("ScoreSheetLockOutput", {"locked": serializers.IntegerField()}))
    def post(self, request: Request, pk: int) -> Response:
        batch = selectors.batch_get_for_user(user=request.user, pk=pk)
        return Response({"locked": services.sheets_lock(actor=request.user, batch=batch)})


def _sheet_for(request: Request, pk: int) -> ScoreSheet:
    sheet = get_object_or_404(ScoreSheet.objects.select_related("application__batch__body"), pk=pk)
    selectors.batch_get_for_user(user=request.user, pk=sheet.application.batch_id)
    return sheet


class SheetScoreApi(APIView):
    class InputSerializer(serializers.Serializer):
        score = serializers.CharField(help_text="0–100，最多一位小数")
        evaluator = serializers.IntegerField(required=False, help_text="技能考核/综合评审：考评员编号（本人登录时可省略）")

    @extend_schema(tags=[TAG], summary="录入成绩", request=InputSerializer, responses=ScoreSheetOutput)
    def post(self, request: Request, pk: int) -> Response:
        sheet = _sheet_for(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evaluator = None
        if data.validated_data.get("evaluator"):
            evaluator = get_object_or_404(Evaluator, pk=data.validated_data["evaluator"], body=sheet.application.batch.body)
        sheet = services.score_enter(actor=request.user, sheet=sheet, score=data.validated_data["score"], evaluator=evaluator)
        return Response(ScoreSheetOutput(sheet).data)


class SheetSubmitApi(APIView):
    @extend_schema(tags=[TAG], summary="提交成绩单", request=None, responses=ScoreSheetOutput)
    def post(self, request: Request, pk: int) -> Response:
        return Response(ScoreSheetOutput(services.sheet_submit(actor=request.user, sheet=_sheet_for(request, pk))).data)


class SheetCorrectApi(APIView):
    class InputSerializer(serializers.Serializer):
        score = serializers.CharField()
        reason = serializers.CharField(max_length=300)

    @extend_schema(tags=[TAG], summary="更正已锁定成绩（须填原因）", request=InputSerializer, responses=ScoreSheetOutput)
    def post(self, request: Request, pk: int) -> Response:
        sheet = _sheet_for(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.sheet_correct(actor=request.user, sheet=sheet, **data.validated_data)
        sheet.refresh_from_db()
        return Response(ScoreSheetOutput(sheet).data)


class EligibilityCheckApi(APIView):
    """Check facts against a rule set without applying (no database writes)."""

    class InputSerializer(serializers.Serializer):
        template = serializers.ChoiceField(choices=["2018", "relaxed"], default="2018")
        grade = serializers.IntegerField(min_value=1, max_value=5)
        on = serializers.DateField()
        birth_date = serializers.DateField(required=False, allow_null=True)
        occupation_start = serializers.DateField(required=False, allow_null=True)
        prior_grade = serializers.IntegerField(required=False, min_value=1, max_value=5)
        prior_certificate_date = serializers.DateField(required=False)
        education = serializers.CharField(required=False, allow_blank=True, default="")
        education_related = serializers.BooleanField(required=False, default=False)
        title_level = serializers.CharField(required=False, allow_blank=True, default="")
        title_date = serializers.DateField(required=False, allow_null=True)
        apprenticeship_completed = serializers.BooleanField(required=False, default=False)

    @extend_schema(tags=[TAG], summary="申报条件试算（不保存）", request=InputSerializer,
                   responses=inline_serializer("EligibilityCheckOutput", {
                       "grade": serializers.IntegerField(), "eligible": serializers.BooleanField(),
                       "met": serializers.CharField(allow_null=True), "explanation": serializers.CharField(),
                       "alternatives": serializers.ListField(child=serializers.DictField()),
                   }))
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        priors: tuple[rules.PriorCertificate, ...] = ()
        if values.get("prior_grade") and values.get("prior_certificate_date"):
            priors = (rules.PriorCertificate(values["prior_grade"], values["prior_certificate_date"]),)
        facts = rules.Facts(
            on=values["on"], birth_date=values.get("birth_date"), occupation_start=values.get("occupation_start"),
            prior_certificates=priors, education=values["education"], education_related=values["education_related"],
            title_level=values["title_level"], title_date=values.get("title_date"),
            apprenticeship_completed=values["apprenticeship_completed"],
        )
        return Response(rules.evaluate(rules.load_template(values["template"]), values["grade"], facts).as_dict())


urlpatterns = [
    path("evaluation/bodies/", BodyListApi.as_view(), name="evaluation-api-bodies"),
    path("evaluation/bodies/<int:pk>/", BodyDetailApi.as_view(), name="evaluation-api-body"),
    path("evaluation/batches/", BatchListApi.as_view(), name="evaluation-api-batches"),
    path("evaluation/batches/<int:pk>/", BatchDetailApi.as_view(), name="evaluation-api-batch"),
    path("evaluation/batches/<int:pk>/move/", BatchMoveApi.as_view(), name="evaluation-api-batch-move"),
    path("evaluation/batches/<int:pk>/applications/", BatchApplicationsApi.as_view(), name="evaluation-api-applications"),
    path("evaluation/batches/<int:pk>/sheets/", BatchSheetsApi.as_view(), name="evaluation-api-sheets"),
    path("evaluation/batches/<int:pk>/lock/", BatchLockApi.as_view(), name="evaluation-api-lock"),
    path("evaluation/applications/<int:pk>/exception/", ApplicationExceptionApi.as_view(), name="evaluation-api-exception"),
    path("evaluation/sheets/<int:pk>/score/", SheetScoreApi.as_view(), name="evaluation-api-score"),
    path("evaluation/sheets/<int:pk>/submit/", SheetSubmitApi.as_view(), name="evaluation-api-submit"),
    path("evaluation/sheets/<int:pk>/correct/", SheetCorrectApi.as_view(), name="evaluation-api-correct"),
    path("evaluation/eligibility/check/", EligibilityCheckApi.as_view(), name="evaluation-api-eligibility"),
]
