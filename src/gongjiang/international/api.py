"""REST API of international cooperation (mounted under /api/v1/international/)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.api_base import ApiPagination, OrganizationReference, paginated_response
from gongjiang.core.api_base import InputSerializer as BaseInput
from gongjiang.core.exceptions import ApplicationError
from gongjiang.international import selectors, services
from gongjiang.international.models import (
    Agreement,
    AgreementParty,
    Alliance,
    AllianceMember,
    ExchangeEvent,
    ForeignCertificate,
    InternationalMentor,
    JointProject,
    MentorEngagement,
    PartnerProfile,
    Recognition,
)
from gongjiang.training.api.common import (
    ERRORS,
    any_organization_field,
    occupation_field,
    organization_field,
    person_field,
    program_field,
)

TAG = "international"
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


# --- outputs ----------------------------------------------------------------------------------
class ForeignPartnerOutput(serializers.ModelSerializer):
    organization = OrganizationReference(label=_("机构"))
    country = serializers.CharField(source="organization.country", label=_("国家/地区"))
    managed_by = OrganizationReference(label=_("联系管理单位"))

    class Meta:
        model = PartnerProfile
        fields = ["id", "organization", "country", "partner_kind", "name_original", "city", "website",
                  "fields_of_cooperation", "managed_by", "since", "is_active"]


class AgreementPartyOutput(serializers.ModelSerializer):
    organization = OrganizationReference(label=_("签约方"))

    class Meta:
        model = AgreementParty
        fields = ["id", "organization", "role", "signatory", "approved_hash", "approved_version", "approved_at",
                  "approval_evidence"]


class CooperationAgreementOutput(serializers.ModelSerializer):
    managed_by = OrganizationReference(label=_("管理单位"))
    parties = AgreementPartyOutput(many=True, label=_("签约方"))

    class Meta:
        model = Agreement
        fields = ["id", "title", "kind", "summary", "managed_by", "signed_date", "term_months", "end_date",
                  "document_name", "document_sha256", "content_hash", "version", "status", "terminated_on",
                  "termination_reason", "alliance", "parties"]


class AllianceOutput(serializers.ModelSerializer):
    organization = OrganizationReference(label=_("联盟"))
    guided_by = OrganizationReference(label=_("指导单位"))

    class Meta:
        model = Alliance
        fields = ["id", "organization", "founded_on", "guided_by", "secretariat", "description"]


class AllianceMemberOutput(serializers.ModelSerializer):
    organization = OrganizationReference(label=_("成员单位"))

    class Meta:
        model = AllianceMember
        fields = ["id", "alliance", "organization", "role", "joined_on", "certificate_number",
                  "certificate_issued_on", "left_on"]


class JointProjectOutput(serializers.ModelSerializer):
    managed_by = OrganizationReference(label=_("管理单位"))
    partners = OrganizationReference(many=True, label=_("合作机构"))

    class Meta:
        model = JointProject
        fields = ["id", "name", "managed_by", "partners", "agreement", "programs", "occupation_name", "start_date",
                  "end_date", "status", "description"]


class InternationalMentorOutput(serializers.ModelSerializer):
    managed_by = OrganizationReference(label=_("引进单位"))

    class Meta:
        model = InternationalMentor
        fields = ["id", "name", "country", "organization", "expertise", "title", "managed_by", "introduced_on",
                  "is_active"]


class MentorEngagementOutput(serializers.ModelSerializer):
    class Meta:
        model = MentorEngagement
        fields = ["id", "mentor", "program", "joint_project", "description", "start_date", "end_date", "hours"]


class ExchangeEventOutput(serializers.ModelSerializer):
    managed_by = OrganizationReference(label=_("主办单位"))

    class Meta:
        model = ExchangeEvent
        fields = ["id", "name", "kind", "held_on", "location", "country", "managed_by", "participant_count",
                  "description"]


class RecognitionOutput(serializers.ModelSerializer):
    decided_by = OrganizationReference(label=_("认定单位"))

    class Meta:
        model = Recognition
        fields = ["id", "qualification", "qualification_original", "awarding_body", "country", "category",
                  "occupation", "domestic_level", "domestic_title", "decision", "decision_date", "batch",
                  "document_number", "decided_by"]


class ForeignCertificateOutput(serializers.ModelSerializer):
    number = serializers.CharField(source="certificate.number", label=_("证书编号"))
    holder = serializers.IntegerField(source="certificate.holder_id", label=_("持证人"))

    class Meta:
        model = ForeignCertificate
        fields = ["id", "certificate", "number", "holder", "recognition", "country", "program"]


def _listing(view: APIView, request: Request, queryset: Any, output: Any) -> Response:
    return paginated_response(request=request, view=view, queryset=queryset, serializer_class=output)


def _created(output: Any, obj: Any) -> Response:
    return Response(output(obj).data, status=status.HTTP_201_CREATED)


# --- partners ---------------------------------------------------------------------------------
class ForeignPartnersApi(APIView):
    pagination_class = ApiPagination

    class InputSerializer(BaseInput):
        name = serializers.CharField(max_length=200, label=_("中文名称"))
        country = serializers.CharField(max_length=2, label=_("国家/地区代码"))
        partner_kind = serializers.ChoiceField(choices=PartnerProfile.PartnerKind.choices, label=_("机构类型"))
        managed_by = organization_field(label=_("联系管理单位"))
        name_original = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("外文名称"))
        city = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("所在城市"))
        website = serializers.URLField(required=False, allow_blank=True, label=_("网址"))
        fields_of_cooperation = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                                      label=_("合作领域"))
        since = serializers.DateField(required=False, allow_null=True, label=_("建立合作日期"))
        foreign_registration = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                                     label=_("境外注册号"))

    @extend_schema(tags=[TAG], summary=_("境外合作机构列表"), responses={200: ForeignPartnerOutput(many=True)})
    def get(self, request: Request) -> Response:
        return _listing(self, request, selectors.partner_list(user=request.user,
                                                              country=request.query_params.get("country", "")),
                        ForeignPartnerOutput)

    @extend_schema(tags=[TAG], summary=_("登记境外合作机构"), request=InputSerializer,
                   responses={201: ForeignPartnerOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return _created(ForeignPartnerOutput, services.partner_create(actor=request.user, **serializer.validated_data))


class ForeignPartnerApi(APIView):
    class InputSerializer(BaseInput):
        partner_kind = serializers.ChoiceField(choices=PartnerProfile.PartnerKind.choices, required=False,
                                               label=_("机构类型"))
        name_original = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("外文名称"))
        city = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("所在城市"))
        website = serializers.URLField(required=False, allow_blank=True, label=_("网址"))
        fields_of_cooperation = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                                      label=_("合作领域"))
        since = serializers.DateField(required=False, allow_null=True, label=_("建立合作日期"))
        is_active = serializers.BooleanField(required=False, label=_("合作中"))

    @extend_schema(tags=[TAG], summary=_("修改境外合作机构"), request=InputSerializer,
                   responses={200: ForeignPartnerOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def patch(self, request: Request, pk: int) -> Response:
        partner = selectors.partner_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(ForeignPartnerOutput(services.partner_update(actor=request.user, partner=partner,
                                                              **serializer.validated_data)).data)


# --- agreements -------------------------------------------------------------------------------
class AgreementPartyInput(BaseInput):
    organization = any_organization_field(label=_("签约方"))
    role = serializers.CharField(required=False, allow_blank=True, max_length=60, label=_("角色"))
    signatory = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("签署人"))


def _parties(data: list[dict[str, Any]]) -> list[services.PartySpec]:
    return [services.PartySpec(item["organization"], item.get("role", ""), item.get("signatory", "")) for item in data]


class CooperationAgreementsApi(APIView):
    pagination_class = ApiPagination

    class InputSerializer(BaseInput):
        title = serializers.CharField(max_length=200, label=_("协议名称"))
        kind = serializers.ChoiceField(choices=Agreement.Kind.choices, label=_("协议类型"))
        managed_by = organization_field(label=_("管理单位"))
        parties = AgreementPartyInput(many=True, label=_("签约方"))
        signed_date = serializers.DateField(required=False, allow_null=True, label=_("签订日期"))
        term_months = serializers.IntegerField(required=False, allow_null=True, label=_("期限（月）"))
        summary = serializers.CharField(required=False, allow_blank=True, label=_("主要内容"))

    @extend_schema(tags=[TAG], summary=_("合作协议列表"), responses={200: CooperationAgreementOutput(many=True)})
    def get(self, request: Request) -> Response:
        return _listing(self, request, selectors.agreement_list(user=request.user,
                                                                kind=request.query_params.get("kind", ""),
                                                                status=request.query_params.get("status", "")),
                        CooperationAgreementOutput)

    @extend_schema(tags=[TAG], summary=_("起草合作协议"), request=InputSerializer,
                   responses={201: CooperationAgreementOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["parties"] = _parties(data["parties"])
        return _created(CooperationAgreementOutput, services.agreement_create(actor=request.user, **data))


class CooperationAgreementApi(APIView):
    class InputSerializer(BaseInput):
        title = serializers.CharField(required=False, max_length=200, label=_("协议名称"))
        kind = serializers.ChoiceField(choices=Agreement.Kind.choices, required=False, label=_("协议类型"))
        parties = AgreementPartyInput(many=True, required=False, label=_("签约方"))
        signed_date = serializers.DateField(required=False, allow_null=True, label=_("签订日期"))
        term_months = serializers.IntegerField(required=False, allow_null=True, label=_("期限（月）"))
        summary = serializers.CharField(required=False, allow_blank=True, label=_("主要内容"))

    @extend_schema(tags=[TAG], summary=_("合作协议详情"), responses={200: CooperationAgreementOutput, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        return Response(CooperationAgreementOutput(selectors.agreement_get_for_user(user=request.user, pk=pk)).data)

    @extend_schema(tags=[TAG], summary=_("修改协议内容（产生新版本，须各方重新确认）"), request=InputSerializer,
                   responses={200: CooperationAgreementOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def patch(self, request: Request, pk: int) -> Response:
        agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request}, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        parties = _parties(data.pop("parties")) if "parties" in data else None
        agreement = services.agreement_update(actor=request.user, agreement=agreement, parties=parties, **data)
        return Response(CooperationAgreementOutput(agreement).data)


class CooperationAgreementDocumentApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(BaseInput):
        document = serializers.FileField(label=_("协议文本"))

    @extend_schema(tags=[TAG], summary=_("上传协议文本（计算 SHA-256）"), request={"multipart/form-data": InputSerializer},
                   responses={200: CooperationAgreementOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["document"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise ApplicationError(_("协议文本不能超过 20 MB。"), field="document")
        agreement = services.agreement_attach_document(actor=request.user, agreement=agreement,
                                                       content=upload.read(), filename=upload.name)
        return Response(CooperationAgreementOutput(agreement).data)


class CooperationAgreementApproveApi(APIView):
    parser_classes = [JSONParser, FormParser]

    class InputSerializer(BaseInput):
        party = serializers.IntegerField(min_value=1, label=_("签约方编号"))
        content_hash = serializers.CharField(max_length=64, label=_("确认的版本哈希"))
        evidence = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("确认依据"))

    @extend_schema(tags=[TAG], summary=_("签约方确认协议的某一版本"), request=InputSerializer,
                   responses={200: CooperationAgreementOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        party = agreement.parties.filter(pk=serializer.validated_data["party"]).first()
        if party is None:
            raise ApplicationError(_(services.ERR_NOT_A_PARTY), field="party")
        services.agreement_approve(actor=request.user, agreement=agreement, party=party,
                                   content_hash=serializer.validated_data["content_hash"],
                                   evidence=serializer.validated_data.get("evidence", ""))
        agreement.refresh_from_db()
        return Response(CooperationAgreementOutput(agreement).data)


class CooperationAgreementVerifyDocumentApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(BaseInput):
        document = serializers.FileField(label=_("待核对的文件"))

    class OutputSerializer(serializers.Serializer):
        matches = serializers.BooleanField(label=_("与协议文本一致"))
        sha256 = serializers.CharField(label=_("文件 SHA-256"))
        document_sha256 = serializers.CharField(label=_("协议文本 SHA-256"))

    @extend_schema(tags=[TAG], summary=_("核对一份文件是否就是协议文本（按 SHA-256）"),
                   request={"multipart/form-data": InputSerializer},
                   responses={200: OutputSerializer, 400: ERRORS[400], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        import hashlib

        agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["document"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise ApplicationError(_("文件不能超过 20 MB。"), field="document")
        content = upload.read()
        return Response(self.OutputSerializer({
            "matches": services.document_matches(agreement=agreement, content=content),
            "sha256": hashlib.sha256(content).hexdigest(), "document_sha256": agreement.document_sha256,
        }).data)


class CooperationAgreementTerminateApi(APIView):
    class InputSerializer(BaseInput):
        on = serializers.DateField(label=_("终止日期"))
        reason = serializers.CharField(max_length=300, label=_("终止原因"))

    @extend_schema(tags=[TAG], summary=_("终止协议"), request=InputSerializer,
                   responses={200: CooperationAgreementOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = services.agreement_terminate(actor=request.user, agreement=agreement, **serializer.validated_data)
        return Response(CooperationAgreementOutput(agreement).data)


# --- alliances, projects, mentors, events -----------------------------------------------------
class AlliancesApi(APIView):
    pagination_class = ApiPagination

    class InputSerializer(BaseInput):
        name = serializers.CharField(max_length=200, label=_("联盟名称"))
        founded_on = serializers.DateField(label=_("成立日期"))
        guided_by = organization_field(label=_("指导单位"))
        secretariat = any_organization_field(required=False, allow_null=True, label=_("秘书处单位"))
        description = serializers.CharField(required=False, allow_blank=True, label=_("简介"))

    @extend_schema(tags=[TAG], summary=_("联盟列表"), responses={200: AllianceOutput(many=True)})
    def get(self, request: Request) -> Response:
        return _listing(self, request, selectors.alliance_list(user=request.user), AllianceOutput)

    @extend_schema(tags=[TAG], summary=_("成立联盟"), request=InputSerializer,
                   responses={201: AllianceOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return _created(AllianceOutput, services.alliance_create(actor=request.user, **serializer.validated_data))


class AllianceMemberLeaveApi(APIView):
    class InputSerializer(BaseInput):
        on = serializers.DateField(label=_("退出日期"))

    @extend_schema(tags=[TAG], summary=_("联盟成员退出"), request=InputSerializer,
                   responses={200: AllianceMemberOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int, member_pk: int) -> Response:
        alliance = selectors.alliance_get_for_user(user=request.user, pk=pk)
        member = alliance.members.filter(pk=member_pk).first()
        if member is None:
            from django.http import Http404

            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(AllianceMemberOutput(services.alliance_member_leave(
            actor=request.user, member=member, **serializer.validated_data)).data)


class AllianceMembersApi(APIView):
    class InputSerializer(BaseInput):
        organization = any_organization_field(label=_("成员单位"))
        joined_on = serializers.DateField(label=_("加入日期"))
        role = serializers.ChoiceField(choices=AllianceMember.Role.choices, required=False, label=_("成员类型"))
        certificate_number = serializers.CharField(required=False, allow_blank=True, max_length=60,
                                                   label=_("成员证书编号"))
        certificate_issued_on = serializers.DateField(required=False, allow_null=True, label=_("证书颁发日期"))

    @extend_schema(tags=[TAG], summary=_("联盟成员"), responses={200: AllianceMemberOutput(many=True), 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        alliance = selectors.alliance_get_for_user(user=request.user, pk=pk)
        return Response(AllianceMemberOutput(selectors.alliance_members(alliance=alliance), many=True).data)

    @extend_schema(tags=[TAG], summary=_("吸收联盟成员（颁发成员证书）"), request=InputSerializer,
                   responses={201: AllianceMemberOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        alliance = selectors.alliance_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return _created(AllianceMemberOutput, services.alliance_member_add(actor=request.user, alliance=alliance,
                                                                   **serializer.validated_data))


class JointProjectsApi(APIView):
    pagination_class = ApiPagination

    class InputSerializer(BaseInput):
        name = serializers.CharField(max_length=200, label=_("项目名称"))
        managed_by = organization_field(label=_("管理单位"))
        partners = serializers.ListField(child=any_organization_field(label=_("合作机构")), label=_("合作机构"))
        start_date = serializers.DateField(label=_("开始日期"))
        end_date = serializers.DateField(required=False, allow_null=True, label=_("结束日期"))
        programs = serializers.ListField(child=program_field(label=_("培训项目")), required=False,
                                         label=_("培训项目"))
        participants = serializers.ListField(child=person_field(label=_("参与人员")), required=False,
                                             label=_("参与人员"))
        occupation_name = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                                label=_("职业/专业方向"))
        status = serializers.ChoiceField(choices=JointProject.Status.choices, required=False, label=_("状态"))
        description = serializers.CharField(required=False, allow_blank=True, label=_("说明"))

    @extend_schema(tags=[TAG], summary=_("联合培养项目列表"), responses={200: JointProjectOutput(many=True)})
    def get(self, request: Request) -> Response:
        return _listing(self, request, selectors.joint_project_list(user=request.user), JointProjectOutput)

    @extend_schema(tags=[TAG], summary=_("创建联合培养项目"), request=InputSerializer,
                   responses={201: JointProjectOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return _created(JointProjectOutput, services.joint_project_create(actor=request.user, **serializer.validated_data))


class JointProjectApi(APIView):
    class InputSerializer(BaseInput):
        name = serializers.CharField(required=False, max_length=200, label=_("项目名称"))
        partners = serializers.ListField(child=any_organization_field(label=_("合作机构")), required=False,
                                         label=_("合作机构"))
        programs = serializers.ListField(child=program_field(label=_("培训项目")), required=False,
                                         label=_("培训项目"))
        participants = serializers.ListField(child=person_field(label=_("参与人员")), required=False,
                                             label=_("参与人员"))
        start_date = serializers.DateField(required=False, label=_("开始日期"))
        end_date = serializers.DateField(required=False, allow_null=True, label=_("结束日期"))
        status = serializers.ChoiceField(choices=JointProject.Status.choices, required=False, label=_("状态"))
        occupation_name = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                                label=_("职业/专业方向"))
        description = serializers.CharField(required=False, allow_blank=True, label=_("说明"))

    @extend_schema(tags=[TAG], summary=_("修改联合培养项目（合作机构、培训项目、参与人员、状态）"), request=InputSerializer,
                   responses={200: JointProjectOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def patch(self, request: Request, pk: int) -> Response:
        project = selectors.joint_project_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request}, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(JointProjectOutput(services.joint_project_update(
            actor=request.user, project=project, **serializer.validated_data)).data)


class InternationalMentorsApi(APIView):
    pagination_class = ApiPagination

    class InputSerializer(BaseInput):
        name = serializers.CharField(max_length=100, label=_("姓名"))
        country = serializers.CharField(max_length=2, label=_("国家/地区代码"))
        expertise = serializers.CharField(max_length=200, label=_("专长领域"))
        managed_by = organization_field(label=_("引进单位"))
        introduced_on = serializers.DateField(label=_("引进日期"))
        organization = any_organization_field(required=False, allow_null=True, label=_("所在机构"))
        title = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("职务/资格"))

    @extend_schema(tags=[TAG], summary=_("国际导师列表"), responses={200: InternationalMentorOutput(many=True)})
    def get(self, request: Request) -> Response:
        return _listing(self, request, selectors.mentor_list(user=request.user), InternationalMentorOutput)

    @extend_schema(tags=[TAG], summary=_("引进国际导师"), request=InputSerializer,
                   responses={201: InternationalMentorOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return _created(InternationalMentorOutput, services.mentor_create(actor=request.user, **serializer.validated_data))


class InternationalMentorApi(APIView):
    class InputSerializer(BaseInput):
        is_active = serializers.BooleanField(label=_("在聘"))

    @extend_schema(tags=[TAG], summary=_("国际导师在聘/解聘"), request=InputSerializer,
                   responses={200: InternationalMentorOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def patch(self, request: Request, pk: int) -> Response:
        mentor = selectors.mentor_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(InternationalMentorOutput(services.mentor_set_active(
            actor=request.user, mentor=mentor, **serializer.validated_data)).data)


class MentorEngagementsApi(APIView):
    class InputSerializer(BaseInput):
        description = serializers.CharField(max_length=300, label=_("工作内容"))
        start_date = serializers.DateField(label=_("开始日期"))
        end_date = serializers.DateField(required=False, allow_null=True, label=_("结束日期"))
        program = program_field(required=False, allow_null=True, label=_("培训项目"))
        joint_project = serializers.IntegerField(required=False, allow_null=True, label=_("联合培养项目"))
        hours = serializers.DecimalField(max_digits=6, decimal_places=1, required=False, allow_null=True,
                                         label=_("学时"))

    @extend_schema(tags=[TAG], summary=_("登记国际导师聘用"), request=InputSerializer,
                   responses={201: MentorEngagementOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        mentor = selectors.mentor_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project_id = data.pop("joint_project", None)
        project = selectors.joint_project_get_for_user(user=request.user, pk=project_id) if project_id else None
        return _created(MentorEngagementOutput, services.engagement_add(actor=request.user, mentor=mentor,
                                                                  joint_project=project, **data))


class ExchangeEventsApi(APIView):
    pagination_class = ApiPagination

    class InputSerializer(BaseInput):
        name = serializers.CharField(max_length=200, label=_("活动名称"))
        kind = serializers.ChoiceField(choices=ExchangeEvent.Kind.choices, label=_("活动类型"))
        held_on = serializers.DateField(label=_("举办日期"))
        managed_by = organization_field(label=_("主办单位"))
        location = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("地点"))
        country = serializers.CharField(required=False, max_length=2, label=_("国家/地区"))
        partners = serializers.ListField(child=any_organization_field(label=_("境外机构")), required=False,
                                         label=_("参与境外机构"))
        participant_count = serializers.IntegerField(required=False, min_value=0, label=_("参与人数"))
        description = serializers.CharField(required=False, allow_blank=True, label=_("说明"))

    @extend_schema(tags=[TAG], summary=_("国际交流活动列表"), responses={200: ExchangeEventOutput(many=True)})
    def get(self, request: Request) -> Response:
        return _listing(self, request, selectors.event_list(user=request.user), ExchangeEventOutput)

    @extend_schema(tags=[TAG], summary=_("登记国际交流活动"), request=InputSerializer,
                   responses={201: ExchangeEventOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return _created(ExchangeEventOutput, services.event_create(actor=request.user, **serializer.validated_data))


# --- recognition ------------------------------------------------------------------------------
class RecognitionsApi(APIView):
    pagination_class = ApiPagination

    class InputSerializer(BaseInput):
        qualification = serializers.CharField(max_length=200, label=_("资格名称"))
        awarding_body = serializers.CharField(max_length=200, label=_("颁发机构"))
        country = serializers.CharField(max_length=2, label=_("国家/地区代码"))
        decided_by = organization_field(label=_("认定单位"))
        decision = serializers.ChoiceField(choices=Recognition.Decision.choices, required=False, label=_("认定结果"))
        decision_date = serializers.DateField(required=False, allow_null=True, label=_("决定日期"))
        domestic_level = serializers.ChoiceField(choices=SkillLevel.choices, required=False, allow_null=True,
                                                 label=_("比照职业技能等级"))
        domestic_title = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("比照职称"))
        category = serializers.ChoiceField(choices=Recognition.Category.choices, required=False, label=_("类别"))
        batch = serializers.CharField(required=False, allow_blank=True, max_length=60, label=_("发布批次"))
        document_number = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                                label=_("文件编号"))
        qualification_original = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                                       label=_("外文名称"))
        occupation = occupation_field(required=False, allow_null=True, label=_("对应职业"))

    @extend_schema(tags=[TAG], summary=_("国际职业资格认可清单"), responses={200: RecognitionOutput(many=True)})
    def get(self, request: Request) -> Response:
        params = request.query_params
        return _listing(self, request, selectors.recognition_list(
            user=request.user, q=params.get("q", ""), country=params.get("country", ""),
            decision=params.get("decision", ""), batch=params.get("batch", "")), RecognitionOutput)

    @extend_schema(tags=[TAG], summary=_("列入认可清单"), request=InputSerializer,
                   responses={201: RecognitionOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return _created(RecognitionOutput, services.recognition_create(actor=request.user,
                                                                       **serializer.validated_data))


class RecognitionDecisionApi(APIView):
    class InputSerializer(BaseInput):
        decision = serializers.ChoiceField(choices=Recognition.Decision.choices, label=_("认定结果"))
        decision_date = serializers.DateField(label=_("决定日期"))
        domestic_level = serializers.ChoiceField(choices=SkillLevel.choices, required=False, allow_null=True,
                                                 label=_("比照职业技能等级"))
        domestic_title = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("比照职称"))
        document_number = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                                label=_("文件编号"))
        batch = serializers.CharField(required=False, allow_blank=True, max_length=60, label=_("发布批次"))

    @extend_schema(tags=[TAG], summary=_("作出认可决定"), request=InputSerializer,
                   responses={200: RecognitionOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        recognition = selectors.recognition_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(RecognitionOutput(services.recognition_decide(
            actor=request.user, recognition=recognition, **serializer.validated_data)).data)


class ForeignCertificatesApi(APIView):
    class InputSerializer(BaseInput):
        holder = person_field(label=_("持证人"))
        number = serializers.CharField(max_length=40, label=_("证书编号"))
        issue_date = serializers.DateField(label=_("发证日期"))
        recognition = serializers.IntegerField(required=False, allow_null=True, label=_("认可依据编号"))
        qualification = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("资格名称"))
        awarding_body = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("颁发机构"))
        country = serializers.CharField(required=False, allow_blank=True, max_length=2, label=_("国家/地区"))
        valid_until = serializers.DateField(required=False, allow_null=True, label=_("有效期至"))

    @extend_schema(tags=[TAG], summary=_("登记个人境外/国际证书并关联认可依据"), request=InputSerializer,
                   responses={201: ForeignCertificateOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        recognition_id = data.pop("recognition", None)
        recognition = (selectors.recognition_get_for_user(user=request.user, pk=recognition_id)
                       if recognition_id else None)
        return _created(ForeignCertificateOutput, services.foreign_certificate_record(
            actor=request.user, recognition=recognition, **data))


class InternationalIndicatorsApi(APIView):
    class OutputSerializer(serializers.Serializer):
        partners_active = serializers.IntegerField(label=_("合作中的境外机构"))
        partners_by_country = serializers.DictField(child=serializers.IntegerField(), label=_("按国家"))
        partners_with_joint_training = serializers.IntegerField(label=_("建立联合培养关系的机构"))
        agreements_by_kind = serializers.DictField(child=serializers.IntegerField(), label=_("协议按类型"))
        agreements_in_force = serializers.IntegerField(label=_("生效中的协议"))
        framework_agreements = serializers.IntegerField(label=_("框架合作协议"))
        joint_projects = serializers.IntegerField(label=_("联合培养项目"))
        international_mentors = serializers.IntegerField(label=_("国际导师"))
        events_held = serializers.IntegerField(label=_("已举办交流活动"))
        alliance_members = serializers.IntegerField(label=_("联盟成员"))
        alliance_countries = serializers.IntegerField(label=_("联盟成员国家数"))
        recognitions = serializers.IntegerField(label=_("认可的国际职业资格"))
        recognitions_mapped = serializers.IntegerField(label=_("比照对应的资格"))
        recognitions_mapped_to_title = serializers.IntegerField(label=_("比照对应职称的资格"))

    @extend_schema(tags=[TAG], summary=_("国际合作指标"), responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(selectors.international_counts(user=request.user)).data)


urlpatterns = [
    path("international/partners/", ForeignPartnersApi.as_view(), name="api-intl-partners"),
    path("international/partners/<int:pk>/", ForeignPartnerApi.as_view(), name="api-intl-partner"),
    path("international/agreements/", CooperationAgreementsApi.as_view(), name="api-intl-agreements"),
    path("international/agreements/<int:pk>/", CooperationAgreementApi.as_view(), name="api-intl-agreement"),
    path("international/agreements/<int:pk>/document/", CooperationAgreementDocumentApi.as_view(),
         name="api-intl-agreement-document"),
    path("international/agreements/<int:pk>/approvals/", CooperationAgreementApproveApi.as_view(),
         name="api-intl-agreement-approve"),
    path("international/agreements/<int:pk>/verify-document/", CooperationAgreementVerifyDocumentApi.as_view(),
         name="api-intl-agreement-verify-document"),
    path("international/agreements/<int:pk>/terminate/", CooperationAgreementTerminateApi.as_view(),
         name="api-intl-agreement-terminate"),
    path("international/alliances/", AlliancesApi.as_view(), name="api-intl-alliances"),
    path("international/alliances/<int:pk>/members/", AllianceMembersApi.as_view(), name="api-intl-alliance-members"),
    path("international/alliances/<int:pk>/members/<int:member_pk>/leave/", AllianceMemberLeaveApi.as_view(),
         name="api-intl-alliance-member-leave"),
    path("international/joint-projects/", JointProjectsApi.as_view(), name="api-intl-projects"),
    path("international/joint-projects/<int:pk>/", JointProjectApi.as_view(), name="api-intl-project"),
    path("international/mentors/", InternationalMentorsApi.as_view(), name="api-intl-mentors"),
    path("international/mentors/<int:pk>/", InternationalMentorApi.as_view(), name="api-intl-mentor"),
    path("international/mentors/<int:pk>/engagements/", MentorEngagementsApi.as_view(), name="api-intl-engagements"),
    path("international/events/", ExchangeEventsApi.as_view(), name="api-intl-events"),
    path("international/recognitions/", RecognitionsApi.as_view(), name="api-intl-recognitions"),
    path("international/recognitions/<int:pk>/decision/", RecognitionDecisionApi.as_view(),
         name="api-intl-recognition-decision"),
    path("international/foreign-certificates/", ForeignCertificatesApi.as_view(), name="api-intl-foreign-certificates"),
    path("international/indicators/", InternationalIndicatorsApi.as_view(), name="api-intl-indicators"),
]
