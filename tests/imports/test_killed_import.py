"""All-or-nothing survives a killed process: SIGKILL the importer while it is writing, and the
database holds none of the file's rows (the transaction never committed)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from django.db import connection

from tests import factories
from tests.imports.conftest import write_csv

ROOT = Path(__file__).resolve().parents[2]


def _database_url(tmp_path: Path) -> tuple[str, object]:
    """A scratch database of the kind the suite runs on (SQLite file, or a PostgreSQL database)."""
    if connection.vendor == "postgresql":
        import psycopg

        settings = connection.settings_dict
        name = f"gongjiang_kill_{uuid.uuid4().hex[:8]}"
        base = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(base + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return f"{base}/{name}", drop
    return f"sqlite:///{tmp_path / 'killed.sqlite3'}", lambda: None


def scratch_environment(tmp_path: Path) -> tuple[dict[str, str], object]:
    """A migrated scratch database with 越城机械有限公司 registered, and the environment for a
    subprocess of the real command line to use it; plus the function that drops it."""
    url, drop = _database_url(tmp_path)
    env = {**os.environ, "DATABASE_URL": url, "GONGJIANG_ENV": "development", "DJANGO_SETTINGS_MODULE": "gongjiang.settings",
           "GONGJIANG_DATA_DIR": str(tmp_path / "data"), "IMPORT_SCRATCH_DIR": str(tmp_path / "scratch"),
           "TASK_BACKEND": "immediate"}
    env.pop("PYTEST_CURRENT_TEST", None)
    subprocess.run([sys.executable, "-m", "gongjiang.cli", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    _run(
        "import django; django.setup();"
        "from gongjiang.catalog.models import Region;"
        "from gongjiang.orgs.services import organization_create;"
        "r, _ = Region.objects.get_or_create(code='330602', defaults={'name': '越城区', 'level': 3});"
        f"organization_create(actor=None, name='越城机械有限公司', kind='enterprise', region=r, credit_code='{factories.make_credit_code()}')",
        env,
    )
    return env, drop


def _run(code: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_killing_the_importer_mid_write_leaves_the_database_untouched(db, tmp_path):
    env, drop = scratch_environment(tmp_path)
    try:
        rows = [["姓名", "身份证号码", "工作单位"]]
        start = dt.date(1970, 1, 1)
        rows += [["张三", factories.make_id_number(sequence=(i % 500) * 2 + 1, birth=start + dt.timedelta(days=i // 500)),
                  "越城机械有限公司"] for i in range(12_000)]
        path = write_csv(tmp_path / "big.csv", rows)
        # when: the importer is killed as soon as it starts writing
        process = subprocess.Popen(
            [sys.executable, "-m", "gongjiang.cli", "import", "people", str(path), "--progress"],
            env=env, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        )
        seen = ""
        assert process.stderr is not None
        while process.poll() is None:
            chunk = process.stderr.read(1)
            seen += chunk
            if "写入" in seen:
                process.send_signal(signal.SIGKILL)
                break
        process.wait(timeout=60)
        assert process.returncode == -signal.SIGKILL, seen[-300:]
        # then: no person, no employment; the job is left "writing" until the sweep fails it
        state = _run(
            "import django; django.setup();"
            "from gongjiang.people.models import Person, Employment;"
            "from gongjiang.imports.models import ImportJob;"
            "from gongjiang.imports.services import import_jobs_sweep;"
            "import datetime as dt; from django.utils import timezone;"
            "job = ImportJob.objects.get(); before = job.status;"
            "import_jobs_sweep(now=timezone.now() + dt.timedelta(days=2)); job.refresh_from_db();"
            "print(Person.objects.count(), Employment.objects.count(), before, job.status)",
            env,
        )
        assert state == "0 0 committing failed"
    finally:
        drop()  # type: ignore[operator]
