"""Competition pages for organisers, delegations, judges and entrants.

Views are thin: reads go through competitions.selectors (scope and judge assignments), writes
through competitions.services, and a service's ApplicationError is shown on the form or as a
message. Objects outside what the user may see are 404; writes they may not make are 403.
The public results pages are in public_views.py.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjiang.competitions import excel, exports, forms, selectors, services
from gongjiang.competitions.models import (
    Appeal,
    Competition,
    CompetitionEvent,
    Entry,
    EventRound,
    Judge,
    Mark,
    MedalHonor,
    RewardRule,
    ScoreSheet,
)
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.text import enumeration
from gongjiang.orgs.scope import scope_for
from gongjiang.people import selectors as people_selectors
from gongjiang.web.forms import apply_application_error
from gongjiang.web.listing import Filter, ListFilters, export_url, list_export, read_filters

ERR_PERSON_NOT_FOUND = gettext_noop("没有找到证件号码为 {masked} 的人员，或该人员不在您的管理范围内；请先在人才库登记。")


def _errors(exc: ApplicationError | ValidationError) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    details = [str(m) for messages_ in exc.errors.values() for m in messages_]
    return details or [str(exc.message)]


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    """Call a service for a POST button; show its refusal as an error message."""
    try:
        result = action()
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from None
    except (ApplicationError, ValidationError) as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return None
    messages.success(request, success)
    return result if result is not None else True


def _form_page(request: HttpRequest, form: Any, *, title: str, back: str, submit: str = "",
               intro: str = "", breadcrumbs: list[tuple[str, str]] | None = None) -> HttpResponse:
    return render(request, "competitions/form.html", {
        "form": form, "title": title, "cancel_url": back, "submit": submit or _("保存"), "intro": intro,
        "breadcrumbs": breadcrumbs or [], "wide_fields": ("description", "lines", "id_numbers", "reason", "outcome"),
    }, status=400 if form.errors else 200)


def xlsx_response(data: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(data, content_type=excel.XLSX)
    filename = excel.export_filename(stem)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _organised_competition(request: HttpRequest, pk: int) -> Competition:
    return selectors.competition_get_for_user(user=request.user, pk=pk, organize=True)


def _organised_event(request: HttpRequest, pk: int) -> CompetitionEvent:
    return selectors.event_get_for_user(user=request.user, pk=pk, organize=True)


def _round_for_staff(request: HttpRequest, pk: int) -> tuple[EventRound, Judge | None, bool]:
    """A round the user organises or judges, the user's judge record, and whether they organise."""
    event_round = selectors.round_get_for_user(user=request.user, pk=pk)
    judge = selectors.judge_for(request.user, event_round.event)
    return event_round, judge, selectors.can_organize(request.user, event_round.event.competition)


def _round_control(request: HttpRequest, pk: int) -> tuple[EventRound, Judge | None, bool]:
    """The round for its chief judge or organiser (its control page); 404 for other judges."""
    event_round, judge, organizer = _round_for_staff(request, pk)
    if not organizer and not (judge is not None and judge.is_chief):
        raise Http404
    return event_round, judge, organizer


# =================================================================================================
# Home, competitions
# =================================================================================================


def competition_list_state(request: HttpRequest) -> tuple[QuerySet[Competition], ListFilters]:
    """The competitions the user may see, under the list's filters; the page and its export use it."""
    filters = read_filters(request.GET, [
        Filter("q", gettext_lazy("竞赛名称")), Filter("year", gettext_lazy("年度"), integer=True),
    ])
    year = filters.get("year")
    return selectors.competition_list(user=request.user, q=filters.get("q"), year=int(year) if year else None), filters


@login_required
@require_GET
def competition_export_view(request: HttpRequest) -> HttpResponseBase:
    """Every competition the home page's list shows under its filters, as an .xlsx file."""
    return list_export(request, state=competition_list_state, list_viewname="competitions:home",
                       title=gettext_lazy("竞赛"), columns=exports.COLUMNS, action=exports.EXPORT_ACTION)


