"""Back-office admin of the reference data: regions, occupations (with work types), industries.

Every staff user with a role may look the catalogue up; only platform administrators change
it (bulk loads go through the ``load_*`` commands and catalog.services). Single-row changes
made here are written to the audit log like every other change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.models import Industry, Occupation, Region, WorkType
from gongjiang.core import audit
from gongjiang.core.admin_base import RoleAdminMixin, audit_admin_change
from gongjiang.core.text import enumeration
from gongjiang.orgs.scope import scope_for


class CatalogAdminMixin(RoleAdminMixin):
    audit_prefix = "catalog"

    def can_view(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or bool(scope_for(request.user).roles)

    def can_add(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or scope_for(request.user).write_everything

    def can_change(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.can_add(request)

    def can_delete(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.can_add(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        name = obj._meta.model_name
        audit_admin_change(request, obj, action=f"{self.audit_prefix}.{name}.{'updated' if change else 'created'}",
                           before=before)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(f"{self.audit_prefix}.{obj._meta.model_name}.deleted", obj=obj, changes=audit.snapshot(obj),
                     actor=request.user)
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class CodeKeyedAdminMixin:
    """The code is the primary key: changing it on a saved row would create a second row."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("code",) if obj is not None else ()


@admin.register(Region)
class RegionAdmin(CodeKeyedAdminMixin, CatalogAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    ordering = ("code",)


class WorkTypeInline(admin.TabularInline):
    model = WorkType
    extra = 0
    fields = ("name", "code")

    def _platform(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or scope_for(request.user).write_everything

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._platform(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._platform(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._platform(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


@admin.register(Occupation)
class OccupationAdmin(CatalogAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "levels", "is_verified", "edition", "is_active")
    list_filter = ("is_verified", "edition", "is_active")
    search_fields = ("code", "name", "work_types__name")
    inlines = (WorkTypeInline,)
    ordering = ("code",)

    @admin.display(description=_("设置的等级"))
    def levels(self, occupation: Occupation) -> str:
        from gongjiang.catalog.levels import short_label

        return enumeration(short_label(level) for level in occupation.allowed_levels())

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        changed = [str(obj) for obj in formset.new_objects + [o for o, _f in formset.changed_objects]]
        deleted = [str(obj) for obj in formset.deleted_objects]
        if changed or deleted:
            audit.record("catalog.occupation.work_types_changed", obj=form.instance,
                         changes={"saved": changed, "deleted": deleted}, actor=request.user)


@admin.register(Industry)
class IndustryAdmin(CodeKeyedAdminMixin, CatalogAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")
    ordering = ("code",)
