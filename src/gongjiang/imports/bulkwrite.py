"""Fast inserts for imports: primary keys allocated up front, rows written in bulk.

* PostgreSQL: keys from the table's identity sequence (``nextval`` over ``generate_series``),
  rows through ``COPY … FROM STDIN`` (psycopg 3), ~4× ``bulk_create``;
* SQLite: keys above both the table's highest id and its AUTOINCREMENT counter (the import
  holds SQLite's single write lock, since transactions begin IMMEDIATE), rows through one
  ``executemany``, ~4× ``bulk_create``;
* anything else: ``bulk_create``.

Callers pass values for the columns they know; every other concrete field gets its default,
so a field another module adds later (with a default) does not break imports. Nothing here
calls ``save()`` or model validation: the import pipeline has validated every value, and the
entity writer keeps the model's invariants (see people entity).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


@contextlib.contextmanager
def tuned_for_bulk() -> Iterator[None]:
    """Enter inside the transaction. On SQLite, a 64 MB page cache for the duration of a bulk
    write (default: 2 MB), so the indexes being filled mostly stay in memory (128 MB was no
    faster for 100,000 rows and kept a million-row import above 500 MB); the connection's
    setting is restored afterwards."""
    if connection.vendor == "postgresql":
        # The tables grow by the import inside this transaction while the planner's statistics
        # still describe them as they were (after a first import into an empty table: empty),
        # so the per-batch look-ups by keyed hash would turn into sequential scans of a growing
        # table. Everything this transaction reads is a look-up by an indexed key.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -65536")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, reserved for this transaction."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(pk_column)}), 0) FROM {quoted}")  # noqa: S608
            highest = cursor.fetchone()[0]
            cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='sqlite_sequence'")
            if cursor.fetchone():
                cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
                highest = max(highest, cursor.fetchone()[0])
            return list(range(highest + 1, highest + 1 + count))
    raise NotImplementedError(connection.vendor)


def supports_fast_insert() -> bool:
    return connection.vendor in ("postgresql", "sqlite")


def _column_plan(model: type[models.Model], given: Sequence[str]) -> tuple[list[str], list[Any]]:
    """All concrete columns of ``model``: the given ones first, then the rest with defaults."""
    now = timezone.now()
    fields = {f.attname: f for f in model._meta.concrete_fields}
    missing = [name for name in given if name not in fields]
    if missing:
        raise ValueError(f"{model._meta.label} has no columns {missing}")
    extra_names: list[str] = []
    extra_values: list[Any] = []
    for attname, field in fields.items():
        if attname in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        else:
            raise ValueError(f"{model._meta.label}.{attname} needs a value")
        extra_names.append(attname)
        extra_values.append(field.get_db_prep_save(value, connection))
    return extra_names, extra_values


def prepare_value(value: Any) -> Any:
    """Python value → what the fast path hands the driver (dates as ISO text on SQLite)."""
    if connection.vendor == "sqlite":
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.make_naive(value, dt.UTC)
            return value.isoformat(sep=" ")
        if isinstance(value, dt.date):
            return value.isoformat()
    return value


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (values for ``columns``, which must include the primary key).

    Dates may be given as ``date``/``datetime`` objects or, on SQLite, as ISO text already.
    Returns the number of rows written.
    """
    extra_names, extra_values = _column_plan(model, columns)
    names = [*columns, *extra_names]
    fields = {f.attname: f for f in model._meta.concrete_fields}
    quoted_columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in names)
    table = connection.ops.quote_name(model._meta.db_table)
    tail = tuple(extra_values)
    count = 0
    if connection.vendor == "postgresql":
        # The driver's own COPY, so its errors are the driver's: wrap_database_errors turns them
        # into Django's (a duplicate key is django.db.IntegrityError, as for any other write).
        with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} ({quoted_columns}) FROM STDIN"  # noqa: S608 - names come from the model
        ) as copy:
            for row in rows:
                copy.write_row((*row, *tail))
                count += 1
        return count
    if connection.vendor == "sqlite":
        placeholders = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {table} ({quoted_columns}) VALUES ({placeholders})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append((*row, *tail))
                if len(batch) >= 5000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count
    objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    model.objects.bulk_create(objects, batch_size=1000)
    return len(objects)


def touch(model: type[models.Model], pks: Sequence[int], **values: Any) -> int:
    """Set ``values`` (and ``updated_at`` where the model has it) on ``pks``, in batches."""
    if not pks:
        return 0
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values.setdefault("updated_at", timezone.now())
    total = 0
    for start in range(0, len(pks), 900):
        total += model.objects.filter(pk__in=pks[start : start + 900]).update(**values)
    return total
