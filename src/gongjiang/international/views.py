"""Pages of international cooperation: partners, agreements (document, version approval),
alliances and members, joint projects, international mentors, events, the recognition list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.text import clauses
from gongjiang.international import exports, forms, selectors, services
from gongjiang.international.rules import country_name
from gongjiang.orgs.scope import scope_for
from gongjiang.training import exports as table
from gongjiang.training.pages import (
    export_state,
    flash_error,
    form_page,
    read_filter_form,
    run_service,
    table_page,
)
from gongjiang.web.listing import ListFilters, list_export

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
SECTIONS = [
    (gettext_lazy("境外合作机构"), "international:partner_list"), (gettext_lazy("合作协议"), "international:agreement_list"),
    (gettext_lazy("联盟"), "international:alliance_list"), (gettext_lazy("联合培养项目"), "international:project_list"),
    (gettext_lazy("国际导师"), "international:mentor_list"), (gettext_lazy("交流活动"), "international:event_list"),
    (gettext_lazy("认可清单"), "international:recognition_list"), (gettext_lazy("指标"), "training:indicators"),
]


def _sections(current: str, create: tuple[str, str] | None, user: Any) -> list[tuple[str, str]]:
    actions = []
    if create is not None and scope_for(user).can_write:
        actions.append((create[0], reverse(create[1])))
    actions += [(str(label), reverse(name)) for label, name in SECTIONS if name != current]
    return actions


ListState = Callable[[HttpRequest], tuple[Any, Any, ListFilters]]


def _filtered(form_class: type[forms.FilterForm], select: Callable[..., Any]) -> ListState:
    """A list's state: its filter form, the scoped queryset under the form's valid filters
    (``select(user=…, **filters)``) and the refused filters. The page and its export both use it."""

    def state(request: HttpRequest) -> tuple[Any, Any, ListFilters]:
        form = form_class(request.GET or None)
        data, filters = read_filter_form(form)
        return form, select(user=request.user, **data), filters

    return state


def _unfiltered(select: Callable[..., Any]) -> ListState:
    """The state of a list without filters (other query parameters are ignored, as everywhere)."""
    return lambda request: (None, select(user=request.user), ListFilters())


def _listing(request: HttpRequest, *, name: str, title: str, columns: list[table.Column], state: ListState,
             subtitle: str, create: tuple[str, str] | None, action: str) -> HttpResponseBase:
    """A list page, or with ``format=xlsx`` its export: the same rows, or back to the page naming
    a refused filter."""
    if request.GET.get("format") == "xlsx":
        return list_export(request, state=export_state(state), list_viewname=name, title=title, columns=columns,
                           action=action)
    form, objects, filters = state(request)
    return table_page(request, title=title, columns=columns, objects=objects, subtitle=subtitle,
                       export_url=reverse(name) + "?format=xlsx&", actions=_sections(name, create, request.user),
                       filter_form=form, filter_errors=filters.errors)


def _create(request: HttpRequest, form: Any, call: Any, *, title: str, back: str, success: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        obj = run_service(form, lambda: call(form.cleaned_data))
        if obj is not None:
            messages.success(request, success)
            return redirect(back)
    return form_page(request, form, title=title, submit=_("保存"), cancel_url=reverse(back),
                      status=400 if form.errors else 200)


# --- partners ---------------------------------------------------------------------------------
@login_required
def partner_list_view(request: HttpRequest) -> HttpResponseBase:
    return _listing(request, name="international:partner_list", title=_("境外合作机构"),
                    columns=exports.PARTNER_COLUMNS, state=_filtered(forms.PartnerFilterForm, selectors.partner_list),
                    subtitle=_("国际知名企业、培训评价机构、院校和协会；“国际工匠”联合培养关系。"),
                    create=(_("＋ 登记境外合作机构"), "international:partner_create"),
                    action="international.partner.exported")


@login_required
@require_http_methods(["GET", "POST"])
def partner_create_view(request: HttpRequest) -> HttpResponse:
    form = forms.PartnerForm(request.POST or None, user=request.user)
    return _create(request, form, lambda d: services.partner_create(actor=request.user, **{
        k: v for k, v in d.items() if v is not None}), title=_("登记境外合作机构"),
        back="international:partner_list", success=_("已登记。"))


# --- agreements -------------------------------------------------------------------------------
@login_required
def agreement_list_view(request: HttpRequest) -> HttpResponseBase:
    return _listing(request, name="international:agreement_list", title=_("合作协议"),
                    columns=exports.AGREEMENT_COLUMNS,
                    state=_filtered(forms.AgreementFilterForm, selectors.agreement_list),
                    subtitle=_("框架、校企、校际和联合培养协议；各方确认同一版本（SHA-256 版本哈希）后生效。"),
                    create=(_("＋ 起草协议"), "international:agreement_create"),
                    action="international.agreement.exported")


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create_view(request: HttpRequest) -> HttpResponse:
    form = forms.AgreementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        parties = [services.PartySpec(org) for org in data.pop("parties")]
        agreement = run_service(form, lambda: services.agreement_create(actor=request.user, parties=parties, **data))
        if agreement is not None:
            messages.success(request, _("协议已起草；上传协议文本后，请各方确认同一版本。"))
            return redirect("international:agreement_detail", pk=agreement.pk)
    return form_page(request, form, title=_("起草合作协议"), submit=_("保存"),
                      cancel_url=reverse("international:agreement_list"), status=400 if form.errors else 200)


@login_required
def agreement_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    can_write = selectors.agreement_queryset(request.user, write=True).filter(pk=agreement.pk).exists()
    parties = list(agreement.parties.select_related("organization", "approved_by").order_by("id"))
    approvable = []
    for party in parties:
        allowed, on_behalf = services.agreement_may_approve(request.user, agreement, party)
        if allowed and party.approved_hash != agreement.content_hash:
            approvable.append((party, on_behalf))
    return render(request, "international/agreement_detail.html", {
        "agreement": agreement, "parties": parties, "can_write": can_write, "approvable": approvable,
        "document_form": forms.DocumentForm(), "terminate_form": forms.TerminateForm(initial={
            "on": timezone.localdate()}),
        "effective_status": selectors.agreement_effective_status(agreement),
        "country_name": country_name,
    })


@login_required
@require_POST
def agreement_document_view(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    form = forms.DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择协议文本文件。"))
    elif form.cleaned_data["document"].size > MAX_DOCUMENT_BYTES:
        messages.error(request, _("协议文本不能超过 20 MB。"))
    else:
        upload = form.cleaned_data["document"]
        try:
            services.agreement_attach_document(actor=request.user, agreement=agreement, content=upload.read(),
                                               filename=upload.name)
            messages.success(request, _("已上传协议文本，版本哈希已更新。"))
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ApplicationError as exc:
            flash_error(request, exc)
    return redirect("international:agreement_detail", pk=agreement.pk)


@login_required
def agreement_download_view(request: HttpRequest, pk: int) -> FileResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    if not agreement.document:
        raise Http404
    audit.record("international.agreement.document_downloaded", obj=agreement,
                 changes={"document_sha256": agreement.document_sha256})
    response = FileResponse(agreement.document.open("rb"), as_attachment=True,
                            filename=agreement.document_name or "agreement")
    response["X-Content-SHA256"] = agreement.document_sha256
    return response


@login_required
@require_POST
def agreement_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    form = forms.ApproveForm(request.POST)
    if form.is_valid():
        party = agreement.parties.filter(pk=form.cleaned_data["party"]).first()
        if party is None:
            raise Http404
        try:
            services.agreement_approve(actor=request.user, agreement=agreement, party=party,
                                       content_hash=form.cleaned_data["content_hash"],
                                       evidence=form.cleaned_data.get("evidence", ""))
            messages.success(request, _("已确认第 {v} 版。").format(v=agreement.version))
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ApplicationError as exc:
            flash_error(request, exc)
    else:
        messages.error(request, _("请填写要确认的版本哈希。"))
    return redirect("international:agreement_detail", pk=agreement.pk)


@login_required
@require_POST
def agreement_terminate_view(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    form = forms.TerminateForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_terminate(actor=request.user, agreement=agreement, **form.cleaned_data)
            messages.success(request, _("协议已终止。"))
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ApplicationError as exc:
            flash_error(request, exc)
    else:
        messages.error(request, _("终止协议须填写日期和原因。"))
    return redirect("international:agreement_detail", pk=agreement.pk)


# --- alliances ---------------------------------------------------------------------------------
@login_required
def alliance_list_view(request: HttpRequest) -> HttpResponseBase:
    return _listing(request, name="international:alliance_list", title=_("联盟"), columns=exports.ALLIANCE_COLUMNS,
                    state=_unfiltered(selectors.alliance_list),
                    subtitle=_("国际发展联盟：成员单位、成员证书和框架合作协议。"),
                    create=(_("＋ 成立联盟"), "international:alliance_create"),
                    action="international.alliance.exported")


@login_required
@require_http_methods(["GET", "POST"])
def alliance_create_view(request: HttpRequest) -> HttpResponse:
    form = forms.AllianceForm(request.POST or None, user=request.user)
    return _create(request, form, lambda d: services.alliance_create(actor=request.user, **d),
                   title=_("成立联盟"), back="international:alliance_list", success=_("已登记联盟。"))


@login_required
@require_http_methods(["GET", "POST"])
def alliance_detail_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    alliance = selectors.alliance_get_for_user(user=request.user, pk=pk)
    can_write = selectors.alliance_queryset(request.user, write=True).filter(pk=alliance.pk).exists()
    members = selectors.alliance_members(alliance=alliance)
    if request.GET.get("format") == "xlsx":
        return table.xlsx_response(title=_("联盟成员"), columns=exports.MEMBER_COLUMNS, objects=members,
                                   action="international.alliance_member.exported", filters={"alliance": alliance.pk})
    form = forms.MemberForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            member = run_service(form, lambda: services.alliance_member_add(actor=request.user, alliance=alliance,
                                                                     **form.cleaned_data))
            if member is not None:
                messages.success(request, _("已吸收成员，成员证书 {n}。").format(n=member.certificate_number))
                return redirect("international:alliance_detail", pk=alliance.pk)
    return render(request, "international/alliance_detail.html", {
        "alliance": alliance, "headers": [c.label for c in exports.MEMBER_COLUMNS],
        "rows": table.table_rows(exports.MEMBER_COLUMNS, members), "form": form, "can_write": can_write,
        "countries": len({m.organization.country for m in members if m.left_on is None}),
        "agreements": list(alliance.agreements.all()),
    }, status=400 if form.errors else 200)


# --- projects, mentors, events ------------------------------------------------------------------
@login_required
def project_list_view(request: HttpRequest) -> HttpResponseBase:
    return _listing(request, name="international:project_list", title=_("联合培养项目"),
                    columns=exports.PROJECT_COLUMNS,
                    state=_filtered(forms.ProjectFilterForm, selectors.joint_project_list),
                    subtitle=_("与境外机构联合培养高技能人才的项目，关联协议、培训项目和参与人员。"),
                    create=(_("＋ 新建联合培养项目"), "international:project_create"),
                    action="international.joint_project.exported")


@login_required
@require_http_methods(["GET", "POST"])
def project_create_view(request: HttpRequest) -> HttpResponse:
    form = forms.ProjectForm(request.POST or None, user=request.user)
    return _create(request, form, lambda d: services.joint_project_create(actor=request.user, **{
        k: v for k, v in d.items() if v is not None}), title=_("新建联合培养项目"),
        back="international:project_list", success=_("已新建联合培养项目。"))


@login_required
def mentor_list_view(request: HttpRequest) -> HttpResponseBase:
    return _listing(request, name="international:mentor_list", title=_("国际导师"), columns=exports.MENTOR_COLUMNS,
                    state=_unfiltered(selectors.mentor_list),
                    subtitle=_("引进的国际导师及其授课、指导聘用。"),
                    create=(_("＋ 引进国际导师"), "international:mentor_create"),
                    action="international.mentor.exported")


@login_required
@require_http_methods(["GET", "POST"])
def mentor_create_view(request: HttpRequest) -> HttpResponse:
    form = forms.MentorForm(request.POST or None, user=request.user)
    return _create(request, form, lambda d: services.mentor_create(actor=request.user, **d),
                   title=_("引进国际导师"), back="international:mentor_list", success=_("已登记国际导师。"))


@login_required
@require_http_methods(["GET", "POST"])
def mentor_engage_view(request: HttpRequest, pk: int) -> HttpResponse:
    from gongjiang.training.selectors import program_get_for_user

    mentor = selectors.mentor_get_for_user(user=request.user, pk=pk)
    form = forms.EngagementForm(request.POST or None, projects=selectors.joint_project_queryset(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        program_id = data.pop("program", None)
        data["program"] = program_get_for_user(user=request.user, pk=program_id) if program_id else None
        engagement = run_service(form, lambda: services.engagement_add(actor=request.user, mentor=mentor, **data))
        if engagement is not None:
            messages.success(request, _("已登记聘用。"))
            return redirect("international:mentor_list")
    engagements = list(mentor.engagements.select_related("program", "joint_project"))
    intro = clauses(f"{e.start_date:%Y-%m-%d} {e.description}" for e in engagements) or _("暂无聘用记录。")
    return form_page(request, form, title=_("国际导师聘用：{name}").format(name=mentor.name), submit=_("登记聘用"),
                      intro=intro, cancel_url=reverse("international:mentor_list"),
                      status=400 if form.errors else 200)


@login_required
def event_list_view(request: HttpRequest) -> HttpResponseBase:
    return _listing(request, name="international:event_list", title=_("国际交流活动"), columns=exports.EVENT_COLUMNS,
                    state=_filtered(forms.EventFilterForm, selectors.event_list),
                    subtitle=_("培训、竞赛和交流活动场次。"), create=(_("＋ 登记活动"), "international:event_create"),
                    action="international.event.exported")


@login_required
@require_http_methods(["GET", "POST"])
def event_create_view(request: HttpRequest) -> HttpResponse:
    form = forms.EventForm(request.POST or None, user=request.user)
    return _create(request, form, lambda d: services.event_create(actor=request.user, **{
        k: v for k, v in d.items() if v is not None}), title=_("登记国际交流活动"),
        back="international:event_list", success=_("已登记活动。"))


# --- recognition ------------------------------------------------------------------------------
@login_required
def recognition_list_view(request: HttpRequest) -> HttpResponseBase:
    return _listing(request, name="international:recognition_list", title=_("国际职业资格认可清单"),
                    columns=exports.RECOGNITION_COLUMNS,
                    state=_filtered(forms.RecognitionFilterForm, selectors.recognition_list),
                    subtitle=_("境外和国际职业资格的认可及比照对应的国内职业技能等级或职称。"),
                    create=(_("＋ 列入认可清单"), "international:recognition_create"),
                    action="international.recognition.exported")


@login_required
@require_http_methods(["GET", "POST"])
def recognition_create_view(request: HttpRequest) -> HttpResponse:
    form = forms.RecognitionForm(request.POST or None, user=request.user)
    return _create(request, form, lambda d: services.recognition_create(actor=request.user, **{
        k: v for k, v in d.items() if v is not None or k == "domestic_level"}), title=_("列入认可清单"),
        back="international:recognition_list", success=_("已列入认可清单。"))


@login_required
@require_http_methods(["GET", "POST"])
def recognition_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    recognition = selectors.recognition_get_for_user(user=request.user, pk=pk)
    form = forms.DecisionForm(request.POST or None, initial={
        "decision": recognition.decision, "decision_date": recognition.decision_date or timezone.localdate(),
        "domestic_level": recognition.domestic_level, "domestic_title": recognition.domestic_title})
    return _create(request, form, lambda d: services.recognition_decide(actor=request.user, recognition=recognition,
                                                                        **d),
                   title=_("认可决定：{q}").format(q=recognition.qualification), back="international:recognition_list",
                   success=_("已保存认可决定。"))


@login_required
@require_http_methods(["GET", "POST"])
def foreign_certificate_create_view(request: HttpRequest) -> HttpResponse:
    form = forms.ForeignCertificateForm(request.POST or None, user=request.user)
    return _create(request, form, lambda d: services.foreign_certificate_record(actor=request.user, **{
        k: v for k, v in d.items() if v not in (None, "") or k == "recognition"}),
        title=_("登记个人境外/国际证书"), back="international:recognition_list", success=_("已登记证书。"))
