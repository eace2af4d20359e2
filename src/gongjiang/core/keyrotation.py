"""Re-encrypting stored ciphertexts with the active field key: the loop every
``FIELD_KEY_ROTATORS`` function shares (``gongjiang rotate_keys``, docs/deployment.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models, transaction

from gongjiang.core import audit
from gongjiang.core.crypto import get_provider


def reencrypt(
    queryset: models.QuerySet[Any], *, fields: Mapping[str, Callable[[Any], bytes]], action: str,
    batch_size: int = 1000,
) -> int:
    """Re-encrypt, under the active key, each of ``fields`` (name → the row's associated data)
    not already under it, for every row of ``queryset``; in batches by primary key, one
    transaction and one audit entry (``action``) a batch. Returns how many rows changed.
    Empty values stay empty. Safe to interrupt and to run again."""
    provider = get_provider()
    object_type = queryset.model._meta.label_lower
    changed = 0
    last_pk: Any = None
    while True:
        page = queryset.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        batch = list(page[:batch_size])
        if not batch:
            return changed
        with transaction.atomic():
            for row in batch:
                updated = []
                for name, associated_data in fields.items():
                    token = getattr(row, name)
                    if token and provider.needs_rotation(token):
                        aad = associated_data(row)
                        setattr(row, name, provider.encrypt(provider.decrypt(token, associated_data=aad),
                                                            associated_data=aad))
                        updated.append(name)
                if updated:
                    row.save(update_fields=updated)
                    changed += 1
            audit.record(action, object_type=object_type, changes={"up_to_pk": batch[-1].pk})
        last_pk = batch[-1].pk
