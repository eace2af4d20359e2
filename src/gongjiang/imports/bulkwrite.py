"""Fast inserts for imports: primary keys allocated up front, rows written in bulk.

* PostgreSQL: keys from the table's identity sequence (``nextval`` over ``generate_series``),
  rows through ``COPY … FROM STDIN`` (psycopg 3), ~4× ``bulk_create``, in the binary format
  where every column's type allows (``IMPORT_PG_BINARY_COPY``);
* SQLite: keys above both the table's highest id and its AUTOINCREMENT counter (the import
  holds SQLite's single write lock, since transactions begin IMMEDIATE), rows through one
  ``executemany``, ~4× ``bulk_create``;
* anything else: ``bulk_create``.

Foreign keys on PostgreSQL. Django declares them ``DEFERRABLE INITIALLY DEFERRED``, so each
inserted row queues one trigger event per foreign key, and at commit each event runs its own
``SELECT 1 FROM parent WHERE key = $1 FOR KEY SHARE``: for 100,000 people and their jobs,
400,000 such queries, about half the server's work for the whole import. Where the database
lets this connection set ``session_replication_role`` (a superuser, or PostgreSQL 15+ after
``GRANT SET ON PARAMETER session_replication_role TO <role>``) and the table has no trigger
of its own, :func:`insert_rows` copies with those triggers off and makes the same check
itself, set-wise: for each foreign key, one query per batch over the distinct values, taking
the same ``FOR KEY SHARE`` lock on every parent row, and a missing parent raises
``IntegrityError`` before anything commits. Otherwise (or with ``IMPORT_PG_FAST_FOREIGN_KEYS``
off) PostgreSQL's own triggers check, as for any other write.

Callers pass values for the columns they know; every other concrete field gets its default,
so a field another module adds later (with a default) does not break imports. Nothing here
calls ``save()`` or model validation: the import pipeline has validated every value, and the
entity writer keeps the model's invariants (see people entity).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models
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
        # On the driver's connection: Django refuses queries in a transaction already marked
        # for rollback, which would hide the error that marked it.
        connection.connection.execute(f"PRAGMA cache_size = {int(previous)}")


def column_name(field: models.Field[Any, Any]) -> str:
    """A concrete field's column name (Django types it as optional: only concrete fields have one)."""
    assert field.column is not None, field
    return field.column


_HEX_LIST = re.compile(r"[0-9a-f]+(?:,[0-9a-f]+)*")


def hash_lookup(column: str, hashes: list[str]) -> tuple[str, list[Any]]:
    """The WHERE clause (and its parameters) that finds rows whose ``column`` is one of
    ``hashes`` (keyed hashes, lowercase hex), the cheapest way this database takes a list.

    * PostgreSQL: one array, written as an array literal. Handing psycopg the list costs
      ~3 ms of client time for 900 values (each adapted and quoted), the literal ~0.2 ms;
      hex needs no quoting, and anything else takes the list path.
    * SQLite: one JSON array, unpacked by json_each (built in since 3.38). Not
      connection.features.supports_json_field: Django finds that out in a write transaction
      of its own, which would wait for the lock a streamed import's writer holds.
    * Otherwise, a placeholder per value.
    """
    if connection.vendor == "postgresql":
        joined = ",".join(hashes)
        if _HEX_LIST.fullmatch(joined):
            return f"{column} = ANY(%s::text[])", ["{" + joined + "}"]
        return f"{column} = ANY(%s)", [hashes]
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 38):
        return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(hashes)]
    return f"{column} IN ({', '.join(['%s'] * len(hashes))})", list(hashes)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, reserved for this transaction."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk_column = column_name(model._meta.pk)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence's name once per connection and table (pg_get_serial_sequence per row
            # costs ~3 µs a key, 20× nextval itself; per batch, a round trip).
            sequences: dict[str, str] = connection.__dict__.setdefault("_gongjiang_sequences", {})
            sequence = sequences.get(table)
            if sequence is None:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk_column])
                sequence = sequences[table] = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
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


# For the log, like PostgreSQL's own message (the job itself says `conflict`, services.mark_write_failed).
ERR_MISSING_PARENT = "{table}.{column}: no row in {parent} for {values} (foreign key check of a bulk copy)"


