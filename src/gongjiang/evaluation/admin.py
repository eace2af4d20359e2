"""Back-office admin of skill evaluation.

Eligibility rule sets (申报条件) are configured here — they are data per occupation standard —
by platform and city administrators, saved through ``rule_set_save`` (checked and audited).
Bodies, batches and applications are shown read-only inside the user's data scope; they are
run on the platform's pages and API, where every step is checked.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gongjiang.core.admin_base import RoleAdminMixin, ServiceAdminMixin, ServiceModelForm
from gongjiang.evaluation import selectors
from gongjiang.evaluation.models import (
    Application,
    EligibilityRuleSet,
    EvaluationBatch,
    EvaluationBody,
)
from gongjiang.evaluation.services.rule_sets import FIELDS, can_edit_rule_sets, rule_set_save


class RuleSetForm(ServiceModelForm):
    class Meta:
        model = EligibilityRuleSet
        fields = FIELDS

    def call_service(self, data: dict[str, Any]) -> EligibilityRuleSet:
        return rule_set_save(actor=self.actor, rule_set=self.instance if self.instance.pk else None, **data)


@admin.register(EligibilityRuleSet)
class EligibilityRuleSetAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = RuleSetForm
    list_display = ("name", "template", "occupation", "standard_title", "pass_mark", "is_active")
    list_filter = ("template", "is_active")
    search_fields = ("name", "standard_title", "occupation__name", "occupation__code")

    def can_view(self, request: HttpRequest) -> bool:
        return request.user.is_authenticated

    def can_add(self, request: HttpRequest) -> bool:
        return can_edit_rule_sets(request.user)

    def can_change(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_edit_rule_sets(request.user)


class ScopedReadOnlyAdmin(RoleAdminMixin, admin.ModelAdmin):
    def can_view(self, request: HttpRequest) -> bool:
        return request.user.is_authenticated


@admin.register(EvaluationBody)
class EvaluationBodyAdmin(ScopedReadOnlyAdmin):
    list_display = ("filed_name", "category", "filing_number", "number_prefix", "valid_until", "status")
    list_filter = ("category", "status")

    def get_queryset(self, request: HttpRequest) -> QuerySet[EvaluationBody]:
        return selectors.body_queryset(request.user)


@admin.register(EvaluationBatch)
class EvaluationBatchAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "body", "occupation", "status", "applications_open", "applications_close")
    list_filter = ("status",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[EvaluationBatch]:
        return selectors.batch_queryset(request.user).select_related("body", "occupation")


@admin.register(Application)
class ApplicationAdmin(ScopedReadOnlyAdmin):
    list_display = ("person", "batch", "grade", "route", "status", "result", "is_exception")
    list_filter = ("status", "result", "route")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        return selectors.application_queryset(request.user).select_related("person", "batch")
