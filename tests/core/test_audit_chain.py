"""The audit log's HMAC chain: entries are sealed after commit, and any change is evident."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from gongjiang.core import audit, auditchain, retention
from gongjiang.core.models import AuditEntry, AuditSeal, AuditVerification
from tests import factories

ENTRIES = AuditEntry._meta.db_table
SEALS = AuditSeal._meta.db_table


def tamper(sql: str, params: list) -> None:
    """Change the log behind the platform's back, as a DBA or an attacker with the database could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key events
            cursor.execute(f"ALTER TABLE {ENTRIES} DISABLE TRIGGER USER")
            cursor.execute(f"ALTER TABLE {SEALS} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {ENTRIES} ENABLE TRIGGER USER")
            cursor.execute(f"ALTER TABLE {SEALS} ENABLE TRIGGER USER")


def remove(entry: AuditEntry) -> None:
    """Delete an entry and its seal (the seal first: the foreign key protects the entry)."""
    tamper(f"DELETE FROM {SEALS} WHERE entry_id = %s", [entry.pk])
    tamper(f"DELETE FROM {ENTRIES} WHERE id = %s", [entry.pk])


def backdate(entry: AuditEntry, days: int) -> None:
    when = connection.ops.adapt_datetimefield_value(timezone.now() - dt.timedelta(days=days))
    tamper(f"UPDATE {ENTRIES} SET at = %s WHERE id = %s", [when, entry.pk])


def five() -> list[AuditEntry]:
    entries = [audit.record(f"core.test.e{n}", object_type="x", object_id=str(n), changes={"n": n}) for n in range(5)]
    assert auditchain.seal_pending() == 5
    return entries


def codes(result: auditchain.Verification) -> list[tuple[str, int | None]]:
    return [(p.code, p.seq) for p in result.problems]


@pytest.mark.django_db
def test_entries_are_sealed_in_order_and_the_chain_holds():
    entries = five()
    seals = list(AuditSeal.objects.order_by("seq"))
    assert [s.seq for s in seals] == [1, 2, 3, 4, 5]
    assert [s.entry_id for s in seals] == [e.pk for e in entries]
    assert {s.algorithm for s in seals} == {auditchain.ALGORITHM_SHA256}
    assert len({s.mac for s in seals}) == 5
    result = auditchain.verify()
    assert result.ok and result.checked == 5 and result.first_seq == 1
    assert result.head == f"5:{seals[-1].mac}"
    assert auditchain.seal_pending() == 0  # nothing left to seal


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [("action", "core.test.forged"), ("actor_username", "nobody"), ("object_id", "99"),
     ("changes", '{"n": 100}'), ("outcome", "denied"), ("ip_address", "10.9.9.9")],
)
def test_altering_any_field_of_an_entry_is_reported_at_its_place(column, value):
    entries = five()
    tamper(f"UPDATE {ENTRIES} SET {column} = %s WHERE id = %s", [value, entries[2].pk])
    result = auditchain.verify()
    assert codes(result) == [(auditchain.ALTERED, 3)]
    assert str(entries[2].pk) in result.problems[0].message


@pytest.mark.django_db
def test_altering_the_time_of_an_entry_is_reported():
    entries = five()
    backdate(entries[0], 1)
    assert codes(auditchain.verify()) == [(auditchain.ALTERED, 1)]


@pytest.mark.django_db
def test_a_forged_seal_without_the_key_is_reported():
    entries = five()
    tamper(f"UPDATE {ENTRIES} SET action = 'core.test.forged' WHERE id = %s", [entries[3].pk])
    # The forger recomputes the mac with a key of their own: the chain's next link still breaks.
    forged = auditchain.compute_mac(auditchain.ALGORITHM_SHA256, b"k" * 32,
                                    AuditSeal.objects.get(seq=3).mac, 4, AuditEntry.objects.get(pk=entries[3].pk))
    tamper(f"UPDATE {SEALS} SET mac = %s WHERE seq = 4", [forged])
    assert codes(auditchain.verify()) == [(auditchain.ALTERED, 4), (auditchain.ALTERED, 5)]


@pytest.mark.django_db
def test_removing_an_entry_leaves_a_gap():
    entries = five()
    remove(entries[1])
    result = auditchain.verify()
    assert codes(result) == [(auditchain.GAP, 3)]
    assert "缺少第 2 条" in result.problems[0].message


