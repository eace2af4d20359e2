"""The audit log's HMAC chain: tamper evidence for ``AuditEntry`` (等保 安全审计 c; 密评).

The append-only rules (the model, its QuerySet and, on PostgreSQL, a trigger) stop the platform
from changing its own log. The chain makes a change by anyone else evident, a DBA or an
attacker with the database included: every entry gets a seal (``AuditSeal``) whose mac is

    mac[n] = HMAC(key, mac[n-1] ‖ n ‖ canonical(entry))        mac[0] = GENESIS

so altering an entry breaks its own mac, and removing an entry with its seal leaves a gap in
the sequence; forging either needs the chain key, which the database does not hold.

Order. Entries are sealed in the order their transactions *committed*, not by id: on
PostgreSQL a long import may take id 9 and commit after a login took id 10. ``seal_pending``
runs right after each audited transaction commits (``AUDIT_SEAL_ON_COMMIT``), under a lock,
and seals what has committed since; ``gongjiang seal_audit`` seals any straggler (an entry
whose transaction took longer than ``AUDIT_SEAL_LOOKBACK_MINUTES``) and is safe to run any
time.

Limits (named in docs/operations.md): cutting the newest entries off the end leaves a shorter
chain that still verifies. ``verify_audit`` prints the chain's head (seq and mac); recorded
elsewhere (syslog, the ops log book), ``verify_audit --expect-head SEQ:MAC`` proves that the
chain still reaches it. The retention purge removes the oldest part of the chain and records
where the chain now starts and the mac it continues from, in its own (sealed) entry.

Algorithms: HMAC-SHA256, or HMAC-SM3 when ``FIELD_CRYPTO_SUITE`` is ``sm``. Each seal names
its algorithm, so a change of suite starts new seals on the new one and old seals still verify.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from gongjiang.core import crypto
from gongjiang.core.models import AuditEntry, AuditSeal

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
ALGORITHM_SHA256 = "hmac-sha256"
ALGORITHM_SM3 = "hmac-sm3"
HKDF_INFO = b"gongjiang audit chain v1"
# One PostgreSQL advisory lock for every sealer (any constant that no other lock uses).
ADVISORY_LOCK_ID = 0x61756469  # "audi"
SEAL_BATCH = 1000
ACTION_PURGED = "core.audit.purged"  # retention's action; its entry carries the chain's anchor

# Problem codes a verification reports (the message says what was found and where).
ALTERED = "altered"
GAP = "gap"
HEAD_MISSING = "head_missing"
HEAD_MISMATCH = "expected_head"
UNKNOWN_ALGORITHM = "unknown_algorithm"


# --- the key and the mac ---------------------------------------------------------------------


def chain_key() -> bytes:
    """``AUDIT_CHAIN_KEY`` if set, else a key derived from ``BLIND_INDEX_KEY`` (HKDF-SHA256)."""
    return _chain_key(settings.AUDIT_CHAIN_KEY, settings.BLIND_INDEX_KEY)


@lru_cache(maxsize=4)
def _chain_key(explicit: str, blind_index_key: str) -> bytes:
    if explicit:
        return base64.b64decode(explicit)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO)
    return hkdf.derive(base64.b64decode(blind_index_key))


def current_algorithm() -> str:
    return ALGORITHM_SM3 if settings.FIELD_CRYPTO_SUITE == "sm" else ALGORITHM_SHA256


def canonical(entry: AuditEntry) -> bytes:
    """The entry's content as the mac covers it: every field but ``actor_id``.

    ``actor_id`` is left out because deleting a user sets it to NULL (``actor_username`` keeps
    who it was). The time is written in UTC to the microsecond; ``changes`` with sorted keys.
    """
    at = entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    content = [
        entry.pk, at, entry.actor_username, entry.ip_address or "", entry.request_id,
        entry.action, entry.object_type, entry.object_id, entry.object_repr, entry.changes,
        entry.outcome,
    ]
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def compute_mac(algorithm: str, key: bytes, previous: str, seq: int, entry: AuditEntry) -> str:
    message = previous.encode("ascii") + b"\n" + str(seq).encode("ascii") + b"\n" + canonical(entry)
    if algorithm not in (ALGORITHM_SHA256, ALGORITHM_SM3):
        raise ValueError(f"unknown audit chain algorithm {algorithm!r}")
    return crypto.hmac_hex(key, message, sm3=algorithm == ALGORITHM_SM3)


# --- sealing ---------------------------------------------------------------------------------


def _lock() -> None:
    """Serialise sealers. SQLite's IMMEDIATE transactions already hold the write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_ID])