@login_required
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    competitions, filters = competition_list_state(request)
    person_id = selectors.user_person_id(user)
    my_entries = (
        Entry.objects.filter(members__person_id=person_id).select_related("event", "event__competition", "round",
                                                                         "round__stage", "delegation")
        .order_by("-created_at") if person_id else Entry.objects.none()
    )
    return render(request, "competitions/home.html", {
        "organised": selectors.organizer_competitions(user).select_related("organizer").order_by("-year", "-id"),
        "competitions": competitions[:50], "competition_count": competitions.count(),
        "filter_errors": filters.errors, "q": filters.get("q"), "year": filters.get("year"),
        "export_url": export_url(request, "competitions:export"),
        "delegations": selectors.managed_delegations(user, write=False).select_related("competition", "organization")
        .exclude(competition__status=Competition.Status.DRAFT).order_by("-competition__year", "name"),
        "assignments": selectors.judge_assignments(user).prefetch_related("event__rounds__stage"),
        "my_entries": my_entries,
        "award_codes": dict(MedalHonor.objects.filter(person_id=person_id).values_list("entry_id", "award_reference"))
        if person_id else {},
        "open_delegations": selectors.delegations_open_for(user) if person_id else [],
        "can_create": scope_for(user).can_write,
    })


@login_required
@require_http_methods(["GET", "POST"])
def competition_create_view(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).can_write:
        raise PermissionDenied
    form = forms.CompetitionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("heats", "advancement", "advance_count")}
        try:
            competition = services.competition_create(actor=request.user, stages=form.stages(), **data)
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("已创建竞赛“{name}”。请继续设置赛项、代表队和裁判。").format(name=competition.name))
            return redirect("competitions:detail", pk=competition.pk)
    return _form_page(request, form, title=_("新建竞赛"), back=reverse("competitions:home"), submit=_("创建"))


@login_required
@require_http_methods(["GET", "POST"])
def competition_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _organised_competition(request, pk)
    initial = {name: getattr(competition, name) for name in forms.CompetitionEditForm.base_fields
               if hasattr(competition, name)}
    form = forms.CompetitionEditForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.competition_update(actor=request.user, competition=competition, **form.cleaned_data)
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("已保存竞赛信息。"))
            return redirect("competitions:detail", pk=pk)
    return _form_page(request, form, title=_("修改竞赛信息"), back=reverse("competitions:detail", args=[pk]),
                      breadcrumbs=[(reverse("competitions:detail", args=[pk]), competition.name)])


@login_required
@require_http_methods(["GET", "POST"])
def self_entry_view(request: HttpRequest) -> HttpResponse:
    """A worker registers themself; the delegation confirms the entry."""
    person_id = selectors.user_person_id(request.user)
    if person_id is None:
        raise PermissionDenied
    form = forms.SelfEntryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        from gongjiang.people.models import Person

        try:
            entry = services.entry_register(actor=request.user, event=form.cleaned_data["event"],
                                            delegation=form.cleaned_data["delegation"],
                                            people=[Person.objects.get(pk=person_id)])
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc.message)) from None
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc, field_map={"people": "event", "competition": "event",
                                                          "heat": "delegation"})
        else:
            messages.success(request, _("已提交报名（参赛编号 {number}），等待代表队确认。").format(number=entry.number))
            return redirect("competitions:home")
    return _form_page(request, form, title=_("报名参赛"), back=reverse("competitions:home"), submit=_("提交报名"),
                      intro=_("选择代表您所在地区或单位的代表队；报名经代表队确认后生效。"))


@login_required
@require_GET
def competition_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    competition = selectors.competition_get_for_user(user=request.user, pk=pk)
    organizer = selectors.can_organize(request.user, competition)
    context: dict[str, Any] = {
        "competition": competition, "organizer": organizer,
        "stages": selectors.stages_of(competition),
        "events": selectors.event_list(competition=competition).prefetch_related("rounds__stage"),
        "delegations": selectors.delegation_list(user=request.user, competition=competition),
        "status_steps": services.setup.STATUS_STEPS[Competition.Status(competition.status)],
        "status_labels": dict(Competition.Status.choices),
    }
    if organizer:
        context.update({
            "progress": selectors.competition_progress(competition),
            "reward_rules": competition.reward_rules.order_by("sequence", "id"),
            "reward_plan": selectors.rewards_granted(competition) if competition.rewards_applied_at
            else services.reward_plan(competition),
            "reward_problems": [] if competition.rewards_applied_at else services.reward_problems(competition),
            "appeals": selectors.appeal_list(user=request.user, competition=competition)[:50],
        })
    return render(request, "competitions/competition_detail.html", context)


