"""REST API for the reference data (mounted under /api/v1/): read-only for every signed-in user.

The catalogue is maintained through the admin and the load commands, not through the API.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongjiang.catalog import selectors
from gongjiang.catalog.levels import (
    POST_LEVELS,
    SkillLevel,
    is_high_skilled,
    national_grade,
    short_label,
)
from gongjiang.catalog.models import Region
from gongjiang.core.api_base import ApiPagination, InputSerializer, paginated_response

TAG = "catalog"


class RegionOutput(serializers.Serializer):
    code = serializers.CharField(label=_("行政区划代码"))
    name = serializers.CharField(label=_("名称"))
    level = serializers.IntegerField(label=_("层级（1 省级，2 地级，3 县级）"))
    level_label = serializers.CharField(source="get_level_display", label=_("层级名称"))
    parent = serializers.CharField(source="parent_id", allow_null=True, label=_("上级代码"))  # type: ignore[assignment]
    is_active = serializers.BooleanField(label=_("有效"))


class RegionListApi(APIView):
    pagination_class = ApiPagination

    class FilterSerializer(InputSerializer):
        q = serializers.CharField(required=False, allow_blank=True, label=_("名称包含"))
        parent = serializers.CharField(required=False, allow_blank=True, label=_("上级代码"))  # type: ignore[assignment]
        level = serializers.ChoiceField(choices=Region.Level.choices, required=False, label=_("层级"))
        code = serializers.RegexField(r"^\d{1,6}$", required=False, allow_blank=True, label=_("代码前缀"))
        active_only = serializers.BooleanField(required=False, default=False, label=_("只看有效"))

    @extend_schema(tags=[TAG], summary=_("行政区划列表"), parameters=[FilterSerializer],
                   responses=RegionOutput(many=True))
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        regions = selectors.region_list(**filters.validated_data)
        return paginated_response(request=request, view=self, queryset=regions, serializer_class=RegionOutput)


class RegionDetailApi(APIView):
    @extend_schema(tags=[TAG], summary=_("行政区划详情"), responses=RegionOutput)
    def get(self, request: Request, code: str) -> Response:
        return Response(RegionOutput(selectors.region_get(code=code)).data)


class WorkTypeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(label=_("工种名称"))
    code = serializers.CharField(label=_("工种编码"))


class SkillLevelOutput(serializers.Serializer):
    value = serializers.IntegerField(label=_("等级序号（0 学徒工 … 7 首席技师）"))
    name = serializers.CharField(label=_("代码名"))
    label = serializers.CharField(label=_("名称"))  # type: ignore[assignment]
    short_label = serializers.CharField(label=_("简称"))
    national_grade = serializers.IntegerField(allow_null=True, label=_("国家职业技能等级（5 五级 … 1 一级）"))
    is_high_skilled = serializers.BooleanField(label=_("属于高技能人才"))
    is_post_level = serializers.BooleanField(label=_("通过评聘取得（特级技师、首席技师）"))


def skill_level_data(level: int) -> dict[str, Any]:
    member = SkillLevel(level)
    return {
        "value": int(member),
        "name": member.name.lower(),
        "label": str(member.label),
        "short_label": short_label(member),
        "national_grade": national_grade(member),
        "is_high_skilled": is_high_skilled(member),
        "is_post_level": member in POST_LEVELS,
    }


class OccupationOutput(serializers.Serializer):
    code = serializers.CharField(label=_("职业编码"))
    name = serializers.CharField(label=_("职业名称"))
    edition = serializers.CharField(label=_("大典版本"))
    is_verified = serializers.BooleanField(label=_("编码已核实"))
    is_active = serializers.BooleanField(label=_("有效"))
    standard_title = serializers.CharField(label=_("国家职业技能标准"))
    source = serializers.CharField(label=_("来源"))  # type: ignore[assignment]
    levels = serializers.SerializerMethodField(label=_("设置的等级"))
    work_types = WorkTypeOutput(many=True, label=_("工种"))

    @extend_schema_field(SkillLevelOutput(many=True))
    def get_levels(self, occupation: Any) -> list[dict[str, Any]]:
        return [skill_level_data(level) for level in occupation.allowed_levels()]


class OccupationListApi(APIView):
    pagination_class = ApiPagination

    class FilterSerializer(InputSerializer):
        code = serializers.CharField(required=False, allow_blank=True, label=_("编码前缀（如 6-18）"))
        q = serializers.CharField(required=False, allow_blank=True, label=_("名称或工种包含"))
        verified = serializers.BooleanField(required=False, allow_null=True, default=None, label=_("编码已核实"))
        active_only = serializers.BooleanField(required=False, default=False, label=_("只看有效"))

    @extend_schema(tags=[TAG], summary=_("职业列表（含工种与等级）"), parameters=[FilterSerializer],
                   responses=OccupationOutput(many=True))
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        occupations = selectors.occupation_list(**filters.validated_data)
        return paginated_response(
            request=request, view=self, queryset=occupations, serializer_class=OccupationOutput
        )


class OccupationDetailApi(APIView):
    @extend_schema(tags=[TAG], summary=_("职业详情"), responses=OccupationOutput)
    def get(self, request: Request, code: str) -> Response:
        return Response(OccupationOutput(selectors.occupation_get(code=code)).data)


class IndustryOutput(serializers.Serializer):
    code = serializers.CharField(label=_("行业代码"))
    name = serializers.CharField(label=_("名称"))
    parent = serializers.CharField(source="parent_id", allow_null=True, label=_("上级代码"))  # type: ignore[assignment]


class IndustryListApi(APIView):
    pagination_class = ApiPagination

    class FilterSerializer(InputSerializer):
        q = serializers.CharField(required=False, allow_blank=True, label=_("名称包含"))
        parent = serializers.CharField(required=False, allow_blank=True, label=_("上级代码"))  # type: ignore[assignment]
        code = serializers.CharField(required=False, allow_blank=True, label=_("代码前缀"))

    @extend_schema(tags=[TAG], summary=_("国民经济行业分类"), parameters=[FilterSerializer],
                   responses=IndustryOutput(many=True))
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        industries = selectors.industry_list(**filters.validated_data)
        return paginated_response(request=request, view=self, queryset=industries, serializer_class=IndustryOutput)


class SkillLevelListApi(APIView):
    @extend_schema(tags=[TAG], summary=_("职业技能等级阶梯（新八级工）"), responses=SkillLevelOutput(many=True))
    def get(self, request: Request) -> Response:
        data = [skill_level_data(level) for level in SkillLevel]
        return Response(SkillLevelOutput(data, many=True).data)


urlpatterns = [
    path("regions/", RegionListApi.as_view(), name="api-region-list"),
    path("regions/<str:code>/", RegionDetailApi.as_view(), name="api-region-detail"),
    path("occupations/", OccupationListApi.as_view(), name="api-occupation-list"),
    path("occupations/<str:code>/", OccupationDetailApi.as_view(), name="api-occupation-detail"),
    path("industries/", IndustryListApi.as_view(), name="api-industry-list"),
    path("skill-levels/", SkillLevelListApi.as_view(), name="api-skill-level-list"),
]
