"""Background jobs of the import pipeline (django-tasks; see docs/adr/0001-background-jobs.md).

Thin and idempotent: each takes the job's primary key, reloads it and calls one service. A
job that is no longer in the state the task expects is left alone, so a task delivered twice
does nothing the second time. Each runs in the language of the user who submitted the job
(``ImportJob.language``): the worker has no request to take it from, and the row errors and
the error report it writes are read by that user.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation
from django_tasks import task

from gongjiang.imports import services
from gongjiang.imports.models import ImportJob

logger = logging.getLogger(__name__)


@task(queue_name="imports")
def import_job_validate_task(job_id: int) -> str:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING):
        return "skipped"
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return services.import_job_validate(job=job).status


@task(queue_name="imports")
def import_job_commit_task(job_id: int) -> str:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.COMMITTING:
        return "skipped"
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            return services.import_job_commit(job=job).status
    except Exception:  # the service has recorded the failure on the job and rolled back
        logger.exception("import job %s could not be written", job_id)
        return ImportJob.Status.FAILED


def enqueue_validation(job: ImportJob) -> None:
    import_job_validate_task.enqueue(job.pk)


def enqueue_commit(job: ImportJob) -> None:
    import_job_commit_task.enqueue(job.pk)