@login_required
@require_POST
def competition_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    competition = selectors.competition_get_for_user(user=request.user, pk=pk)
    target = request.POST.get("status", "")
    if target not in Competition.Status.values:
        raise Http404
    _run(request, lambda: services.competition_set_status(actor=request.user, competition=competition, status=target),
         _("竞赛状态已改为“{status}”。").format(status=Competition.Status(target).label))
    return redirect("competitions:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def event_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _organised_competition(request, pk)
    form = forms.EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, competition=competition, **form.service_data())
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc, field_map={"tie_breaks": "tie_break_1"})
        else:
            messages.success(request, _("已增加赛项“{name}”。请设置评分方案并指派裁判。").format(name=event.name))
            return redirect("competitions:event", pk=event.pk)
    return _form_page(request, form, title=_("增加赛项"), back=reverse("competitions:detail", args=[pk]),
                      breadcrumbs=[(reverse("competitions:detail", args=[pk]), competition.name)])


@login_required
@require_http_methods(["GET", "POST"])
def event_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organised_event(request, pk)
    form = forms.EventForm(request.POST or None, initial=forms.EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **form.service_data())
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc, field_map={"tie_breaks": "tie_break_1"})
        else:
            messages.success(request, _("已保存赛项设置。"))
            return redirect("competitions:event", pk=event.pk)
    return _form_page(request, form, title=_("修改赛项"), back=reverse("competitions:event", args=[pk]),
                      breadcrumbs=[(reverse("competitions:detail", args=[event.competition_id]), event.competition.name),
                                   (reverse("competitions:event", args=[pk]), event.name)])


@login_required
@require_http_methods(["GET", "POST"])
def event_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_get_for_user(user=request.user, pk=pk)
    organizer = selectors.can_organize(request.user, event.competition)
    scheme_form = forms.SchemeForm(initial={"lines": forms.SchemeForm.text_for(event)})
    judge_form = forms.JudgeForm(user=request.user, event=event)
    if request.method == "POST":
        if not organizer:
            raise PermissionDenied
        if "lines" in request.POST:
            scheme_form = forms.SchemeForm(request.POST)
            if scheme_form.is_valid():
                try:
                    services.marking_scheme_set(actor=request.user, event=event,
                                                sections=scheme_form.cleaned_data["lines"])
                except (ApplicationError, ValidationError) as exc:
                    apply_application_error(scheme_form, exc, field_map={"sections": "lines"})
                else:
                    messages.success(request, _("已保存评分方案。"))
                    return redirect("competitions:event", pk=pk)
        else:
            judge_form = forms.JudgeForm(request.POST, user=request.user, event=event)
            if judge_form.is_valid():
                data = judge_form.cleaned_data
                try:
                    judge = services.judge_assign(actor=request.user, event=event, user=data["username"],
                                                  name=data["name"], organization=data["organization"],
                                                  delegation=data["delegation"], is_chief=data["is_chief"])
                except (ApplicationError, ValidationError) as exc:
                    apply_application_error(judge_form, exc, field_map={"user": "username"})
                else:
                    conflicts = selectors.judge_conflicts(judge)
                    messages.success(request, _("已指派裁判 {name}。").format(name=judge.name))
                    if conflicts:
                        messages.warning(request, _("{name} 须回避以下参赛编号：{numbers}。").format(
                            name=judge.name, numbers=enumeration(e.number for e in conflicts)))
                    return redirect("competitions:event", pk=pk)
    aspects = selectors.aspects_of(event)
    return render(request, "competitions/event_detail.html", {
        "event": event, "organizer": organizer, "aspects": aspects,
        "max_marks": sum((a.max_mark for a in aspects), Decimal(0)),
        "judges": selectors.judge_list(event=event) if organizer else [],
        "rounds": event.rounds.select_related("stage").order_by("stage__sequence"),
        "scheme_form": scheme_form, "judge_form": judge_form,
        "scheme_locked": ScoreSheet.objects.filter(entry__event=event).exists(),
    }, status=400 if (scheme_form.errors or judge_form.errors) else 200)


