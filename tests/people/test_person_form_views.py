"""Registry forms: they call the services, and a refusal lands on the field it is about."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from gongjiang.core import rules as core_rules
from gongjiang.people import services
from gongjiang.people.models import Certificate, Employment, Honor, Person
from tests import factories


def field_errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


def test_create_registers_and_redirects_to_profile(client, city, personas):
    # given
    client.force_login(personas.dan)
    number = factories.make_id_number("330602", dt.date(1992, 4, 8), 71, male=False)
    # when
    response = client.post(reverse("people:create"), {
        "name": "阿依古丽·买买提", "id_type": "resident_id", "id_number": number.lower(),
        "employer": city.yuecheng_machinery.pk, "post": "装配工", "education": "bachelor",
        "residence_region": city.yuecheng.code, "mobile": "13800001111",
    })
    # then
    person = Person.objects.get(name="阿依古丽·买买提")
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.sex == "female" and person.birth_date == dt.date(1992, 4, 8)
    assert person.current_employer == city.yuecheng_machinery
    assert person.mobile_masked == "138****1111"


def test_create_with_bad_id_number_names_the_field_and_saves_nothing(client, city, personas):
    client.force_login(personas.dan)
    before = Person.objects.count()
    good = factories.make_id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(reverse("people:create"), {
        "name": "错号码", "id_type": "resident_id", "id_number": bad, "employer": city.yuecheng_machinery.pk,
    })
    assert response.status_code == 400
    assert field_errors(response, "id_number") == [str(core_rules.ERR_ID_CHECKSUM)]
    assert "错号码" in response.content.decode()  # what was typed is kept
    assert Person.objects.count() == before


def test_create_with_sex_that_disagrees(client, city, personas):
    client.force_login(personas.city)
    number = factories.make_id_number(male=True)
    response = client.post(reverse("people:create"), {
        "name": "性别不符", "id_type": "resident_id", "id_number": number, "sex": "female",
        "employer": city.yuecheng_machinery.pk,
    })
    assert response.status_code == 400
    assert field_errors(response, "sex") == [services.ERR_SEX_MISMATCH.format(derived="男")]
    assert not Person.objects.filter(name="性别不符").exists()


def test_create_duplicate_is_refused_on_the_id_field(client, registry, personas, city):
    client.force_login(personas.city)
    response = client.post(reverse("people:create"), {
        "name": "李重复", "id_type": "resident_id", "id_number": registry.li_id_number,
        "employer": city.yuecheng_machinery.pk,
    })
    assert response.status_code == 400
    assert "同一证件号码只能登记一人" in field_errors(response, "id_number")[0]
    assert Person.objects.filter(name__startswith="李").count() == 1


def test_create_offers_only_employers_in_write_scope(client, city, personas):
    client.force_login(personas.olga)
    form = client.get(reverse("people:create")).context["form"]
    offered = set(form.fields["employer"].queryset.values_list("pk", flat=True))
    assert offered == {city.yuecheng_machinery.pk, city.machinery_branch.pk}
    # posting an organisation outside the scope is refused by the form, nothing saved
    response = client.post(reverse("people:create"), {
        "name": "越权", "id_type": "resident_id", "id_number": factories.make_id_number(),
        "employer": city.keqiao_textile.pk,
    })
    assert response.status_code == 400 and field_errors(response, "employer")
    assert not Person.objects.filter(name="越权").exists()


def test_edit_saves_and_hides_fields_derived_from_resident_id(client, registry, personas):
    client.force_login(personas.olga)
    url = reverse("people:edit", args=[registry.li.pk])
    form = client.get(url).context["form"]
    assert "sex" not in form.fields and "birth_date" not in form.fields
    response = client.post(url, {"name": "李高级", "education": "master", "notes": "技术骨干"})
    assert response.status_code == 302
    registry.li.refresh_from_db()
    assert registry.li.education == "master" and registry.li.notes == "技术骨干"


def test_edit_rejects_bad_mobile_on_its_field(client, registry, personas):
    client.force_login(personas.city)
    response = client.post(reverse("people:edit", args=[registry.li.pk]), {"name": "李高级", "mobile": "12345"})
    assert response.status_code == 400
    assert field_errors(response, "mobile") == [services.ERR_MOBILE]
    registry.li.refresh_from_db()
    assert registry.li.mobile_masked == ""


def test_employment_add_and_end(client, registry, personas, city):
    client.force_login(personas.city)
    # when: 钱 moves to 越城机械
    response = client.post(reverse("people:employment_add", args=[registry.qian.pk]), {
        "organization": city.yuecheng_machinery.pk, "post": "挡车工", "start_date": "2024-01-01",
    })
    # then
    assert response.status_code == 302
    registry.qian.refresh_from_db()
    assert registry.qian.current_employer == city.yuecheng_machinery
    old = Employment.objects.get(person=registry.qian, organization=city.keqiao_textile)
    assert old.end_date == dt.date(2023, 12, 31)
    current = Employment.objects.get(person=registry.qian, organization=city.yuecheng_machinery)
    # when: the new job ends
    response = client.post(reverse("people:employment_end", args=[registry.qian.pk, current.pk]), {"end_date": "2024-06-30"})
    assert response.status_code == 302
    registry.qian.refresh_from_db()
    assert registry.qian.current_employer is None


def test_employment_end_before_start_is_refused_on_field(client, registry, personas):
    client.force_login(personas.city)
    job = registry.li.employments.get()
    response = client.post(reverse("people:employment_end", args=[registry.li.pk, job.pk]), {"end_date": "2000-01-01"})
    assert response.status_code == 400
    assert field_errors(response, "end_date") == [services.ERR_EMPLOYMENT_DATES]
    job.refresh_from_db()
    assert job.end_date is None


def test_employment_of_another_person_is_404(client, registry, personas):
    client.force_login(personas.city)
    other_job = registry.zhao.employments.get()
    url = reverse("people:employment_end", args=[registry.li.pk, other_job.pk])
    assert client.post(url, {"end_date": "2024-01-01"}).status_code == 404
    other_job.refresh_from_db()
    assert other_job.end_date is None


def test_certificate_record_derives_level(client, registry, personas):
    client.force_login(personas.dan)
    response = client.post(reverse("people:certificate_record", args=[registry.wang.pk]), {
        "kind": "skill_level", "number": "GJ-WANG-01", "level": "4", "occupation": registry.lathe.pk,
        "issue_date": "2023-05-01",
    })
    assert response.status_code == 302
    registry.wang.refresh_from_db()
    assert registry.wang.current_level == 4 and registry.wang.primary_occupation == registry.lathe


def test_certificate_future_date_and_taken_number_on_their_fields(client, registry, personas):
    client.force_login(personas.dan)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(reverse("people:certificate_record", args=[registry.wang.pk]), {
        "kind": "skill_level", "number": "GJ-LI-0001", "level": "3", "issue_date": tomorrow.isoformat(),
    })
    assert response.status_code == 400
    assert field_errors(response, "issue_date") == [services.ERR_DATE_FUTURE]
    assert field_errors(response, "number") == [services.ERR_CERT_TAKEN.format(number="GJ-LI-0001")]
    assert not Certificate.objects.filter(holder=registry.wang).exists()


def test_certificate_revoke_needs_reason_and_lowers_level(client, registry, personas):
    client.force_login(personas.dan)
    url = reverse("people:certificate_revoke", args=[registry.li.pk, registry.li_certificate.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and field_errors(response, "reason")
    response = client.post(url, {"reason": "复核不合格"})
    assert response.status_code == 302
    registry.li.refresh_from_db()
    registry.li_certificate.refresh_from_db()
    assert registry.li_certificate.status == "revoked" and registry.li.current_level is None


def test_honor_add_and_bad_year(client, registry, personas):
    client.force_login(personas.city)
    url = reverse("people:honor_add", args=[registry.sun.pk])
    response = client.post(url, {"title": "craftsman", "name": "绍兴工匠", "level": "city", "year": "1949"})
    assert response.status_code == 400 and field_errors(response, "year")
    response = client.post(url, {"title": "national_technical_expert", "name": "", "level": "national", "year": "2022"})
    assert response.status_code == 302
    honor = Honor.objects.get(person=registry.sun)
    assert honor.name == "全国技术能手" and honor.year == 2022
