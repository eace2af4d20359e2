"""Response shapes shared by several registry use cases, and the reference fields of requests.

A person is always shown with ``id_number_masked``; the cipher and the keyed hash never leave
the server. The full number is only returned by the audited reveal endpoint.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gongjiang.catalog import selectors as catalog_selectors
from gongjiang.core.api_base import (
    CodeReferenceField,
    IdReferenceField,
    OccupationReference,
    OrganizationReference,
    RegionReference,
)
from gongjiang.core.rules import age_on
from gongjiang.orgs import selectors as org_selectors


def region_field(**kwargs: Any) -> CodeReferenceField:
    return CodeReferenceField(
        lookup=lambda request, value: catalog_selectors.region_get(code=value), scoped=False, **kwargs
    )


def occupation_field(**kwargs: Any) -> CodeReferenceField:
    return CodeReferenceField(
        lookup=lambda request, value: catalog_selectors.occupation_get(code=value), scoped=False, **kwargs
    )


def work_type_field(**kwargs: Any) -> IdReferenceField:
    return IdReferenceField(
        lookup=lambda request, value: catalog_selectors.work_type_get(pk=value), scoped=False, **kwargs
    )


def organization_field(**kwargs: Any) -> IdReferenceField:
    """An organisation the requesting user can see (otherwise: not found or out of scope)."""
    return IdReferenceField(
        lookup=lambda request, value: org_selectors.organization_get_for_user(user=request.user, pk=value),
        **kwargs,
    )


class WorkTypeReference(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(label=_("工种名称"))


class EmploymentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organization = OrganizationReference(label=_("单位"))
    post = serializers.CharField(label=_("岗位/职务"))
    occupation = OccupationReference(allow_null=True, label=_("职业"))
    start_date = serializers.DateField(label=_("起始日期"))
    end_date = serializers.DateField(allow_null=True, label=_("结束日期"))
    is_current = serializers.SerializerMethodField(label=_("现职"))

    def get_is_current(self, employment: Any) -> bool:
        return employment.end_date is None


class CertificateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(label=_("证书类型"))
    kind_label = serializers.CharField(source="get_kind_display", label=_("证书类型名称"))
    number = serializers.CharField(label=_("证书编号"))
    scheme = serializers.CharField(label=_("编码规则"))
    occupation = OccupationReference(allow_null=True, label=_("职业"))
    occupation_name = serializers.CharField(label=_("职业（工种）名称"))
    work_type = WorkTypeReference(allow_null=True, label=_("工种"))
    level = serializers.IntegerField(allow_null=True, label=_("等级"))
    level_label = serializers.CharField(source="get_level_display", allow_null=True, label=_("等级名称"))
    issuer = OrganizationReference(allow_null=True, label=_("发证机构"))
    issuer_name = serializers.CharField(label=_("发证机构名称"))
    issue_date = serializers.DateField(label=_("发证日期"))
    valid_until = serializers.DateField(allow_null=True, label=_("有效期至"))
    status = serializers.CharField(label=_("状态"))
    status_label = serializers.CharField(source="get_status_display", label=_("状态名称"))
    revoked_reason = serializers.CharField(label=_("撤销原因"))
    revoked_at = serializers.DateTimeField(allow_null=True, label=_("撤销时间"))
    source = serializers.CharField(label=_("来源"))  # type: ignore[assignment]
    source_label = serializers.CharField(source="get_source_display", label=_("来源名称"))


class HonorOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(label=_("荣誉类别"))
    title_label = serializers.CharField(source="get_title_display", label=_("荣誉类别名称"))
    name = serializers.CharField(label=_("荣誉名称"))
    level = serializers.CharField(label=_("级别"))
    level_label = serializers.CharField(source="get_level_display", label=_("级别名称"))
    year = serializers.IntegerField(label=_("年度"))
    awarded_by = serializers.CharField(label=_("授予单位"))


class PersonOutput(serializers.Serializer):
    """A row of the registry: what every list shows."""

    id = serializers.IntegerField()
    name = serializers.CharField(label=_("姓名"))
    id_type = serializers.CharField(label=_("证件类型"))
    id_type_label = serializers.CharField(source="get_id_type_display", label=_("证件类型名称"))
    id_number_masked = serializers.CharField(label=_("证件号码（脱敏）"))
    sex = serializers.CharField(label=_("性别"))
    sex_label = serializers.CharField(source="get_sex_display", label=_("性别名称"))
    birth_date = serializers.DateField(label=_("出生日期"))
    age = serializers.SerializerMethodField(label=_("年龄"))
    education = serializers.CharField(label=_("学历"))
    education_label = serializers.CharField(source="get_education_display", label=_("学历名称"))
    residence_region = RegionReference(allow_null=True, label=_("常住地"))
    current_employer = OrganizationReference(allow_null=True, label=_("现工作单位"))
    current_level = serializers.IntegerField(allow_null=True, label=_("当前技能等级"))
    current_level_label = serializers.CharField(
        source="get_current_level_display", allow_null=True, label=_("当前技能等级名称")
    )
    is_high_skilled = serializers.BooleanField(label=_("高技能人才"))
    primary_occupation = OccupationReference(allow_null=True, label=_("主要职业"))

    def get_age(self, person: Any) -> int:
        return age_on(person.birth_date, timezone.localdate())


class PersonDetailOutput(PersonOutput):
    """The profile: the row plus contact, notes and the whole history."""

    mobile_masked = serializers.CharField(label=_("手机号码（脱敏）"))
    notes = serializers.CharField(label=_("备注"))
    has_login = serializers.SerializerMethodField(label=_("已关联登录账号"))
    created_at = serializers.DateTimeField(label=_("创建时间"))
    updated_at = serializers.DateTimeField(label=_("更新时间"))
    # The lists ``people.selectors.person_profile`` fetched, attached by person_detail_data.
    employments = EmploymentOutput(many=True, source="api_employments", label=_("工作经历"))
    certificates = CertificateOutput(many=True, source="api_certificates", label=_("证书"))
    honors = HonorOutput(many=True, source="api_honors", label=_("荣誉"))

    def get_has_login(self, person: Any) -> bool:
        return person.user_id is not None


def person_detail_data(profile: dict[str, Any]) -> dict[str, Any]:
    """Render ``people.selectors.person_profile`` output (person + lists, fetched once)."""
    person = profile["person"]
    person.api_employments = profile["employments"]
    person.api_certificates = profile["certificates"]
    person.api_honors = profile["honors"]
    return PersonDetailOutput(person).data