@login_required
@require_POST
def judge_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    judge = selectors.judge_get_for_user(user=request.user, pk=pk)
    _run(request, lambda: services.judge_remove(actor=request.user, judge=judge),
         _("已撤销 {name} 的裁判资格。").format(name=judge.name))
    return redirect("competitions:event", pk=judge.event_id)


# =================================================================================================
# Delegations and entries
# =================================================================================================


@login_required
@require_http_methods(["GET", "POST"])
def delegations_view(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _organised_competition(request, pk)
    form = forms.DelegationForm(user=request.user, competition=competition)
    quota_form = forms.QuotaForm(competition=competition)
    if request.method == "POST":
        if "max_entries" in request.POST:
            quota_form = forms.QuotaForm(request.POST, competition=competition)
            if quota_form.is_valid():
                try:
                    services.quota_set(actor=request.user, **quota_form.cleaned_data)
                except (ApplicationError, ValidationError) as exc:
                    apply_application_error(quota_form, exc)
                else:
                    messages.success(request, _("已设置名额。"))
                    return redirect("competitions:delegations", pk=pk)
        else:
            form = forms.DelegationForm(request.POST, user=request.user, competition=competition)
            if form.is_valid():
                try:
                    delegation = services.delegation_create(actor=request.user, competition=competition,
                                                            **form.cleaned_data)
                except (ApplicationError, ValidationError) as exc:
                    apply_application_error(form, exc)
                else:
                    messages.success(request, _("已组建代表队“{name}”。").format(name=delegation.name))
                    return redirect("competitions:delegations", pk=pk)
    delegations = competition.delegations.select_related("organization").prefetch_related("quotas__event")
    counts = dict(
        Entry.objects.filter(event__competition=competition, status__in=Entry.ACTIVE, advanced_from__isnull=True)
        .values_list("delegation_id").annotate(n=Count("pk"))
    )
    return render(request, "competitions/delegations.html", {
        "competition": competition, "delegations": delegations, "entry_counts": counts,
        "form": form, "quota_form": quota_form,
    }, status=400 if (form.errors or quota_form.errors) else 200)


@login_required
@require_http_methods(["GET", "POST"])
def delegation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = selectors.delegation_get_for_user(user=request.user, pk=pk, write=False)
    can_manage = selectors.can_manage_delegation(request.user, delegation)
    form = forms.EntryForm(request.POST or None, delegation=delegation)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                people = _people_by_id_numbers(request, form.numbers())
                entry = services.entry_register(
                    actor=request.user, event=form.cleaned_data["event"], delegation=delegation, people=people,
                    team_name=form.cleaned_data["team_name"], heat=form.cleaned_data["heat"] or None,
                )
            except PersonNotFound as exc:
                form.add_error("id_numbers", str(exc))
            except (ApplicationError, ValidationError) as exc:
                apply_application_error(form, exc, field_map={"people": "id_numbers", "delegation": "event"})
            else:
                messages.success(request, _("已报名，参赛编号 {number}。").format(number=entry.number))
                return redirect("competitions:delegation", pk=pk)
    entries = selectors.entry_list(user=request.user, delegation=delegation)
    return render(request, "competitions/delegation_detail.html", {
        "delegation": delegation, "competition": delegation.competition, "entries": entries, "form": form,
        "can_manage": can_manage,
        "quotas": [(event, selectors.quota_for(delegation, event),
                    entries.filter(event=event, status__in=Entry.ACTIVE, advanced_from__isnull=True).count())
                   for event in delegation.competition.events.order_by("code")],
    }, status=400 if form.errors else 200)


class PersonNotFound(Exception):
    """An ID number typed on the entry form matches nobody the user may see."""


def _people_by_id_numbers(request: HttpRequest, numbers: list[str]) -> list[Any]:
    from gongjiang.core.rules import mask_id_number, normalize_id_number

    people = []
    for number in numbers:
        found = people_selectors.person_list(
            user=request.user, filters=people_selectors.PersonFilters(id_number=number)
        ).first()
        if found is None:
            raise PersonNotFound(_(ERR_PERSON_NOT_FOUND).format(masked=mask_id_number(normalize_id_number(number))))
        people.append(found)
    return people


@login_required
@require_POST
def entry_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    entry = selectors.entry_get_for_staff(user=request.user, pk=pk)
    reason = request.POST.get("reason", "")
    actions: dict[str, tuple[Callable[[], Any], str]] = {
        "confirm": (lambda: services.entry_confirm(actor=request.user, entry=entry), _("已确认报名。")),
        "withdraw": (lambda: services.entry_withdraw(actor=request.user, entry=entry, reason=reason), _("已退赛。")),
        "disqualify": (lambda: services.entry_disqualify(actor=request.user, entry=entry, reason=reason),
                       _("已取消参赛资格。")),
    }
    if action not in actions:
        raise Http404
    call, message = actions[action]
    _run(request, call, message)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("competitions:delegation", args=[entry.delegation_id])
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, pk=pk)
    form = forms.AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_submit(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc.message)) from None
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc, field_map={"entry": "reason"})
        else:
            messages.success(request, _("申诉已提交，请等待裁判长或组委会处理。"))
            return redirect("competitions:home")
    return _form_page(request, form, title=_("对 {number} 的成绩提出申诉").format(number=entry.number),
                      back=reverse("competitions:home"), submit=_("提交申诉"))