def _foreign_keys(model: type[models.Model], names: Sequence[str]) -> list[tuple[int, models.ForeignKey[Any, Any]]]:
    """(position in ``names``, field) of each database-enforced foreign key among ``names``."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return [
        (index, field) for index, name in enumerate(names)
        if isinstance(field := fields[name], models.ForeignKey) and getattr(field, "db_constraint", True)
    ]


def _may_skip_fk_triggers(model: type[models.Model]) -> bool:
    """Whether this PostgreSQL connection may copy into ``model``'s table with its foreign-key
    triggers off (see the module text). Asked once per connection and table."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return False
    if not getattr(settings, "IMPORT_PG_FAST_FOREIGN_KEYS", True):
        return False
    memo: dict[str, bool] = connection.__dict__.setdefault("_gongjiang_fk_fast_path", {})
    table = model._meta.db_table
    if table not in memo:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
            allowed = bool(row and row[0])
            if not allowed and getattr(connection, "pg_version", 0) >= 150000:
                cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
                allowed = bool(cursor.fetchone()[0])
            if allowed:
                # A trigger someone added to the table would be skipped too: then don't.
                cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass "
                               "AND NOT tgisinternal)", [table])
                allowed = not cursor.fetchone()[0]
        memo[table] = allowed
    return memo[table]


def check_parents(model: type[models.Model], checks: list[tuple[models.ForeignKey[Any, Any], set[Any]]]) -> None:
    """What PostgreSQL's foreign-key triggers check for the rows just copied, set-wise: each
    value must name an existing parent row, which is locked ``FOR KEY SHARE`` until commit
    (so that nobody deletes it meanwhile), exactly as the trigger would lock it."""
    with connection.cursor() as cursor:
        for field, values in checks:
            if not values:
                continue
            parent = field.target_field.model
            target = column_name(field.target_field)
            cursor.execute(
                f"SELECT {connection.ops.quote_name(target)} FROM {connection.ops.quote_name(parent._meta.db_table)} "  # noqa: S608
                f"WHERE {connection.ops.quote_name(target)} = ANY(%s) FOR KEY SHARE",
                [sorted(values)],
            )
            found = {row[0] for row in cursor.fetchall()}
            missing = values - found
            if missing:
                shown = ", ".join(str(v) for v in sorted(missing, key=str)[:5])
                raise IntegrityError(ERR_MISSING_PARENT.format(
                    table=model._meta.db_table, column=field.column, parent=parent._meta.db_table, values=shown))


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


# Column types the binary COPY is used for: those whose Python values the callers pass as the
# driver's binary dumpers expect them (str, int, bool, date, datetime, float, None).
_BINARY_TYPES = frozenset({"int2", "int4", "int8", "text", "varchar", "bpchar", "bool", "date", "timestamptz",
                           "timestamp", "float8"})


def _binary_types(model: type[models.Model], columns: Sequence[str]) -> list[int] | None:
    """The type OIDs of ``columns`` for a binary COPY, or None (then text COPY) if a column has
    another type. In binary, the server reads each value as it is stored instead of parsing its
    text, and the driver need not escape it: a quarter less time for people and their jobs."""
    if connection.vendor != "postgresql" or not getattr(settings, "IMPORT_PG_BINARY_COPY", True):
        return None
    memo: dict[str, dict[str, tuple[int, str]]] = connection.__dict__.setdefault("_gongjiang_column_types", {})
    table = model._meta.db_table
    if table not in memo:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.attname, t.oid, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped", [table],
            )
            memo[table] = {name: (oid, typname) for name, oid, typname in cursor.fetchall()}
    known = memo[table]
    if any(column not in known or known[column][1] not in _BINARY_TYPES for column in columns):
        return None
    return [known[column][0] for column in columns]


def _is_date(field: models.Field[Any, Any]) -> bool:
    return isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)


def _dates_as_objects(rows: list[tuple[Any, ...]], positions: list[int]) -> list[tuple[Any, ...]]:
    """Rows whose date columns hold ISO text with those values as dates, which the binary
    format needs (callers that know the database pass dates: see :func:`date_converter`)."""
    if not positions or not any(isinstance(row[i], str) for row in rows for i in positions):
        return rows
    fixed = []
    for row in rows:
        values = list(row)
        for i in positions:
            if isinstance(values[i], str):
                values[i] = dt.date.fromisoformat(values[i])
        fixed.append(tuple(values))
    return fixed


