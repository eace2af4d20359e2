"""The counts the targets module and the indicators page read, against hand-built data, for a
scoped user (whose querysets are DISTINCT) as well as for the city."""

from __future__ import annotations

import datetime as dt

from gongjiang.people.services import certificate_record
from gongjiang.training import selectors
from gongjiang.training.models import TrainingProgram
from gongjiang.training.services import programs as services
from tests.training import builders


def _enrol(program, people, actor):
    nominations = [services.nomination_create(actor=None, program=program, person=p) for p in people]
    return services.selection_decide(actor=actor, program=program, selected=nominations).enrollments


def test_person_times_people_abroad_and_certificates(city, personas):
    # given: a tour with 2 people, a course with one of them again and a third who drops out
    a, b, c = (builders.worker(city, n) for n in ("甲工", "乙工", "丙工"))
    tour = builders.program(city)
    course = builders.program(city, name="数控培训班", kind=TrainingProgram.Kind.COURSE, destination_country="",
                              days=None)
    _enrol(tour, [a, b], personas.city)
    enrolled = _enrol(course, [a, c], personas.city)
    services.enrollment_drop(actor=personas.city, enrollment=enrolled[1], reason="离职")
    certificate_record(actor=None, holder=a, number="IWS-1", issue_date=dt.date(2024, 1, 1), kind="international")
    certificate_record(actor=None, holder=a, number="IWE-1", issue_date=dt.date(2024, 2, 1), kind="international")
    certificate_record(actor=None, holder=b, number="IWS-2", issue_date=dt.date(2024, 1, 1), kind="international")
    for user in (personas.city, personas.dan):
        # when
        counts = selectors.training_counts(user=user)
        # then
        assert counts.people_sent_abroad == 2 and counts.abroad_person_times == 2
        assert counts.person_times_by_kind == {"overseas_study": 2, "course": 1}
        assert counts.people_by_kind == {"overseas_study": 2, "course": 1}
        assert (counts.internationally_certified_people, counts.international_certificates) == (2, 3)
        assert counts.programs_held == 2
    assert selectors.training_counts(user=personas.kira).people_sent_abroad == 0


def test_apprentices_by_kind_and_status(city, personas):
    builders.apprenticeship(city, actor=personas.olga)
    second = builders.apprenticeship(city, actor=personas.olga, kind="modern",
                                     apprentice=builders.worker(city, "二号学徒"),
                                     school=builders.school(city, "职业学院"))
    from gongjiang.training.services import apprenticeships

    apprenticeships.apprenticeship_change_status(actor=personas.olga, apprenticeship=second, status="active",
                                                 on=dt.date(2024, 3, 1), reason="报到")
    counts = selectors.training_counts(user=personas.olga)
    assert counts.apprentices_by_kind == {"enterprise_new_type": 1, "modern": 1}
    assert counts.apprentices_by_kind_status == {("enterprise_new_type", "waiting"): 1, ("modern", "active"): 1}
    assert selectors.training_counts(user=personas.kira).apprentices_by_kind == {}


def test_points_ranking_for_an_organisation_admin(city, personas):
    a, b = builders.worker(city, "甲工"), builders.worker(city, "乙工")
    services.points_adjust(actor=personas.olga, person=a, points=5, reason="技能比武")
    services.points_adjust(actor=personas.olga, person=a, points=7, reason="带徒")
    services.points_adjust(actor=personas.olga, person=b, points=12, reason="创新")
    rows = selectors.points_ranking(user=personas.olga, organization=city.yuecheng_machinery)
    assert [(r["person__name"], r["total"], r["rank"]) for r in rows] == [("乙工", 12, 1), ("甲工", 12, 1)]
    assert selectors.points_ranking(user=personas.kira) == []
