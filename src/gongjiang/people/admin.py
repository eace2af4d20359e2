"""Back-office admin of the talent registry.

Rows come from people.selectors (the user's data scope); saves go through people.services.
The ID number is typed into a form field on creation and never shown: the page shows the
masked number only, never the cipher or the keyed hash. History (employment, certificates,
honours) is shown read-only; it is changed on the platform's pages, the API or by import.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongjiang.core.admin_base import ReadOnlyInline, ServiceAdminMixin, ServiceModelForm
from gongjiang.core.rules import normalize_id_number
from gongjiang.orgs import selectors as org_selectors
from gongjiang.orgs.scope import scope_for
from gongjiang.people import selectors, services
from gongjiang.people.models import Certificate, Employment, Honor, Person

ERR_ID_NUMBER_SEARCH = _("后台搜索框的内容会出现在网址里，不能用证件号码搜索；请在人才库页面按证件号码查询。")


class PersonAddForm(ServiceModelForm):
    id_number = forms.CharField(label=_("证件号码"), max_length=40,
                                help_text=_("居民身份证号码会校验；性别和出生日期可不填，由号码推出。"))
    mobile = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    employer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("现工作单位"), queryset=None, required=False)
    post = forms.CharField(label=_("岗位/职务"), max_length=100, required=False)
    employment_start = forms.DateField(label=_("入职日期"), required=False)

    class Meta:
        model = Person
        fields = ("name", "id_type", "sex", "birth_date", "education", "residence_region", "notes")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sex"].required = False
        self.fields["birth_date"].required = False
        self.fields["employer"].queryset = org_selectors.organization_list(user=self.actor)  # type: ignore[attr-defined]

    def call_service(self, data: dict[str, Any]) -> Person:
        return services.person_create(
            actor=self.actor,
            name=data["name"],
            id_type=data["id_type"],
            id_number=data["id_number"],
            sex=data.get("sex") or None,
            birth_date=data.get("birth_date"),
            mobile=data.get("mobile", ""),
            education=data.get("education", ""),
            residence_region=data.get("residence_region"),
            employer=data.get("employer"),
            post=data.get("post", ""),
            employment_start=data.get("employment_start"),
            notes=data.get("notes", ""),
        )


class PersonChangeForm(ServiceModelForm):
    mobile = forms.CharField(label=_("新手机号码"), max_length=20, required=False,
                             help_text=_("留空则不修改。"))

    class Meta:
        model = Person
        fields = ("name", "sex", "birth_date", "education", "residence_region", "notes")

    def call_service(self, data: dict[str, Any]) -> Person:
        changes = {key: data[key] for key in services.EDITABLE_FIELDS if key in self.changed_data}
        if data.get("mobile"):
            changes["mobile"] = data["mobile"]
        if not changes:
            return self.instance
        return services.person_update(actor=self.actor, person=self.instance, **changes)


class EmploymentInline(ReadOnlyInline):
    model = Employment
    fields = ("organization", "post", "occupation", "start_date", "end_date")


class CertificateInline(ReadOnlyInline):
    model = Certificate
    fk_name = "holder"
    fields = ("kind", "number", "occupation_name", "level", "issuer_name", "issue_date", "valid_until", "status",
              "revoked_reason", "source")


class HonorInline(ReadOnlyInline):
    model = Honor
    fields = ("year", "title", "name", "level", "awarded_by")


@admin.register(Person)
class PersonAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "id_number_masked", "sex", "birth_date", "current_level", "current_employer",
                    "residence_region")
    list_filter = ("current_level", "sex", "education")
    list_select_related = ("current_employer", "residence_region")
    search_fields = ("name",)  # the search itself goes through people.selectors.person_list
    search_help_text = _("按姓名或证书编号搜索（证件号码请到人才库页面查询）")
    autocomplete_fields = ("residence_region",)
    inlines = (EmploymentInline, CertificateInline, HonorInline)
    readonly_fields = ("id_type", "id_number_masked", "mobile_masked", "current_level", "current_employer",
                       "primary_occupation", "created_at", "updated_at")
    add_fieldsets = (
        (None, {"fields": ("name", "id_type", "id_number", "sex", "birth_date", "mobile", "education",
                           "residence_region", "notes")}),
        (_("现工作单位"), {"fields": ("employer", "post", "employment_start")}),
    )
    change_fieldsets = (
        (None, {"fields": ("name", "id_type", "id_number_masked", "sex", "birth_date", "mobile_masked", "mobile",
                           "education", "residence_region", "notes")}),
        (_("由证书和工作经历推出"), {"fields": ("current_level", "primary_occupation", "current_employer")}),
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )

    # --- scope -----------------------------------------------------------------------------
    def can_view(self, request: HttpRequest) -> bool:
        return not scope_for(request.user).is_empty

    def can_add(self, request: HttpRequest) -> bool:
        return scope_for(request.user).can_write

    def can_change(self, request: HttpRequest, obj: Any = None) -> bool:
        if not scope_for(request.user).can_write:
            return False
        if obj is None:
            return True
        return selectors.person_queryset(request.user, write=True).filter(pk=obj.pk).exists()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        return selectors.person_list(user=request.user).order_by()

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Person], search_term: str) -> Any:
        term = search_term.strip()
        if not term:
            return queryset, False
        number = normalize_id_number(term)
        if len(number) >= 15 and number[:6].isdigit():
            messages.warning(request, ERR_ID_NUMBER_SEARCH)
            return queryset.none(), False
        found = selectors.person_list(user=request.user, filters=selectors.PersonFilters(q=term))
        return queryset.filter(pk__in=found.values("pk")), False

    # --- forms -----------------------------------------------------------------------------
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fieldsets
        if self.can_change(request, obj):
            return self.change_fieldsets
        # Read-only view (Django shows every listed field read-only): no form-only fields.
        return tuple(
            (name, {**options, "fields": tuple(f for f in options["fields"] if f != "mobile")})
            for name, options in self.change_fieldsets
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = PersonChangeForm if obj is not None else PersonAddForm
        return super().get_form(request, obj, change=change, **kwargs)
