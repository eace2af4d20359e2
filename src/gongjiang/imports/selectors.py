"""Reads of import jobs: a job is visible to the person who uploaded it and to platform admins."""

from __future__ import annotations

import json
from pathlib import Path
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


def import_job_progress(job: ImportJob) -> dict[str, Any]:
    """How far the job is: ``{"phase", "done", "total", "percent"}``.

    While the rows are written (one transaction), the worker reports through a file in the
    job's scratch folder (see ``services._commit_progress_writer``); otherwise the job row says.
    """
    phase, done, total = job.phase, job.progress_done, job.progress_total
    if job.status == ImportJob.Status.COMMITTING and job.scratch_dir:
        try:
            data = json.loads((Path(job.scratch_dir) / "progress.json").read_text(encoding="utf-8"))
            phase, done, total = str(data["phase"]), int(data["done"]), int(data["total"])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not started yet (or between two writes): the job row's figures stand
    percent = min(100, int(done * 100 / total)) if total else 0
    return {"phase": phase, "done": done, "total": total, "percent": percent}