# =================================================================================================
# Reward rules and rewards
# =================================================================================================


@login_required
@require_http_methods(["GET", "POST"])
def reward_rule_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _organised_competition(request, pk)
    form = forms.RewardRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reward_rule_create(actor=request.user, competition=competition, **form.service_data())
        except (ApplicationError, ValidationError) as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("已增加奖励规则。"))
            return redirect(reverse("competitions:detail", args=[pk]) + "#rewards")
    return _form_page(request, form, title=_("增加奖励规则"), back=reverse("competitions:detail", args=[pk]),
                      intro=_("例：第一名授予“绍兴市技术能手”；优胜奖及以上晋升到技师，已是技师的晋升高级技师。"),
                      breadcrumbs=[(reverse("competitions:detail", args=[pk]), competition.name)])


@login_required
@require_POST
def reward_rule_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    rule: RewardRule = selectors.reward_rule_get_for_user(user=request.user, pk=pk)
    _run(request, lambda: services.reward_rule_delete(actor=request.user, rule=rule), _("已删除奖励规则。"))
    return redirect(reverse("competitions:detail", args=[rule.competition_id]) + "#rewards")


@login_required
@require_POST
def rewards_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    competition = selectors.competition_get_for_user(user=request.user, pk=pk)
    _run(request, lambda: services.rewards_apply(actor=request.user, competition=competition),
         _("奖励已兑现：荣誉和晋升证书已登记到人才库。"))
    return redirect(reverse("competitions:detail", args=[pk]) + "#rewards")


# =================================================================================================
# Rounds: the chief judge's and organiser's control page
# =================================================================================================


@login_required
@require_GET
def round_view(request: HttpRequest, pk: int) -> HttpResponse:
    event_round, judge, organizer = _round_control(request, pk)
    rows = selectors.round_marks(event_round, statuses=("draft", "submitted", "locked"))
    judges = list(event_round.event.judges.filter(is_active=True).order_by("-is_chief", "name"))
    sheets = {(s.entry_id, s.judge_id): s for s in ScoreSheet.objects.filter(entry__round=event_round)}
    mark_ids = {(m.sheet.entry_id, m.aspect_id, m.sheet.judge_id): m.pk
                for m in Mark.objects.filter(sheet__entry__round=event_round).select_related("sheet")}
    matrix = [
        {
            "entry": row.entry, "practical": row.practical_marks, "missing": row.missing,
            "sheets": [(j, sheets.get((row.entry.pk, j.pk))) for j in judges],
            "cells": [
                {"aspect": cell.aspect, "mark": cell.mark, "disagrees": cell.disagrees, "moderated": cell.moderated,
                 "values": [(j, cell.values[j.pk], mark_ids.get((row.entry.pk, cell.aspect.pk, j.pk)))
                            for j in judges if j.pk in cell.values]}
                for cell in row.aspects
            ],
        }
        for row in rows
    ]
    return render(request, "competitions/round.html", {
        "event_round": event_round, "event": event_round.event, "competition": event_round.event.competition,
        "judge": judge, "is_chief": judge is not None and judge.is_chief, "organizer": organizer,
        "matrix": matrix, "judges": judges,
        "aspects": selectors.aspects_of(event_round.event),
        "problems": services.lock_problems(event_round) if event_round.status == EventRound.Status.OPEN else {},
        "appeals": selectors.appeal_list(user=request.user, event_round=event_round),
        "results": Entry.objects.filter(round=event_round, status__in=Entry.ACTIVE).order_by("heat", "position",
                                                                                              "number")
        if event_round.status != EventRound.Status.OPEN else [],
        "is_final": selectors.is_final(event_round),
        "upload_form": forms.UploadForm(),
        "theory_form": forms.TheoryUploadForm(),
    })


