"""What an importable entity declares, and the registry of them.

An entity declares its columns once (:class:`Column`: key, header, aliases, normaliser,
required, the rule in words) and implements four steps the shared pipeline calls:

1. :meth:`Entity.check_row` — cross-column rules on one normalised row (pure or cached
   look-ups); returns the row's payload or adds errors;
2. :meth:`Entity.resolve` — a batch of checked rows against the database: references, the
   actor's data scope, existing records (create / update / unchanged);
3. :meth:`Entity.write` — a batch of payloads, inside the import's one transaction; returns
   what it created and changed so the job can be rolled back;
4. :meth:`Entity.rollback` — undo a committed job from its records.

Payloads are tuples of plain values (str, int, None) because they are spooled to disk between
the check and the write (a million rows must not sit in memory). Later modules add entities
(applications, scores, enrolments, competition entries) by subclassing :class:`Entity` and
calling :func:`register`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.text import enumeration
from gongjiang.imports import rules
from gongjiang.imports.crypto import FastCrypto
from gongjiang.orgs.scope import Scope, scope_for

ERR_UNKNOWN_ENTITY = _("不支持导入“{name}”。可导入：{names}。")
ERR_DUPLICATE_IN_FILE = _("与第 {row} 行重复（{key}相同），同一文件中只能出现一次。")
ERR_NO_PERMISSION = _("您的角色不能导入“{entity}”。")

CODE_DUPLICATE_IN_FILE = "duplicate_in_file"


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    aliases: tuple[str, ...] = ()
    normalize: Callable[[Any], Any] = rules.text
    required: bool = False
    help: Any = ""
    example: str = ""
    width: int = 16

    def names(self) -> tuple[Any, ...]:
        """Every header that names this column: its label in each of the site's languages (a
        template downloaded in English has English headers), then its other names."""
        labels = []
        for code, _language in settings.LANGUAGES:
            with translation.override(code):
                labels.append(str(self.label))
        return (*dict.fromkeys(labels), *self.aliases)


class RowState:
    """One data row on its way through the pipeline.

    A plain class with slots rather than a dataclass: the pipeline makes one per row of the
    file, and a million of them must cost little.
    """

    __slots__ = ("action", "errors", "number", "payload", "values")

    def __init__(self, *, number: int, values: dict[str, Any], errors: list[tuple[str, str, Any]] | None = None,
                 payload: tuple[Any, ...] | None = None, action: str = "") -> None:
        self.number = number
        self.values = values
        self.errors: list[tuple[str, str, Any]] = errors if errors is not None else []  # (column key, code, message)
        self.payload = payload
        self.action = action  # created / updated / unchanged, once resolved

    def __repr__(self) -> str:
        return f"RowState(number={self.number!r}, errors={self.errors!r}, action={self.action!r})"

    def error(self, column: str, code: str, message: Any) -> None:
        self.errors.append((column, code, message))

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class WriteResult:
    created: dict[str, list[int]] = field(default_factory=dict)  # model label → new pks
    updated: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)  # (label, pk, before)
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})

    def add_created(self, label: str, pks: Iterable[int]) -> None:
        self.created.setdefault(label, []).extend(pks)


class ImportContext:
    """Who imports, and caches shared by the rows of one job."""

    def __init__(self, *, actor: Any, today: dt.date | None = None, job_ref: str = "") -> None:
        self.actor = actor
        self.job_ref = job_ref  # stored as source_ref on records that have one
        self.scope: Scope | None = scope_for(actor) if actor is not None else None
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.crypto = FastCrypto()
        self.cache: dict[str, dict[Any, Any]] = {}
        # True in a streamed import (imports/streaming.py): each batch reaches the writer moments
        # after it was checked against the database, so a writer may skip looking again for
        # records the check found absent. One created meanwhile by someone else then fails the
        # unique constraint, and the whole import rolls back.
        self.streamed = False

    @property
    def job_public_id(self) -> uuid.UUID | None:
        """The import job's public id, from ``job_ref`` ("imports:<id>", services._context_for);
        None outside a job. Entities find what a job was pinned to by it."""
        if not self.job_ref.startswith("imports:"):
            return None
        try:
            return uuid.UUID(self.job_ref.removeprefix("imports:"))
        except ValueError:
            return None

    @property
    def unrestricted(self) -> bool:
        """A system job (no actor) or a platform administrator: no data-scope limits."""
        return self.scope is None or self.scope.write_everything

    def memo(self, name: str) -> dict[Any, Any]:
        return self.cache.setdefault(name, {})


@dataclass(frozen=True)
class JobPin:
    """What a job is limited to because it was started from it (an evaluation batch, a
    competition round): shown on the job's page, linking back."""

    label: str
    url: str


