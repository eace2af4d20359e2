"""Back-office admin of training: read-only, scoped lists. Changes are made on the pages, the
API or by import, where the services apply every rule and write the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gongjiang.core.admin_base import RoleAdminMixin
from gongjiang.orgs.scope import scope_for
from gongjiang.training import selectors
from gongjiang.training.models import (
    Apprenticeship,
    Enrollment,
    PointsEntry,
    SubsidyClaim,
    SubsidyPolicy,
    TrainingProgram,
)


class ScopedReadOnlyAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Anyone with a data scope may browse what the selector gives them; nobody edits here."""

    selector: Any = None

    def can_view(self, request: HttpRequest) -> bool:
        return not scope_for(request.user).is_empty

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return type(self).selector(request.user)


@admin.register(TrainingProgram)
class TrainingProgramAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.program_queryset)
    list_display = ("name", "kind", "status", "organizer", "start_date", "end_date", "capacity")
    list_filter = ("kind", "status")
    search_fields = ("name",)


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.enrollment_queryset)
    list_display = ("person", "program", "status", "hours_attended", "completed_on", "completion_certificate_number")
    list_filter = ("status",)


@admin.register(Apprenticeship)
class ApprenticeshipAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.apprenticeship_queryset)
    list_display = ("apprentice", "kind", "status", "employer", "school", "start_date", "planned_end_date")
    list_filter = ("kind", "status")


@admin.register(SubsidyPolicy)
class SubsidyPolicyAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.policy_queryset)
    list_display = ("name", "region", "year", "kind", "max_claims_per_year", "amount_cap")
    list_filter = ("year", "kind")


@admin.register(SubsidyClaim)
class SubsidyClaimAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.claim_queryset)
    list_display = ("person", "kind", "level", "claim_date", "eligible", "amount", "status")
    list_filter = ("kind", "status", "claim_year")


@admin.register(PointsEntry)
class PointsEntryAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.points_queryset)
    list_display = ("person", "kind", "points", "reason", "occurred_on")
    list_filter = ("kind",)
