"""Page forms of international cooperation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.models import Occupation
from gongjiang.international.models import (
    Agreement,
    AllianceMember,
    ExchangeEvent,
    JointProject,
    PartnerProfile,
    Recognition,
)
from gongjiang.orgs.models import Organization
from gongjiang.training.forms import (
    LEVEL_CHOICES,
    FilterForm,
    PersonField,
    UserForm,
    writable_organizations,
    year_filter,
)
from gongjiang.web.forms import DateInput, model_choice_field


def _all_orgs() -> QuerySet[Organization]:
    return Organization.objects.filter(is_active=True).order_by("kind", "name")


def _set_choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Give the model choice field ``name`` of ``form`` its choices."""
    model_choice_field(form, name).queryset = queryset


class ManagedForm(UserForm):
    managed_by = forms.ModelChoiceField(label=_("管理单位"), queryset=Organization.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "managed_by", writable_organizations(self.user))


class PartnerForm(ManagedForm):
    name = forms.CharField(label=_("中文名称"), max_length=200)
    name_original = forms.CharField(label=_("外文名称"), required=False, max_length=200)
    country = forms.CharField(label=_("国家/地区代码"), max_length=2, help_text=_("ISO 两位代码，如 DE、SG、RU"))
    partner_kind = forms.ChoiceField(label=_("机构类型"), choices=PartnerProfile.PartnerKind.choices)
    city = forms.CharField(label=_("所在城市"), required=False, max_length=100)
    website = forms.URLField(label=_("网址"), required=False, assume_scheme="https")
    fields_of_cooperation = forms.CharField(label=_("合作领域"), required=False, max_length=300)
    since = forms.DateField(label=_("建立合作日期"), required=False, widget=DateInput())


class AgreementForm(ManagedForm):
    title = forms.CharField(label=_("协议名称"), max_length=200)
    kind = forms.ChoiceField(label=_("协议类型"), choices=Agreement.Kind.choices)
    parties = forms.ModelMultipleChoiceField(label=_("签约方"), queryset=Organization.objects.none(),
                                             help_text=_("至少两方；可多选"))
    signed_date = forms.DateField(label=_("签订日期"), required=False, widget=DateInput())
    term_months = forms.IntegerField(label=_("期限（月）"), required=False, min_value=1, max_value=240)
    summary = forms.CharField(label=_("主要内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "parties", _all_orgs())


class DocumentForm(forms.Form):
    document = forms.FileField(label=_("协议文本（PDF 等）"))


class ApproveForm(forms.Form):
    party = forms.IntegerField(widget=forms.HiddenInput)
    content_hash = forms.CharField(label=_("确认的版本哈希"), max_length=64)
    evidence = forms.CharField(label=_("确认依据（代境外方登记时必填）"), required=False, max_length=300)


class TerminateForm(forms.Form):
    on = forms.DateField(label=_("终止日期"), widget=DateInput())
    reason = forms.CharField(label=_("终止原因"), max_length=300)


class AllianceForm(UserForm):
    name = forms.CharField(label=_("联盟名称"), max_length=200)
    founded_on = forms.DateField(label=_("成立日期"), widget=DateInput())
    guided_by = forms.ModelChoiceField(label=_("指导单位"), queryset=Organization.objects.none())
    description = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "guided_by", writable_organizations(self.user))


class MemberForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("成员单位"), queryset=Organization.objects.none())
    role = forms.ChoiceField(label=_("成员类型"), choices=AllianceMember.Role.choices)
    joined_on = forms.DateField(label=_("加入日期"), widget=DateInput())
    certificate_number = forms.CharField(label=_("成员证书编号（不填自动编号）"), required=False, max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "organization", _all_orgs())


class ProjectForm(ManagedForm):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    partners = forms.ModelMultipleChoiceField(
        label=_("合作机构"), queryset=Organization.objects.filter(kind=Organization.Kind.FOREIGN_PARTNER))
    occupation_name = forms.CharField(label=_("职业/专业方向"), required=False, max_length=100)
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("状态"), choices=JointProject.Status.choices, initial=JointProject.Status.ACTIVE)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MentorForm(ManagedForm):
    name = forms.CharField(label=_("姓名"), max_length=100)
    country = forms.CharField(label=_("国家代码"), max_length=2)
    organization = forms.ModelChoiceField(
        label=_("所在机构"), required=False,
        queryset=Organization.objects.filter(kind=Organization.Kind.FOREIGN_PARTNER).order_by("name"))
    expertise = forms.CharField(label=_("专长领域"), max_length=200)
    title = forms.CharField(label=_("职务/资格"), required=False, max_length=200)
    introduced_on = forms.DateField(label=_("引进日期"), widget=DateInput())


