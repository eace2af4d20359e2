"""Page forms for organisations. Shapes only; orgs.services decides the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.models import Industry, Region
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("单位名称、简称或统一社会信用代码"), "type": "search"}),
    )
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部类型")), *Organization.Kind.choices])
    region = forms.ModelChoiceField(
        label=_("地区"), required=False, queryset=Region.objects.none(), to_field_name="code", empty_label=_("全部地区")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_use = organization_queryset(user).exclude(region__isnull=True).values("region_id")
        self.fields["region"].queryset = Region.objects.filter(code__in=in_use).order_by("code")  # type: ignore[attr-defined]


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    short_name = forms.CharField(label=_("简称"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("类型"), choices=Organization.Kind.choices)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), required=False, max_length=30,
        help_text=_("18 位；政府部门、联盟和境外机构可不填"),
    )
    country = forms.CharField(label=_("国家/地区"), max_length=2, initial="CN", help_text=_("ISO 3166-1 二位代码，如 CN、DE"))
    foreign_registration = forms.CharField(label=_("境外注册号"), required=False, max_length=100)
    region = forms.ModelChoiceField(
        label=_("所在地区"), required=False, queryset=Region.objects.filter(is_active=True).order_by("code"),
        empty_label=_("（未填写）"),
    )
    industry = forms.ModelChoiceField(
        label=_("所属行业"), required=False, queryset=Industry.objects.order_by("code"), empty_label=_("（未填写）")
    )
    parent = forms.ModelChoiceField(
        label=_("上级单位"), required=False, queryset=Organization.objects.none(), empty_label=_("（无）")
    )
    contact_name = forms.CharField(label=_("联系人"), required=False, max_length=50)
    contact_phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)
    address = forms.CharField(label=_("地址"), required=False, max_length=200)
    is_active = forms.BooleanField(label=_("有效"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, instance: Organization | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name, "short_name": instance.short_name, "kind": instance.kind,
                    "credit_code": instance.credit_code or "", "country": instance.country,
                    "foreign_registration": instance.foreign_registration, "region": instance.region_id,
                    "industry": instance.industry_id, "parent": instance.parent_id,
                    "contact_name": instance.contact_name, "contact_phone": instance.contact_phone,
                    "address": instance.address, "is_active": instance.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        parents = organization_queryset(user).order_by("name", "id")
        if instance is not None:
            parents = parents.exclude(path__startswith=instance.path)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        if instance is None:
            del self.fields["is_active"]