@login_required
@require_POST
def round_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    event_round, _judge, _organizer = _round_for_staff(request, pk)
    calls: dict[str, tuple[Callable[[], Any], str]] = {
        "lock": (lambda: services.round_lock(actor=request.user, event_round=event_round),
                 _("本轮成绩已锁定并算出名次。核对无误后请公布。")),
        "publish": (lambda: services.round_publish(actor=request.user, event_round=event_round),
                    _("成绩已公布，申诉期开始。")),
        "advance": (lambda: services.round_advance(actor=request.user, event_round=event_round),
                    _("已生成晋级名单，晋级选手已进入下一阶段。")),
    }
    if action not in calls:
        raise Http404
    call, message = calls[action]
    _run(request, call, message)
    return redirect("competitions:round", pk=pk)


@login_required
@require_POST
def moderation_view(request: HttpRequest, pk: int) -> HttpResponse:
    event_round, _judge, _organizer = _round_control(request, pk)
    entry = event_round.entries.filter(pk=request.POST.get("entry") or 0).first()
    if entry is None:
        raise Http404
    aspect = selectors.aspect_get(event=event_round.event, key=request.POST.get("aspect", ""))
    _run(request, lambda: services.moderation_accept(actor=request.user, entry=entry, aspect=aspect,
                                                     reason=request.POST.get("reason", "")),
         _("已记录复议意见：{number} {aspect} 维持原评分。").format(number=entry.number, aspect=aspect.code))
    return redirect("competitions:round", pk=pk)


@login_required
@require_POST
def sheet_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.sheet_get_for_user(user=request.user, pk=pk)
    _run(request, lambda: services.sheet_reopen(actor=request.user, sheet=sheet, reason=request.POST.get("reason", "")),
         _("已退回 {judge} 对 {number} 的成绩单。").format(judge=sheet.judge.name, number=sheet.entry.number))
    return redirect("competitions:round", pk=sheet.entry.round_id)


@login_required
@require_POST
def mark_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    mark = selectors.mark_get_for_user(user=request.user, pk=pk)
    _run(request, lambda: services.mark_correct(actor=request.user, mark=mark, value=request.POST.get("value", ""),
                                                reason=request.POST.get("reason", "")),
         _("已更正 {number} 的“{aspect}”，成绩已重新计算。").format(number=mark.sheet.entry.number,
                                                                  aspect=mark.aspect.code))
    return redirect("competitions:round", pk=mark.sheet.entry.round_id)


@login_required
@require_POST
def scores_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Theory scores and completion times typed into the round page's table (chief or organiser)."""
    event_round, _judge, _organizer = _round_control(request, pk)
    reason = request.POST.get("reason", "")
    problems: list[str] = []
    changed = 0
    entries = list(Entry.objects.filter(round=event_round, status__in=Entry.ACTIVE).order_by("number"))
    updates = []
    for entry in entries:
        theory = request.POST.get(f"theory-{entry.pk}", "").strip()
        seconds = request.POST.get(f"time-{entry.pk}", "").strip()
        values: dict[str, Any] = {}
        try:
            if theory and (entry.theory_score is None or Decimal(theory) != entry.theory_score):
                values["theory_score"] = Decimal(theory)
            if seconds and (entry.completion_seconds is None or int(seconds) != entry.completion_seconds):
                values["completion_seconds"] = int(seconds)
        except (InvalidOperation, ValueError):
            problems.append(_("{number}：成绩或用时不是数字。").format(number=entry.number))
            continue
        if values:
            updates.append((entry, values))
    if not problems:
        from django.db import transaction

        try:
            with transaction.atomic():
                for entry, values in updates:
                    services.entry_record_scores(actor=request.user, entry=entry, reason=reason, **values)
                    changed += 1
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc.message)) from None
        except ApplicationError as exc:
            problems.extend(_errors(exc))
    for problem in problems:
        messages.error(request, problem)
    if not problems:
        messages.success(request, _("已保存 {count} 人的理论成绩/用时。").format(count=changed))
    return redirect("competitions:round", pk=pk)


