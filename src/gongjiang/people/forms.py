"""Page forms of the talent registry. They validate input shapes; the services decide the rules.

Choice lists for organisations are restricted to the user's data scope, so a form never offers
an organisation the user could not pick anyway.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.levels import SkillLevel
from gongjiang.catalog.models import Occupation, Region
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset, scope_for
from gongjiang.people.models import Certificate, Honor, Person
from gongjiang.people.selectors import AGE_BANDS, PersonFilters
from gongjiang.web.forms import PAGE_SIZES, DateInput

AGE_BAND_LABELS = {
    "under_25": _("25 岁以下"),
    "25_34": _("25–34 岁"),
    "35_44": _("35–44 岁"),
    "45_54": _("45–54 岁"),
    "55_plus": _("55 岁及以上"),
}
SORT_CHOICES = [
    ("name", _("姓名")),
    ("-level", _("等级从高到低")),
    ("level", _("等级从低到高")),
    ("age", _("年龄从小到大")),
    ("-age", _("年龄从大到小")),
    ("employer", _("工作单位")),
    ("-updated", _("最近更新")),
]


def occupation_choices() -> Any:
    return Occupation.objects.filter(is_active=True).only("code", "name").order_by("code")


def region_choices(user: Any) -> Any:
    """Regions worth filtering by: where organisations in the user's scope are, and their cities."""
    scope = scope_for(user)
    regions = Region.objects.filter(is_active=True, level__gte=Region.Level.PREFECTURE)
    if scope.everything:
        return regions.order_by("code")
    in_use = organization_queryset(user).exclude(region__isnull=True).values("region_id")
    condition = Q(code__in=in_use)
    for prefix in scope.region_prefixes:
        condition |= Q(code__startswith=prefix)
    return regions.filter(condition).order_by("code")


class OccupationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class PersonFilterForm(forms.Form):
    """The registry's search and filters (GET). Every field is optional; bad values are ignored."""

    q = forms.CharField(
        label=_("搜索"), required=False, max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("姓名或证书编号"), "type": "search", "autocomplete": "off"}),
    )
    level = forms.TypedChoiceField(
        label=_("技能等级"), required=False, coerce=int, empty_value=None,
        choices=[("", _("全部等级"))] + [(str(v), label) for v, label in SkillLevel.choices],
    )
    high_skilled = forms.ChoiceField(
        label=_("高技能人才"), required=False,
        choices=[("", _("不限")), ("yes", _("是（高级工及以上）")), ("no", _("否"))],
    )
    occupation = OccupationChoiceField(
        label=_("职业"), required=False, queryset=Occupation.objects.none(), to_field_name="code",
        empty_label=_("全部职业"),
    )
    region = forms.ModelChoiceField(
        label=_("地区"), required=False, queryset=Region.objects.none(), to_field_name="code",
        empty_label=_("全部地区"),
    )
    organization = forms.ModelChoiceField(
        label=_("工作单位"), required=False, queryset=Organization.objects.none(), empty_label=_("全部单位"),
    )
    age_band = forms.ChoiceField(
        label=_("年龄段"), required=False, choices=[("", _("不限"))] + [(k, AGE_BAND_LABELS[k]) for k in AGE_BANDS],
    )
    sex = forms.ChoiceField(label=_("性别"), required=False, choices=[("", _("不限")), *Person.Sex.choices])
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)
    size = forms.TypedChoiceField(
        label=_("每页"), required=False, coerce=int,
        empty_value=PAGE_SIZES[0],  # type: ignore[arg-type]  # the stubs say str; an int is right here
        choices=[(str(n), str(n)) for n in PAGE_SIZES],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = occupation_choices()  # type: ignore[attr-defined]
        self.fields["region"].queryset = region_choices(user)  # type: ignore[attr-defined]
        self.fields["organization"].queryset = organization_queryset(user).only("id", "name").order_by("name", "id")  # type: ignore[attr-defined]

    def to_filters(self) -> PersonFilters:
        """The valid part of the input as selector filters (invalid fields are simply dropped)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        high = data.get("high_skilled")
        level = data.get("level")
        return PersonFilters(
            q=(data.get("q") or "").strip(),
            level="" if level is None else str(level),
            occupation=data["occupation"].code if data.get("occupation") else "",
            region=data["region"].code if data.get("region") else "",
            organization=data["organization"].pk if data.get("organization") else None,
            age_band=data.get("age_band") or "",
            high_skilled=True if high == "yes" else False if high == "no" else None,
            sex=data.get("sex") or "",
        )


class IdLookupForm(forms.Form):
    """Exact look-up by ID number. Sent by POST so the number never appears in a URL or access log."""

    id_number = forms.CharField(
        label=_("证件号码"), max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("输入完整证件号码精确查找"), "autocomplete": "off"}),
    )


def _region_field(label: Any, *, required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label, required=required, queryset=Region.objects.filter(is_active=True).order_by("code"),
        empty_label=_("（未填写）"),
    )


class PersonCreateForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60, help_text=_("少数民族姓名中的间隔号写作“·”，如 阿依古丽·买买提"))
    id_type = forms.ChoiceField(label=_("证件类型"), choices=Person.IdType.choices, initial=Person.IdType.RESIDENT_ID)
    id_number = forms.CharField(
        label=_("证件号码"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("居民身份证为 18 位，末位 X 可小写；性别和出生日期将从号码自动得出"),
    )
    sex = forms.ChoiceField(
        label=_("性别"), required=False, choices=[("", _("（按证件号码）")), *Person.Sex.choices],
        help_text=_("非居民身份证必填"),
    )
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=DateInput(), help_text=_("非居民身份证必填"))
    mobile = forms.CharField(label=_("手机号码"), required=False, max_length=20)
    education = forms.ChoiceField(label=_("学历"), required=False, choices=[("", _("（未填写）")), *Person.Education.choices])
    residence_region = _region_field(_("常住地"))
    employer = forms.ModelChoiceField(label=_("工作单位"), required=False, queryset=Organization.objects.none(), empty_label=_("（暂无单位）"))
    post = forms.CharField(label=_("岗位/职务"), required=False, max_length=100)
    occupation = OccupationChoiceField(label=_("职业"), required=False, queryset=Occupation.objects.none(), empty_label=_("（未填写）"))
    employment_start = forms.DateField(label=_("入职日期"), required=False, widget=DateInput())
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = organization_queryset(user, write=True).order_by("name", "id")  # type: ignore[attr-defined]
        self.fields["occupation"].queryset = occupation_choices()  # type: ignore[attr-defined]


class PersonEditForm(forms.Form):
    """Editable facts. Sex and birth date of a resident-ID holder follow from the number and are not offered."""

    name = forms.CharField(label=_("姓名"), max_length=60)
    sex = forms.ChoiceField(label=_("性别"), choices=Person.Sex.choices)
    birth_date = forms.DateField(label=_("出生日期"), widget=DateInput())
    mobile = forms.CharField(label=_("手机号码"), required=False, max_length=20, help_text=_("留空则保持原号码不变"))
    education = forms.ChoiceField(label=_("学历"), required=False, choices=[("", _("（未填写）")), *Person.Education.choices])
    residence_region = _region_field(_("常住地"))
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "name": person.name, "sex": person.sex, "birth_date": person.birth_date,
                "education": person.education, "residence_region": person.residence_region_id, "notes": person.notes,
            },
        )
        super().__init__(*args, **kwargs)
        if person.id_type == Person.IdType.RESIDENT_ID:
            del self.fields["sex"]
            del self.fields["birth_date"]
        if person.mobile_masked:
            self.fields["mobile"].widget.attrs["placeholder"] = person.mobile_masked

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data.get("mobile"):
            data.pop("mobile", None)
        return data


class EmploymentForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("单位"), queryset=Organization.objects.none())
    post = forms.CharField(label=_("岗位/职务"), required=False, max_length=100)
    occupation = OccupationChoiceField(label=_("职业"), required=False, queryset=Occupation.objects.none(), empty_label=_("（未填写）"))
    start_date = forms.DateField(label=_("起始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=DateInput(), help_text=_("在职请留空；新的在职记录会自动结束之前的在职记录"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organization_queryset(user).order_by("name", "id")  # type: ignore[attr-defined]
        self.fields["occupation"].queryset = occupation_choices()  # type: ignore[attr-defined]


class EmploymentEndForm(forms.Form):
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput(), initial=timezone.localdate)


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_("证书类型"), choices=Certificate.Kind.choices, initial=Certificate.Kind.SKILL_LEVEL)
    number = forms.CharField(
        label=_("证书编号"), max_length=40,
        help_text=_("22 位全国统一编码（如 S000033060200253000123）、16 位旧职业资格证书编码或其他编号"),
    )
    level = forms.TypedChoiceField(
        label=_("等级"), required=False, coerce=int, empty_value=None,
        choices=[("", _("（按证书编号）"))] + [(str(v), label) for v, label in SkillLevel.choices],
    )
    occupation = OccupationChoiceField(label=_("职业"), required=False, queryset=Occupation.objects.none(), empty_label=_("（未填写）"))
    occupation_name = forms.CharField(label=_("职业（工种）名称"), required=False, max_length=100, help_text=_("目录中没有的职业或工种可直接填写"))
    issuer = forms.ModelChoiceField(label=_("发证机构"), required=False, queryset=Organization.objects.none(), empty_label=_("（其他机构，填写名称）"))
    issuer_name = forms.CharField(label=_("发证机构名称"), required=False, max_length=200)
    issue_date = forms.DateField(label=_("发证日期"), widget=DateInput())
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = occupation_choices()  # type: ignore[attr-defined]
        self.fields["issuer"].queryset = organization_queryset(user).order_by("name", "id")  # type: ignore[attr-defined]


class CertificateRevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class HonorForm(forms.Form):
    title = forms.ChoiceField(label=_("荣誉类别"), choices=Honor.Title.choices)
    name = forms.CharField(label=_("荣誉名称"), required=False, max_length=100, help_text=_("如：绍兴工匠、浙江省技术能手；留空则用类别名称"))
    level = forms.ChoiceField(label=_("级别"), choices=Honor.Level.choices)
    year = forms.IntegerField(label=_("年度"), min_value=1950, max_value=2100)
    awarded_by = forms.CharField(label=_("授予单位"), required=False, max_length=200)
