"""Page forms of training, apprenticeships and subsidies. They validate shapes only; the rules
live in the services, whose errors the views put back onto these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.levels import SkillLevel
from gongjiang.catalog.models import Occupation, Region
from gongjiang.core.rules import normalize_id_number
from gongjiang.core.text import enumeration
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset
from gongjiang.people.models import Person
from gongjiang.training.models import (
    Apprenticeship,
    Attendance,
    SubsidyClaim,
    SubsidyPolicy,
    TrainingProgram,
)
from gongjiang.web.forms import DateInput, model_choice_field

ERR_PERSON_NOT_FOUND = _("没有找到该人员，或该人员不在您的管理范围内。请填写人员编号或完整证件号码。")
LEVEL_CHOICES = [("", "—"), *SkillLevel.choices]
# A list filter's refusals say what was received and what is accepted; the listing helpers
# (gongjiang.web.listing.form_filter_errors) put the filter's name in front.
ERR_FILTER_CHOICE = _("“%(value)s”不是可选的值，可选：{accepted}。")
ERR_FILTER_NUMBER = _("应为 {min}–{max} 之间的整数，收到“%(value)s”。")
ERR_FILTER_ID = _("应为编号（正整数），收到“%(value)s”。")


class FilterIntegerField(forms.IntegerField):
    """An integer filter whose refusal of a non-number names the value received."""

    def to_python(self, value: Any) -> int | None:
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid",
                                  params={"value": str(value)[:40]}) from None


class FilterForm(forms.Form):
    """The filter form of a list page. Its refusals name the value and what is accepted (the
    choices, or the range of a number), so the page and the refused export can say so."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                # The field has normalised its choices into a list or a lazy iterator of pairs;
                # django-stubs types the getter with everything the setter accepts.
                choices = field.choices
                assert isinstance(choices, (list, BaseChoiceIterator))
                accepted = enumeration(f"{value}（{label}）" for value, label in choices if value != "")
                field.error_messages["invalid_choice"] = str(ERR_FILTER_CHOICE).format(
                    accepted=accepted.replace("%", "%%"))
            elif isinstance(field, FilterIntegerField):
                if field.max_value is None:
                    message = str(ERR_FILTER_ID)
                else:
                    message = str(ERR_FILTER_NUMBER).format(min=field.min_value, max=field.max_value)
                for code in ("invalid", "min_value", "max_value"):
                    field.error_messages[code] = message


def resolve_person(user: Any, text: str, *, write: bool = False) -> Person | None:
    """A person in the user's scope, by registry number or full ID number."""
    from gongjiang.people.selectors import person_queryset
    from gongjiang.people.services import lookup_hashes

    value = (text or "").strip()
    if not value:
        return None
    queryset = person_queryset(user, write=write)
    if value.isdigit() and len(value) < 15:
        return queryset.filter(pk=int(value)).first()
    number = normalize_id_number(value)
    return queryset.filter(id_number_hash__in=lookup_hashes(number)).first()


