"""Nominate → select → enrol → attend → assess → complete, and what completion writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.people.models import Certificate
from gongjiang.training import rules, selectors
from gongjiang.training.models import (
    Attendance,
    Enrollment,
    Nomination,
    PointsEntry,
    TrainingProgram,
)
from gongjiang.training.services import programs as services
from tests.training import builders


def test_employer_nominates_organiser_selects_within_capacity_and_records_criteria(city, personas):
    # given: a tour with 2 places, three nominees from 越城机械
    tour = builders.program(city, capacity=2)
    people = [builders.worker(city, name) for name in ("甲工", "乙工", "丙工")]
    nominations = [services.nomination_create(actor=personas.olga, program=tour, person=p, reason="骨干")
                   for p in people]
    # when
    result = services.selection_decide(
        actor=personas.city, program=tour, selected=nominations[:2], not_selected=nominations[2:],
        criteria="高级工及以上，近三年参与技术革新", note="按评分择优",
    )
    # then
    assert {n.status for n in result.selected} == {Nomination.Status.SELECTED}
    assert result.not_selected[0].status == Nomination.Status.NOT_SELECTED
    assert [e.person for e in result.enrollments] == people[:2]
    tour.refresh_from_db()
    assert tour.selection_criteria == "高级工及以上，近三年参与技术革新"
    assert nominations[0].channel == Nomination.Channel.EMPLOYER
    assert AuditEntry.objects.filter(action="training.selection.decided", object_id=str(tour.pk)).exists()


def test_selection_over_capacity_changes_nothing(city, personas):
    tour = builders.program(city, capacity=1)
    nominations = [services.nomination_create(actor=personas.olga, program=tour, person=builders.worker(city, n))
                   for n in ("甲工", "乙工")]
    with pytest.raises(ApplicationError) as err:
        services.selection_decide(actor=personas.city, program=tour, selected=nominations)
    assert err.value.message == str(rules.ERR_SELECTION_OVER_CAPACITY).format(capacity=1, selected=0, wanted=2)
    assert not Enrollment.objects.filter(program=tour).exists()
    assert set(Nomination.objects.filter(program=tour).values_list("status", flat=True)) == {"nominated"}


def test_outsider_cannot_nominate_or_select(city, personas):
    tour = builders.program(city)
    person = builders.worker(city)
    with pytest.raises(PermissionDeniedError):
        services.nomination_create(actor=personas.kira, program=tour, person=person)
    nomination = services.nomination_create(actor=personas.olga, program=tour, person=person)
    with pytest.raises(PermissionDeniedError):
        services.selection_decide(actor=personas.olga, program=tour, selected=[nomination])
    assert Nomination.objects.get(pk=nomination.pk).status == Nomination.Status.NOMINATED
    assert not Enrollment.objects.exists()


def test_nominating_twice_or_to_a_draft_is_refused(city, personas):
    tour = builders.program(city)
    person = builders.worker(city)
    services.nomination_create(actor=personas.olga, program=tour, person=person)
    with pytest.raises(ApplicationError) as err:
        services.nomination_create(actor=personas.olga, program=tour, person=person)
    assert err.value.message == services.ERR_ALREADY_NOMINATED.format(name=person.name)
    draft = builders.program(city, status="draft", name="草稿项目")
    with pytest.raises(ApplicationError):
        services.nomination_create(actor=personas.olga, program=draft, person=person)
    assert Nomination.objects.count() == 1


def test_refusals_are_given_in_the_users_language(city, personas):
    from django.utils import translation

    tour = builders.program(city)
    person = builders.worker(city)
    services.nomination_create(actor=personas.olga, program=tour, person=person)
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        services.nomination_create(actor=personas.olga, program=tour, person=person)
    assert error.value.errors["person"] == [
        f"{person.name} has already been nominated for or applied to this programme."]
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        services.nomination_create(actor=personas.olga, program=tour, person=person)
    assert error.value.errors["person"] == [f"{person.name} 已推荐或报名过此项目。"]


def test_worker_applies_and_sees_published_programmes_only(city, personas):
    night = builders.program(city, kind=TrainingProgram.Kind.NIGHT_SCHOOL, name="AI 职工夜校", destination_country="",
                             days=None, organizer=city.yuecheng_bureau)
    draft = builders.program(city, status="draft", name="未发布项目")
    visible = set(selectors.program_queryset(personas.wang))
    assert night in visible and draft not in visible
    nomination = services.nomination_apply(actor=personas.wang, program=night, reason="想学 AI")
    assert nomination.channel == Nomination.Channel.SELF and nomination.person.user == personas.wang
    assert set(selectors.nomination_queryset(personas.wang)) == {nomination}
    assert not selectors.nomination_queryset(personas.kira).exists()


def _enrolled(city, personas, **program_extra):
    tour = builders.program(city, **program_extra)
    person = personas.wang.person
    nomination = services.nomination_create(actor=personas.olga, program=tour, person=person)
    enrollment = services.selection_decide(actor=personas.city, program=tour, selected=[nomination]).enrollments[0]
    return tour, enrollment


def test_attendance_and_completion_write_hours_points_certificate_and_history(city, personas):
    # given
    tour, enrollment = _enrolled(
        city, personas, kind=TrainingProgram.Kind.INTERNATIONAL_CERTIFICATION, name="国际焊接技师认证",
        destination_country="", days=None, awards_international_certificate=True,
        certificate_title="国际焊接技师（IWS）", certificate_awarding_body="国际焊接学会（IIW）",
        points_per_hour=Decimal("0.5"), completion_points=10, certificate_points=30, assessment_required=True,
    )
    sessions = [services.session_add(actor=personas.city, program=tour, title=f"第{i}讲", date=dt.date(2024, 10, 12 + i),
                                     hours=Decimal("8")) for i in range(5)]
    for index, session in enumerate(sessions):
        services.attendance_record(actor=personas.city, session=session,
                                   marks={enrollment.pk: "present" if index < 4 else "absent"})
    services.assessment_record(actor=personas.city, enrollment=enrollment, passed=True, score=88)
    # when
    done = services.enrollment_complete(actor=personas.city, enrollment=enrollment, on=dt.date(2024, 10, 24),
                                        certificate_number="IWS-2024-0191", certificate_issue_date=dt.date(2024, 10, 24))
    # then
    assert done.status == Enrollment.Status.COMPLETED and done.hours_attended == Decimal("32")
    cert = Certificate.objects.get(number="IWS-2024-0191")
    assert cert.kind == Certificate.Kind.INTERNATIONAL and cert.holder == personas.wang.person
    assert cert.source == Certificate.Source.TRAINING
    assert done.completion_certificate_number.startswith("JY2024")
    ledger = dict(PointsEntry.objects.filter(enrollment=done).values_list("kind", "points"))
    assert ledger == {"hours": 16, "completion": 10, "certificate": 30}
    history = selectors.training_history_for_person(user=personas.wang, person=personas.wang.person)
    assert history.enrollments == [done] and history.points_total == 56 and history.completed_count == 1
    assert Attendance.objects.filter(enrollment=done, status="present").count() == 4


def test_completion_refused_with_reasons_when_attendance_too_low(city, personas):
    tour, enrollment = _enrolled(city, personas)
    session = services.session_add(actor=personas.city, program=tour, title="参观工厂", date=dt.date(2024, 10, 13),
                                   hours=8)
    services.attendance_record(actor=personas.city, session=session, marks={enrollment.pk: "absent"})
    with pytest.raises(ApplicationError) as err:
        services.enrollment_complete(actor=personas.city, enrollment=enrollment)
    expected = str(rules.MSG_ATTENDANCE_FAIL).format(attended=0, total=1, rate="0.0", minimum=80)
    assert expected in err.value.message
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ENROLLED
    assert not PointsEntry.objects.exists()


def test_dropout_needs_reason_and_keeps_hours_points(city, personas):
    tour, enrollment = _enrolled(city, personas)
    session = services.session_add(actor=personas.city, program=tour, title="参观工厂", date=dt.date(2024, 10, 13),
                                   hours=8)
    services.attendance_record(actor=personas.city, session=session, marks={enrollment.pk: "present"})
    with pytest.raises(ApplicationError):
        services.enrollment_drop(actor=personas.city, enrollment=enrollment, reason=" ")
    dropped = services.enrollment_drop(actor=personas.city, enrollment=enrollment, reason="工作调动",
                                       on=dt.date(2024, 10, 14))
    assert dropped.status == Enrollment.Status.DROPPED and dropped.dropout_reason == "工作调动"
    assert list(PointsEntry.objects.filter(enrollment=dropped).values_list("kind", "points")) == [("hours", 8)]


def test_attendance_for_someone_not_enrolled_is_refused(city, personas):
    tour, enrollment = _enrolled(city, personas)
    session = services.session_add(actor=personas.city, program=tour, title="课", date=dt.date(2024, 10, 13))
    with pytest.raises(ApplicationError):
        services.attendance_record(actor=personas.city, session=session, marks={enrollment.pk + 999: "present"})
    with pytest.raises(ApplicationError):
        services.attendance_record(actor=personas.city, session=session, marks={enrollment.pk: "late"})
    assert not Attendance.objects.exists()


def test_program_validation_names_fields(city, personas):
    with pytest.raises(ApplicationError) as err:
        services.program_create(actor=personas.city, name="", kind="overseas_study", organizer=city.city_bureau,
                                start_date=dt.date(2024, 10, 12), end_date=dt.date(2024, 10, 1),
                                destination_country="CN")
    assert {"name", "end_date", "destination_country"} <= set(err.value.errors)
    with pytest.raises(ApplicationError) as err:
        services.program_create(actor=personas.olga, name="外单位项目", kind="course", organizer=city.keqiao_textile,
                                start_date=dt.date(2024, 10, 12), end_date=dt.date(2024, 10, 13))
    assert "organizer" in err.value.errors
    assert not TrainingProgram.objects.exists()


def test_finishing_needs_every_enrolment_closed(city, personas):
    tour, enrollment = _enrolled(city, personas)
    services.program_set_status(actor=personas.city, program=tour, status="in_progress")
    with pytest.raises(ApplicationError):
        services.program_set_status(actor=personas.city, program=tour, status="finished")
    services.enrollment_complete(actor=personas.city, enrollment=enrollment)
    assert services.program_set_status(actor=personas.city, program=tour, status="finished").status == "finished"


def test_completion_issues_a_verifiable_certificate(city, personas, client):
    from gongjiang.credentials.selectors import verify_by_code

    tour, enrollment = _enrolled(city, personas)
    done = services.enrollment_complete(actor=personas.city, enrollment=enrollment, on=dt.date(2024, 10, 24))
    credential = done.completion_credential
    assert credential is not None and credential.kind == "training_completion"
    assert credential.number == done.completion_certificate_number
    assert credential.fields["program"] == tour.name and credential.source_ref == f"training.enrollment:{done.pk}"
    answer = verify_by_code(credential.code)
    assert answer["result"] == "valid" and answer["certificate"]["holder"] == "王**"
    response = client.get(f"/verify/{credential.code}/")
    assert response.status_code == 200 and tour.name in response.content.decode()


def test_completion_links_only_the_participants_own_evaluation_application(city, personas):
    tour, enrollment = _enrolled(city, personas)
    with pytest.raises(ApplicationError) as err:
        services.enrollment_complete(actor=personas.city, enrollment=enrollment, evaluation_application_id=999999)
    assert err.value.errors == {"evaluation_application_id": [
        services.ERR_EVALUATION_APPLICATION.format(pk=999999)]}
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ENROLLED
