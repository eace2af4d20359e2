"""One import in one process, for counting instructions with callgrind.

    valgrind --tool=callgrind --callgrind-out-file=/tmp/both.out \
        .venv/bin/python bench/imports/count.py /tmp/people-20k.xlsx both
    valgrind --tool=callgrind --callgrind-out-file=/tmp/check.out \
        .venv/bin/python bench/imports/count.py /tmp/people-20k.xlsx check
    valgrind --tool=callgrind --callgrind-out-file=/tmp/setup.out \
        .venv/bin/python bench/imports/count.py /tmp/people-20k.xlsx setup

Wall-clock figures on a shared VM drift by tens of per cent within minutes; the number of
instructions a run executes does not (the same run twice agreed to 0.01 %), whatever else the
machine is doing. So a change to the pipeline is measured by running this before and after it
on a copy of the same database (DATABASE_URL; reset to the same state before each run) and
comparing the totals callgrind prints: ``check`` is pass 1 (read, normalise, check, look up,
hash, encrypt), ``both`` adds pass 2 (the write and the commit), ``setup`` is Django's start
and the reset alone, to subtract. The file comes from generate.py (20,000 rows take ~2 minutes
under callgrind). Instructions are not time: SQLite's B-tree work runs at fewer instructions
per second than the interpreter, so compare like with like, and confirm with timed pairs
(README).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure  # noqa: E402 - after the path is set


def main() -> None:
    path, mode = Path(sys.argv[1]), sys.argv[2]
    if mode not in ("setup", "check", "both"):
        raise SystemExit("mode: setup, check or both")
    measure.setup()
    from gongjiang.imports import services

    measure.reset_people()
    measure.employer()
    if mode == "setup":
        return
    job = services.import_job_create(actor=None, entity="people", filename=path.name, source=path)
    job = services.import_job_validate(job=job, actor=None)
    if mode == "both":
        job = services.import_job_commit(job=job, actor=None)
    print(job.status, job.rows_ok)


if __name__ == "__main__":
    main()
