"""Writing audit entries. Every service that changes data calls :func:`record` in its transaction.

Each entry is sealed into the log's HMAC chain (:mod:`gongjiang.core.auditchain`) as soon as
its transaction commits.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from gongjiang.core import auditchain, context
from gongjiang.core.models import AuditEntry

# Fields whose values must never reach the audit log in clear.
SECRET_FIELD_SUFFIXES = ("_encrypted", "_hash", "password")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Field values of a model instance, safe to store in the audit log."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name.endswith(SECRET_FIELD_SUFFIXES):
            continue
        data[field.name] = _jsonable(getattr(instance, field.attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def record(
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    outcome: str = AuditEntry.Outcome.SUCCESS,
    actor: Any = None,
) -> AuditEntry:
    """Write one audit entry. ``action`` is dotted: ``people.person.created``."""
    ctx = context.current()
    user = actor if actor is not None else ctx.user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    entry = AuditEntry.objects.create(
        actor=user,
        actor_username=getattr(user, "username", "") if user is not None else "",
        ip_address=ctx.ip_address,
        request_id=ctx.request_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=_jsonable(changes or {}),
        outcome=outcome,
    )
    # Chain it (core.auditchain) once it has committed; a rollback discards it with the entry.
    transaction.on_commit(auditchain.seal_after_commit, robust=True)
    return entry
