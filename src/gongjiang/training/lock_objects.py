"""Row locks, taken in a deterministic order (STYLE.md §17). No-ops on SQLite, which serialises
writers with ``BEGIN IMMEDIATE`` anyway."""

from __future__ import annotations

from typing import Any

from gongjiang.people.models import Person
from gongjiang.training.models import Apprenticeship, TrainingProgram


def program_for_update(program: TrainingProgram) -> TrainingProgram:
    return TrainingProgram.objects.select_for_update(no_key=True).order_by("pk").get(pk=program.pk)


def person_for_update(person: Person) -> Person:
    return Person.objects.select_for_update(no_key=True).order_by("pk").get(pk=person.pk)


def apprenticeship_for_update(apprenticeship: Apprenticeship) -> Apprenticeship:
    return Apprenticeship.objects.select_for_update(no_key=True).order_by("pk").get(pk=apprenticeship.pk)


def lock(obj: Any) -> Any:
    return type(obj).objects.select_for_update(no_key=True).order_by("pk").get(pk=obj.pk)
