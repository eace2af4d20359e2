"""Import benchmark: Gongjiang's pipeline against django-import-export, on SQLite and PostgreSQL.

    .venv/bin/pip install -e '.[bench]'          # django-import-export, the peer baseline
    .venv/bin/python bench/imports/run.py         # 100,000 rows, SQLite and PostgreSQL
    .venv/bin/python bench/imports/run.py --million   # also 1,000,000 rows (import and export)
    .venv/bin/python bench/imports/run.py --postgres ''   # SQLite only

Each measurement runs in a fresh process (bench/imports/measure.py) so its peak memory (max
RSS) is its own. Figures: wall-clock rows/s (end to end: read, normalise, validate, encrypt,
write, commit), CPU rows/s (what the process itself used — on a shared machine the wall
clock includes waiting for the CPU), and peak RSS. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON = sys.executable
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/gongjiang_bench_imports"


def sh(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return done.stdout


def prepare_database(url: str, data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "GONGJIANG_DATA_DIR": str(data_dir), "GONGJIANG_ENV": "development",
           "TASK_BACKEND": "immediate", "DJANGO_SETTINGS_MODULE": "gongjiang.settings",
           "IMPORT_SCRATCH_DIR": str(data_dir / "scratch")}
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists:
                conn.execute(f'DROP DATABASE "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    sh([PYTHON, "-m", "gongjiang.cli", "migrate", "--noinput", "-v0"], env)
    return env


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                queue.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def measure(engine: str, target: Path, env: dict[str, str]) -> dict[str, object]:
    """Run one measurement in its own process; meanwhile sample the proportional set size
    (PSS) of that process and its children every 100 ms, from outside (a sampling thread inside
    would make it multi-threaded, and a streamed import then would not fork)."""
    process = subprocess.Popen([PYTHON, str(HERE / "measure.py"), engine, str(target)], env=env, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(_pss_kb(pid) for pid in _tree(process.pid)))
        time.sleep(0.1)
    stdout, stderr = process.communicate()
    if process.returncode:
        sys.stderr.write(stdout + stderr)
        raise SystemExit(f"failed: measure.py {engine} {target}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["peak_pss_mb"] = peak / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="also import and export 1,000,000 rows")
    parser.add_argument("--postgres", default=DEFAULT_PG, help="PostgreSQL URL ('' to skip)")
    parser.add_argument("--skip-baseline", action="store_true", help="skip django-import-export")
    parser.add_argument("--skip-export", action="store_true", help="measure imports only")
    parser.add_argument("--skip-two-pass", action="store_true", help="skip the two-pass import")
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--repeat", type=int, default=1, help="run the 100k import this many times (median shown)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="gongjiang-bench-"))
    files = {args.rows: work / f"people-{args.rows}.xlsx"}
    if args.million:
        files[1_000_000] = work / "people-1000000.xlsx"
    for rows, path in files.items():
        started = time.perf_counter()
        sh([PYTHON, str(HERE / "generate.py"), str(rows), str(path)], dict(os.environ))
        print(f"generated {path.name}: {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)

    databases = [] if args.skip_sqlite else [("sqlite", f"sqlite:///{work / 'bench.sqlite3'}")]
    if args.postgres:
        databases.append(("postgresql", args.postgres))
    results: list[dict[str, object]] = []
    for label, url in databases:
        env = prepare_database(url, work / label)
        for rows, path in files.items():
            print(f"[{label}] gongjiang import {rows:,} rows …", file=sys.stderr)
            runs = [measure("gongjiang", path, env) for _ in range(args.repeat if rows == args.rows else 1)]
            if len(runs) > 1:
                print(f"[{label}] rows/s of each run: "
                      + ", ".join(f"{int(r['rows']) / float(r['seconds']):,.0f}" for r in runs), file=sys.stderr)
            results.append(sorted(runs, key=lambda r: float(r["seconds"]))[len(runs) // 2])
            if rows == args.rows and not args.skip_two_pass:
                print(f"[{label}] gongjiang import, two passes in turn, {rows:,} rows …", file=sys.stderr)
                results.append(measure("gongjiang-2pass", path, env))
            if not args.skip_export:
                print(f"[{label}] export {rows:,} rows …", file=sys.stderr)
                results.append(measure("export", work / f"export-{label}-{rows}.xlsx", env))
        if not args.skip_baseline:
            print(f"[{label}] django-import-export {args.rows:,} rows …", file=sys.stderr)
            results.append(measure("import-export", files[args.rows], env))

    print()
    print(f"machine: {os.cpu_count()} CPUs, load average at start of each run shown; Python {sys.version.split()[0]}")
    header = (f"{'what':<26}{'db':<12}{'rows':>10}{'seconds':>10}{'rows/s':>10}{'cpu rows/s':>12}{'peak PSS MB':>13}"
              f"{'RSS bound':>11}{'load':>6}")
    print(header)
    print("-" * len(header))
    for r in results:
        what = {"gongjiang": "gongjiang import", "gongjiang-2pass": "gongjiang, 2 passes",
                "import-export": "django-import-export", "export": "gongjiang export"}[str(r["engine"])]
        rows, seconds, cpu = int(r["rows"]), float(r["seconds"]), float(r["cpu_seconds"])
        print(f"{what:<26}{r['database']!s:<12}{rows:>10,}{seconds:>10.1f}{rows / seconds:>10,.0f}"
              f"{rows / cpu:>12,.0f}{float(r['peak_pss_mb']):>13.0f}{float(r['peak_rss_mb']):>11.0f}{float(r['load']):>6.1f}")
    print()
    for label, _url in databases:
        ours = next((r for r in results if r["engine"] == "gongjiang" and r["database"] == label
                     and r["rows"] == args.rows), None)
        peer = next((r for r in results if r["engine"] == "import-export" and r["database"] == label), None)
        if ours and peer:
            wall = (int(ours["rows"]) / float(ours["seconds"])) / (int(peer["rows"]) / float(peer["seconds"]))
            cpu = (int(ours["rows"]) / float(ours["cpu_seconds"])) / (int(peer["rows"]) / float(peer["cpu_seconds"]))
            print(f"{label}: gongjiang / django-import-export = {wall:.1f}× (wall clock), {cpu:.1f}× (CPU)")
    print("gongjiang import: a streamed import where possible (checked in a forked child, written side by side);")
    print("      CPU includes that child. Peak PSS: the most memory the process and its child held at once,")
    print("      pages they share counted once (sampled every 100 ms); RSS bound: the peak RSS of each, summed.")
    print("      'gongjiang, 2 passes' is the same import with IMPORT_STREAMING off (the web's path).")
    print("note: gongjiang also writes an employment row per person (current employer) and keeps an")
    print("      undo record; the baseline writes the person row only (current_employer set directly).")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
