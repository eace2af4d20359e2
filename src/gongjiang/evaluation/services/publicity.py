"""Publicity (公示) objections: recorded during publicity and resolved before issuance."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from gongjiang.core import audit
from gongjiang.evaluation.models import Application, EvaluationBatch, Objection
from gongjiang.evaluation.services._common import fail, fresh_batch, require_batch_write

ERR_NOT_PUBLICITY = gettext_noop("批次不在公示期，不能登记异议。")
ERR_CONTENT = gettext_noop("请填写异议人和异议内容。")
ERR_APPLICATION = gettext_noop("所涉申报不属于本批次。")
ERR_RESOLVED = gettext_noop("该异议已处理。")
ERR_RESOLUTION = gettext_noop("请填写处理意见。")


@transaction.atomic
def objection_record(
    *, actor: Any, batch: EvaluationBatch, raised_by: str, content: str, contact: str = "",
    application: Application | None = None,
) -> Objection:
    """Record an objection received during publicity (by phone, letter, in person ...)."""
    require_batch_write(actor, batch)
    batch = fresh_batch(batch)
    if batch.status != EvaluationBatch.Status.PUBLICITY:
        raise fail(ERR_NOT_PUBLICITY, "batch")
    if not (raised_by or "").strip() or not (content or "").strip():
        raise fail(ERR_CONTENT, "content")
    if application is not None and application.batch_id != batch.pk:
        raise fail(ERR_APPLICATION, "application")
    objection = Objection.objects.create(
        batch=batch, application=application, raised_by=raised_by.strip()[:100], contact=contact.strip()[:100],
        content=content.strip(),
    )
    audit.record("evaluation.objection.recorded", obj=objection,
                 changes={"batch": batch.pk, "application": application.pk if application else None}, actor=actor)
    return objection


@transaction.atomic
def objection_resolve(*, actor: Any, objection: Objection, upheld: bool, resolution: str) -> Objection:
    """Resolve an objection. Upheld against an application: that person is taken off the pass
    list (result "excluded") and gets no certificate."""
    require_batch_write(actor, objection.batch)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != Objection.Status.OPEN:
        raise fail(ERR_RESOLVED, "status")
    if not (resolution or "").strip():
        raise fail(ERR_RESOLUTION, "resolution")
    objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection.resolution = resolution.strip()
    objection.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
    objection.resolved_at = timezone.now()
    objection.save(update_fields=["status", "resolution", "resolved_by", "resolved_at", "updated_at"])
    excluded = None
    if upheld and objection.application_id is not None:
        application = Application.objects.get(pk=objection.application_id)
        excluded = [application.result, Application.Result.EXCLUDED]
        application.result = Application.Result.EXCLUDED
        application.save(update_fields=["result", "updated_at"])
    audit.record("evaluation.objection.resolved", obj=objection,
                 changes={"status": objection.status, "resolution": objection.resolution, "application_result": excluded},
                 actor=actor)
    return objection
