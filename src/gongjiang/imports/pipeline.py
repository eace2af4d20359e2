"""The shared import pipeline, in two passes.

Pass 1, :func:`validate_file` (no writes): read → find the header → map columns → normalise
every cell → check each row → find duplicates within the file → check batches of rows against
the database → spool each valid row's payload to a scratch file. Memory stays flat: rows are
handled in batches of 1,000 and only a 64-bit fingerprint per key is kept for duplicates.

Pass 2, :func:`write_spool`: stream the payloads back and hand them to the entity's writer in
batches. The caller (services.import_job_commit) wraps pass 2 in one transaction, so a
failure — or a killed process — leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import marshal
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from django.utils.translation import gettext_lazy as _

from gongjiang.core.rules import RuleError
from gongjiang.core.text import enumeration
from gongjiang.imports import readers, rules
from gongjiang.imports.entities.base import (
    CODE_DUPLICATE_IN_FILE,
    ERR_DUPLICATE_IN_FILE,
    Entity,
    ImportContext,
    RowState,
    WriteResult,
)
from gongjiang.imports.safety import CheckedFile, UnusableFileError

ERR_NO_HEADER = _("在前 {scan} 行中没有找到表头。表头应包含这些列名之一：{expected}。请使用导入模板，或检查列名。")
ERR_MISSING_COLUMNS = _("缺少必填列：{missing}（表头在第 {row} 行）。请按导入模板补上这些列。")
ERR_DUPLICATE_COLUMNS = _("{column} 列“{header}”与另一列表示同一项内容（{label}），请删除其中一列。")
ERR_NO_ROWS = _("表头下面没有数据行。")
ERR_INTERNAL_ROW = _("这一行无法处理（{kind}），请检查各列内容。")

CODE_INTERNAL = "row_unprocessable"
BATCH_SIZE = 1000
HEADER_SCAN_ROWS = 10

Progress = Callable[[str, int, int], None]


@dataclass
class RowIssue:
    row: int
    column: str  # entity column key ("" for the row as a whole)
    header: str  # the header text in the user's file
    letter: str  # spreadsheet column letter
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.header, "column_key": self.column, "column_letter": self.letter,
                "code": self.code, "message": self.message}


@dataclass
class Validation:
    sheet_name: str = ""
    header_row: int = 0
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (letter, header text)
    unknown_columns: list[tuple[str, str]] = field(default_factory=list)  # (letter, header text)
    rows_total: int = 0
    rows_ok: int = 0
    rows_failed: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    errors_total: int = 0
    failed_rows: list[int] = field(default_factory=list)
    actions: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})
    reader: str = ""
    encoding: str = ""

    def summary(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet_name,
            "header_row": self.header_row,
            "columns": {key: list(value) for key, value in self.columns.items()},
            "unknown_columns": [list(item) for item in self.unknown_columns],
            "actions": dict(self.actions),
            "reader": self.reader,
            "encoding": self.encoding,
            "errors_truncated": self.errors_total > len(self.errors),
        }


_F = TypeVar("_F", bound=Callable[..., Any])


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a bulk loop.

    Reading and checking a file allocates millions of short-lived lists, dicts and row objects
    that reference counting frees; none form cycles. The collector would still walk every live
    container each time its allocation counters trip, costing about a quarter of the checking
    time. Cycles made meanwhile (none are expected) are collected once it is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _with_gc_paused(function: _F) -> _F:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with gc_paused():
            return function(*args, **kwargs)

    return cast(_F, wrapper)


class FirstRows:
    """The row each key was first seen on, for finding duplicates within a file.

    Integer keys (the entities' 64-bit fingerprints) go into a dict up to ``dict_limit`` keys
    (~1 µs a row less than the arrays below; ~12 MB at 131,072 keys). Beyond that they move
    into two flat arrays: a dict of a million fingerprints costs ~130 MB (an int object for
    each key and each row number), the arrays (open addressing, linear probing, kept at most
    half full) ~24 MB. Other keys (tuples, text) go into a dict of their own. Empty slots
    hold 0, so key 0 is stored as 1 (in the dict too, so that the answers do not depend on
    where a key is kept): for fingerprints, the two then count as one, a chance of one in 2⁶⁴.
    """

    __slots__ = ("_capacity", "_ints", "_keys", "_limit", "_mask", "_others", "_rows", "_used")

    def __init__(self, capacity: int = 1 << 12, *, dict_limit: int = 1 << 17) -> None:
        self._capacity = capacity
        self._limit = dict_limit
        self._ints: dict[int, int] | None = {}
        self._keys = array("Q")
        self._rows = array("I")
        self._mask = 0
        self._used = 0
        self._others: dict[Any, int] = {}

    def first(self, key: Any, row: int) -> int | None:
        """The row ``key`` was first seen on; or None, remembering ``row`` for it."""
        if not (isinstance(key, int) and 0 <= key < 1 << 64):
            first = self._others.get(key)
            if first is None:
                self._others[key] = row
            return first
        key = key or 1
        ints = self._ints
        if ints is not None:
            first = ints.get(key)
            if first is None:
                ints[key] = row
                if len(ints) > self._limit:
                    self._to_arrays(ints)
            return first
        keys, mask = self._keys, self._mask
        slot = hash(key) & mask
        while True:
            found = keys[slot]
            if found == key:
                return self._rows[slot]
            if not found:
                keys[slot] = key
                self._rows[slot] = row
                self._used += 1
                if self._used * 2 > mask:
                    self._grow()
                return None
            slot = (slot + 1) & mask

    def _to_arrays(self, ints: dict[int, int]) -> None:
        capacity = self._capacity
        while capacity < 4 * len(ints):
            capacity *= 2
        self._ints = None
        self._fill(capacity, ints.items())

    def _grow(self) -> None:
        self._fill((self._mask + 1) * 4, ((key, row) for key, row in zip(self._keys, self._rows, strict=True) if key))

    def _fill(self, capacity: int, items: Iterable[tuple[int, int]]) -> None:
        keys = array("Q", bytes(8 * capacity))
        rows = array("I", bytes(4 * capacity))
        mask = capacity - 1
        used = 0
        for key, row in items:
            slot = hash(key) & mask
            while keys[slot]:
                slot = (slot + 1) & mask
            keys[slot], rows[slot] = key, row
            used += 1
        self._keys, self._rows, self._mask, self._used = keys, rows, mask, used


class _Throttle:
    """Calls ``progress`` at most every half second (each call may write the job row)."""

    def __init__(self, progress: Progress | None, phase: str, total: int) -> None:
        self.progress, self.phase, self.total = progress, phase, total
        self.last = 0.0

    def __call__(self, done: int, *, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self.last >= 0.5:
            self.last = now
            self.progress(self.phase, done, max(self.total, done))


_BUG_ERRORS = (ValueError, TypeError, ArithmeticError, IndexError, KeyError)


def _normalise_column(normalize: Callable[[Any], Any], raw: Sequence[Any]) -> list[Any]:
    """``normalize`` over a column of cells; where the column repeats itself (an employer, an
    education level, a date: most columns but names and numbers), each distinct text once.

    Normalisers are pure functions of the cell, so a value normalised once stands for all its
    copies. Only text is shared this way: ``True == 1 == 1.0`` as dictionary keys, but not
    as cells.
    """
    distinct = set(raw)
    if len(distinct) * 2 > len(raw) or not all(type(value) is str for value in distinct if value is not None):
        return list(map(normalize, raw))
    done = {value: normalize(value) for value in distinct}
    return [done[value] for value in raw]


def _normalise_batch(
    plan: list[tuple[int, str, Callable[[Any], Any]]], required: list[str], chunk: list[tuple[int, list[Any]]]
) -> list[RowState]:
    """Every cell of a batch of rows through its column's normaliser, and the required columns
    checked: one RowState a row, with its values and its errors.

    Each column of the batch goes through its normaliser in one ``map`` (a loop in C) rather
    than a Python loop over every cell, which halves the cost of this step. A column in which
    some cell fails is redone cell by cell, so every error keeps its row. A normaliser that
    fails with anything but a RuleError (a bug) makes that row unprocessable, not the file.
    """
    problems: dict[int, list[tuple[str, str, Any]]] = {}
    broken: dict[int, str] = {}
    columns: list[list[Any]] = []
    # The batch turned into columns in one C-level transpose where every row reaches the last
    # mapped column (a spreadsheet reader pads its rows to the sheet's width), cell by cell
    # otherwise.
    width = max((index for index, _key, _normalize in plan), default=-1) + 1
    transposed = (list(zip(*[cells for _number, cells in chunk], strict=False))
                  if chunk and all(len(cells) >= width for _number, cells in chunk) else None)
    for index, key, normalize in plan:
        if transposed is not None:
            raw: Sequence[Any] = transposed[index]
        else:
            raw = [cells[index] if index < len(cells) else None for _number, cells in chunk]
        try:
            columns.append(_normalise_column(normalize, raw))
            continue
        except (RuleError, *_BUG_ERRORS):
            pass
        out: list[Any] = []
        for position, value in enumerate(raw):
            try:
                out.append(normalize(value))
            except RuleError as exc:
                out.append(None)
                problems.setdefault(position, []).append((key, exc.code, exc.message))
            except _BUG_ERRORS as exc:
                out.append(None)
                broken.setdefault(position, type(exc).__name__)
        columns.append(out)
    keys = [key for _index, key, _normalize in plan]
    states: list[RowState] = []
    for position, row_values in enumerate(zip(*columns, strict=True) if columns else ((),) * len(chunk)):
        number = chunk[position][0]
        if position in broken:
            state = RowState(number=number, values={})
            state.error("", CODE_INTERNAL, str(ERR_INTERNAL_ROW).format(kind=broken[position]))
            states.append(state)
            continue
        values = dict(zip(keys, row_values, strict=True))
        errors = problems.get(position) or []
        for key in required:
            if values.get(key) in (None, "") and not any(e[0] == key for e in errors):
                errors.append((key, rules.CODE_REQUIRED, rules.ERR_REQUIRED))
        states.append(RowState(number=number, values=values, errors=errors))
    return states


@_with_gc_paused
def validate_file(
    *,
    entity: Entity,
    checked: CheckedFile,
    ctx: ImportContext,
    spool_path: Path | None,
    progress: Progress | None = None,
    max_errors: int = 10_000,
    sink: Callable[[list[tuple[Any, ...]]], None] | None = None,
) -> Validation:
    """Pass 1. Raises UnusableFileError for a file that cannot be imported at all.

    Each batch's valid payloads go to the spool file, or, given ``sink``, to ``sink`` as soon
    as the batch is checked (the streamed import of :mod:`gongjiang.imports.streaming`).
    """
    table = readers.open_table(checked)
    result = Validation(sheet_name=table.sheet_name, reader=table.reader, encoding=table.encoding)
    head = list(itertools.islice(table.rows, HEADER_SCAN_ROWS))
    match = rules.find_header([cells for _n, cells in head], entity.alias_index, required=entity.required,
                              scan=HEADER_SCAN_ROWS)
    if match is None:
        expected = enumeration(str(c.label) for c in entity.columns if c.required) or str(entity.columns[0].label)
        raise UnusableFileError(str(ERR_NO_HEADER).format(scan=HEADER_SCAN_ROWS, expected=expected), "no_header")
    header_number, header_cells = head[match.row_index]
    result.header_row = header_number
    if match.duplicates:
        index, text = match.duplicates[0]
        other = entity.by_key[entity.alias_index[rules.normalize_header(text)]]
        raise UnusableFileError(
            str(ERR_DUPLICATE_COLUMNS).format(column=rules.column_letter(index), header=text, label=other.label),
            "duplicate_columns",
        )
    missing = [str(entity.by_key[key].label) for key in entity.required if key not in match.keys]
    if missing:
        raise UnusableFileError(str(ERR_MISSING_COLUMNS).format(missing=enumeration(missing), row=header_number),
                                "missing_columns")
    mapping = match.columns
    plan = [(index, key, entity.by_key[key].normalize) for index, key in mapping.items()]
    required = [key for key in entity.required if key in match.keys]
    letters = {key: rules.column_letter(index) for index, key in mapping.items()}
    headers = {key: rules.cell_to_text(header_cells[index]) for index, key in mapping.items()}
    result.columns = {key: (letters[key], headers[key]) for key in letters}
    result.unknown_columns = [(rules.column_letter(i), text) for i, text in match.unknown]

    rows: Iterator[tuple[int, list[Any]]] = itertools.chain(head[match.row_index + 1 :], table.rows)
    seen = FirstRows()
    check_row, row_key, first_row = entity.check_row, entity.row_key, seen.first
    failed: set[int] = set()
    spool = spool_path.open("wb") if spool_path is not None else None
    throttle = _Throttle(progress, "validating", table.estimated_rows)

    def record(state: RowState) -> None:
        for key, code, message in state.errors:
            result.errors_total += 1
            if len(result.errors) < max_errors:
                result.errors.append(RowIssue(state.number, key, headers.get(key, ""), letters.get(key, ""), code,
                                              str(message)))
        failed.add(state.number)

    try:
        while True:
            chunk = list(itertools.islice(rows, BATCH_SIZE))
            if not chunk:
                break
            checked_rows: list[RowState] = []
            result.rows_total += len(chunk)
            for state in _normalise_batch(plan, required, chunk):
                number = state.number
                if not (state.errors and state.errors[0][1] == CODE_INTERNAL):
                    try:
                        check_row(state, ctx)
                    except _BUG_ERRORS as exc:
                        # A bug must not sink the whole file: the row is reported, the rest go on.
                        state = RowState(number=number, values={})
                        state.error("", CODE_INTERNAL, str(ERR_INTERNAL_ROW).format(kind=type(exc).__name__))
                if not state.errors:
                    key = row_key(state)
                    if key is not None:
                        first = first_row(key, number)
                        if first is not None:
                            column = entity.duplicate_column or (entity.key_columns[0] if entity.key_columns else "")
                            state.error(column, CODE_DUPLICATE_IN_FILE,
                                        str(ERR_DUPLICATE_IN_FILE).format(row=first, key=entity.key_label()))
                if state.errors:
                    record(state)
                else:
                    checked_rows.append(state)
            if checked_rows:
                entity.resolve(checked_rows, ctx)
            payloads = []
            actions = result.actions
            for state in checked_rows:
                if not state.errors and state.payload is not None:
                    payloads.append(state.payload)
                    action = state.action or "created"
                    actions[action] = actions.get(action, 0) + 1
                else:
                    record(state)
            result.rows_ok += len(payloads)
            if sink is not None and payloads:
                sink(payloads)
            elif spool is not None and payloads:
                # Length-prefixed: marshal.loads on bytes is ~10× marshal.load on a file.
                data = marshal.dumps(payloads)
                spool.write(len(data).to_bytes(8, "little"))
                spool.write(data)
            throttle(result.rows_total)
    finally:
        if spool is not None:
            spool.close()
    if result.rows_total == 0:
        raise UnusableFileError(ERR_NO_ROWS, "no_rows")
    result.rows_failed = len(failed)
    result.failed_rows = sorted(failed)
    throttle(result.rows_total, force=True)
    return result


def read_spool(spool_path: Path) -> Iterator[list[tuple[Any, ...]]]:
    with spool_path.open("rb") as handle:
        while True:
            size = handle.read(8)
            if len(size) < 8:
                return
            yield marshal.loads(handle.read(int.from_bytes(size, "little")))


@_with_gc_paused
def write_spool(
    *,
    entity: Entity,
    spool_path: Path,
    ctx: ImportContext,
    total: int,
    progress: Progress | None = None,
    on_batch: Callable[[WriteResult], None] | None = None,
) -> dict[str, int]:
    """Pass 2: every spooled payload through the entity's writer. Call inside one transaction."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    done = 0
    throttle = _Throttle(progress, "writing", total)
    for payloads in read_spool(spool_path):
        for start in range(0, len(payloads), BATCH_SIZE):
            batch = payloads[start : start + BATCH_SIZE]
            written = entity.write(batch, ctx)
            for key, value in written.counts.items():
                counts[key] = counts.get(key, 0) + value
            if on_batch is not None:
                on_batch(written)
            done += len(batch)
            throttle(done)
    throttle(done, force=True)
    return counts
