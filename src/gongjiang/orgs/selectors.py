"""Reads of organisations, always inside the user's data scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset


def organization_list(
    *, user: Any, q: str = "", kind: str = "", region: str = "", industry: str = "", parent: int | None = None
) -> QuerySet[Organization]:
    queryset = organization_queryset(user).select_related("region", "industry", "parent")
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(credit_code=q.upper()))
    if kind:
        queryset = queryset.filter(kind=kind)
    if region:
        from gongjiang.core.rules import region_prefix

        queryset = queryset.filter(region__code__startswith=region_prefix(region))
    if industry:
        queryset = queryset.filter(industry_id__startswith=industry)
    if parent is not None:
        queryset = queryset.filter(parent_id=parent)
    return queryset.order_by("name", "id")


def organization_get_for_user(*, user: Any, pk: int, write: bool = False) -> Organization:
    """The organisation, or 404 if the user may not see (or, with write, change) it."""
    try:
        return organization_queryset(user, write=write).get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