def date_converter() -> Callable[[str | None], Any]:
    """ISO date → what :func:`insert_rows` takes fastest on this database: a date on
    PostgreSQL (its binary COPY), the text itself on SQLite (which stores dates as that text).
    Ask once per batch: the connection's vendor is not free to look up per row."""
    if connection.vendor == "postgresql":
        fromiso = dt.date.fromisoformat
        return lambda iso: fromiso(iso) if iso else None
    return lambda iso: iso


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
    fresh_parents: Collection[str] = (),
) -> int:
    """Insert ``rows`` (values for ``columns``, which must include the primary key).

    Dates may be given as ``date``/``datetime`` objects or, on SQLite, as ISO text already.
    ``fresh_parents`` names foreign-key columns whose every value is the key of a row that this
    transaction has itself just inserted (a person's job, written right after the person): no
    other transaction can see such a row, so none can delete it, and the set-wise check of
    PostgreSQL's fast path (see the module text) leaves these columns out, along with the lock
    it would take on each of those rows. Returns the number of rows written.
    """
    extra_names, extra_values = _column_plan(model, columns)
    names = [*columns, *extra_names]
    fields = {f.attname: f for f in model._meta.concrete_fields}

    def quoted_columns(order: Iterable[str]) -> str:
        return ", ".join(connection.ops.quote_name(column_name(fields[name])) for name in order)

    table = connection.ops.quote_name(model._meta.db_table)
    tail = tuple(extra_values)
    if connection.vendor == "postgresql":
        foreign_keys = _foreign_keys(model, names) if _may_skip_fk_triggers(model) else []
        checked_keys = [(index, field) for index, field in foreign_keys if field.attname not in fresh_parents]
        full_rows = [(*row, *tail) for row in rows]
        types = _binary_types(model, [column_name(fields[name]) for name in names])
        if types is not None:
            full_rows = _dates_as_objects(full_rows, [i for i, name in enumerate(names) if _is_date(fields[name])])
        # The driver's own COPY, so its errors are the driver's: wrap_database_errors turns them
        # into Django's (a duplicate key is django.db.IntegrityError, as for any other write).
        with connection.wrap_database_errors, connection.cursor() as cursor:
            if foreign_keys:
                cursor.execute("SET LOCAL session_replication_role = replica")
            with cursor.cursor.copy(
                f"COPY {table} ({quoted_columns(names)}) FROM STDIN"  # noqa: S608 - names come from the model
                + (" (FORMAT BINARY)" if types is not None else "")
            ) as copy:
                if types is not None:
                    copy.set_types(types)
                for full in full_rows:
                    copy.write_row(full)
            # (Had the copy failed, the transaction would be aborted and this setting with it.)
            if foreign_keys:
                cursor.execute("SET LOCAL session_replication_role = origin")
        if checked_keys:
            check_parents(model, [
                (field, {full[index] for full in full_rows} - {None}) for index, field in checked_keys
            ])
        return len(full_rows)
    if connection.vendor == "sqlite":
        # The columns the caller left to their defaults hold the same value on every row:
        # written into the statement as literals, they need no per-row tuple and no per-row
        # binding, a quarter less of the insert's cost. A value with no exact literal (a float)
        # stays a parameter, appended to every row.
        literals = [_sqlite_literal(value) for value in tail]
        bound = [(name, value) for name, value, literal in zip(extra_names, tail, literals, strict=True) if literal is None]
        written = [(name, literal) for name, literal in zip(extra_names, literals, strict=True) if literal is not None]
        order = [*columns, *(name for name, _value in bound), *(name for name, _literal in written)]
        placeholders = ", ".join(["%s"] * (len(columns) + len(bound))
                                 + [literal.replace("%", "%%") for _name, literal in written])
        bound_tail = tuple(value for _name, value in bound)
        sql = f"INSERT INTO {table} ({quoted_columns(order)}) VALUES ({placeholders})"  # noqa: S608
        count = 0
        with connection.cursor() as cursor:
            batch: list[Sequence[Any]] = []
            for row in rows:
                batch.append((*row, *bound_tail) if bound_tail else row)
                if len(batch) >= 5000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count
    objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    model._default_manager.bulk_create(objects, batch_size=1000)
    return len(objects)


def _sqlite_literal(value: Any) -> str | None:
    """``value`` as an SQLite literal that reads back exactly as binding it would store it, or
    None where there is none: NULL, integers, blobs, and text (in single quotes, each one
    doubled, as SQLite's quote() writes it; text holding a NUL, which quote() would cut short,
    as its UTF-8 bytes cast to text). Floats get None: SQLite's text-to-float conversion is not
    exact for every double."""
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        if "\x00" in value:
            return f"CAST(X'{value.encode().hex()}' AS TEXT)"
        return "'" + value.replace("'", "''") + "'"
    if type(value) is bytes:
        return f"X'{value.hex()}'"
    return None


def touch(model: type[models.Model], pks: Sequence[int], **values: Any) -> int:
    """Set ``values`` (and ``updated_at`` where the model has it) on ``pks``, in batches."""
    if not pks:
        return 0
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values.setdefault("updated_at", timezone.now())
    total = 0
    for start in range(0, len(pks), 900):
        total += model._default_manager.filter(pk__in=pks[start : start + 900]).update(**values)
    return total