@pytest.mark.django_db
def test_removing_the_beginning_without_a_purge_is_reported():
    entries = five()
    remove(entries[0])
    remove(entries[1])
    result = auditchain.verify()
    assert codes(result) == [(auditchain.HEAD_MISSING, 3)]
    assert "第 1–2 条" in result.problems[0].message


@pytest.mark.django_db
def test_cutting_off_the_newest_entries_is_caught_by_a_recorded_head():
    five()
    head = auditchain.verify().head
    seq, mac = head.split(":")
    assert auditchain.verify(expect_head=(int(seq), mac)).ok
    remove(AuditSeal.objects.get(seq=5).entry)
    truncated = auditchain.verify(expect_head=(int(seq), mac))
    assert codes(truncated) == [(auditchain.HEAD_MISMATCH, 5)]
    assert not auditchain.verify(expect_head=(4, "0" * 64)).ok  # a head with another mac


@pytest.mark.django_db
def test_deleting_a_user_keeps_the_chain_whole():
    user = factories.user("leaver")
    audit.record("core.test.done", actor=user)
    auditchain.seal_pending()
    user.delete()
    assert AuditEntry.objects.get(action="core.test.done").actor_id is None
    assert auditchain.verify().ok


@pytest.mark.django_db
def test_seals_are_append_only():
    five()
    seal = AuditSeal.objects.get(seq=1)
    seal.mac = "0" * 64
    with pytest.raises(PermissionError):
        seal.save()
    with pytest.raises(PermissionError):
        seal.delete()
    with pytest.raises(PermissionError):
        AuditSeal.objects.filter(seq=1).update(mac="0" * 64)
    with pytest.raises(PermissionError):
        AuditSeal.objects.all().delete()
    if connection.vendor == "postgresql":
        for statement in (f"UPDATE {SEALS} SET mac = 'x' WHERE seq = 1", f"DELETE FROM {SEALS} WHERE seq = 1"):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert auditchain.verify().ok


@pytest.mark.django_db
def test_the_national_suite_seals_with_hmac_sm3_and_older_seals_still_verify():
    five()
    with override_settings(FIELD_CRYPTO_SUITE="sm"):
        audit.record("core.test.sm")
        auditchain.seal_pending()
        last = AuditSeal.objects.order_by("-seq").first()
        assert last is not None and last.algorithm == auditchain.ALGORITHM_SM3 and len(last.mac) == 64
        assert auditchain.verify().ok
    tamper(f"UPDATE {ENTRIES} SET action = 'x' WHERE id = %s", [last.entry_id])
    assert codes(auditchain.verify()) == [(auditchain.ALTERED, 6)]


@pytest.mark.django_db
def test_an_explicit_chain_key_is_used_and_a_wrong_key_fails_every_seal():
    with override_settings(AUDIT_CHAIN_KEY="a2V5LW9mLXRoZS1hdWRpdG9yLWtleS1vZi10aGUtYXVkaXRvcg=="):
        five()
        assert auditchain.verify().ok
    result = auditchain.verify()  # the derived key is another key
    assert [code for code, _ in codes(result)] == [auditchain.ALTERED] * 5


@pytest.mark.django_db
def test_entries_are_sealed_when_their_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        entry = audit.record("core.test.committed")
        assert not AuditSeal.objects.filter(entry=entry).exists()
    assert AuditSeal.objects.get(entry=entry).seq == 1


