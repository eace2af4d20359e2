"""Row locks, taken in a deterministic order (STYLE.md §17). No-ops on SQLite, which serialises
writers with ``BEGIN IMMEDIATE`` anyway.

Each helper locks the row and then refreshes the caller's own instance from it, so the caller
keeps working on (and returning) the object it was given, with current values.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

T = TypeVar("T", bound=models.Model)


def lock(obj: T) -> T:
    model: Any = type(obj)  # every model here has ``objects``; django-stubs only knows it per model
    model.objects.select_for_update(no_key=True).filter(pk=obj.pk).order_by("pk").values_list("pk", flat=True).get()
    obj.refresh_from_db()
    return obj


program_for_update = lock
person_for_update = lock
apprenticeship_for_update = lock
