from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from gongjiang.core.models import AuditEntry, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), ("工匠", {"fields": ("display_name", "must_change_password", "password_changed_at")}))
    list_display = ("username", "display_name", "is_active", "is_staff", "last_login")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_username", "ip_address", "action", "object_type", "object_id", "outcome")
    list_filter = ("outcome", "object_type")
    search_fields = ("action", "actor_username", "object_id", "object_repr")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