def seal_pending(*, lookback: dt.timedelta | None = None) -> int:
    """Seal every committed entry that has no seal yet; return how many were sealed.

    ``lookback`` limits the search to entries written at most that long before the entry of
    the newest seal (the after-commit path: cheap, whatever the log's size); ``None`` searches
    the whole log. Runs in its own transaction, or inside the caller's.
    """
    algorithm, key = current_algorithm(), chain_key()
    sealed = 0
    with transaction.atomic():
        _lock()
        last = AuditSeal.objects.select_related("entry").order_by("-seq").first()
        seq, previous = (last.seq, last.mac) if last is not None else (0, GENESIS)
        pending = AuditEntry.objects.filter(seal__isnull=True)
        if lookback is not None and last is not None:
            pending = pending.filter(at__gte=last.entry.at - lookback)
        after_id = 0
        while True:
            batch = list(pending.filter(id__gt=after_id).order_by("id")[:SEAL_BATCH])
            if not batch:
                break
            seals = []
            for entry in batch:
                seq += 1
                previous = compute_mac(algorithm, key, previous, seq, entry)
                seals.append(AuditSeal(seq=seq, entry=entry, algorithm=algorithm, mac=previous))
            AuditSeal.objects.bulk_create(seals)
            sealed += len(seals)
            after_id = batch[-1].pk
    return sealed


def seal_after_commit() -> None:
    """``transaction.on_commit`` callback of ``audit.record``: seal what just committed.

    Never fails the request that wrote the entry: an error is logged, and the entry is sealed
    by the next audited action or by ``gongjiang seal_audit``.
    """
    if not settings.AUDIT_SEAL_ON_COMMIT:
        return
    try:
        seal_pending(lookback=dt.timedelta(minutes=settings.AUDIT_SEAL_LOOKBACK_MINUTES))
    except DatabaseError:
        logger.warning("Sealing the audit log failed; `gongjiang seal_audit` will seal it.", exc_info=True)


# --- purging the oldest part -----------------------------------------------------------------


@dataclass(frozen=True)
class Cut:
    """Where the chain is cut for a purge: seals below ``resumes_at`` and their entries go."""

    resumes_at: int
    anchor: str
    entry_ids: list[int]


def cut_before(cutoff: dt.datetime) -> Cut:
    """The longest run of the oldest seals whose entries are all older than ``cutoff``.

    The chain can lose only its beginning, never a link from its middle, so an old entry that
    was sealed after a newer one stays until that one may go too (kept longer, never shorter).
    Call inside the purge's transaction, after ``seal_pending()``, under the same lock.
    """
    first_kept = (
        AuditSeal.objects.filter(entry__at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
    )
    if first_kept is None:
        last = AuditSeal.objects.order_by("-seq").values_list("seq", flat=True).first()
        first_kept = (last or 0) + 1
    before = AuditSeal.objects.filter(seq=first_kept - 1).values_list("mac", flat=True).first()
    if before is None:  # nothing to cut: the chain starts at first_kept already
        return Cut(resumes_at=first_kept, anchor="", entry_ids=[])
    entry_ids = list(AuditSeal.objects.filter(seq__lt=first_kept).values_list("entry_id", flat=True))
    return Cut(resumes_at=first_kept, anchor=before, entry_ids=entry_ids)


# --- verifying -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    code: str
    seq: int | None
    entry_id: int | None
    message: str


@dataclass
class Verification:
    checked: int = 0
    first_seq: int | None = None
    head_seq: int | None = None
    head_mac: str = ""
    unsealed: int = 0
    oldest_unsealed_at: dt.datetime | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def head(self) -> str:
        return f"{self.head_seq}:{self.head_mac}" if self.head_seq is not None else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "checked": self.checked, "first_seq": self.first_seq, "head": self.head,
            "unsealed": self.unsealed,
            "problems": [{"code": p.code, "seq": p.seq, "entry_id": p.entry_id, "message": p.message}
                         for p in self.problems],
        }


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _seals() -> Iterator[AuditSeal]:
    return AuditSeal.objects.select_related("entry").order_by("seq").iterator(chunk_size=2000)


