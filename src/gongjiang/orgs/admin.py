"""Back-office admin of organisations and memberships.

Organisations: rows from orgs.selectors (the user's scope); saves through orgs.services.
Memberships (roles): managed by the security administrator (and the platform administrator)
through orgs.services.membership_grant / membership_revoke, which enforce 三权分立.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gongjiang.core.admin_base import ServiceAdminMixin, ServiceModelForm
from gongjiang.orgs import selectors, services
from gongjiang.orgs.models import Membership, Organization
from gongjiang.orgs.scope import organization_queryset, scope_for

Role = Membership.Role
MEMBERSHIP_ADMIN_ROLES = (Role.SECURITY_ADMIN, Role.PLATFORM_ADMIN)


class OrganizationForm(ServiceModelForm):
    class Meta:
        model = Organization
        fields = services.EDITABLE_FIELDS

    def call_service(self, data: dict[str, Any]) -> Organization:
        if self.instance.pk is None:
            values = {key: data[key] for key in services.EDITABLE_FIELDS if key in data}
            return services.organization_create(actor=self.actor, **values)
        # Only what was changed: an unchanged parent outside the user's scope (a district
        # bureau under the city bureau) must not be checked again as if newly chosen.
        values = {key: data[key] for key in services.EDITABLE_FIELDS if key in self.changed_data}
        if not values:
            return self.instance
        return services.organization_update(actor=self.actor, organization=self.instance, **values)


@admin.register(Organization)
class OrganizationAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = OrganizationForm
    list_display = ("name", "kind", "credit_code", "region", "parent", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("region", "parent")
    search_fields = ("name",)  # the search itself goes through orgs.selectors.organization_list
    search_help_text = "按名称、简称或统一社会信用代码搜索"
    autocomplete_fields = ("region", "industry", "parent")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "short_name", "kind", "credit_code", "region", "industry", "parent", "is_active")}),
        ("境外机构", {"fields": ("country", "foreign_registration"), "classes": ("collapse",)}),
        ("联系方式", {"fields": ("contact_name", "contact_phone", "address")}),
        ("记录", {"fields": ("created_at", "updated_at")}),
    )

    def can_view(self, request: HttpRequest) -> bool:
        return not scope_for(request.user).is_empty

    def can_add(self, request: HttpRequest) -> bool:
        return scope_for(request.user).can_write

    def can_change(self, request: HttpRequest, obj: Any = None) -> bool:
        if not scope_for(request.user).can_write:
            return False
        return obj is None or organization_queryset(request.user, write=True).filter(pk=obj.pk).exists()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return selectors.organization_list(user=request.user).order_by()

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Organization], search_term: str) -> Any:
        term = search_term.strip()
        if not term:
            return queryset, False
        found = selectors.organization_list(user=request.user, q=term)
        return queryset.filter(pk__in=found.values("pk")), False


class MembershipForm(ServiceModelForm):
    class Meta:
        model = Membership
        fields = ("user", "role", "organization", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "organization" in self.fields:
            # The account administrator sees no registry data but must name any organisation;
            # organisation names are not personal data.
            self.fields["organization"].queryset = Organization.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]

    def call_service(self, data: dict[str, Any]) -> Membership:
        if self.instance.pk is None:
            return services.membership_grant(
                actor=self.actor, user=data["user"], role=data["role"], organization=data.get("organization")
            )
        if "is_active" not in self.changed_data:
            return self.instance
        if data.get("is_active", True):
            return services.membership_grant(
                actor=self.actor, user=self.instance.user, role=self.instance.role,
                organization=self.instance.organization,
            )
        services.membership_revoke(actor=self.actor, membership=self.instance)
        return self.instance


@admin.register(Membership)
class MembershipAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "role", "organization", "is_active", "updated_at")
    list_filter = ("role", "is_active")
    list_select_related = ("user", "organization")
    search_fields = ("user__username", "user__display_name", "organization__name")
    raw_id_fields = ("user",)

    def _manages_roles(self, request: HttpRequest) -> bool:
        return scope_for(request.user).has_role(*MEMBERSHIP_ADMIN_ROLES)

    def can_view(self, request: HttpRequest) -> bool:
        return self._manages_roles(request)

    def can_add(self, request: HttpRequest) -> bool:
        return self._manages_roles(request)

    def can_change(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages_roles(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A role is granted or revoked, never edited into another one.
        return ("user", "role", "organization", "created_at", "updated_at") if obj is not None else ()

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "organization" in form.base_fields:
            form.base_fields["organization"].widget.can_add_related = False
        return form