class PersonField(forms.CharField):
    """A person typed as registry number or ID number; resolved in the form's ``clean_<name>``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("人员编号，或完整证件号码（不会出现在网址中）"))
        super().__init__(**kwargs)


class UserForm(forms.Form):
    """A form that knows who is filling it in (for scoped choices and person lookups)."""

    person_fields: tuple[str, ...] = ()
    person_write = False

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.person_fields:
            text = self.data.get(self.add_prefix(name), "")
            if name in self.errors or not text:
                continue
            person = resolve_person(self.user, text, write=self.person_write)
            if person is None:
                self.add_error(name, ERR_PERSON_NOT_FOUND)
            else:
                cleaned[name] = person
        return cleaned


def writable_organizations(user: Any) -> QuerySet[Organization]:
    return organization_queryset(user, write=True).order_by("name")


class ProgramForm(UserForm):
    name = forms.CharField(label=_("项目名称"), max_length=200)
    kind = forms.ChoiceField(label=_("项目类型"), choices=TrainingProgram.Kind.choices)
    organizer = forms.ModelChoiceField(label=_("主办单位"), queryset=Organization.objects.none())
    provider = forms.ModelChoiceField(label=_("承办/培训机构"), required=False, queryset=Organization.objects.none())
    partners = forms.ModelMultipleChoiceField(label=_("合作单位"), required=False,
                                              queryset=Organization.objects.none())
    occupation = forms.ModelChoiceField(label=_("职业"), required=False,
                                        queryset=Occupation.objects.filter(is_active=True))
    occupation_name = forms.CharField(label=_("职业（工种）/专业方向"), required=False, max_length=100)
    target_level = forms.TypedChoiceField(label=_("目标等级"), choices=LEVEL_CHOICES, required=False, coerce=int,
                                          empty_value=None)
    destination_country = forms.CharField(label=_("研修目的国（境外研修）"), required=False, max_length=2,
                                          help_text=_("ISO 两位代码，如 DE 德国、SG 新加坡"))
    host_partner = forms.ModelChoiceField(label=_("境外接待机构"), required=False,
                                          queryset=Organization.objects.filter(kind=Organization.Kind.FOREIGN_PARTNER))
    days = forms.IntegerField(label=_("天数"), required=False, min_value=1)
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput())
    nomination_deadline = forms.DateField(label=_("推荐截止日期"), required=False, widget=DateInput())
    capacity = forms.IntegerField(label=_("名额"), required=False, min_value=0)
    hours = forms.DecimalField(label=_("总学时"), required=False, min_value=0, decimal_places=1)
    cost_per_person = forms.DecimalField(label=_("人均费用（元）"), required=False, min_value=0, decimal_places=2)
    funding_source = forms.ChoiceField(label=_("经费来源"), choices=TrainingProgram.FundingSource.choices)
    subsidy_policy = forms.ModelChoiceField(label=_("适用补贴政策"), required=False,
                                            queryset=SubsidyPolicy.objects.filter(is_active=True))
    selection_criteria = forms.CharField(label=_("遴选条件"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    min_attendance_rate = forms.IntegerField(label=_("结业最低出勤率（%）"), initial=80, min_value=0, max_value=100)
    assessment_required = forms.BooleanField(label=_("结业须考核"), required=False, initial=True)
    awards_international_certificate = forms.BooleanField(label=_("颁发国际证书"), required=False)
    certificate_title = forms.CharField(label=_("国际证书名称"), required=False, max_length=200)
    certificate_awarding_body = forms.CharField(label=_("国际证书颁发机构"), required=False, max_length=200)
    leads_to_evaluation = forms.BooleanField(label=_("结业后参加技能等级认定"), required=False)
    points_per_hour = forms.DecimalField(label=_("每学时积分"), initial=1, min_value=0, decimal_places=2)
    completion_points = forms.IntegerField(label=_("结业积分"), initial=10, min_value=0)
    certificate_points = forms.IntegerField(label=_("取证积分"), initial=20, min_value=0)
    description = forms.CharField(label=_("项目说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organizer").queryset = writable_organizations(self.user)
        others = Organization.objects.filter(is_active=True).exclude(kind=Organization.Kind.GOVERNMENT).order_by("name")
        model_choice_field(self, "provider").queryset = others
        model_choice_field(self, "partners").queryset = others

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("hours") is None:
            data["hours"] = 0
        return data


def year_filter() -> FilterIntegerField:
    return FilterIntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"placeholder": "2024"}))


class ProgramFilterForm(FilterForm):
    q = forms.CharField(label=_("名称"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部")), *TrainingProgram.Kind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), *TrainingProgram.Status.choices])
    year = year_filter()


class SessionForm(forms.Form):
    title = forms.CharField(label=_("内容"), max_length=200)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    start_time = forms.TimeField(label=_("开始时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("结束时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    hours = forms.DecimalField(label=_("学时"), required=False, min_value=0, decimal_places=1)
    location = forms.CharField(label=_("地点"), required=False, max_length=200)
    teacher = forms.CharField(label=_("授课/带教"), required=False, max_length=100)


class NominateForm(UserForm):
    person_fields = ("person",)
    person_write = True
    person = PersonField(label=_("人员"))
    reason = forms.CharField(label=_("推荐理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ApplyForm(forms.Form):
    reason = forms.CharField(label=_("报名理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SelectionForm(forms.Form):
    criteria = forms.CharField(label=_("遴选条件（记录在项目上）"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("遴选意见"), required=False, max_length=300)


class EnrollForm(UserForm):
    person_fields = ("person",)
    person = PersonField(label=_("人员"))
    enrolled_on = forms.DateField(label=_("报到日期"), required=False, widget=DateInput())


class AttendanceForm(forms.Form):
    """One choice per enrolment; built from the session's programme."""

    def __init__(self, *args: Any, enrollments: list[Any], current: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for enrollment in enrollments:
            self.fields[f"e{enrollment.pk}"] = forms.ChoiceField(
                label=enrollment.person.name, choices=Attendance.Status.choices, widget=forms.RadioSelect,
                initial=current.get(enrollment.pk, Attendance.Status.PRESENT),
            )

    def marks(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class AssessmentForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("考核结果"), choices=[("1", _("合格")), ("0", _("不合格"))],
                                    coerce=lambda v: v == "1")
    score = forms.DecimalField(label=_("成绩"), required=False, min_value=0, max_value=100, decimal_places=1)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class CompleteForm(forms.Form):
    on = forms.DateField(label=_("结业日期"), required=False, widget=DateInput())
    certificate_number = forms.CharField(label=_("国际证书编号"), required=False, max_length=40,
                                         help_text=_("项目颁发国际证书且学员取得时填写"))
    certificate_issue_date = forms.DateField(label=_("国际证书发证日期"), required=False, widget=DateInput())
    certificate_valid_until = forms.DateField(label=_("国际证书有效期至"), required=False, widget=DateInput())
    evaluation_application_id = forms.IntegerField(label=_("技能等级认定申报编号"), required=False, min_value=1)


class DropForm(forms.Form):
    reason = forms.CharField(label=_("退出原因"), max_length=300)
    on = forms.DateField(label=_("退出日期"), required=False, widget=DateInput())


class ApprenticeshipForm(UserForm):
    person_fields = ("apprentice", "enterprise_mentor", "school_mentor")
    kind = forms.ChoiceField(label=_("学徒类型"), choices=Apprenticeship.Kind.choices)
    apprentice = PersonField(label=_("学徒"))
    employer = forms.ModelChoiceField(label=_("用人企业"), queryset=Organization.objects.none())
    school = forms.ModelChoiceField(label=_("院校/培训机构"), queryset=Organization.objects.filter(kind__in=[
        Organization.Kind.TECHNICAL_COLLEGE, Organization.Kind.VOCATIONAL_SCHOOL,
        Organization.Kind.TRAINING_INSTITUTION]).order_by("name"))
    enterprise_mentor = PersonField(label=_("企业导师"))
    school_mentor = PersonField(label=_("院校导师"))
    occupation = forms.ModelChoiceField(label=_("职业"), required=False,
                                        queryset=Occupation.objects.filter(is_active=True))
    occupation_name = forms.CharField(label=_("职业（工种）"), required=False, max_length=100)
    target_level = forms.TypedChoiceField(label=_("目标等级"), choices=SkillLevel.choices, coerce=int)
    start_date = forms.DateField(label=_("培养期开始"), widget=DateInput())
    planned_end_date = forms.DateField(label=_("培养期结束"), widget=DateInput())
    extension_reason = forms.CharField(label=_("延长原因（超过 2 年时填写）"), required=False, max_length=300)
    contract_start = forms.DateField(label=_("劳动合同起始日期"), widget=DateInput())
    contract_end = forms.DateField(label=_("劳动合同终止日期"), required=False, widget=DateInput(),
                                   help_text=_("无固定期限劳动合同不填"))
    agreement_number = forms.CharField(label=_("培养协议编号"), required=False, max_length=60)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "employer").queryset = writable_organizations(self.user).filter(
            kind=Organization.Kind.ENTERPRISE)


