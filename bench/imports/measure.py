"""One measurement, in its own process (so peak memory is this run's alone). Prints JSON.

    python bench/imports/measure.py gongjiang people.xlsx
    python bench/imports/measure.py import-export people.xlsx
    python bench/imports/measure.py export out.xlsx

The database comes from DATABASE_URL (run.py sets it and migrates first). The people tables
are emptied before an import, and the employer named in the generated file is created.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

EMPLOYER = "越城机械有限公司"


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    os.environ.setdefault("TASK_BACKEND", "immediate")
    import django

    django.setup()


def reset_people() -> None:
    from django.db import connection

    from gongjiang.imports.models import ImportJob
    from gongjiang.people.models import Certificate, Employment, Honor, Person

    ImportJob.objects.all().delete()
    tables = [m._meta.db_table for m in (Certificate, Honor, Employment, Person)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


def employer() -> Any:
    from gongjiang.catalog.models import Region
    from gongjiang.orgs.models import Organization
    from gongjiang.orgs.services import organization_create

    found = Organization.objects.filter(name=EMPLOYER).first()
    if found:
        return found
    region, _ = Region.objects.get_or_create(code="330602", defaults={"name": "越城区", "level": 3})
    return organization_create(actor=None, name=EMPLOYER, kind="enterprise", region=region,
                               credit_code=credit_code("91330602MA2D7XQ21"))


def credit_code(first17: str) -> str:
    """Append the GB 32100 check character."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(alphabet.index(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + alphabet[(31 - total % 31) % 31]


def peak_mb() -> float:
    """Peak resident memory of this process plus that of its largest finished child (the
    checking process of a streamed import): an upper bound, since pages the two share after
    the fork are counted twice."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_gongjiang(path: Path, *, streaming: bool = True) -> dict[str, Any]:
    from django.conf import settings

    from gongjiang.imports import services
    from gongjiang.people.models import Employment, Person

    reset_people()
    employer()
    settings.IMPORT_STREAMING = streaming
    phases: dict[str, float] = {}
    started_wall, started_cpu = time.perf_counter(), cpu_seconds()

    def progress(phase: str, done: int, total: int) -> None:
        phases.setdefault(phase, time.perf_counter() - started_wall)

    job = services.run_import(actor=None, entity="people", path=path, progress=progress)
    wall, cpu = time.perf_counter() - started_wall, cpu_seconds() - started_cpu
    assert job.status == "committed", (job.status, job.error_message, list(job.row_errors.values_list("message")[:3]))
    return {"rows": job.rows_created, "seconds": wall, "cpu_seconds": cpu, "peak_rss_mb": peak_mb(),
            "people": Person.objects.count(), "employments": Employment.objects.count(),
            "write_started_at": phases.get("writing"), "streamed": bool((job.summary or {}).get("streamed"))}


def run_import_export(path: Path) -> dict[str, Any]:
    from import_export import fields, resources
    from import_export.formats.base_formats import XLSX

    from gongjiang.core import rules as core_rules
    from gongjiang.core.crypto import get_provider
    from gongjiang.people.models import Person
    from gongjiang.people.services import ID_CIPHER_AAD, MOBILE_CIPHER_AAD, hash_id_number

    reset_people()
    employer_pk = employer().pk
    provider = get_provider()
    education = {"初中及以下": "junior_high", "高中": "high_school", "中专/职高": "secondary_vocational",
                 "技工学校": "technical_school", "大专/高职": "junior_college", "本科": "bachelor"}

    class PersonResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")

        class Meta:
            model = Person
            fields = ("name", "id_type", "id_number_hash", "id_number_encrypted", "id_number_masked", "sex",
                      "birth_date", "mobile_encrypted", "mobile_masked", "education", "current_employer")
            import_id_fields = ("id_number_hash",)
            use_bulk = True
            batch_size = 1000
            skip_diff = True

        def before_import(self, dataset: Any, **kwargs: Any) -> None:
            # Computed columns must exist in the dataset before the rows are read.
            for header in ("id_type", "id_number_hash", "id_number_encrypted", "id_number_masked", "sex",
                           "birth_date", "mobile_encrypted", "mobile_masked", "education", "current_employer"):
                if header not in dataset.headers:
                    dataset.append_col([""] * len(dataset), header=header)

        def before_import_row(self, row: Any, **kwargs: Any) -> None:
            # The same work our pipeline does per row: check the number, derive sex and birth
            # date, encrypt, hash and mask the number and the mobile, map the education.
            parsed = core_rules.parse_resident_id(str(row["身份证号码"]))
            mobile = str(row["手机号码"])
            row["id_type"] = core_rules.RESIDENT_ID
            row["id_number_hash"] = hash_id_number(core_rules.RESIDENT_ID, parsed.number)
            row["id_number_encrypted"] = provider.encrypt(parsed.number, associated_data=ID_CIPHER_AAD)
            row["id_number_masked"] = core_rules.mask_id_number(parsed.number)
            row["sex"], row["birth_date"] = parsed.sex, parsed.birth_date
            row["mobile_encrypted"] = provider.encrypt(mobile, associated_data=MOBILE_CIPHER_AAD)
            row["mobile_masked"] = core_rules.mask_mobile(mobile)
            row["education"] = education.get(row["学历"], "")
            row["current_employer"] = employer_pk

    started_wall, started_cpu = time.perf_counter(), time.process_time()
    dataset = XLSX().create_dataset(path.read_bytes())
    result = PersonResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    wall, cpu = time.perf_counter() - started_wall, time.process_time() - started_cpu
    return {"rows": result.totals["new"], "seconds": wall, "cpu_seconds": cpu, "peak_rss_mb": peak_mb(),
            "people": Person.objects.count(), "employments": 0}


def run_export(path: Path) -> dict[str, Any]:
    from gongjiang.imports import exporters

    started_wall, started_cpu = time.perf_counter(), time.process_time()
    rows = exporters.export_xlsx(exporter=exporters.get_exporter("people"), user=None, target=path)
    wall, cpu = time.perf_counter() - started_wall, time.process_time() - started_cpu
    return {"rows": rows, "seconds": wall, "cpu_seconds": cpu, "peak_rss_mb": peak_mb()}


def main() -> None:
    engine, target = sys.argv[1], Path(sys.argv[2])
    setup()
    from django.db import connection

    baseline = peak_mb()
    runner = {"gongjiang": run_gongjiang, "gongjiang-2pass": lambda p: run_gongjiang(p, streaming=False),
              "import-export": run_import_export, "export": run_export}[engine]
    result = runner(target)
    result.update({"engine": engine, "database": connection.vendor, "file": target.name,
                   "baseline_rss_mb": baseline, "load": os.getloadavg()[0]})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
