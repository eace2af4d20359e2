"""REST API for organisations (mounted under /api/v1/). Views call orgs.selectors and orgs.services.

Organisations outside the user's scope answer 404; those the user may see but not change
answer 403 when written to.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongjiang.catalog import selectors as catalog_selectors
from gongjiang.core.api_base import (
    ApiPagination,
    CodeReferenceField,
    IdReferenceField,
    IndustryReference,
    OrganizationReference,
    RegionReference,
    paginated_response,
)
from gongjiang.core.api_base import InputSerializer as BaseInput
from gongjiang.orgs import selectors, services
from gongjiang.orgs.models import Organization

TAG = "organizations"

ERRORS = {
    400: OpenApiResponse(description=_("输入有误：按字段列出的中文错误信息")),
    403: OpenApiResponse(description=_("无权执行此操作（角色或数据范围）")),
    404: OpenApiResponse(description=_("对象不存在，或不在您的数据范围内")),
}


def _region(**kwargs: Any) -> CodeReferenceField:
    return CodeReferenceField(
        lookup=lambda request, value: catalog_selectors.region_get(code=value), scoped=False, **kwargs
    )


def _industry(**kwargs: Any) -> CodeReferenceField:
    return CodeReferenceField(
        lookup=lambda request, value: catalog_selectors.industry_get(code=value), scoped=False, **kwargs
    )


def _organization(**kwargs: object) -> IdReferenceField:
    return IdReferenceField(
        lookup=lambda request, value: selectors.organization_get_for_user(user=request.user, pk=value), **kwargs
    )


class OrganizationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(label=_("名称"))
    short_name = serializers.CharField(label=_("简称"))
    kind = serializers.CharField(label=_("类型"))
    kind_label = serializers.CharField(source="get_kind_display", label=_("类型名称"))
    credit_code = serializers.CharField(allow_null=True, label=_("统一社会信用代码"))
    country = serializers.CharField(label=_("国家/地区"))
    foreign_registration = serializers.CharField(label=_("境外注册号"))
    region = RegionReference(allow_null=True, label=_("所在地区"))
    industry = IndustryReference(allow_null=True, label=_("所属行业"))
    parent = OrganizationReference(allow_null=True, label=_("上级单位"))
    contact_name = serializers.CharField(label=_("联系人"))
    contact_phone = serializers.CharField(label=_("联系电话"))
    address = serializers.CharField(label=_("地址"))
    is_active = serializers.BooleanField(label=_("有效"))
    created_at = serializers.DateTimeField(label=_("创建时间"))
    updated_at = serializers.DateTimeField(label=_("更新时间"))


class OrganizationFieldsSerializer(BaseInput):
    """The editable facts of an organisation; ``required`` is switched on for creation."""

    name = serializers.CharField(max_length=200, label=_("名称"))
    short_name = serializers.CharField(required=False, allow_blank=True, max_length=50, label=_("简称"))
    kind = serializers.ChoiceField(choices=Organization.Kind.choices, label=_("类型"))
    credit_code = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=30,
                                        label=_("统一社会信用代码"))
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, label=_("国家/地区（ISO 3166-1 二位代码）"))
    foreign_registration = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                                 label=_("境外注册号"))
    region = _region(required=False, allow_null=True, label=_("所在地区代码"))
    industry = _industry(required=False, allow_null=True, label=_("行业代码"))
    parent = _organization(required=False, allow_null=True, label=_("上级单位"))  # type: ignore[assignment]
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=50, label=_("联系人"))
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=30, label=_("联系电话"))
    address = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("地址"))
    is_active = serializers.BooleanField(required=False, label=_("有效"))

    def validate_country(self, value: str) -> str:
        return value.upper()


class OrganizationsApi(APIView):
    """``GET`` the organisations in scope; ``POST`` registers one."""

    pagination_class = ApiPagination

    class ListFilterSerializer(BaseInput):
        q = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                  label=_("名称、简称或统一社会信用代码"))
        kind = serializers.ChoiceField(choices=Organization.Kind.choices, required=False, label=_("类型"))
        region = serializers.RegexField(r"^\d{2,6}$", required=False, allow_blank=True, label=_("地区代码"))
        industry = serializers.CharField(required=False, allow_blank=True, max_length=5, label=_("行业代码"))
        parent = serializers.IntegerField(required=False, min_value=1, label=_("上级单位编号"))  # type: ignore[assignment]

    class CreateInputSerializer(OrganizationFieldsSerializer):
        pass

    @extend_schema(tags=[TAG], summary=_("单位列表"), parameters=[ListFilterSerializer],
                   responses={200: OrganizationOutput(many=True), 400: ERRORS[400]})
    def get(self, request: Request) -> Response:
        filters = self.ListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        organizations = selectors.organization_list(user=request.user, **filters.validated_data)
        return paginated_response(
            request=request, view=self, queryset=organizations, serializer_class=OrganizationOutput
        )

    @extend_schema(tags=[TAG], summary=_("登记单位"), request=CreateInputSerializer,
                   responses={201: OrganizationOutput, 400: ERRORS[400], 403: ERRORS[403]})
    def post(self, request: Request) -> Response:
        serializer = self.CreateInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        organization = services.organization_create(actor=request.user, **serializer.validated_data)
        return Response(OrganizationOutput(organization).data, status=status.HTTP_201_CREATED)


class OrganizationApi(APIView):
    """``GET`` one organisation; ``PATCH`` changes it."""

    class UpdateInputSerializer(OrganizationFieldsSerializer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                field.required = False

    @extend_schema(tags=[TAG], summary=_("单位详情"), responses={200: OrganizationOutput, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        organization = selectors.organization_get_for_user(user=request.user, pk=pk)
        return Response(OrganizationOutput(organization).data)

    @extend_schema(tags=[TAG], summary=_("修改单位信息"), request=UpdateInputSerializer,
                   responses={200: OrganizationOutput, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def patch(self, request: Request, pk: int) -> Response:
        organization = selectors.organization_get_for_user(user=request.user, pk=pk)
        serializer = self.UpdateInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        organization = services.organization_update(
            actor=request.user, organization=organization, **serializer.validated_data
        )
        return Response(OrganizationOutput(organization).data)


urlpatterns = [
    path("organizations/", OrganizationsApi.as_view(), name="api-organizations"),
    path("organizations/<int:pk>/", OrganizationApi.as_view(), name="api-organization"),
]
