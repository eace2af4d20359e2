"""Reference fields and response shapes shared by the training API views."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from gongjiang.catalog import selectors as catalog_selectors
from gongjiang.core.api_base import (
    CodeReferenceField,
    IdReferenceField,
    OccupationReference,
    OrganizationReference,
    RegionReference,
)
from gongjiang.orgs import selectors as org_selectors
from gongjiang.people import selectors as people_selectors
from gongjiang.training import selectors
from gongjiang.training.models import (
    Apprenticeship,
    ApprenticeshipStatusChange,
    Enrollment,
    MentorAllowance,
    Nomination,
    PointsEntry,
    ProgressReview,
    SubsidyClaim,
    SubsidyPolicy,
    TrainingProgram,
    TrainingSession,
)

ERRORS = {
    400: OpenApiResponse(description=_("输入有误：按字段列出的中文错误信息")),
    403: OpenApiResponse(description=_("无权执行此操作（角色或数据范围）")),
    404: OpenApiResponse(description=_("对象不存在，或不在您的数据范围内")),
}


def organization_field(**kwargs: Any) -> IdReferenceField:
    return IdReferenceField(
        lookup=lambda request, value: org_selectors.organization_get_for_user(user=request.user, pk=value), **kwargs
    )


def any_organization_field(**kwargs: Any) -> IdReferenceField:
    """Any registered organisation (partners abroad, providers elsewhere), not only those in scope."""
    from django.http import Http404

    from gongjiang.orgs.models import Organization

    def lookup(request: Any, value: Any) -> Any:
        try:
            return Organization.objects.get(pk=value)
        except Organization.DoesNotExist:
            raise Http404 from None

    return IdReferenceField(lookup=lookup, scoped=False, **kwargs)


def region_field(**kwargs: Any) -> CodeReferenceField:
    return CodeReferenceField(lookup=lambda request, value: catalog_selectors.region_get(code=value), scoped=False,
                              **kwargs)


def occupation_field(**kwargs: Any) -> CodeReferenceField:
    return CodeReferenceField(lookup=lambda request, value: catalog_selectors.occupation_get(code=value),
                              scoped=False, **kwargs)


def person_field(**kwargs: Any) -> IdReferenceField:
    return IdReferenceField(
        lookup=lambda request, value: people_selectors.person_get_for_user(user=request.user, pk=value), **kwargs
    )


def policy_field(**kwargs: Any) -> IdReferenceField:
    return IdReferenceField(
        lookup=lambda request, value: selectors.policy_get_for_user(user=request.user, pk=value), scoped=False,
        **kwargs,
    )


def program_field(**kwargs: Any) -> IdReferenceField:
    return IdReferenceField(
        lookup=lambda request, value: selectors.program_get_for_user(user=request.user, pk=value), **kwargs
    )


def apprenticeship_field(**kwargs: Any) -> IdReferenceField:
    return IdReferenceField(
        lookup=lambda request, value: selectors.apprenticeship_get_for_user(user=request.user, pk=value), **kwargs
    )


def enrollment_field(**kwargs: Any) -> IdReferenceField:
    return IdReferenceField(
        lookup=lambda request, value: selectors.enrollment_get_for_user(user=request.user, pk=value), **kwargs
    )


class TrainingPersonReference(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(label=_("姓名"))
    id_number_masked = serializers.CharField(label=_("证件号码（脱敏）"))


class TrainingProgramOutput(serializers.ModelSerializer):
    organizer = OrganizationReference(label=_("主办单位"))
    provider = OrganizationReference(allow_null=True, label=_("承办/培训机构"))
    host_partner = OrganizationReference(allow_null=True, label=_("境外接待机构"))
    region = RegionReference(label=_("所属地区"))
    occupation = OccupationReference(allow_null=True, label=_("职业"))
    partners = OrganizationReference(many=True, label=_("合作单位"))
    kind_label = serializers.CharField(source="get_kind_display", label=_("项目类型"))
    status_label = serializers.CharField(source="get_status_display", label=_("状态"))

    class Meta:
        model = TrainingProgram
        fields = [
            "id", "name", "kind", "kind_label", "status", "status_label", "organizer", "provider", "partners",
            "region", "occupation", "occupation_name", "target_level", "destination_country", "host_partner",
            "days", "start_date", "end_date", "nomination_deadline", "capacity", "hours", "cost_per_person",
            "funding_source", "subsidy_policy", "selection_criteria", "min_attendance_rate", "assessment_required",
            "awards_international_certificate", "certificate_title", "certificate_awarding_body",
            "leads_to_evaluation", "points_per_hour", "max_hours_points", "completion_points", "certificate_points",
            "description",
        ]


class TrainingSessionOutput(serializers.ModelSerializer):
    class Meta:
        model = TrainingSession
        fields = ["id", "program", "sequence", "title", "date", "start_time", "end_time", "hours", "location",
                  "teacher"]


class TrainingNominationOutput(serializers.ModelSerializer):
    person = TrainingPersonReference(label=_("人员"))
    employer = OrganizationReference(allow_null=True, label=_("推荐单位"))
    status_label = serializers.CharField(source="get_status_display", label=_("状态"))

    class Meta:
        model = Nomination
        fields = ["id", "program", "person", "employer", "channel", "status", "status_label", "reason", "score",
                  "decision_note", "decided_at"]


class TrainingEnrollmentOutput(serializers.ModelSerializer):
    person = TrainingPersonReference(label=_("学员"))
    employer = OrganizationReference(allow_null=True, label=_("所在单位"))
    status_label = serializers.CharField(source="get_status_display", label=_("状态"))
    completion_verification_code = serializers.CharField(source="completion_credential.code", allow_null=True,
                                                         default=None, label=_("结业证书核验码"))

    class Meta:
        model = Enrollment
        fields = ["id", "program", "person", "employer", "status", "status_label", "enrolled_on", "completed_on",
                  "dropped_on", "dropout_reason", "assessment_score", "assessment_passed", "assessment_note",
                  "hours_attended", "international_certificate", "completion_certificate_number",
                  "completion_verification_code", "evaluation_application_id"]


class TrainingPointsEntryOutput(serializers.ModelSerializer):
    class Meta:
        model = PointsEntry
        fields = ["id", "person", "organization", "program", "enrollment", "kind", "points", "reason",
                  "occurred_on"]


class ApprenticeshipStatusChangeOutput(serializers.ModelSerializer):
    class Meta:
        model = ApprenticeshipStatusChange
        fields = ["from_status", "to_status", "changed_on", "reason"]


class ProgressReviewOutput(serializers.ModelSerializer):
    is_fully_signed = serializers.BooleanField(label=_("双导师均已签字"))

    class Meta:
        model = ProgressReview
        fields = ["id", "apprenticeship", "period_label", "review_date", "progress_percent", "summary",
                  "enterprise_signed_at", "school_signed_at", "is_fully_signed"]


class MentorAllowanceOutput(serializers.ModelSerializer):
    mentor = TrainingPersonReference(label=_("导师"))

    class Meta:
        model = MentorAllowance
        fields = ["id", "apprenticeship", "mentor", "period_start", "period_end", "amount", "paid_on", "note"]


class ApprenticeshipOutput(serializers.ModelSerializer):
    apprentice = TrainingPersonReference(label=_("学徒"))
    employer = OrganizationReference(label=_("用人企业"))
    school = OrganizationReference(label=_("院校/培训机构"))
    enterprise_mentor = TrainingPersonReference(label=_("企业导师"))
    school_mentor = TrainingPersonReference(label=_("院校导师"))
    occupation = OccupationReference(allow_null=True, label=_("职业"))
    kind_label = serializers.CharField(source="get_kind_display", label=_("学徒类型"))
    status_label = serializers.CharField(source="get_status_display", label=_("状态"))

    class Meta:
        model = Apprenticeship
        fields = ["id", "kind", "kind_label", "status", "status_label", "status_changed_on", "apprentice",
                  "employer", "school", "enterprise_mentor", "school_mentor", "program", "occupation",
                  "occupation_name", "target_level", "start_date", "planned_end_date", "extension_reason",
                  "contract_start", "contract_end", "agreement_number", "notes"]


class ApprenticeshipDetailOutput(ApprenticeshipOutput):
    status_changes = ApprenticeshipStatusChangeOutput(many=True, label=_("状态变更"))
    reviews = ProgressReviewOutput(many=True, label=_("培养进度考核"))
    mentor_allowances = MentorAllowanceOutput(many=True, label=_("导师带徒津贴"))

    class Meta(ApprenticeshipOutput.Meta):
        fields = [*ApprenticeshipOutput.Meta.fields, "status_changes", "reviews", "mentor_allowances"]


class SubsidyPolicyOutput(serializers.ModelSerializer):
    region = RegionReference(label=_("地区"))

    class Meta:
        model = SubsidyPolicy
        fields = ["id", "region", "year", "kind", "name", "document_number", "amounts_by_level", "per_person_year",
                  "amount_cap", "shortage_uplift_percent", "max_claims_per_year", "min_insured_months",
                  "claim_window_months", "exclusive_with", "valid_from", "valid_until", "notes", "is_active"]


class SubsidyClaimOutput(serializers.ModelSerializer):
    person = TrainingPersonReference(label=_("申领人"))
    employer = OrganizationReference(allow_null=True, label=_("所在单位"))
    status_label = serializers.CharField(source="get_status_display", label=_("状态"))

    class Meta:
        model = SubsidyClaim
        fields = ["id", "policy", "kind", "person", "employer", "enrollment", "apprenticeship", "certificate",
                  "occupation_code", "occupation_name", "level", "claim_date", "certificate_date", "insured_months",
                  "is_shortage_occupation", "months_covered", "contract_months", "eligible", "amount",
                  "explanation", "status", "status_label", "paid_on", "note"]


class SubsidyAssessmentOutput(serializers.Serializer):
    eligible = serializers.BooleanField(label=_("符合条件"))
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, label=_("核定金额"))
    checks = serializers.ListField(child=serializers.DictField(), label=_("逐项核查"))
    derivation = serializers.ListField(child=serializers.CharField(), label=_("金额计算"))
