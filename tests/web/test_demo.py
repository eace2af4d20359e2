"""The demo city (gongjiang demo): deterministic, valid, realistic, one login per role, refused in production.

The city is built once for the module (200 people, as in `make run` but smaller) inside a
transaction rolled back at the end, so the other test modules never see it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from gongjiang.catalog.levels import SkillLevel, is_high_skilled, national_grade
from gongjiang.core.crypto import get_provider
from gongjiang.core.models import AuditEntry, User
from gongjiang.core.rules import age_on, parse_resident_id, validate_credit_code
from gongjiang.credentials.rules import parse_certificate_number
from gongjiang.orgs.models import Membership, Organization
from gongjiang.orgs.scope import organization_queryset
from gongjiang.people import services as people_services
from gongjiang.people.models import Certificate, Employment, Honor, Person
from gongjiang.people.selectors import person_queryset
from gongjiang.web.demo import DEMO_PASSWORD

TODAY = dt.date(2026, 6, 30)
PEOPLE = 200
SHAOXING_DISTRICTS = {"330602", "330603", "330604", "330624", "330681", "330683"}


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """Build the city once through the command; roll it back after the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("demo", "--people", str(PEOPLE), "--seed", "7", "--today", TODAY.isoformat(), stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


# --- people ---------------------------------------------------------------------------------------


def test_builds_the_requested_number_of_people(demo):
    assert Person.objects.count() == PEOPLE
    assert f"人员 {PEOPLE}" in demo


def test_every_id_number_is_valid_and_agrees_with_sex_birth_and_city(demo):
    provider = get_provider()
    for person in Person.objects.all():
        number = provider.decrypt(person.id_number_encrypted, associated_data=people_services.ID_CIPHER_AAD)
        parsed = parse_resident_id(number, today=TODAY)
        assert parsed.sex == person.sex and parsed.birth_date == person.birth_date
        assert number.startswith("3306")
        assert person.id_number_hash == people_services.hash_id_number("resident_id", number)
        assert person.id_number_masked == number[:6] + "*" * 8 + number[-4:]
        assert 18 <= age_on(person.birth_date, TODAY) <= 60
        assert person.residence_region_id in SHAOXING_DISTRICTS


def test_mobile_numbers_are_encrypted_and_masked(demo):
    provider = get_provider()
    with_mobile = Person.objects.exclude(mobile_encrypted="")
    assert with_mobile.count() > PEOPLE * 0.7
    for person in with_mobile:
        mobile = provider.decrypt(person.mobile_encrypted, associated_data=people_services.MOBILE_CIPHER_AAD)
        assert len(mobile) == 11 and mobile.startswith("1")
        assert person.mobile_masked == mobile[:3] + "****" + mobile[-4:]


def test_about_thirty_percent_are_high_skilled(demo):
    # The city's stock as the base builder records it (certificates from before the platform);
    # the programmes the extensions run (competitions, evaluations) then promote some people,
    # which in a 200-person test city moves the share by several points.
    from django.db.models import Max

    base = dict(
        Certificate.objects.filter(source__in=[Certificate.Source.IMPORT, Certificate.Source.APPOINTMENT],
                                   status=Certificate.Status.VALID)
        .values_list("holder_id").annotate(top=Max("level"))
    )
    levels = [base.get(pk) for pk in Person.objects.values_list("pk", flat=True)]
    share = sum(1 for level in levels if is_high_skilled(level)) / len(levels)
    assert 0.25 <= share <= 0.35
    present = set(levels)
    assert {SkillLevel.JUNIOR, SkillLevel.INTERMEDIATE, SkillLevel.SENIOR, SkillLevel.TECHNICIAN} <= present


def test_derived_fields_are_what_the_registry_services_derive(demo):
    for person in Person.objects.all():
        before = (person.current_level, person.primary_occupation_id)
        people_services.person_refresh_level(person)
        assert (person.current_level, person.primary_occupation_id) == before, person.pk
        open_jobs = Employment.objects.filter(person=person, end_date__isnull=True)
        assert [job.organization_id for job in open_jobs] == [person.current_employer_id]


def test_some_people_have_a_previous_job(demo):
    closed = Employment.objects.filter(end_date__isnull=False)
    assert closed.exists()
    for job in closed:
        current = Employment.objects.get(person=job.person, end_date__isnull=True)
        assert job.end_date == current.start_date - dt.timedelta(days=1)


def test_certificates_cover_every_level_held_with_valid_unique_numbers(demo):
    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    from django.utils import timezone

    for certificate in Certificate.objects.select_related("occupation"):
        # The stock the builder dates against --today; programmes the extensions run (an
        # evaluation batch issuing now) may date their certificates on the real day.
        if certificate.source in (Certificate.Source.IMPORT, Certificate.Source.APPOINTMENT):
            assert certificate.issue_date <= TODAY
        else:
            assert certificate.issue_date <= timezone.localdate()
        if certificate.kind == Certificate.Kind.POST_APPOINTMENT:
            assert certificate.level in (SkillLevel.PRINCIPAL_TECHNICIAN, SkillLevel.CHIEF_TECHNICIAN)
            continue
        parsed = parse_certificate_number(certificate.number)
        assert parsed.scheme == certificate.scheme
        if parsed.scheme == "other":  # e.g. a competition's own promotion numbering
            continue
        assert parsed.national_grade == national_grade(certificate.level)
        assert national_grade(certificate.level) in certificate.occupation.national_grades
        if parsed.scheme == "national":
            assert certificate.number[0] in "SY" and certificate.number[1:7] == "000033"
            assert certificate.issue_date.year >= 2020
    # a 高级工 holds a certificate for each level from the occupation's first up to 三级
    senior = Person.objects.filter(current_level=SkillLevel.SENIOR).first()
    grades = set(senior.certificates.filter(status="valid", occupation=senior.primary_occupation)
                 .values_list("level", flat=True))
    assert SkillLevel.SENIOR in grades and SkillLevel.INTERMEDIATE in grades


def test_honours_go_to_high_skilled_people(demo):
    assert Honor.objects.exists()
    assert not Honor.objects.exclude(person__current_level__gte=SkillLevel.SENIOR).exists()
    names = set(Honor.objects.values_list("name", flat=True))
    assert names & {"绍兴市技术能手", "浙江省技术能手", "绍兴工匠", "全国技术能手"}


# --- organisations --------------------------------------------------------------------------------


def test_every_organisation_kind_is_present_with_valid_codes(demo):
    kinds = Counter(Organization.objects.values_list("kind", flat=True))
    assert set(kinds) == set(Organization.Kind.values)
    assert 250 <= sum(kinds.values()) <= 400
    for code in Organization.objects.exclude(credit_code=None).values_list("credit_code", flat=True):
        assert validate_credit_code(code) == code
    assert Organization.objects.filter(kind="foreign_partner", country="DE").exists()
    assert Organization.objects.filter(name="绍兴技师学院", kind="technical_college").exists()
    assert Organization.objects.filter(name="绍兴市总工会", kind="trade_union", region_id="330600").exists()


def test_city_bureau_and_one_bureau_per_district(demo):
    city = Organization.objects.get(name="绍兴市人力资源和社会保障局")
    assert city.region_id == "330600" and city.kind == "government"
    districts = Organization.objects.filter(kind="government", parent=city)
    assert set(districts.values_list("region_id", flat=True)) == SHAOXING_DISTRICTS


def test_organisation_paths_follow_the_tree(demo):
    for org in Organization.objects.select_related("parent"):
        parent_path = org.parent.path if org.parent else "/"
        assert org.path == f"{parent_path}{org.pk}/"


# --- logins and scope -----------------------------------------------------------------------------


def test_one_login_per_role_and_each_can_sign_in(demo, client):
    roles = dict(Membership.objects.filter(user__username__startswith="demo-").values_list("user__username", "role"))
    assert sorted(roles.values()) == sorted(Membership.Role.values)
    for username in roles:
        assert username in demo
        response = client.post(reverse("web:login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.session.get("_auth_user_id") == str(User.objects.get(username=username).pk)
        client.logout()
    assert DEMO_PASSWORD in demo


def test_district_admin_sees_yuecheng_and_nothing_else(demo):
    dan = User.objects.get(username="demo-yuecheng")
    visible = set(person_queryset(dan).values_list("pk", flat=True))
    expected = set(
        Person.objects.filter(residence_region_id="330602").values_list("pk", flat=True)
    ) | set(Person.objects.filter(current_employer__region_id="330602").values_list("pk", flat=True))
    assert visible == expected
    assert 0 < len(visible) < PEOPLE
    orgs = organization_queryset(dan)
    assert orgs.exists()
    assert set(orgs.values_list("region_id", flat=True)) == {"330602"}


def test_org_admin_and_staff_see_their_firm_and_its_branches(demo):
    olga = User.objects.get(username="demo-org")
    firm = Membership.objects.get(user=olga, role="org_admin").organization
    assert firm.kind == "enterprise" and firm.region_id == "330602" and firm.children.exists()
    visible = set(person_queryset(olga).values_list("pk", flat=True))
    expected = set(Person.objects.filter(current_employer__path__startswith=firm.path).values_list("pk", flat=True))
    assert visible == expected and visible
    stan = User.objects.get(username="demo-staff")
    assert set(person_queryset(stan).values_list("pk", flat=True)) == expected
    assert not person_queryset(stan, write=True).exists()


def test_worker_login_is_linked_to_a_person_and_sees_only_that_person(demo):
    wang = User.objects.get(username="demo-worker")
    person = Person.objects.get(user=wang)
    assert person.current_employer.path.startswith(
        Membership.objects.get(user__username="demo-org").organization.path
    )
    assert list(person_queryset(wang).values_list("pk", flat=True)) == [person.pk]


def test_one_summary_audit_entry_without_personal_data(demo):
    entry = AuditEntry.objects.get(action="web.demo.built")
    assert entry.changes["people"] == PEOPLE and entry.changes["seed"] == 7
    assert not AuditEntry.objects.filter(action="people.person.created").exists()
    provider = get_provider()
    number = provider.decrypt(Person.objects.first().id_number_encrypted, associated_data=people_services.ID_CIPHER_AAD)
    assert number not in str(entry.changes)
