"""The registry's use cases over HTTP. Each view validates input, calls a selector or a service
(people.selectors / people.services), and renders; scope and rules live there, not here.

Objects outside the user's scope answer 404 (their existence is not disclosed); objects the
user may see but not change answer 403 when written to.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.api_base import ApiPagination, paginated_response
from gongjiang.core.api_base import InputSerializer as BaseInput
from gongjiang.core.rules import normalize_id_number
from gongjiang.people import selectors, services
from gongjiang.people.api.serializers import (
    CertificateOutput,
    EmploymentOutput,
    HonorOutput,
    PersonDetailOutput,
    PersonOutput,
    occupation_field,
    organization_field,
    person_detail_data,
    region_field,
    work_type_field,
)
from gongjiang.people.models import Certificate, Honor, Person
from gongjiang.people.selectors import AGE_BANDS, PersonFilters

TAG = "people"

ERR_ID_NUMBER_IN_URL = _(
    "证件号码不能放在网址里（网址会被记录在日志中）。按证件号码查询请用 POST /api/v1/people/search/，"
    "在请求体中提交 id_number。"
)

AGE_BAND_CHOICES = [
    ("under_25", _("25 岁以下")),
    ("25_34", _("25–34 岁")),
    ("35_44", _("35–44 岁")),
    ("45_54", _("45–54 岁")),
    ("55_plus", _("55 岁及以上")),
]
assert {band for band, _label in AGE_BAND_CHOICES} == set(AGE_BANDS)

ERRORS = {
    400: OpenApiResponse(description=_("输入有误：按字段列出的中文错误信息")),
    403: OpenApiResponse(description=_("无权执行此操作（角色或数据范围）")),
    404: OpenApiResponse(description=_("对象不存在，或不在您的数据范围内")),
}


def looks_like_id_number(text: str) -> bool:
    """The same test people.selectors.person_list uses to treat ``q`` as an ID number."""
    number = normalize_id_number(text or "")
    return len(number) >= 15 and number[:6].isdigit()


class PersonFilterSerializer(BaseInput):
    q = serializers.CharField(required=False, allow_blank=True, max_length=60, label=_("姓名或证书编号"))
    certificate_number = serializers.CharField(required=False, allow_blank=True, max_length=40, label=_("证书编号"))
    level = serializers.ChoiceField(choices=SkillLevel.choices, required=False, label=_("当前技能等级"))
    occupation = serializers.CharField(required=False, allow_blank=True, max_length=12, label=_("职业编码"))
    region = serializers.RegexField(r"^\d{2,6}$", required=False, allow_blank=True, label=_("地区代码"))
    organization = serializers.IntegerField(required=False, min_value=1, label=_("现工作单位编号"))
    age_band = serializers.ChoiceField(choices=AGE_BAND_CHOICES, required=False, label=_("年龄段"))
    high_skilled = serializers.BooleanField(required=False, allow_null=True, default=None, label=_("高技能人才"))
    sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False, label=_("性别"))

    def to_filters(self) -> PersonFilters:
        data: dict[str, Any] = dict(self.validated_data)
        if "level" in data:
            data["level"] = str(data["level"])
        return PersonFilters(**data)


class PeopleApi(APIView):
    """``GET`` the registry list; ``POST`` registers a person."""

    pagination_class = ApiPagination

    class ListFilterSerializer(PersonFilterSerializer):
        def validate_q(self, value: str) -> str:
            if looks_like_id_number(value):
                raise serializers.ValidationError(ERR_ID_NUMBER_IN_URL)
            return value

    class CreateInputSerializer(BaseInput):
        name = serializers.CharField(max_length=60, label=_("姓名"))
        id_type = serializers.ChoiceField(choices=Person.IdType.choices, default=Person.IdType.RESIDENT_ID,
                                          label=_("证件类型"))
        id_number = serializers.CharField(max_length=40, label=_("证件号码"))
        sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False, label=_("性别"),
                                      help_text=_("居民身份证可不填，由号码推出；填了须与号码一致。"))
        birth_date = serializers.DateField(required=False, label=_("出生日期"),
                                           help_text=_("居民身份证可不填，由号码推出；填了须与号码一致。"))
        mobile = serializers.CharField(required=False, allow_blank=True, max_length=20, label=_("手机号码"))
        education = serializers.ChoiceField(choices=Person.Education.choices, required=False, allow_blank=True,
                                            label=_("学历"))
        residence_region = region_field(required=False, allow_null=True, label=_("常住地代码"))
        employer = organization_field(required=False, allow_null=True, label=_("现工作单位"))
        post = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("岗位/职务"))
        occupation = occupation_field(required=False, allow_null=True, label=_("职业编码"))
        employment_start = serializers.DateField(required=False, allow_null=True, label=_("入职日期"))
        notes = serializers.CharField(required=False, allow_blank=True, label=_("备注"))

    @extend_schema(tags=[TAG], summary=_("人才库列表"), parameters=[ListFilterSerializer],
                   responses={200: PersonOutput(many=True), 400: ERRORS[400]})
    def get(self, request: Request) -> Response:
        filters = self.ListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        people = selectors.person_list(user=request.user, filters=filters.to_filters())
        return paginated_response(request=request, view=self, queryset=people, serializer_class=PersonOutput)

    @extend_schema(tags=[TAG], summary=_("登记人员"), request=CreateInputSerializer,
                   responses={201: PersonDetailOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.CreateInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        person = services.person_create(actor=request.user, **serializer.validated_data)
        profile = selectors.person_profile(user=request.user, pk=person.pk)
        return Response(person_detail_data(profile), status=status.HTTP_201_CREATED)


class PersonSearchApi(APIView):
    """Search with an ID number in the request body, where it is not written to access logs."""

    pagination_class = ApiPagination

    class InputSerializer(PersonFilterSerializer):
        id_number = serializers.CharField(required=False, allow_blank=True, max_length=40, label=_("证件号码"))

    @extend_schema(tags=[TAG], summary=_("按证件号码等条件查询人员"), request=InputSerializer,
                   responses={200: PersonOutput(many=True), 400: ERRORS[400]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        people = selectors.person_list(user=request.user, filters=serializer.to_filters())
        return paginated_response(request=request, view=self, queryset=people, serializer_class=PersonOutput)


class PersonApi(APIView):
    """``GET`` a profile; ``PATCH`` changes a person's editable facts (not the ID number)."""

    class UpdateInputSerializer(BaseInput):
        name = serializers.CharField(required=False, max_length=60, label=_("姓名"))
        sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False, label=_("性别"))
        birth_date = serializers.DateField(required=False, label=_("出生日期"))
        mobile = serializers.CharField(required=False, allow_blank=True, max_length=20, label=_("手机号码"))
        education = serializers.ChoiceField(choices=Person.Education.choices, required=False, allow_blank=True,
                                            label=_("学历"))
        residence_region = region_field(required=False, allow_null=True, label=_("常住地代码"))
        notes = serializers.CharField(required=False, allow_blank=True, label=_("备注"))

    @extend_schema(tags=[TAG], summary=_("人员档案"), responses={200: PersonDetailOutput, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        return Response(person_detail_data(selectors.person_profile(user=request.user, pk=pk)))

    @extend_schema(tags=[TAG], summary=_("修改人员信息"), request=UpdateInputSerializer,
                   responses={200: PersonDetailOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def patch(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, pk=pk)
        serializer = self.UpdateInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.person_update(actor=request.user, person=person, **serializer.validated_data)
        return Response(person_detail_data(selectors.person_profile(user=request.user, pk=pk)))


class PersonRevealIdApi(APIView):
    """The full ID number, for roles allowed to see it. Every call, allowed or not, is audited."""

    class OutputSerializer(serializers.Serializer):
        id_number = serializers.CharField(label=_("完整证件号码"))

    @extend_schema(tags=[TAG], summary=_("查看完整证件号码（留痕）"), request=None,
                   responses={200: OutputSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, pk=pk)
        number = services.person_reveal_id_number(actor=request.user, person=person)
        return Response(self.OutputSerializer({"id_number": number}).data)


class EmploymentsApi(APIView):
    class InputSerializer(BaseInput):
        organization = organization_field(label=_("单位"))
        start_date = serializers.DateField(label=_("起始日期"))
        end_date = serializers.DateField(required=False, allow_null=True, label=_("结束日期"))
        post = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("岗位/职务"))
        occupation = occupation_field(required=False, allow_null=True, label=_("职业编码"))
        close_previous = serializers.BooleanField(required=False, default=True, label=_("同时结束上一份现职"))

    @extend_schema(tags=[TAG], summary=_("添加工作经历"), request=InputSerializer,
                   responses={201: EmploymentOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        employment = services.employment_add(actor=request.user, person=person, **serializer.validated_data)
        return Response(EmploymentOutput(employment).data, status=status.HTTP_201_CREATED)


class EmploymentEndApi(APIView):
    class InputSerializer(BaseInput):
        end_date = serializers.DateField(label=_("结束日期"))

    @extend_schema(tags=[TAG], summary=_("结束工作经历"), request=InputSerializer,
                   responses={200: EmploymentOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int, employment_pk: int) -> Response:
        employment = selectors.employment_get_for_user(user=request.user, person_pk=pk, pk=employment_pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        employment = services.employment_end(actor=request.user, employment=employment, **serializer.validated_data)
        return Response(EmploymentOutput(employment).data)


class CertificatesApi(APIView):
    class InputSerializer(BaseInput):
        kind = serializers.ChoiceField(choices=Certificate.Kind.choices, default=Certificate.Kind.SKILL_LEVEL,
                                       label=_("证书类型"))
        number = serializers.CharField(max_length=60, label=_("证书编号"))
        issue_date = serializers.DateField(label=_("发证日期"))
        level = serializers.ChoiceField(choices=SkillLevel.choices, required=False, allow_null=True,
                                        label=_("等级"), help_text=_("全国统一编码和旧编码可不填，由编号推出。"))
        occupation = occupation_field(required=False, allow_null=True, label=_("职业编码"))
        occupation_name = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                                label=_("职业（工种）名称"))
        work_type = work_type_field(required=False, allow_null=True, label=_("工种编号"))
        issuer = organization_field(required=False, allow_null=True, label=_("发证机构"))
        issuer_name = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                            label=_("发证机构名称"))
        valid_until = serializers.DateField(required=False, allow_null=True, label=_("有效期至"))

    @extend_schema(tags=[TAG], summary=_("登记持有的证书"), request=InputSerializer,
                   responses={201: CertificateOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        certificate = services.certificate_record(actor=request.user, holder=person, **serializer.validated_data)
        return Response(CertificateOutput(certificate).data, status=status.HTTP_201_CREATED)


class CertificateRevokeApi(APIView):
    class InputSerializer(BaseInput):
        reason = serializers.CharField(max_length=300, label=_("撤销原因"))

    @extend_schema(tags=[TAG], summary=_("撤销证书"), request=InputSerializer,
                   responses={200: CertificateOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int, certificate_pk: int) -> Response:
        certificate = selectors.certificate_get_for_user(user=request.user, person_pk=pk, pk=certificate_pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certificate = services.certificate_revoke(
            actor=request.user, certificate=certificate, **serializer.validated_data
        )
        return Response(CertificateOutput(certificate).data)


class HonorsApi(APIView):
    class InputSerializer(BaseInput):
        title = serializers.ChoiceField(choices=Honor.Title.choices, label=_("荣誉类别"))
        name = serializers.CharField(required=False, allow_blank=True, max_length=100, label=_("荣誉名称"),
                                     help_text=_("不填则用荣誉类别的名称。"))
        level = serializers.ChoiceField(choices=Honor.Level.choices, label=_("级别"))
        year = serializers.IntegerField(label=_("年度"))
        awarded_by = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("授予单位"))

    @extend_schema(tags=[TAG], summary=_("添加荣誉"), request=InputSerializer,
                   responses={201: HonorOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def post(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {"name": "", **serializer.validated_data}
        honor = services.honor_add(actor=request.user, person=person, **data)
        return Response(HonorOutput(honor).data, status=status.HTTP_201_CREATED)
