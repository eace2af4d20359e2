"""Page forms of skill evaluation. They validate input shapes; the services decide the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from gongjiang.catalog.models import Occupation, WorkType
from gongjiang.credentials.models import Credential
from gongjiang.evaluation import rules
from gongjiang.evaluation.models import (
    GRADE_LABELS,
    Application,
    EvaluationBatch,
    EvaluationBody,
    Evaluator,
    EvaluatorAssignment,
    PostAppointment,
)
from gongjiang.imports.models import ImportJob
from gongjiang.orgs.models import Organization
from gongjiang.people.models import Person

GRADE_FIELD_CHOICES: list[tuple[str, StrOrPromise]] = [
    (str(g), label) for g, label in sorted(GRADE_LABELS.items(), reverse=True)
]
DATE = forms.DateInput(attrs={"type": "date"})


class BodyFilingForm(forms.Form):
    organization: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(label=_("单位"), queryset=None)
    filed_name = forms.CharField(label=_("备案名称"), max_length=200, required=False,
                                 help_text=_("留空则使用单位名称；证书上的评价机构名称与此一致"))
    category = forms.ChoiceField(label=_("机构类别"), choices=EvaluationBody.Category.choices)
    filing_authority = forms.CharField(label=_("备案机关"), max_length=100, initial="浙江省人力资源和社会保障厅")
    filing_number = forms.CharField(label=_("备案编号"), max_length=60)
    institution_code = forms.CharField(label=_("评价机构代码"), max_length=4, initial="0000",
                                       help_text=_("人社部备案的为 4 位代码；向省级人社部门备案的为 0000"))
    province_code = forms.CharField(label=_("省级代码"), max_length=2, initial="33")
    site_code = forms.CharField(label=_("站点序列码"), max_length=6, help_text=_("6 位，由省级人社部门分配"))
    valid_from = forms.DateField(label=_("有效期自"), widget=DATE)
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class BodyStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=EvaluationBody.Status.choices)
    reason = forms.CharField(label=_("原因"), max_length=300, required=False)


class ScopeLineForm(forms.Form):
    occupation = forms.ModelChoiceField(label=_("职业"), queryset=Occupation.objects.filter(is_active=True))
    work_type = forms.ModelChoiceField(label=_("工种"), queryset=WorkType.objects.all(), required=False)
    grades = forms.MultipleChoiceField(label=_("可认定等级"), choices=GRADE_FIELD_CHOICES,
                                       widget=forms.CheckboxSelectMultiple)


class PersonLookupMixin(forms.Form):
    id_number = forms.CharField(label=_("证件号码"), max_length=40, help_text=_("按证件号码查找人才库中的人员"))


class EvaluatorForm(PersonLookupMixin):
    role = forms.ChoiceField(label=_("类别"), choices=Evaluator.Role.choices)
    card_number = forms.CharField(label=_("证卡编号"), max_length=40, required=False)
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DATE)


class AppointmentForm(PersonLookupMixin):
    post = forms.TypedChoiceField(label=_("岗位"), choices=PostAppointment.Post.choices, coerce=int)
    occupation = forms.ModelChoiceField(label=_("职业"), queryset=Occupation.objects.filter(is_active=True))
    term_start = forms.DateField(label=_("聘期开始"), widget=DATE)
    term_end = forms.DateField(label=_("聘期结束"), widget=DATE)
    grounds = forms.CharField(label=_("评聘依据"), widget=forms.Textarea(attrs={"rows": 3}))


class BatchForm(forms.Form):
    name = forms.CharField(label=_("批次名称"), max_length=200)
    occupation: forms.ModelChoiceField[Occupation] = forms.ModelChoiceField(label=_("职业"), queryset=None)
    work_type = forms.ModelChoiceField(label=_("工种"), queryset=WorkType.objects.all(), required=False)
    grades = forms.MultipleChoiceField(label=_("认定等级"), choices=GRADE_FIELD_CHOICES,
                                       widget=forms.CheckboxSelectMultiple)
    applications_open = forms.DateField(label=_("报名开始"), widget=DATE)
    applications_close = forms.DateField(label=_("报名截止"), widget=DATE)
    theory_exam_on = forms.DateField(label=_("理论考试日期"), required=False, widget=DATE)
    practical_exam_on = forms.DateField(label=_("技能考核日期"), required=False, widget=DATE)
    review_on = forms.DateField(label=_("综合评审日期"), required=False, widget=DATE)
    sites = forms.CharField(label=_("考点"), max_length=300, required=False)
    capacity = forms.IntegerField(label=_("计划人数"), min_value=0, initial=0, help_text=_("0 表示不限"))
    fee = forms.DecimalField(label=_("收费（元/人）"), min_value=0, max_digits=8, decimal_places=2, initial=0)
    publicity_days = forms.IntegerField(label=_("公示天数"), min_value=1, max_value=60, initial=7)
    recheck_share = forms.DecimalField(label=_("抽查复核比例"), min_value=0, max_value=1, decimal_places=2,
                                       initial="0.10")

    def __init__(self, *args: Any, occupations: QuerySet[Occupation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = occupations  # type: ignore[attr-defined]


class TransitionForm(forms.Form):
    target = forms.ChoiceField(choices=EvaluationBatch.Status.choices)
    reason = forms.CharField(max_length=300, required=False)
    publicity_starts_on = forms.DateField(required=False)


class ApplicationForm(forms.Form):
    grade = forms.TypedChoiceField(label=_("申报等级"), choices=GRADE_FIELD_CHOICES, coerce=int)
    occupation_start = forms.DateField(label=_("开始从事本职业（或相关职业）工作日期"), required=False, widget=DATE)
    prior_grade = forms.TypedChoiceField(label=_("已有本职业证书等级"), choices=[("", "—"), *GRADE_FIELD_CHOICES],
                                         coerce=int, empty_value=None, required=False,
                                         help_text=_("人才库中已登记的证书会自动计入，无需重复填写"))
    prior_certificate_number = forms.CharField(label=_("已有证书编号"), max_length=40, required=False)
    prior_certificate_date = forms.DateField(label=_("已有证书发证日期"), required=False, widget=DATE)
    education = forms.ChoiceField(label=_("学历"), choices=[("", "—")] + list(Person.Education.choices), required=False)
    education_related = forms.BooleanField(label=_("所学为本专业或相关专业"), required=False)
    is_graduating = forms.BooleanField(label=_("在校（在读）应届毕业生"), required=False)
    programs = forms.MultipleChoiceField(label=_("培养类别"), choices=[(k, _(v)) for k, v in rules.PROGRAM_LABELS.items()],
                                         widget=forms.CheckboxSelectMultiple, required=False)
    title_level = forms.ChoiceField(label=_("职称（符合专业对应关系）"), choices=Application.Title.choices, required=False)
    title_date = forms.DateField(label=_("职称取得日期"), required=False, widget=DATE)
    apprenticeship_completed = forms.BooleanField(label=_("本职业或相关职业学徒期满"), required=False)
    flags = forms.MultipleChoiceField(label=_("其他情形"),
                                      choices=[(k, _(v)) for k, v in rules.FLAG_LABELS.items() if k != "apprenticeship_completed"],
                                      widget=forms.CheckboxSelectMultiple, required=False)

    def facts(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("grade", None)
        return {key: value for key, value in data.items() if value not in (None, "", [], False)}


class StaffApplicationForm(ApplicationForm):
    """Staff of a self-evaluating enterprise may also use the direct or promotion routes."""

    route = forms.ChoiceField(label=_("申报方式"), choices=Application.Route.choices, initial="regular")
    grounds_kind = forms.ChoiceField(label=_("依据类别"), choices=[("", "—")] + list(Application.Grounds.choices),
                                     required=False)
    grounds = forms.CharField(label=_("认定/破格依据"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def facts(self) -> dict[str, Any]:
        data = super().facts()
        for key in ("route", "grounds_kind", "grounds"):
            data.pop(key, None)
        return data


class AssignmentForm(forms.Form):
    evaluator: forms.ModelChoiceField[Evaluator] = forms.ModelChoiceField(label=_("考评员"), queryset=None)
    component = forms.ChoiceField(label=_("科目"), choices=EvaluatorAssignment.Component.choices)
    station = forms.CharField(label=_("考场/工位"), max_length=50, initial="1")

    def __init__(self, *args: Any, evaluators: QuerySet[Evaluator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = evaluators  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300)


class RevokeForm(ReasonForm):
    category = forms.ChoiceField(label=_("原因类别（公开）"), choices=Credential.RevocationCategory.choices)


class ObjectionForm(forms.Form):
    raised_by = forms.CharField(label=_("异议人"), max_length=100)
    contact = forms.CharField(label=_("联系方式"), max_length=100, required=False)
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 2}))
    application: forms.ModelChoiceField[Application] = forms.ModelChoiceField(
        label=_("涉及人员"), queryset=None, required=False
    )

    def __init__(self, *args: Any, applications: QuerySet[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications  # type: ignore[attr-defined]


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(label=_("结论"), choices=[("0", _("异议不成立")), ("1", _("异议成立"))],
                                    coerce=lambda v: v == "1")
    resolution = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 2}))


class ScoreUploadForm(forms.Form):
    file = forms.FileField(label=_("成绩表（.xlsx、.xls 或 .csv）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}))
    mode = forms.ChoiceField(label=_("导入方式"), choices=ImportJob.Mode.choices, initial=ImportJob.Mode.ATOMIC,
                             required=False, widget=forms.RadioSelect,
                             help_text=_("先校验并显示结果，确认后才写入；导入后可撤销。"))


class ApplicationUploadForm(ScoreUploadForm):
    """A bulk-application list for one batch (entity ``evaluation_applications``, pinned to it)."""

    file = forms.FileField(label=_("申报名单（.xlsx、.xls 或 .csv）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}))
