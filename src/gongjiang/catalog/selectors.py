"""Reads of the reference data. Not scoped: regions, occupations and industries are public facts."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from gongjiang.catalog.models import Industry, Occupation, Region, WorkType


def region_list(
    *, q: str = "", parent: str = "", level: int | None = None, code: str = "", active_only: bool = False
) -> QuerySet[Region]:
    """Regions, filtered by parent code, level, code prefix (``3306``) or part of the name."""
    queryset = Region.objects.select_related("parent")
    if q:
        queryset = queryset.filter(name__icontains=q.strip())
    if parent:
        queryset = queryset.filter(parent_id=parent)
    if level is not None:
        queryset = queryset.filter(level=level)
    if code:
        queryset = queryset.filter(code__startswith=code.strip())
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("code")


def region_get(*, code: str) -> Region:
    try:
        return Region.objects.select_related("parent").get(code=str(code).strip())
    except Region.DoesNotExist:
        raise Http404 from None


def occupation_list(
    *, code: str = "", q: str = "", verified: bool | None = None, active_only: bool = False
) -> QuerySet[Occupation]:
    """Occupations with their work types, by code prefix (``6-18``), name part, verification."""
    queryset = Occupation.objects.prefetch_related("work_types")
    if code:
        queryset = queryset.filter(code__startswith=code.strip())
    if q:
        text = q.strip()
        queryset = queryset.filter(Q(name__icontains=text) | Q(work_types__name__icontains=text)).distinct()
    if verified is not None:
        queryset = queryset.filter(is_verified=verified)
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("code")


def occupation_get(*, code: str) -> Occupation:
    try:
        return Occupation.objects.prefetch_related("work_types").get(code=str(code).strip())
    except Occupation.DoesNotExist:
        raise Http404 from None


def work_type_get(*, pk: int) -> WorkType:
    try:
        return WorkType.objects.select_related("occupation").get(pk=pk)
    except (WorkType.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def industry_list(*, q: str = "", parent: str = "", code: str = "") -> QuerySet[Industry]:
    queryset = Industry.objects.select_related("parent")
    if q:
        queryset = queryset.filter(name__icontains=q.strip())
    if parent:
        queryset = queryset.filter(parent_id=parent)
    if code:
        queryset = queryset.filter(code__startswith=code.strip().upper())
    return queryset.order_by("code")


def industry_get(*, code: str) -> Industry:
    try:
        return Industry.objects.get(code=str(code).strip().upper())
    except Industry.DoesNotExist:
        raise Http404 from None