@pytest.mark.django_db
def test_a_rolled_back_entry_is_never_sealed(django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        audit.record("core.test.rolled_back")
        raise RuntimeError
    assert callbacks == []
    assert not AuditSeal.objects.exists()


@pytest.mark.django_db
@override_settings(AUDIT_SEAL_LOOKBACK_MINUTES=60)
def test_a_late_committer_outside_the_lookback_waits_for_seal_audit():
    late = audit.record("core.test.late")  # its transaction "began" two hours ago
    tamper(f"UPDATE {ENTRIES} SET at = %s WHERE id = %s",
           [connection.ops.adapt_datetimefield_value(timezone.now() - dt.timedelta(hours=2)), late.pk])
    audit.record("core.test.first")
    # The first entry of a new chain seals everything, however old.
    assert auditchain.seal_pending(lookback=dt.timedelta(minutes=60)) == 2
    stray = audit.record("core.test.stray")
    tamper(f"UPDATE {ENTRIES} SET at = %s WHERE id = %s",
           [connection.ops.adapt_datetimefield_value(timezone.now() - dt.timedelta(hours=2)), stray.pk])
    audit.record("core.test.now")
    auditchain.seal_after_commit()
    assert not AuditSeal.objects.filter(entry=stray).exists()
    assert auditchain.verify().unsealed == 1
    out = io.StringIO()
    call_command("seal_audit", stdout=out)
    assert out.getvalue().strip() == "Sealed 1 audit entries."
    result = auditchain.verify()
    assert result.ok and result.unsealed == 0 and result.checked == 4


@pytest.mark.django_db
@override_settings(AUDIT_SEAL_ON_COMMIT=False)
def test_sealing_after_commit_can_be_switched_off():
    audit.record("core.test.done")
    auditchain.seal_after_commit()
    assert not AuditSeal.objects.exists()


@pytest.mark.django_db
def test_a_failed_seal_never_fails_the_request(monkeypatch, caplog):
    audit.record("core.test.done")

    def broken(**kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(auditchain, "seal_pending", broken)
    auditchain.seal_after_commit()
    assert "seal_audit" in caplog.text


# --- the retention purge cuts only the chain's beginning -------------------------------------


@pytest.mark.django_db
@override_settings(AUDIT_RETENTION_DAYS=183)
def test_purge_cuts_the_beginning_and_the_chain_still_holds():
    entries = five()
    for entry in entries[:3]:
        backdate(entry, 200)
    # Re-seal what the backdating broke: a fresh chain with the old times.
    tamper(f"DELETE FROM {SEALS}", [])
    auditchain.seal_pending()
    assert auditchain.verify().ok
    deleted = retention.audit_purge(older_than_days=183)
    assert deleted == 3
    assert list(AuditSeal.objects.order_by("seq").values_list("seq", flat=True)) == [4, 5, 6]
    purge = AuditEntry.objects.get(action=retention.ACTION_PURGED)
    assert purge.changes["chain_resumes_at"] == 4 and len(purge.changes["chain_anchor"]) == 64
    assert AuditSeal.objects.get(entry=purge).seq == 6  # sealed in the purge's transaction
    result = auditchain.verify()
    assert result.ok and result.first_seq == 4 and result.checked == 3


@pytest.mark.django_db
@override_settings(AUDIT_RETENTION_DAYS=183)
def test_an_old_entry_sealed_after_a_newer_one_stays_until_that_one_goes():
    newer = audit.record("core.test.newer")
    old = audit.record("core.test.committed_late")
    backdate(old, 200)  # took an old time but was sealed after `newer`
    deleted = retention.audit_purge(older_than_days=183)
    assert deleted == 0
    assert AuditEntry.objects.filter(pk__in=[newer.pk, old.pk]).count() == 2
    assert "chain_resumes_at" not in AuditEntry.objects.get(action=retention.ACTION_PURGED).changes
    assert auditchain.verify().ok


@pytest.mark.django_db
@override_settings(AUDIT_RETENTION_DAYS=183)
def test_a_forged_purge_anchor_does_not_hide_a_removed_beginning():
    entries = five()
    remove(entries[0])
    # An attacker writes a purge entry claiming the cut, but cannot seal it with the key.
    forged = audit.record(retention.ACTION_PURGED, changes={"chain_resumes_at": 2, "chain_anchor": "f" * 64})
    assert not AuditSeal.objects.filter(entry=forged).exists()
    assert codes(auditchain.verify()) == [(auditchain.HEAD_MISSING, 2)]


# --- the commands and the page ---------------------------------------------------------------


@pytest.mark.django_db
def test_verify_audit_command_reports_and_exits_by_the_result():
    entries = five()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Checked 5 sealed audit entries (seq 1–5); the chain holds."
    head = lines[-1].removeprefix("Head: ")
    assert head == f"5:{AuditSeal.objects.get(seq=5).mac}"
    verified = AuditEntry.objects.filter(action=auditchain.ACTION_VERIFIED).latest("id")
    assert verified.outcome == "success" and verified.changes["checked"] == 5

    call_command("verify_audit", "--expect-head", head, stdout=io.StringIO())
    tamper(f"UPDATE {ENTRIES} SET object_repr = 'x' WHERE id = %s", [entries[4].pk])
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify_audit", "--json", stdout=out)
    assert exited.value.code == 1
    report = json.loads(out.getvalue())
    assert report["ok"] is False and report["problems"][0]["code"] == "altered" and report["problems"][0]["seq"] == 5
    assert AuditEntry.objects.filter(action=auditchain.ACTION_VERIFIED).latest("id").outcome == "failure"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["5", "5:abc", "x:" + "0" * 64, "5:" + "g" * 64])
def test_verify_audit_refuses_a_malformed_head(bad):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify_audit", "--expect-head", bad, stderr=err)
    assert exited.value.code == 2
    assert "SEQ:MAC" in err.getvalue()
    assert not AuditEntry.objects.filter(action=auditchain.ACTION_VERIFIED).exists()


VERIFY = reverse("accounts:audit_verify")


@pytest.mark.parametrize("persona", ["ada", "sam", "city", "dan", "olga", "wang"])
def test_only_the_audit_admin_may_verify_the_chain_from_the_page(client, personas, persona):
    done = AuditVerification.objects.create(requested_by=personas.aud, status=AuditVerification.Status.DONE, ok=True)
    client.force_login(getattr(personas, persona))
    assert client.post(VERIFY).status_code == 403
    assert client.get(reverse("accounts:audit_verification", args=[done.pk])).status_code == 403
    assert client.get(reverse("accounts:audit_verification_status", args=[done.pk])).status_code == 403
    assert not AuditEntry.objects.filter(action=auditchain.ACTION_VERIFIED).exists()
    assert AuditVerification.objects.count() == 1


def test_the_audit_admin_verifies_the_chain_from_the_page(client, personas):
    client.force_login(personas.aud)
    assert client.get(VERIFY).status_code == 405
    auditchain.seal_pending()
    sealed = AuditSeal.objects.count()
    response = client.post(VERIFY)
    # the job ran (the immediate backend of the tests) and its page shows the outcome
    verification = AuditVerification.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:audit_verification", args=[verification.pk])
    assert verification.status == AuditVerification.Status.DONE and verification.ok is True
    assert verification.checked == verification.total == sealed > 0
    text = client.get(response["Location"]).content.decode()
    assert "审计链完好" in text and verification.head in text and 'hx-trigger="every 1s"' not in text
    assert f"{verification.seconds_taken:.1f} 秒" in text  # how long it took
    entry = AuditEntry.objects.filter(action=auditchain.ACTION_VERIFIED).get()
    assert entry.actor == personas.aud
    # when: an entry is altered, the next verification points at it
    first = AuditSeal.objects.get(seq=1)
    tamper(f"UPDATE {ENTRIES} SET action = 'x' WHERE id = %s", [first.entry_id])
    response = client.post(VERIFY, follow=True)
    text = response.content.decode()
    assert "审计链校验发现 1 处问题" in text and "记录被修改" in text
    latest = AuditVerification.objects.order_by("-id").first()
    assert latest.ok is False and latest.problems_total == 1
    assert latest.problems[0]["code"] == auditchain.ALTERED and latest.problems[0]["seq"] == 1


def test_the_progress_is_reported_while_the_chain_is_checked(personas, monkeypatch):
    for number in range(7):
        audit.record("test.progress", object_type="test", changes={"n": number})
    auditchain.seal_pending()
    monkeypatch.setattr(auditchain, "PROGRESS_EVERY", 3)
    seen: list[tuple[int, int]] = []
    result = auditchain.verify(progress=lambda checked, total: seen.append((checked, total)))
    total = AuditSeal.objects.count()
    assert result.checked == total >= 7
    assert seen == [(n, total) for n in range(3, total + 1, 3)] + [(total, total)]


def test_a_running_verification_shows_a_polling_progress_bar(client, personas):
    running = AuditVerification.objects.create(requested_by=personas.aud, status=AuditVerification.Status.RUNNING,
                                               checked=2500, total=10000)
    client.force_login(personas.aud)
    text = client.get(reverse("accounts:audit_verification", args=[running.pk])).content.decode()
    status_url = reverse("accounts:audit_verification_status", args=[running.pk])
    assert f'hx-get="{status_url}"' in text and 'hx-trigger="every 1s"' in text
    assert 'value="2500"' in text and 'max="10000"' in text and "2500 / 10000" in text
    panel = client.get(status_url).content.decode()
    assert panel.startswith('<div id="verification-panel"') and "<html" not in panel
    # asking again while it runs starts nothing new
    assert client.post(VERIFY)["Location"] == reverse("accounts:audit_verification", args=[running.pk])
    assert AuditVerification.objects.count() == 1


def test_a_verification_whose_worker_died_is_replaced(client, personas):
    stalled = AuditVerification.objects.create(requested_by=personas.aud, status=AuditVerification.Status.RUNNING)
    AuditVerification.objects.filter(pk=stalled.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(personas.aud)
    response = client.post(VERIFY)
    stalled.refresh_from_db()
    fresh = AuditVerification.objects.exclude(pk=stalled.pk).get()
    assert stalled.status == AuditVerification.Status.FAILED and "中断" in stalled.error
    assert fresh.status == AuditVerification.Status.DONE
    assert response["Location"] == reverse("accounts:audit_verification", args=[fresh.pk])


def test_a_failing_verification_says_so_without_an_error_page(client, personas, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(auditchain, "run_verification", broken)
    client.force_login(personas.aud)
    response = client.post(VERIFY, follow=True)
    verification = AuditVerification.objects.get()
    assert response.status_code == 200 and verification.status == AuditVerification.Status.FAILED
    assert "校验未能完成" in response.content.decode() and "connection lost" in verification.error
    # the job delivered again does nothing
    assert services_run(verification.pk) is None


def services_run(pk: int):
    from gongjiang.accounts import services

    return services.audit_verification_run(verification_id=pk)


# --- the canonical form covers every field ---------------------------------------------------

FIELDS = ["actor_username", "ip_address", "request_id", "action", "object_type", "object_id", "object_repr",
          "outcome"]


@settings(max_examples=200, deadline=None)
@given(
    base=st.fixed_dictionaries({name: st.text(max_size=20) for name in FIELDS}),
    changes=st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=5), st.none()),
                            max_size=3),
    field=st.sampled_from([*FIELDS, "changes", "at", "pk"]),
    other=st.text(min_size=1, max_size=20),
)
def test_the_mac_changes_when_any_covered_field_changes(base, changes, field, other):
    at = dt.datetime(2026, 11, 21, 8, 30, 15, 123456, tzinfo=dt.UTC)
    entry = AuditEntry(pk=7, at=at, changes=changes, **base)
    key = b"k" * 32
    mac = auditchain.compute_mac(auditchain.ALGORITHM_SHA256, key, auditchain.GENESIS, 1, entry)
    altered = AuditEntry(pk=7, at=at, changes=dict(changes), **base)
    if field == "changes":
        altered.changes = {**changes, "\x00extra": other}
    elif field == "at":
        altered.at = at + dt.timedelta(microseconds=1)
    elif field == "pk":
        altered.pk = 8
    else:
        setattr(altered, field, getattr(altered, field) + other)
    assert auditchain.compute_mac(auditchain.ALGORITHM_SHA256, key, auditchain.GENESIS, 1, altered) != mac
    # ... and the same content in another time zone is the same entry.
    same = AuditEntry(pk=7, at=at.astimezone(dt.timezone(dt.timedelta(hours=8))), changes=changes, **base)
    assert auditchain.compute_mac(auditchain.ALGORITHM_SHA256, key, auditchain.GENESIS, 1, same) == mac


def test_the_verification_page_speaks_english(client, personas):
    from django.conf import settings as django_settings

    found = AuditVerification.objects.create(requested_by=personas.aud, status=AuditVerification.Status.DONE,
                                             ok=False, checked=9, total=9, problems_total=1,
                                             problems=[{"code": "gap", "seq": 5, "entry_id": None, "message": "x"}])
    client.force_login(personas.aud)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(reverse("accounts:audit_verification", args=[found.pk])).content.decode()
    assert "Audit chain verification" in text and "found 1 problem(s)" in text
    assert "Verify again" in text and "Recent verifications" in text and "Completed" in text
    assert "Started by" in text and "Back to the audit log" in text and "<dt>Verified</dt>" in text
    assert "审计链校验" not in text
