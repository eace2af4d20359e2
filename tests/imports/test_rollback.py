import datetime as dt

import pytest

from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.models import AuditEntry
from gongjiang.imports import services
from gongjiang.imports.models import ImportJob, ImportRecord
from gongjiang.people import services as people_services
from gongjiang.people.models import Employment, Person
from tests import factories
from tests.imports.conftest import write_xlsx


def roster(path, rows):
    return write_xlsx(path, [["姓名", "身份证号码", "工作单位", "岗位", "入职日期"], *rows], text_columns=(1,))


def test_rollback_removes_created_people_and_restores_changed_ones(city, personas, workdir):
    # given: one person already registered at the textile company, one new hire
    existing = factories.person("老员工", employer=city.keqiao_textile, region_obj=city.keqiao)
    number = people_services.get_provider().decrypt(existing.id_number_encrypted, associated_data=people_services.ID_CIPHER_AAD)
    new_number = factories.make_id_number()
    path = roster(workdir / "r.xlsx", [
        ["老员工", number, "越城机械有限公司", "钳工", "2024-01-01"],
        ["新员工", new_number, "越城机械有限公司", "车工", "2024-02-01"],
    ])
    people_before = list(Person.objects.order_by("pk").values())
    jobs_before = list(Employment.objects.order_by("pk").values("pk", "organization_id", "end_date", "post"))
    job = services.run_import(actor=personas.ada, entity="people", path=path)
    assert job.status == ImportJob.Status.COMMITTED and (job.rows_created, job.rows_updated) == (1, 1)
    existing.refresh_from_db()
    assert existing.current_employer == city.yuecheng_machinery
    assert Employment.objects.get(person=existing, organization=city.keqiao_textile).end_date == dt.date(2023, 12, 31)
    # when
    services.import_job_rollback(job=job, actor=personas.ada)
    # then
    job.refresh_from_db()
    assert job.status == ImportJob.Status.ROLLED_BACK
    assert list(Person.objects.order_by("pk").values("pk", "name", "current_employer_id")) == [
        {"pk": p["id"], "name": p["name"], "current_employer_id": p["current_employer_id"]} for p in people_before
    ]
    assert list(Employment.objects.order_by("pk").values("pk", "organization_id", "end_date", "post")) == jobs_before
    assert AuditEntry.objects.filter(action="imports.job.rolled_back", object_id=str(job.pk), outcome="success").exists()


def test_rollback_refused_when_an_imported_person_got_a_certificate(city, personas, workdir):
    path = roster(workdir / "r.xlsx", [["新员工", factories.make_id_number(), "越城机械有限公司", "", ""]])
    job = services.run_import(actor=None, entity="people", path=path)
    person = Person.objects.get(pk=ImportRecord.objects.get(job=job, model="people.person").object_ids[0])
    people_services.certificate_record(actor=None, holder=person, number="Y000033000001234100001",
                                       issue_date=dt.date(2023, 1, 1))
    with pytest.raises(ApplicationError):
        services.import_job_rollback(job=job, actor=None)
    assert Person.objects.filter(pk=person.pk).exists()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED


def test_only_the_uploader_or_platform_admin_may_roll_back(city, personas, workdir):
    path = roster(workdir / "r.xlsx", [["新员工", factories.make_id_number(), "越城机械有限公司", "", ""]])
    job = services.run_import(actor=personas.olga, entity="people", path=path)
    from gongjiang.core.exceptions import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.import_job_rollback(job=job, actor=personas.kira)
    assert Person.objects.filter(name="新员工").exists()


def test_a_person_registered_by_someone_else_during_the_write_fails_the_import_cleanly(personas, workdir, monkeypatch):
    """The race the write's own look-up cannot see (another transaction commits the same ID
    number between that look-up and the insert) ends in the unique index: all is rolled back
    and the job says why."""
    import pytest

    from gongjiang.imports import services
    from gongjiang.imports.entities import people as people_entity
    from gongjiang.imports.models import ImportJob
    from gongjiang.people.models import Employment, Person
    from tests import factories
    from tests.imports.conftest import write_xlsx

    taken = factories.make_id_number()
    rows = [["姓名", "身份证号码", "工作单位"], ["甲某", factories.make_id_number(), "越城机械有限公司"],
            ["乙某", taken, "越城机械有限公司"]]
    path = write_xlsx(workdir / "people.xlsx", rows, text_columns=(1,))
    job = services.import_job_create(actor=personas.olga, entity="people", filename=path.name, source=path)
    job = services.import_job_validate(job=job, actor=personas.olga)
    assert job.rows_ok == 2
    factories.person(id_number=taken, name="乙某")  # registered meanwhile by someone else ...
    monkeypatch.setattr(people_entity, "_existing_people", lambda hashes: {})  # ... after the look-up
    before = (Person.objects.count(), Employment.objects.count())
    with pytest.raises(Exception, match="(?i)unique"):
        services.import_job_commit(job=job, actor=personas.olga)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.error_code == "conflict"
    assert job.error_message == services.ERR_CONFLICT
    assert (Person.objects.count(), Employment.objects.count()) == before


