"""Public results: competitions with published results, medal tables with charts, and each
published round's results with masked names. No sign-in needed; nothing embargoed is shown."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from gongjiang.competitions import excel, exports, rules, selectors
from gongjiang.competitions.models import Competition
from gongjiang.competitions.views import xlsx_response
from gongjiang.imports.exporters import export_response


def _chart(table: list[rules.MedalTableRow], limit: int = 15) -> dict[str, Any]:
    rows = table[:limit]
    return {
        "labels": [row.label for row in rows],
        "series": [
            {"name": _("金牌"), "key": "gold", "values": [row.gold for row in rows]},
            {"name": _("银牌"), "key": "silver", "values": [row.silver for row in rows]},
            {"name": _("铜牌"), "key": "bronze", "values": [row.bronze for row in rows]},
            {"name": _("优胜奖"), "key": "excellence", "values": [row.excellence for row in rows]},
        ],
    }


@require_GET
def results_list_view(request: HttpRequest) -> HttpResponse:
    competitions = list(selectors.published_competitions())
    years = sorted({c.year for c in competitions}, reverse=True)
    return render(request, "competitions/public_list.html", {"competitions": competitions, "years": years})


@require_GET
def results_list_export_view(request: HttpRequest) -> HttpResponseBase:
    """The public list of competitions with published results, as an .xlsx file (no names in it)."""
    return export_response(user=None, title=gettext_lazy("竞赛成绩公示"), columns=exports.PUBLIC_COLUMNS,
                           objects=selectors.published_competitions(), action=exports.PUBLIC_EXPORT_ACTION)


@require_GET
def results_competition_view(request: HttpRequest, pk: int) -> HttpResponse:
    competition: Competition = selectors.published_competition_get(pk=pk)
    order = rules.BY_POINTS if request.GET.get("order") == rules.BY_POINTS else rules.BY_MEDALS
    table = selectors.medal_table(competition=competition, order=order)
    rounds = list(selectors.published_rounds(competition))
    return render(request, "competitions/public_competition.html", {
        "competition": competition, "table": table, "order": order, "rounds": rounds,
        "chart": _chart(table), "final_stage": selectors.final_stage(competition),
    })


@require_GET
def results_round_view(request: HttpRequest, pk: int) -> HttpResponse:
    event_round = selectors.published_round_get(pk=pk)
    results = selectors.public_results(event_round)
    return render(request, "competitions/public_round.html", {
        "event_round": event_round, "event": event_round.event, "competition": event_round.event.competition,
        "results": results, "has_scale": any(r.scale is not None for r in results),
        "has_heats": any(r.heat for r in results),
    })


@require_GET
def results_round_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    event_round = selectors.published_round_get(pk=pk)
    return xlsx_response(excel.results_workbook(event_round, with_names=False),
                          _("成绩_{event}").format(event=event_round.event.name))


@require_GET
def results_year_view(request: HttpRequest, year: int) -> HttpResponse:
    order = rules.BY_POINTS if request.GET.get("order") == rules.BY_POINTS else rules.BY_MEDALS
    table = selectors.year_medal_table(year=year, order=order)
    return render(request, "competitions/public_year.html", {
        "year": year, "table": table, "order": order, "chart": _chart(table),
        "competitions": selectors.published_competitions().filter(year=year),
    })
