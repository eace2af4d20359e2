"""The streamed import (imports/streaming.py): a large file checked in a forked child and written
by the parent side by side, with exactly the outcome of the two passes in turn.

The suite's own database lives inside a test transaction (and on SQLite in memory), where a
fork cannot help, so these run the real CLI in a subprocess against a scratch database of the
kind the suite runs on, as test_killed_import does.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from gongjiang.imports import streaming
from gongjiang.imports.models import ImportJob
from tests import factories
from tests.imports.conftest import write_csv
from tests.imports.test_killed_import import ROOT, _run, scratch_environment

EMPLOYER = "越城机械有限公司"


def _roster(count: int, *, bad_rows: tuple[int, ...] = ()) -> list[list[str]]:
    rows = [["姓名", "身份证号码", "手机号码", "工作单位", "岗位", "入职日期"]]
    start = dt.date(1970, 1, 1)
    for i in range(count):
        number = factories.make_id_number(sequence=(i % 500) * 2 + 1, birth=start + dt.timedelta(days=i // 500))
        if i in bad_rows:
            number = number[:-1] + ("0" if number[-1] != "0" else "1")  # wrong check digit
        rows.append(["张三", number, f"138{i:08d}", EMPLOYER, "车工", "2020-03-01"])
    return rows


def _import(env: dict[str, str], path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gongjiang.cli", "import", "people", str(path), *extra],
                          env=env, cwd=ROOT, capture_output=True, text=True, check=False)


def _state(env: dict[str, str]) -> dict[str, object]:
    return json.loads(_run(
        "import django, json; django.setup();"
        "from gongjiang.people.models import Person, Employment;"
        "from gongjiang.imports.models import ImportJob;"
        "from gongjiang.core.crypto import get_provider; prov = get_provider();"
        "from gongjiang.people.services import ID_CIPHER_AAD, MOBILE_CIPHER_AAD;"
        "job = ImportJob.objects.order_by('-id').first();"
        "print(json.dumps({'people': Person.objects.count(), 'jobs': Employment.objects.count(),"
        " 'status': job.status, 'streamed': (job.summary or {}).get('streamed', False),"
        " 'ok': job.rows_ok, 'failed': job.rows_failed, 'created': job.rows_created, 'errors': job.errors_total,"
        " 'codes': sorted(set(job.row_errors.values_list('code', flat=True))),"
        " 'rows': sorted(set(job.row_errors.values_list('row', flat=True))),"
        " 'masked': Person.objects.order_by('id').values_list('id_number_masked', flat=True).first(),"
        # The undo records name each person the job created, once.
        " 'recorded': sorted(pk for r in job.records.filter(model='people.person', action='created') for pk in r.object_ids)"
        "   == sorted(set(pk for r in job.records.filter(model='people.person', action='created') for pk in r.object_ids))"
        "   and sum(len(r.object_ids) for r in job.records.filter(model='people.person', action='created')),"
        # Every stored number and mobile decrypts to what its keyed hash and mask say.
        " 'sealed': sum(1 for p in Person.objects.all() if __import__('gongjiang.people.services', fromlist=['x'])"
        "   .hash_id_number(p.id_type, prov.decrypt(p.id_number_encrypted, associated_data=ID_CIPHER_AAD))"
        "   == p.id_number_hash and prov.decrypt(p.mobile_encrypted, associated_data=MOBILE_CIPHER_AAD)[:3] == '138'"
        "   and p.mobile_masked[:3] == '138')}))",
        env,
    ))


@pytest.mark.django_db
def test_a_large_file_is_checked_and_written_side_by_side_with_the_two_pass_outcome(tmp_path):
    env, drop = scratch_environment(tmp_path)
    try:
        count = 6_000
        bad = (10, 4_321)
        flawed = write_csv(tmp_path / "flawed.csv", _roster(count, bad_rows=bad))
        assert flawed.stat().st_size >= streaming.STREAM_MIN_BYTES

        # all-or-nothing with two bad rows: refused, nothing written, both errors reported
        done = _import(env, flawed)
        assert done.returncode == 1, done.stderr[-2000:]
        state = _state(env)
        assert state["streamed"] is True and state["status"] == ImportJob.Status.REJECTED
        assert (state["people"], state["jobs"]) == (0, 0)
        assert state["failed"] == 2 and state["codes"] == ["id_checksum"] and state["rows"] == [i + 2 for i in bad]

        # partial: the good rows are written (each with an employment), the bad ones reported
        done = _import(env, flawed, "--partial")
        assert done.returncode == 1, done.stderr[-2000:]
        state = _state(env)
        assert state["streamed"] is True and state["status"] == ImportJob.Status.COMMITTED
        assert state["people"] == state["jobs"] == state["created"] == state["ok"] == count - 2
        assert state["errors"] == 2 and str(state["masked"]).count("*") >= 8
        assert state["sealed"] == state["people"]
        assert state["recorded"] == count - 2  # every created person recorded once, for the undo

        # the corrected file: the two missing people are added, the rest are unchanged
        fixed = write_csv(tmp_path / "fixed.csv", _roster(count))
        done = _import(env, fixed)
        assert done.returncode == 0, done.stderr[-2000:]
        state = _state(env)
        assert state["status"] == ImportJob.Status.COMMITTED and state["streamed"] is True
        assert state["people"] == state["jobs"] == count and state["created"] == 2
        assert state["sealed"] == count

        # the same file, streaming switched off: the two passes in turn reach the same state
        done = _import({**env, "IMPORT_STREAMING": "false"}, fixed)
        assert done.returncode == 0, done.stderr[-2000:]
        state = _state(env)
        assert state["streamed"] is False and state["people"] == count and state["created"] == 0
    finally:
        drop()  # type: ignore[operator]


@pytest.mark.django_db
def test_streaming_is_not_used_where_a_fork_cannot_see_the_data(tmp_path):
    job = ImportJob(entity="people", original_filename="big.csv", file_size=10 * streaming.STREAM_MIN_BYTES)
    # inside the test's transaction the child's own connection would not see the data
    assert connection.in_atomic_block
    assert streaming.can_stream(job) is False
    small = ImportJob(entity="people", original_filename="small.csv", file_size=streaming.STREAM_MIN_BYTES - 1)
    assert streaming.can_stream(small) is False
    with override_settings(IMPORT_STREAMING=False):
        assert streaming.can_stream(job) is False


@pytest.mark.django_db
def test_the_checking_process_cannot_write_nor_wait_for_the_writers_lock(tmp_path):
    """The child's connection is read-only: a write — or a write transaction, which would wait
    for the lock the writing parent holds — fails at once instead of blocking the import. On
    PostgreSQL its look-ups go by index, never by a scan over the rows the parent is adding."""
    env, drop = scratch_environment(tmp_path)
    try:
        out = _run(textwrap.dedent("""
            import django, json
            django.setup()
            from django.db import DatabaseError, connection, transaction
            from gongjiang.imports import streaming
            from gongjiang.orgs.models import Organization
            streaming.prepare_checking_connection()
            count, refused, plan = Organization.objects.count(), [], ""
            try:
                with transaction.atomic():
                    Organization.objects.update(name="x")
            except DatabaseError as exc:
                refused.append(str(exc))
            if connection.vendor == "postgresql":
                from gongjiang.imports.bulkwrite import hash_lookup
                where, params = hash_lookup("id_number_hash", ["ab" * 32, "cd" * 32])
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN SELECT id FROM people_person WHERE " + where, params)
                    plan = " ".join(row[0] for row in cursor.fetchall())
            names = list(Organization.objects.values_list("name", flat=True))
            print(json.dumps({"count": count, "refused": refused, "plan": plan, "vendor": connection.vendor, "names": names}))
        """), env)
        state = json.loads(out)
        assert state["count"] == 1  # reads work
        assert state["refused"] and "read" in state["refused"][0].lower()  # read-only / readonly
        assert state["names"] == [EMPLOYER]
        if state["vendor"] == "postgresql":
            assert "Seq Scan" not in state["plan"] and "people_person" in state["plan"], state["plan"]
    finally:
        drop()  # type: ignore[operator]


def test_the_pipe_holds_several_checked_batches_so_the_child_can_run_ahead():
    import fcntl
    import multiprocessing

    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
    try:
        assert fcntl.fcntl(sender.fileno(), fcntl.F_GETPIPE_SZ) < streaming.PIPE_BYTES  # the default
        streaming._widen(sender)
        assert fcntl.fcntl(sender.fileno(), fcntl.F_GETPIPE_SZ) >= streaming.PIPE_BYTES
        # a whole batch now fits without a reader: the send returns at once
        sender.send_bytes(b"R" + b"x" * (streaming.PIPE_BYTES // 2))
        assert receiver.poll(0)
    finally:
        receiver.close()
        sender.close()