def test_the_job_messages_of_the_services_are_translated_into_english():
    from django.utils import translation

    from gongjiang.imports import services

    messages = [services.ERR_CONFLICT, services.ERR_WRITE_FAILED, services.ERR_HAS_ERRORS, services.ERR_FILES_GONE,
                services.ERR_NOT_VALIDATED, services.ERR_NOTHING_TO_IMPORT, services.ERR_NOT_COMMITTED,
                services.ERR_ROLLBACK_CONFLICT, services.ERR_NOT_CANCELLABLE]
    with translation.override("en"):
        english = [translation.gettext(message) for message in messages]
    assert all(text != message for text, message in zip(english, messages, strict=True))
    assert english[0].startswith("While this import ran") and "{count}" in english[2]


def test_undo_records_gather_the_keys_of_consecutive_batches_in_the_order_of_the_writes(city, monkeypatch):
    from gongjiang.imports.entities.base import WriteResult

    monkeypatch.setattr(services, "RECORD_BATCH", 5)
    job = ImportJob.objects.create(entity="people", original_filename="r.xlsx")
    records = services.RecordWriter(job)
    for first in (1, 3, 5):  # three write batches of two new people, each with a job
        written = WriteResult()
        written.add_created("people.person", [first, first + 1])
        written.add_created("people.employment", [100 + first, 101 + first])
        records.add(written)
    changed = WriteResult()
    changed.add_created("people.person", [7])
    changed.updated.append(("people.person", 42, {"name": "旧名"}))
    records.add(changed)
    records.add(WriteResult(created={"people.person": [8]}))
    records.flush()
    stored = [(r.model, r.action, r.object_ids) for r in ImportRecord.objects.filter(job=job).order_by("pk")]
    assert stored == [
        # Six keys reached five: what was gathered goes out in records of at most five keys ...
        ("people.person", "created", [1, 2, 3, 4, 5]),
        ("people.person", "created", [6]),
        ("people.employment", "created", [101, 102, 103, 104, 105]),
        ("people.employment", "created", [106]),
        # ... and an update first stores the keys created before it.
        ("people.person", "created", [7]),
        ("people.person", "updated", [42]),
        ("people.person", "created", [8]),
    ]
    assert ImportRecord.objects.get(job=job, action="updated").before == {"name": "旧名"}


def test_an_import_of_many_batches_rolls_back_whole(city, workdir, monkeypatch):
    """Write batches of two rows, undo records of at most five keys: every person and job the
    import created is recorded once, and the rollback removes them all. (The streamed import
    records the same way: test_streaming checks its records.)"""
    from gongjiang.imports import pipeline

    monkeypatch.setattr(pipeline, "BATCH_SIZE", 2)
    monkeypatch.setattr(services, "RECORD_BATCH", 5)
    path = roster(workdir / "r.xlsx", [[f"员工{name}", factories.make_id_number(), "越城机械有限公司", "车工", "2024-01-01"]
                                       for name in "甲乙丙丁戊己庚辛壬癸子"])
    people_before, jobs_before = Person.objects.count(), Employment.objects.count()
    job = services.run_import(actor=None, entity="people", path=path)
    assert job.status == ImportJob.Status.COMMITTED and job.rows_created == 11
    created = {model: [pk for r in job.records.filter(model=model) for pk in r.object_ids]
               for model in ("people.person", "people.employment")}
    assert sorted(created["people.person"]) == sorted(Person.objects.filter(name__startswith="员工").values_list("pk", flat=True))
    assert len(set(created["people.employment"])) == 11
    assert max(len(r.object_ids) for r in job.records.all()) == 5
    assert job.records.count() == 6  # 11 keys a model in records of 5, 5 and 1, not one record a batch
    services.import_job_rollback(job=job, actor=None)
    assert (Person.objects.count(), Employment.objects.count()) == (people_before, jobs_before)