def _anchor_for(first_seq: int) -> str | None:
    """The mac the chain continues from after a purge cut it at ``first_seq`` (None: no purge did)."""
    purges = AuditEntry.objects.filter(action=ACTION_PURGED, seal__isnull=False).order_by("-id")
    for changes in purges.values_list("changes", flat=True).iterator():
        if isinstance(changes, dict) and changes.get("chain_resumes_at") == first_seq:
            anchor = changes.get("chain_anchor")
            return anchor if isinstance(anchor, str) else None
    return None


PROGRESS_EVERY = 5000


def verify(
    *, expect_head: tuple[int, str] | None = None, progress: Callable[[int, int], None] | None = None,
) -> Verification:
    """Check every seal against its entry and its predecessor; report what does not hold.

    Each mac is checked against the *stored* mac before it, so one altered entry is reported
    once and the entries after it are still checked. ``expect_head`` (seq, mac), a head
    recorded earlier, must still be in the chain with that mac. ``progress(checked, total)``
    is called every ``PROGRESS_EVERY`` seals and at the end.
    """
    key = chain_key()
    result = Verification()
    total = AuditSeal.objects.count() if progress is not None else 0
    previous: AuditSeal | None = None
    expected_found = expect_head is None
    for seal in _seals():
        result.checked += 1
        before: str | None
        if previous is None:
            result.first_seq = seal.seq
            before = GENESIS if seal.seq == 1 else _anchor_for(seal.seq)
            if before is None:
                result.problems.append(Problem(
                    HEAD_MISSING, seal.seq, seal.entry_id,
                    f"审计链从第 {seal.seq} 条开始，但没有清除记录说明第 {_span(1, seal.seq - 1)} 条的去向："
                    "链的开头被删除。",
                ))
        elif seal.seq != previous.seq + 1:
            before = None  # the link this mac depends on is gone
            result.problems.append(Problem(
                GAP, seal.seq, seal.entry_id,
                f"审计链缺少第 {_span(previous.seq + 1, seal.seq - 1)} 条（记录被删除）。",
            ))
        else:
            before = previous.mac
        if before is not None:
            try:
                expected = compute_mac(seal.algorithm, key, before, seal.seq, seal.entry)
            except ValueError:
                result.problems.append(Problem(
                    UNKNOWN_ALGORITHM, seal.seq, seal.entry_id,
                    f"第 {seal.seq} 条的算法 {seal.algorithm!r} 未知。",
                ))
            else:
                if not hmac.compare_digest(expected, seal.mac):
                    result.problems.append(Problem(
                        ALTERED, seal.seq, seal.entry_id,
                        f"第 {seal.seq} 条（审计记录 {seal.entry_id}，{seal.entry.action}）的内容"
                        "与封存时不符：记录被修改。",
                    ))
        if expect_head is not None and seal.seq == expect_head[0]:
            expected_found = hmac.compare_digest(seal.mac, expect_head[1])
        previous = seal
        if progress is not None and result.checked % PROGRESS_EVERY == 0:
            progress(result.checked, max(total, result.checked))
    if progress is not None:
        progress(result.checked, result.checked)
    if previous is not None:
        result.head_seq, result.head_mac = previous.seq, previous.mac
    if not expected_found and expect_head is not None:
        result.problems.append(Problem(
            HEAD_MISMATCH, expect_head[0], None,
            f"先前记下的链头（第 {expect_head[0]} 条）已不在链中或校验值不同：链尾被截断或替换。",
        ))
    unsealed = AuditEntry.objects.filter(seal__isnull=True)
    result.unsealed = unsealed.count()
    if result.unsealed:
        result.oldest_unsealed_at = unsealed.order_by("at").values_list("at", flat=True).first()
    return result


ACTION_VERIFIED = "core.audit.verified"


def run_verification(
    *, expect_head: tuple[int, str] | None = None, actor: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> Verification:
    """Verify the chain and audit the verification (its outcome ``failure`` if it found any problem)."""
    from gongjiang.core import audit  # audit imports this module

    result = verify(expect_head=expect_head, progress=progress)
    audit.record(
        ACTION_VERIFIED, object_type=AuditEntry._meta.label_lower, actor=actor,
        changes={"checked": result.checked, "head": result.head, "unsealed": result.unsealed,
                 "problems": [{"code": p.code, "seq": p.seq} for p in result.problems]},
        outcome=AuditEntry.Outcome.SUCCESS if result.ok else AuditEntry.Outcome.FAILURE,
    )
    return result
