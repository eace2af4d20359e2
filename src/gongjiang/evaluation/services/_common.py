"""Shared helpers of the evaluation services: permission checks and error helpers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.evaluation.models import EvaluationBatch, EvaluationBody
from gongjiang.evaluation.selectors import (
    batch_queryset,
    body_filing_queryset,
    body_queryset,
    can_file_bodies,
)

ERR_SUMMARY = gettext_noop("信息有误，请按提示修改。")


def require_filing(actor: Any, body: EvaluationBody | None = None) -> None:
    """Filing bodies is the bureaus' (and platform administrators') job."""
    if actor is None:
        return
    if not can_file_bodies(actor):
        raise PermissionDeniedError()
    if body is not None and body.pk and not body_filing_queryset(actor).filter(pk=body.pk).exists():
        raise PermissionDeniedError()


def require_body_write(actor: Any, body: EvaluationBody) -> None:
    if actor is not None and not body_queryset(actor, write=True).filter(pk=body.pk).exists():
        raise PermissionDeniedError()


def require_batch_write(actor: Any, batch: EvaluationBatch) -> None:
    if actor is not None and not batch_queryset(actor, write=True).filter(pk=batch.pk).exists():
        raise PermissionDeniedError()


def fail(message: str, field: str, **values: Any) -> ApplicationError:
    from django.utils.translation import gettext as _

    text = _(message).format(**values) if values else _(message)
    return ApplicationError(text, field=field)


def collect(errors: dict[str, list[str]], field: str, message: str, **values: Any) -> None:
    from django.utils.translation import gettext as _

    errors.setdefault(field, []).append(_(message).format(**values) if values else _(message))


def raise_if(errors: dict[str, list[str]], summary: str = ERR_SUMMARY) -> None:
    from django.utils.translation import gettext as _

    if errors:
        raise ApplicationError(_(summary), errors=errors)


def fresh_batch(batch: EvaluationBatch) -> EvaluationBatch:
    """The batch as it is now, locked for the rest of the transaction (callers may hold stale copies)."""
    return EvaluationBatch.objects.select_for_update(of=("self",)).select_related("body", "body__organization", "rule_set").get(
        pk=batch.pk
    )
