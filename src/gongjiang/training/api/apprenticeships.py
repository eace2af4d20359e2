"""Apprenticeships, subsidies and points over HTTP."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.api_base import ApiPagination, paginated_response
from gongjiang.core.api_base import InputSerializer as BaseInput
from gongjiang.people import selectors as people_selectors
from gongjiang.training import selectors
from gongjiang.training.api.common import (
    ERRORS,
    ApprenticeshipDetailOutput,
    ApprenticeshipOutput,
    MentorAllowanceOutput,
    ProgressReviewOutput,
    SubsidyAssessmentOutput,
    SubsidyClaimOutput,
    SubsidyPolicyOutput,
    TrainingPointsEntryOutput,
    any_organization_field,
    apprenticeship_field,
    enrollment_field,
    occupation_field,
    organization_field,
    person_field,
    policy_field,
    program_field,
    region_field,
)
from gongjiang.training.models import Apprenticeship, SubsidyClaim, SubsidyPolicy
from gongjiang.training.services import apprenticeships as apprenticeship_services
from gongjiang.training.services import programs as program_services
from gongjiang.training.services import subsidies as subsidy_services

TAG = "apprenticeships"
SUBSIDY_TAG = "subsidies"
POINTS_TAG = "training-points"


class ApprenticeshipFilterSerializer(BaseInput):
    q = serializers.CharField(required=False, allow_blank=True, max_length=60, label=_("学徒姓名或工种"))
    kind = serializers.ChoiceField(choices=Apprenticeship.Kind.choices, required=False, label=_("学徒类型"))
    status = serializers.ChoiceField(choices=Apprenticeship.Status.choices, required=False, label=_("状态"))
    employer = serializers.IntegerField(required=False, min_value=1, label=_("用人企业编号"))
    school = serializers.IntegerField(required=False, min_value=1, label=_("院校编号"))


class ApprenticeshipsApi(APIView):
    pagination_class = ApiPagination

    class InputSerializer(BaseInput):
        kind = serializers.ChoiceField(choices=Apprenticeship.Kind.choices, label=_("学徒类型"))
        apprentice = person_field(label=_("学徒"))
        employer = organization_field(label=_("用人企业"))
        school = any_organization_field(label=_("院校/培训机构"))
        enterprise_mentor = person_field(label=_("企业导师"))
        school_mentor = person_field(label=_("院校导师"))
        target_level = serializers.ChoiceField(choices=SkillLevel.choices, label=_("目标等级"))
        start_date = serializers.DateField(label=_("培养期开始"))
        planned_end_date = serializers.DateField(label=_("培养期结束"))
        extension_reason = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                                 label=_("延长原因"))
        contract_start = serializers.DateField(label=_("劳动合同起始日期"))
        contract_end = serializers.DateField(required=False, allow_null=True, label=_("劳动合同终止日期"))
        occupation = occupation_field(required=False, allow_null=True, label=_("职业编码"))
        occupation_name = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                                label=_("职业（工种）"))
        program = program_field(required=False, allow_null=True, label=_("学徒班"))
        agreement_number = serializers.CharField(required=False, allow_blank=True, max_length=60,
                                                 label=_("培养协议编号"))
        notes = serializers.CharField(required=False, allow_blank=True, label=_("备注"))

    @extend_schema(tags=[TAG], summary=_("学徒培养列表"), parameters=[ApprenticeshipFilterSerializer],
                   responses={200: ApprenticeshipOutput(many=True), 400: ERRORS[400]})
    def get(self, request: Request) -> Response:
        filters = ApprenticeshipFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        records = selectors.apprenticeship_list(
            user=request.user, filters=selectors.ApprenticeshipFilters(**filters.validated_data))
        return paginated_response(request=request, view=self, queryset=records, serializer_class=ApprenticeshipOutput)

    @extend_schema(tags=[TAG], summary=_("登记学徒培养协议"), request=InputSerializer,
                   responses={201: ApprenticeshipOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        record = apprenticeship_services.apprenticeship_create(actor=request.user, **serializer.validated_data)
        return Response(ApprenticeshipOutput(record).data, status=status.HTTP_201_CREATED)


class ApprenticeshipApi(APIView):
    @extend_schema(tags=[TAG], summary=_("学徒培养详情（含状态变更、考核、津贴）"),
                   responses={200: ApprenticeshipDetailOutput, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        record = selectors.apprenticeship_get_for_user(user=request.user, pk=pk)
        return Response(ApprenticeshipDetailOutput(record).data)


class ApprenticeshipStatusApi(APIView):
    class InputSerializer(BaseInput):
        status = serializers.ChoiceField(choices=Apprenticeship.Status.choices, label=_("新状态"))
        on = serializers.DateField(label=_("变更日期"))
        reason = serializers.CharField(max_length=300, label=_("原因"))

    @extend_schema(tags=[TAG], summary=_("变更学徒培养状态"), request=InputSerializer,
                   responses={200: ApprenticeshipDetailOutput, 400: ERRORS[400], 403: ERRORS[403],
                              404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        record = selectors.apprenticeship_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = apprenticeship_services.apprenticeship_change_status(
            actor=request.user, apprenticeship=record, **serializer.validated_data)
        return Response(ApprenticeshipDetailOutput(record).data)


class ProgressReviewsApi(APIView):
    class InputSerializer(BaseInput):
        period_label = serializers.CharField(max_length=60, label=_("考核阶段"))
        review_date = serializers.DateField(label=_("考核日期"))
        progress_percent = serializers.IntegerField(min_value=0, max_value=100, label=_("培养进度"))
        summary = serializers.CharField(label=_("考核意见"))

    @extend_schema(tags=[TAG], summary=_("新增培养进度考核"), request=InputSerializer,
                   responses={201: ProgressReviewOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        record = selectors.apprenticeship_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = apprenticeship_services.review_create(actor=request.user, apprenticeship=record,
                                                       **serializer.validated_data)
        return Response(ProgressReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ProgressReviewSignApi(APIView):
    class InputSerializer(BaseInput):
        side = serializers.ChoiceField(choices=[("enterprise", _("企业导师")), ("school", _("院校导师"))],
                                       label=_("签字方"))

    @extend_schema(tags=[TAG], summary=_("导师签字确认培养进度考核"), request=InputSerializer,
                   responses={200: ProgressReviewOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        review = selectors.review_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = apprenticeship_services.review_sign(actor=request.user, review=review, **serializer.validated_data)
        return Response(ProgressReviewOutput(review).data)


class MentorAllowancesApi(APIView):
    class InputSerializer(BaseInput):
        mentor = person_field(label=_("导师"))
        period_start = serializers.DateField(label=_("期间起"))
        period_end = serializers.DateField(label=_("期间止"))
        amount = serializers.DecimalField(max_digits=10, decimal_places=2, label=_("金额"))
        paid_on = serializers.DateField(required=False, allow_null=True, label=_("发放日期"))
        note = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("说明"))

    @extend_schema(tags=[TAG], summary=_("登记导师带徒津贴"), request=InputSerializer,
                   responses={201: MentorAllowanceOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        record = selectors.apprenticeship_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        allowance = apprenticeship_services.mentor_allowance_record(actor=request.user, apprenticeship=record,
                                                                    **serializer.validated_data)
        return Response(MentorAllowanceOutput(allowance).data, status=status.HTTP_201_CREATED)


# --- subsidies --------------------------------------------------------------------------------
class SubsidyPolicyFields(BaseInput):
    name = serializers.CharField(max_length=200, label=_("政策名称"))
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("政策文号"))
    amounts_by_level = serializers.DictField(child=serializers.DecimalField(max_digits=10, decimal_places=2),
                                             required=False, label=_("各等级补贴标准"),
                                             help_text=_("等级编号（1 初级工 … 5 高级技师）→ 金额"))
    per_person_year = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True,
                                               label=_("每人每年标准"))
    amount_cap = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True,
                                          label=_("封顶金额"))
    shortage_uplift_percent = serializers.IntegerField(required=False, min_value=0, max_value=100,
                                                       label=_("紧缺职业上浮"))
    max_claims_per_year = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                                   label=_("每人每年最多申领次数"))
    min_insured_months = serializers.IntegerField(required=False, min_value=0, label=_("最少参保月数"))
    claim_window_months = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                                   label=_("发证后申领期限"))
    exclusive_with = serializers.ListField(child=serializers.ChoiceField(choices=SubsidyPolicy.Kind.choices),
                                           required=False, label=_("不得叠加的补贴"))
    valid_from = serializers.DateField(required=False, allow_null=True, label=_("有效期起"))
    valid_until = serializers.DateField(required=False, allow_null=True, label=_("有效期止"))
    notes = serializers.CharField(required=False, allow_blank=True, label=_("说明"))
    is_active = serializers.BooleanField(required=False, label=_("有效"))


class SubsidyPoliciesApi(APIView):
    pagination_class = ApiPagination

    class InputSerializer(SubsidyPolicyFields):
        region = region_field(label=_("地区代码"))
        year = serializers.IntegerField(min_value=2000, max_value=2100, label=_("年度"))
        kind = serializers.ChoiceField(choices=SubsidyPolicy.Kind.choices, label=_("补贴类型"))

    @extend_schema(tags=[SUBSIDY_TAG], summary=_("补贴政策列表"), responses={200: SubsidyPolicyOutput(many=True)})
    def get(self, request: Request) -> Response:
        return paginated_response(request=request, view=self, queryset=selectors.policy_list(user=request.user),
                                  serializer_class=SubsidyPolicyOutput)

    @extend_schema(tags=[SUBSIDY_TAG], summary=_("制定补贴政策"), request=InputSerializer,
                   responses={201: SubsidyPolicyOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        policy = subsidy_services.policy_create(actor=request.user, **serializer.validated_data)
        return Response(SubsidyPolicyOutput(policy).data, status=status.HTTP_201_CREATED)


class SubsidyPolicyApi(APIView):
    class InputSerializer(SubsidyPolicyFields):
        """Every field optional (``PATCH``)."""

    @extend_schema(tags=[SUBSIDY_TAG], summary=_("修改补贴政策"), request=InputSerializer,
                   responses={200: SubsidyPolicyOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def patch(self, request: Request, pk: int) -> Response:
        policy = selectors.policy_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        policy = subsidy_services.policy_update(actor=request.user, policy=policy, **serializer.validated_data)
        return Response(SubsidyPolicyOutput(policy).data)


class SubsidyClaimFields(BaseInput):
    policy = policy_field(label=_("补贴政策"))
    person = person_field(label=_("申领人"))
    claim_date = serializers.DateField(required=False, allow_null=True, label=_("申领日期"))
    level = serializers.ChoiceField(choices=SkillLevel.choices, required=False, allow_null=True, label=_("等级"))
    occupation_code = serializers.CharField(required=False, allow_blank=True, max_length=12, label=_("职业编码"))
    occupation_name = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                            label=_("职业（工种）"))
    certificate_date = serializers.DateField(required=False, allow_null=True, label=_("发证日期"))
    insured_months = serializers.IntegerField(required=False, min_value=0, label=_("参保月数"))
    is_shortage_occupation = serializers.BooleanField(required=False, label=_("紧缺职业"))
    apprenticeship = apprenticeship_field(required=False, allow_null=True, label=_("学徒培养"))
    months_covered = serializers.IntegerField(required=False, min_value=1, max_value=12, label=_("覆盖培养月数"))


class SubsidyClaimsApi(APIView):
    pagination_class = ApiPagination

    class InputSerializer(SubsidyClaimFields):
        enrollment = enrollment_field(required=False, allow_null=True, label=_("培训记录"))
        note = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("备注"))

    class FilterSerializer(BaseInput):
        kind = serializers.ChoiceField(choices=SubsidyPolicy.Kind.choices, required=False, label=_("补贴类型"))
        status = serializers.ChoiceField(choices=SubsidyClaim.Status.choices, required=False, label=_("状态"))
        year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, label=_("年度"))
        policy = serializers.IntegerField(required=False, min_value=1, label=_("政策编号"))
        employer = serializers.IntegerField(required=False, min_value=1, label=_("单位编号"))

    @extend_schema(tags=[SUBSIDY_TAG], summary=_("补贴申领列表"), parameters=[FilterSerializer],
                   responses={200: SubsidyClaimOutput(many=True)})
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        claims = selectors.claim_list(user=request.user, filters=selectors.ClaimFilters(**filters.validated_data))
        return paginated_response(request=request, view=self, queryset=claims, serializer_class=SubsidyClaimOutput)

    @extend_schema(tags=[SUBSIDY_TAG], summary=_("申领补贴（自动核算是否符合条件和金额）"), request=InputSerializer,
                   responses={201: SubsidyClaimOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        claim = subsidy_services.claim_create(actor=request.user, **serializer.validated_data)
        return Response(SubsidyClaimOutput(claim).data, status=status.HTTP_201_CREATED)


class SubsidyClaimPreviewApi(APIView):
    class InputSerializer(SubsidyClaimFields):
        pass

    @extend_schema(tags=[SUBSIDY_TAG], summary=_("试算补贴（不保存）"), request=InputSerializer,
                   responses={200: SubsidyAssessmentOutput, 400: ERRORS[400]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = data.pop("person")
        policy = data.pop("policy")
        from django.utils import timezone

        data["claim_date"] = data.get("claim_date") or timezone.localdate()
        data.pop("occupation_name", None)
        assessment = subsidy_services.subsidy_preview(person=person, policy=policy, **data)
        return Response(assessment.as_json())


class _SubsidyClaimActionApi(APIView):
    action = ""

    class InputSerializer(BaseInput):
        note = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("说明"))
        paid_on = serializers.DateField(required=False, allow_null=True, label=_("发放日期"))
        reason = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("撤销原因"))

    def post(self, request: Request, pk: int) -> Response:
        claim = selectors.claim_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if self.action == "approve":
            claim = subsidy_services.claim_approve(actor=request.user, claim=claim, note=data.get("note", ""))
        elif self.action == "pay":
            claim = subsidy_services.claim_mark_paid(actor=request.user, claim=claim, paid_on=data.get("paid_on"))
        else:
            claim = subsidy_services.claim_cancel(actor=request.user, claim=claim, reason=data.get("reason", ""))
        return Response(SubsidyClaimOutput(claim).data)


class SubsidyClaimApproveApi(_SubsidyClaimActionApi):
    action = "approve"

    @extend_schema(tags=[SUBSIDY_TAG], summary=_("审核补贴申领（人社部门）"), request=_SubsidyClaimActionApi.InputSerializer,
                   responses={200: SubsidyClaimOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class SubsidyClaimPayApi(_SubsidyClaimActionApi):
    action = "pay"

    @extend_schema(tags=[SUBSIDY_TAG], summary=_("标记补贴已发放（人社部门）"), request=_SubsidyClaimActionApi.InputSerializer,
                   responses={200: SubsidyClaimOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class SubsidyClaimCancelApi(_SubsidyClaimActionApi):
    action = "cancel"

    @extend_schema(tags=[SUBSIDY_TAG], summary=_("撤销补贴申领"), request=_SubsidyClaimActionApi.InputSerializer,
                   responses={200: SubsidyClaimOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


# --- points -----------------------------------------------------------------------------------
class TrainingPointsStatementApi(APIView):
    class OutputSerializer(serializers.Serializer):
        total = serializers.IntegerField(label=_("积分合计"))
        lines = TrainingPointsEntryOutput(many=True)

    @extend_schema(tags=[POINTS_TAG], summary=_("个人积分明细"), responses={200: OutputSerializer, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        person = people_selectors.person_get_for_user(user=request.user, pk=pk)
        lines, total = selectors.points_statement(user=request.user, person=person)
        return Response(self.OutputSerializer({"total": total, "lines": lines}).data)


class TrainingPointsRankingApi(APIView):
    class FilterSerializer(BaseInput):
        organization = organization_field(required=False, allow_null=True, label=_("单位"))
        year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, label=_("年度"))

    class OutputSerializer(serializers.Serializer):
        rank = serializers.IntegerField(label=_("名次"))
        person_id = serializers.IntegerField()
        person__name = serializers.CharField(label=_("姓名"))
        organization__name = serializers.CharField(allow_null=True, label=_("单位"))
        total = serializers.IntegerField(label=_("积分"))

    @extend_schema(tags=[POINTS_TAG], summary=_("积分排行（按单位）"), parameters=[FilterSerializer],
                   responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params, context={"request": request})
        filters.is_valid(raise_exception=True)
        rows = selectors.points_ranking(user=request.user, **filters.validated_data)
        return Response(self.OutputSerializer(rows, many=True).data)


class TrainingPointsAdjustApi(APIView):
    class InputSerializer(BaseInput):
        person = person_field(label=_("人员"))
        points = serializers.IntegerField(label=_("调整积分"))
        reason = serializers.CharField(max_length=300, label=_("原因"))
        on = serializers.DateField(required=False, allow_null=True, label=_("日期"))

    @extend_schema(tags=[POINTS_TAG], summary=_("调整积分（另记一笔）"), request=InputSerializer,
                   responses={201: TrainingPointsEntryOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        entry = program_services.points_adjust(actor=request.user, **serializer.validated_data)
        return Response(TrainingPointsEntryOutput(entry).data, status=status.HTTP_201_CREATED)


class TrainingIndicatorsApi(APIView):
    class OutputSerializer(serializers.Serializer):
        people_sent_abroad = serializers.IntegerField(label=_("赴境外研修人数"))
        abroad_person_times = serializers.IntegerField(label=_("赴境外研修人次"))
        person_times_by_kind = serializers.DictField(child=serializers.IntegerField(), label=_("各类培训人次"))
        people_by_kind = serializers.DictField(child=serializers.IntegerField(), label=_("各类培训人数"))
        completed_person_times = serializers.IntegerField(label=_("结业人次"))
        apprentices_by_kind = serializers.DictField(child=serializers.IntegerField(), label=_("各类学徒人数"))
        internationally_certified_people = serializers.IntegerField(label=_("持国际证书人数"))
        international_certificates = serializers.IntegerField(label=_("国际证书数"))
        programs_held = serializers.IntegerField(label=_("举办培训项目数"))
        subsidy_paid = serializers.DecimalField(max_digits=14, decimal_places=2, label=_("已发放补贴"))

    class FilterSerializer(BaseInput):
        year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, label=_("年度"))

    @extend_schema(tags=[TAG], summary=_("培训与学徒指标"), parameters=[FilterSerializer],
                   responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        counts = selectors.training_counts(user=request.user, **filters.validated_data)
        return Response(self.OutputSerializer(counts).data)