class EngagementForm(forms.Form):
    description = forms.CharField(label=_("工作内容"), max_length=300)
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())
    program = forms.IntegerField(label=_("培训项目编号"), required=False, min_value=1)
    joint_project = forms.ModelChoiceField(label=_("联合培养项目"), required=False, queryset=JointProject.objects.none())
    hours = forms.DecimalField(label=_("学时"), required=False, min_value=0, decimal_places=1)

    def __init__(self, *args: Any, projects: QuerySet[JointProject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "joint_project", projects)


class EventForm(ManagedForm):
    name = forms.CharField(label=_("活动名称"), max_length=200)
    kind = forms.ChoiceField(label=_("活动类型"), choices=ExchangeEvent.Kind.choices)
    held_on = forms.DateField(label=_("举办日期"), widget=DateInput())
    country = forms.CharField(label=_("举办国家/地区"), max_length=2, initial="CN")
    location = forms.CharField(label=_("地点"), required=False, max_length=200)
    participant_count = forms.IntegerField(label=_("参与人数"), required=False, min_value=0)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecognitionForm(UserForm):
    qualification = forms.CharField(label=_("资格名称"), max_length=200)
    qualification_original = forms.CharField(label=_("外文名称"), required=False, max_length=200)
    awarding_body = forms.CharField(label=_("颁发机构"), max_length=200)
    country = forms.CharField(label=_("国家/地区代码"), max_length=2)
    category = forms.ChoiceField(label=_("类别"), choices=Recognition.Category.choices)
    occupation = forms.ModelChoiceField(label=_("对应职业"), required=False,
                                        queryset=Occupation.objects.filter(is_active=True))
    decided_by = forms.ModelChoiceField(label=_("认定单位"), queryset=Organization.objects.none())
    decision = forms.ChoiceField(label=_("认定结果"), choices=Recognition.Decision.choices)
    decision_date = forms.DateField(label=_("决定日期"), required=False, widget=DateInput())
    domestic_level = forms.TypedChoiceField(label=_("比照职业技能等级"), choices=LEVEL_CHOICES, required=False,
                                            coerce=int, empty_value=None)
    domestic_title = forms.CharField(label=_("比照职称"), required=False, max_length=100)
    batch = forms.CharField(label=_("发布批次"), required=False, max_length=60)
    document_number = forms.CharField(label=_("文件编号"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "decided_by", writable_organizations(self.user))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("认定结果"), choices=Recognition.Decision.choices)
    decision_date = forms.DateField(label=_("决定日期"), widget=DateInput())
    domestic_level = forms.TypedChoiceField(label=_("比照职业技能等级"), choices=LEVEL_CHOICES, required=False,
                                            coerce=int, empty_value=None)
    domestic_title = forms.CharField(label=_("比照职称"), required=False, max_length=100)
    document_number = forms.CharField(label=_("文件编号"), required=False, max_length=100)


class ForeignCertificateForm(UserForm):
    person_fields = ("holder",)
    person_write = True
    holder = PersonField(label=_("持证人"))
    number = forms.CharField(label=_("证书编号"), max_length=40)
    issue_date = forms.DateField(label=_("发证日期"), widget=DateInput())
    recognition = forms.ModelChoiceField(label=_("认可依据"), required=False,
                                         queryset=Recognition.objects.filter(decision__in=["recognised", "mapped"]))
    qualification = forms.CharField(label=_("资格名称（无认可依据时填写）"), required=False, max_length=200)
    awarding_body = forms.CharField(label=_("颁发机构"), required=False, max_length=200)
    country = forms.CharField(label=_("国家/地区代码"), required=False, max_length=2)
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DateInput())




# --- list filters -------------------------------------------------------------------------------
def _any(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("全部")), *choices]


class PartnerFilterForm(FilterForm):
    q = forms.CharField(label=_("名称"), required=False, max_length=60)
    partner_kind = forms.ChoiceField(label=_("机构类型"), required=False, choices=_any(PartnerProfile.PartnerKind.choices))


class AgreementFilterForm(FilterForm):
    q = forms.CharField(label=_("协议名称"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("协议类型"), required=False, choices=_any(Agreement.Kind.choices))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_any(Agreement.Status.choices))


class ProjectFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=_any(JointProject.Status.choices))


class EventFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("活动类型"), required=False, choices=_any(ExchangeEvent.Kind.choices))
    year = year_filter()


class RecognitionFilterForm(FilterForm):
    q = forms.CharField(label=_("资格名称或颁证机构"), required=False, max_length=60)
    category = forms.ChoiceField(label=_("类别"), required=False, choices=_any(Recognition.Category.choices))
    decision = forms.ChoiceField(label=_("认定结果"), required=False, choices=_any(Recognition.Decision.choices))
    batch = forms.CharField(label=_("发布批次"), required=False, max_length=60)
