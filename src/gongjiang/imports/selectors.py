"""Reads of import jobs: a job is visible to the person who uploaded it and to platform admins."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from gongjiang.imports.models import ImportJob
from gongjiang.orgs.models import Membership
from gongjiang.orgs.scope import scope_for


def import_job_list(*, user: Any) -> QuerySet[ImportJob]:
    queryset = ImportJob.objects.select_related("created_by")
    if scope_for(user).has_role(Membership.Role.PLATFORM_ADMIN):
        return queryset
    return queryset.filter(created_by_id=getattr(user, "pk", None))


def import_job_get_for_user(*, user: Any, public_id: Any) -> ImportJob:
    try:
        return import_job_list(user=user).get(public_id=public_id)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