class ApprenticeshipFilterForm(FilterForm):
    q = forms.CharField(label=_("学徒姓名或工种"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("学徒类型"), required=False,
                             choices=[("", _("全部")), *Apprenticeship.Kind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部")), *Apprenticeship.Status.choices])


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=Apprenticeship.Status.choices)
    on = forms.DateField(label=_("变更日期"), widget=DateInput())
    reason = forms.CharField(label=_("原因"), max_length=300)


class ReviewForm(forms.Form):
    period_label = forms.CharField(label=_("考核阶段"), max_length=60)
    review_date = forms.DateField(label=_("考核日期"), widget=DateInput())
    progress_percent = forms.IntegerField(label=_("培养进度（%）"), min_value=0, max_value=100)
    summary = forms.CharField(label=_("考核意见"), widget=forms.Textarea(attrs={"rows": 2}))


class AllowanceForm(forms.Form):
    mentor = forms.ChoiceField(label=_("导师"), choices=[("enterprise", _("企业导师")), ("school", _("院校导师"))])
    period_start = forms.DateField(label=_("期间起"), widget=DateInput())
    period_end = forms.DateField(label=_("期间止"), widget=DateInput())
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, decimal_places=2)
    paid_on = forms.DateField(label=_("发放日期"), required=False, widget=DateInput())
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class PolicyForm(forms.Form):
    region = forms.ModelChoiceField(label=_("地区"), queryset=Region.objects.filter(is_active=True))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("补贴类型"), choices=SubsidyPolicy.Kind.choices)
    name = forms.CharField(label=_("政策名称"), max_length=200)
    document_number = forms.CharField(label=_("政策文号"), required=False, max_length=100)
    amount_junior = forms.DecimalField(label=_("初级工（五级）标准"), required=False, min_value=0)
    amount_intermediate = forms.DecimalField(label=_("中级工（四级）标准"), required=False, min_value=0)
    amount_senior = forms.DecimalField(label=_("高级工（三级）标准"), required=False, min_value=0)
    amount_technician = forms.DecimalField(label=_("技师（二级）标准"), required=False, min_value=0)
    amount_senior_technician = forms.DecimalField(label=_("高级技师（一级）标准"), required=False, min_value=0)
    per_person_year = forms.DecimalField(label=_("学徒每人每年标准"), required=False, min_value=0)
    amount_cap = forms.DecimalField(label=_("封顶金额"), required=False, min_value=0)
    shortage_uplift_percent = forms.IntegerField(label=_("紧缺职业上浮（%）"), initial=0, min_value=0, max_value=100)
    max_claims_per_year = forms.IntegerField(label=_("每人每年最多申领次数"), required=False, min_value=1)
    min_insured_months = forms.IntegerField(label=_("最少参保月数"), initial=0, min_value=0)
    claim_window_months = forms.IntegerField(label=_("发证后申领期限（月）"), required=False, min_value=1)
    exclusive_with = forms.MultipleChoiceField(label=_("不得叠加的补贴"), required=False,
                                               choices=SubsidyPolicy.Kind.choices,
                                               widget=forms.CheckboxSelectMultiple)
    valid_from = forms.DateField(label=_("有效期起"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("有效期止"), required=False, widget=DateInput())
    notes = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    LEVEL_FIELDS = {
        "amount_junior": SkillLevel.JUNIOR, "amount_intermediate": SkillLevel.INTERMEDIATE,
        "amount_senior": SkillLevel.SENIOR, "amount_technician": SkillLevel.TECHNICIAN,
        "amount_senior_technician": SkillLevel.SENIOR_TECHNICIAN,
    }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        amounts = {}
        for field, level in self.LEVEL_FIELDS.items():
            value = data.pop(field)
            if value is not None:
                amounts[str(int(level))] = str(value)
        data["amounts_by_level"] = amounts
        return data


class ClaimForm(UserForm):
    person_fields = ("person",)
    policy = forms.ModelChoiceField(label=_("补贴政策"), queryset=SubsidyPolicy.objects.filter(is_active=True))
    person = PersonField(label=_("申领人"))
    claim_date = forms.DateField(label=_("申领日期"), required=False, widget=DateInput())
    level = forms.TypedChoiceField(label=_("证书等级"), choices=LEVEL_CHOICES, required=False, coerce=int,
                                   empty_value=None)
    occupation_code = forms.CharField(label=_("职业编码"), required=False, max_length=12)
    occupation_name = forms.CharField(label=_("职业（工种）"), required=False, max_length=100)
    certificate_date = forms.DateField(label=_("发证日期"), required=False, widget=DateInput())
    insured_months = forms.IntegerField(label=_("参加失业保险月数"), required=False, min_value=0)
    is_shortage_occupation = forms.BooleanField(label=_("紧缺职业（工种）"), required=False)
    apprenticeship = forms.ModelChoiceField(label=_("学徒培养（学徒培训补贴）"), required=False,
                                            queryset=Apprenticeship.objects.none())
    months_covered = forms.IntegerField(label=_("覆盖培养月数"), required=False, min_value=1, max_value=12,
                                        initial=12)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from gongjiang.training.selectors import apprenticeship_queryset

        model_choice_field(self, "apprenticeship").queryset = apprenticeship_queryset(self.user, write=True).select_related(
            "apprentice", "employer")

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        data.setdefault("insured_months", 0)
        data.setdefault("months_covered", 12)
        data["is_shortage_occupation"] = bool(self.cleaned_data.get("is_shortage_occupation"))
        return data


class ClaimFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("补贴类型"), required=False, choices=[("", _("全部")), *SubsidyPolicy.Kind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *SubsidyClaim.Status.choices])
    year = year_filter()


class RankingFilterForm(FilterForm):
    """The points ranking's filters: the organisation (from its link; outside the scope is 404)
    and the year."""

    organization = FilterIntegerField(label=_("单位"), required=False, min_value=1, widget=forms.HiddenInput)
    year = year_filter()


class PointsAdjustForm(UserForm):
    person_fields = ("person",)
    person_write = True
    person = PersonField(label=_("人员"))
    points = forms.IntegerField(label=_("调整积分（可为负数）"))
    reason = forms.CharField(label=_("原因"), max_length=300)
    on = forms.DateField(label=_("日期"), required=False, widget=DateInput())