def _start_import(request: HttpRequest, entity: str, event_round: EventRound, uploaded: Any) -> HttpResponse | None:
    """Hand an uploaded sheet to the import pipeline (gongjiang.imports), pinned to the round: it
    is checked in the background and the user sees every problem by row and column on the job's
    page, then confirms all rows or only the correct ones, and may undo the import afterwards."""
    from gongjiang.competitions.imports import round_import_start

    try:
        job = round_import_start(actor=request.user, entity=entity, event_round=event_round,
                                 filename=uploaded.name, source=uploaded)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from None
    except ApplicationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return None
    return redirect("imports:job", public_id=job.public_id)


@login_required
@require_POST
def theory_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    event_round, _judge, _organizer = _round_control(request, pk)
    form = forms.TheoryUploadForm(request.POST, request.FILES)
    if form.is_valid():
        started = _start_import(request, "competition_theory", event_round, form.cleaned_data["file"])
        if started is not None:
            return started
    else:
        messages.error(request, _("请选择要上传的表格文件。"))
    return redirect("competitions:round", pk=pk)


@login_required
@require_POST
def marks_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    event_round, judge, _organizer = _round_for_staff(request, pk)
    if judge is None:
        raise PermissionDenied
    form = forms.UploadForm(request.POST, request.FILES)
    if form.is_valid():
        started = _start_import(request, "competition_marks", event_round, form.cleaned_data["file"])
        if started is not None:
            return started
    else:
        messages.error(request, _("请选择要上传的表格文件。"))
    if judge.is_chief and request.POST.get("next") == "round":
        return redirect("competitions:round", pk=pk)
    return redirect("competitions:judge_round", pk=pk)


@login_required
@require_POST
def appeal_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    appeal: Appeal = selectors.appeal_get_for_user(user=request.user, pk=pk)
    form = forms.AppealDecideForm(request.POST)
    if form.is_valid():
        _run(request, lambda: services.appeal_decide(actor=request.user, appeal=appeal, **form.cleaned_data),
             _("已记录申诉处理结果。"))
    else:
        messages.error(request, _("请选择处理结论并填写处理结果。"))
    return redirect("competitions:round", pk=appeal.entry.round_id)


# =================================================================================================
# Judges: worklist and marking sheet (tablet)
# =================================================================================================


@login_required
@require_GET
def judge_home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "competitions/judge_home.html", {
        "assignments": selectors.judge_assignments(request.user).prefetch_related("event__rounds__stage"),
    })


