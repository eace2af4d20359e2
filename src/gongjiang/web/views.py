from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from gongjiang.orgs.scope import scope_for
from gongjiang.reports import selectors as reports_selectors


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: the registry's key figures for the user's scope, or a worker's own record."""
    scope = scope_for(request.user)
    context: dict[str, Any] = {"scope": scope}
    if scope.person_ids and not (scope.everything or scope.region_prefixes or scope.org_paths):
        context["own_person"] = reports_selectors.person_summary(user=request.user)
        return render(request, "web/home_worker.html", context)
    if scope.is_empty:
        context["separated_admin"] = scope.has_role("platform_admin", "security_admin", "audit_admin")
        return render(request, "web/home_no_registry.html", context)
    figures = reports_selectors.registry_figures(user=request.user)
    context.update(figures=figures, charts=reports_selectors.chart_payload(figures))
    return render(request, "web/home.html", context)