class Entity:
    name: ClassVar[str]
    label: ClassVar[Any]
    columns: ClassVar[Sequence[Column]]
    # Column keys whose values together identify a row within a file (duplicates are errors).
    key_columns: ClassVar[Sequence[str]] = ()
    # The column an in-file duplicate is reported on (default: the first key column).
    duplicate_column: ClassVar[str] = ""
    description: ClassVar[Any] = ""

    def __init__(self) -> None:
        self.by_key = {column.key: column for column in self.columns}
        self.alias_index = rules.build_alias_index((c.key, c.names()) for c in self.columns)
        self.required = [c.key for c in self.columns if c.required]

    # -- permissions ---------------------------------------------------------------------------
    def can_import(self, scope: Scope | None) -> bool:
        """Whether the role may import this entity at all (rows are scope-checked later)."""
        return scope is None or scope.can_write

    def require_permission(self, actor: Any) -> None:
        if actor is None:
            return
        if not self.can_import(scope_for(actor)):
            from gongjiang.core.exceptions import PermissionDeniedError

            raise PermissionDeniedError(str(ERR_NO_PERMISSION).format(entity=self.label))

    def pinned_to(self, job: Any) -> JobPin | None:
        """What ``job`` is limited to, if it was started from a page that limits it (a batch's,
        a round's); None for a job started from the import page, the API or the command line."""
        return None

    # -- the four steps ------------------------------------------------------------------------
    def row_key(self, state: RowState) -> Any:
        """The in-file identity of a checked row (None: not compared)."""
        if not self.key_columns:
            return None
        values = tuple(state.values.get(key) for key in self.key_columns)
        return values if all(v not in (None, "") for v in values) else None

    def key_label(self) -> str:
        return enumeration(str(self.by_key[key].label) for key in self.key_columns)

    def check_row(self, state: RowState, ctx: ImportContext) -> None:
        raise NotImplementedError

    def resolve(self, batch: list[RowState], ctx: ImportContext) -> None:
        """Database checks for a batch of rows that passed :meth:`check_row`."""

    def write(self, payloads: list[tuple[Any, ...]], ctx: ImportContext) -> WriteResult:
        raise NotImplementedError

    def rollback(self, *, records: list[Any], ctx: ImportContext) -> dict[str, int]:
        raise NotImplementedError

    # -- template ------------------------------------------------------------------------------
    def template_columns(self) -> list[Column]:
        return list(self.columns)


def foreign_dependents(queryset: Any, *, own: Iterable[type[Any]]) -> list[str]:
    """Names of models, other than ``own``, whose rows would be deleted with (or block the
    deletion of) the objects in ``queryset`` — records other modules attached to them later.

    Uses Django's deletion collector, so relations added by apps this module does not know
    (training enrolments, competition entries …) are found too.
    """
    from django.db import router
    from django.db.models.deletion import Collector, ProtectedError, RestrictedError

    own = set(own)
    collector = Collector(using=router.db_for_write(queryset.model))
    try:
        collector.collect(queryset)
    except (ProtectedError, RestrictedError) as error:
        blocked = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", None) or []
        return sorted({str(obj._meta.verbose_name) for obj in list(blocked)[:50]})
    found = {str(model._meta.verbose_name) for model, objects in collector.data.items() if model not in own and objects}
    for fast in collector.fast_deletes:
        if fast.model not in own and fast.exists():
            found.add(str(fast.model._meta.verbose_name))
    return sorted(found)


_REGISTRY: dict[str, Entity] = {}


def register(entity_class: type[Entity]) -> type[Entity]:
    _REGISTRY[entity_class.name] = entity_class()
    return entity_class


def get_entity(name: str) -> Entity:
    from gongjiang.imports import entities  # noqa: F401 - registers the built-in entities

    try:
        return _REGISTRY[name]
    except KeyError:
        raise ApplicationError(
            str(ERR_UNKNOWN_ENTITY).format(name=name, names=enumeration(sorted(_REGISTRY))), field="entity"
        ) from None


def all_entities() -> list[Entity]:
    from gongjiang.imports import entities  # noqa: F401

    return list(_REGISTRY.values())