@login_required
@require_GET
def judge_round_view(request: HttpRequest, pk: int) -> HttpResponse:
    event_round, judge, _organizer = _round_for_staff(request, pk)
    if judge is None:
        raise Http404
    rows = selectors.judge_sheet_rows(judge=judge, event_round=event_round)
    return render(request, "competitions/judge_round.html", {
        "event_round": event_round, "event": event_round.event, "judge": judge, "rows": rows,
        "done": sum(1 for r in rows if r.sheet and r.sheet.status != ScoreSheet.Status.DRAFT),
        "markable": sum(1 for r in rows if not r.conflict),
        "upload_form": forms.UploadForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def judge_sheet_view(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    event_round, judge, _organizer = _round_for_staff(request, pk)
    if judge is None:
        raise Http404
    entry = Entry.objects.filter(round=event_round, pk=entry_pk).first()
    if entry is None:
        raise Http404
    aspects = selectors.aspects_of(event_round.event)
    sheet = ScoreSheet.objects.filter(entry=entry, judge=judge).first()
    values: dict[int, Any] = dict(selectors.sheet_marks(sheet))
    errors: list[str] = []
    if request.method == "POST" and getattr(request, "htmx", False) and "autosave" in request.POST:
        return _autosave(request, entry, aspects)
    if request.method == "POST":
        posted = {aspect.pk: request.POST.get(f"aspect-{aspect.pk}", "") for aspect in aspects}
        submit = "submit" in request.POST
        try:
            services.marks_save(actor=request.user, entry=entry, marks=posted, submit=submit)
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc.message)) from None
        except ApplicationError as exc:
            errors = _errors(exc)
            values.update({k: v for k, v in posted.items() if v != ""})
        else:
            messages.success(request, (_("已提交 {number} 的成绩单。") if submit else _("已保存草稿：{number}。"))
                             .format(number=entry.number))
            following = _next_entry(judge, event_round, entry) if submit else entry
            if following is not None:
                return redirect("competitions:judge_sheet", pk=pk, entry_pk=following.pk)
            return redirect("competitions:judge_round", pk=pk)
    editable = (event_round.status == EventRound.Status.OPEN and entry.is_active
                and (sheet is None or sheet.status == ScoreSheet.Status.DRAFT)
                and not selectors.judge_conflicts_with(judge, entry))
    return render(request, "competitions/judge_sheet.html", {
        "event_round": event_round, "event": event_round.event, "judge": judge, "entry": entry, "sheet": sheet,
        "rows": [{"aspect": a, "value": values.get(a.pk), "options": [0, 1, 2, 3],
                  "value_int": int(values[a.pk]) if a.is_judgement and values.get(a.pk) not in (None, "") else None}
                 for a in aspects],
        "editable": editable, "conflict": selectors.judge_conflicts_with(judge, entry), "errors": errors,
    }, status=400 if errors else 200)


def _autosave(request: HttpRequest, entry: Entry, aspects: list[Any]) -> HttpResponse:
    """HTMX: save the draft each time a mark changes, so a tablet losing its connection or
    battery loses nothing; answers with a one-line status for the sheet's header."""
    posted = {aspect.pk: request.POST.get(f"aspect-{aspect.pk}", "") for aspect in aspects}
    try:
        services.marks_save(actor=request.user, entry=entry, marks=posted, submit=False)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from None
    except ApplicationError as exc:
        return render(request, "competitions/_autosave.html", {"errors": _errors(exc)})
    return render(request, "competitions/_autosave.html", {"saved_at": timezone.localtime()})


def _next_entry(judge: Judge, event_round: EventRound, current: Entry) -> Entry | None:
    """The next entry (by number) the judge still has to mark."""
    for row in selectors.judge_sheet_rows(judge=judge, event_round=event_round):
        if row.entry.number <= current.number or row.conflict:
            continue
        if row.sheet is None or row.sheet.status == ScoreSheet.Status.DRAFT:
            return row.entry
    return None


# =================================================================================================
# Exports
# =================================================================================================


@login_required
@require_GET
def entries_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    competition = selectors.competition_get_for_user(user=request.user, pk=pk)
    entries = selectors.entry_list(user=request.user, competition=competition)
    delegation = request.GET.get("delegation")
    if delegation and delegation.isdigit():
        entries = entries.filter(delegation_id=int(delegation))
    return xlsx_response(excel.entries_workbook(entries), _("报名表_{name}").format(name=competition.name))


@login_required
@require_GET
def round_export_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    event_round, judge, organizer = _round_for_staff(request, pk)
    stem = f"{event_round.event.code}_{event_round.stage.name}"
    if kind == "marks-template":
        if judge is None:
            raise Http404
        return xlsx_response(excel.marks_template(event_round, judge), _("评分模板_{stem}").format(stem=stem))
    if not organizer and not (judge is not None and judge.is_chief):
        raise Http404
    if kind == "scores":
        return xlsx_response(excel.score_sheet_workbook(event_round), _("评分明细_{stem}").format(stem=stem))
    if kind == "theory-template":
        return xlsx_response(excel.theory_template(event_round), _("理论成绩模板_{stem}").format(stem=stem))
    if kind == "results":
        if event_round.status == EventRound.Status.OPEN:
            raise Http404
        return xlsx_response(excel.results_workbook(event_round, with_names=True),
                              _("成绩表_{stem}").format(stem=stem))
    raise Http404

