"""Nominations, attendance and results imported through the shared pipeline."""

from __future__ import annotations

import datetime as dt

from gongjiang.imports import services as imports
from gongjiang.imports.models import ImportJob
from gongjiang.people.services import ID_CIPHER_AAD, get_provider
from gongjiang.training.models import Attendance, Enrollment, Nomination
from gongjiang.training.services import programs as services
from tests.imports.conftest import write_xlsx
from tests.training import builders


def number_of(person):
    return get_provider().decrypt(person.id_number_encrypted, associated_data=ID_CIPHER_AAD)


def errors(job):
    return {(e.row, e.column, e.code) for e in job.row_errors.all()}


def test_employer_imports_nominations_and_rollback_removes_them(city, personas, tmp_path, settings):
    settings.IMPORT_SCRATCH_DIR = tmp_path / "scratch"
    tour = builders.program(city)
    a, b = builders.worker(city, "甲工"), builders.worker(city, "乙工")
    outsider = builders.worker(city, "外单位", employer=city.keqiao_textile)
    path = write_xlsx(tmp_path / "n.xlsx", [
        ["姓名", "身份证号码", "培训项目编号", "推荐理由"],
        ["甲工", number_of(a), tour.pk, "骨干"],
        ["乙工", number_of(b), tour.pk, ""],
        ["外单位", number_of(outsider), tour.pk, ""],
    ], text_columns=(1,))
    job = imports.run_import(actor=personas.olga, entity="training_nominations", path=path)
    assert job.status == ImportJob.Status.REJECTED
    assert errors(job) == {(4, "身份证号码", "out_of_scope")}
    assert not Nomination.objects.exists()
    job = imports.run_import(actor=personas.olga, entity="training_nominations", path=path, mode=ImportJob.Mode.PARTIAL)
    assert job.rows_created == 2
    assert set(Nomination.objects.values_list("person__name", "channel")) == {("甲工", "employer"), ("乙工", "employer")}
    imports.import_job_rollback(job=job, actor=personas.olga)
    assert not Nomination.objects.exists()


def test_organiser_imports_attendance_and_results_then_completes_all(city, personas, tmp_path, settings):
    settings.IMPORT_SCRATCH_DIR = tmp_path / "scratch"
    course = builders.program(city, name="数控班", kind="course", destination_country="", days=None,
                              assessment_required=True)
    people = [builders.worker(city, n) for n in ("甲工", "乙工")]
    nominations = [services.nomination_create(actor=None, program=course, person=p) for p in people]
    services.selection_decide(actor=personas.city, program=course, selected=nominations)
    for day in (13, 14):
        services.session_add(actor=personas.city, program=course, title=f"{day} 日", date=dt.date(2024, 10, day), hours=4)
    rows = [["姓名", "身份证号码", "项目编号", "课次", "出勤情况"]]
    rows += [[p.name, number_of(p), course.pk, n, "出勤" if p.name == "甲工" or n == 1 else "缺勤"]
             for p in people for n in (1, 2)]
    job = imports.run_import(actor=personas.city, entity="training_attendance",
                             path=write_xlsx(tmp_path / "a.xlsx", rows, text_columns=(1,)))
    assert job.status == ImportJob.Status.COMMITTED, errors(job)
    assert Attendance.objects.filter(status="present").count() == 3
    # an outsider may not record attendance for the programme
    refused = imports.run_import(actor=personas.kira, entity="training_attendance",
                                 path=write_xlsx(tmp_path / "b.xlsx", rows, text_columns=(1,)))
    assert refused.status == ImportJob.Status.REJECTED
    results = write_xlsx(tmp_path / "r.xlsx", [["姓名", "身份证号码", "项目编号", "考核结果", "成绩"],
                                               *[[p.name, number_of(p), course.pk, "合格", 88] for p in people]],
                         text_columns=(1,))
    job = imports.run_import(actor=personas.city, entity="training_results", path=results)
    assert job.rows_updated == 2
    outcome = services.program_complete_eligible(actor=personas.city, program=course)
    assert [e.person.name for e in outcome.completed] == ["甲工"]
    assert [e.person.name for e, _reasons in outcome.refused] == ["乙工"]
    assert Enrollment.objects.get(person=people[1]).status == "enrolled"


def test_import_templates_and_upload_pages_exist(city, personas, client):
    client.force_login(personas.city)
    for entity in ("training_nominations", "training_attendance", "training_results"):
        assert client.get(f"/imports/templates/{entity}.xlsx").status_code == 200
        assert client.get(f"/imports/new/{entity}/").status_code == 200
