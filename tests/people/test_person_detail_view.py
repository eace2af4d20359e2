"""The profile page: everything on one page, masked ID with an audited reveal, and history."""

from __future__ import annotations

from django.urls import reverse

from gongjiang.core.models import AuditEntry
from gongjiang.people import services


def detail(person) -> str:
    return reverse("people:detail", args=[person.pk])


def reveal(person) -> str:
    return reverse("people:reveal_id", args=[person.pk])


def test_profile_shows_identity_employment_certificates_honours(client, registry, personas, city):
    # given
    services.honor_add(actor=None, person=registry.li, title="craftsman", name="绍兴工匠", level="city", year=2023)
    client.force_login(personas.dan)
    # when
    response = client.get(detail(registry.li))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert registry.li.id_number_masked in html and registry.li_id_number not in html
    assert "越城机械有限公司" in html  # employment
    assert "GJ-LI-0001" in html and 'class="badge valid"' in html  # certificate with status
    assert "绍兴工匠" in html  # honour
    assert "高级工（三级）" in html  # derived level
    assert "显示完整号码" in html  # dan may reveal
    assert 'id="history"' in html and "登记证书" in html


def test_revoked_certificate_shows_status_and_lowers_level(client, registry, personas):
    services.certificate_revoke(actor=None, certificate=registry.li_certificate, reason="证书信息有误")
    client.force_login(personas.city)
    html = client.get(detail(registry.li)).content.decode()
    assert 'class="badge revoked"' in html and "证书信息有误" in html
    assert "撤销证书" in html  # in the history
    assert 'data-level>未定级<' in html


def test_reveal_shows_full_number_and_is_audited(client, registry, personas):
    # given
    client.force_login(personas.dan)
    # when
    response = client.post(reveal(registry.li), HTTP_HX_REQUEST="true")
    # then
    assert response.status_code == 200
    assert registry.li_id_number in response.content.decode()
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="people.person.id_revealed", object_id=str(registry.li.pk))
    assert entry.actor == personas.dan and entry.outcome == "success"
    # the reveal then appears in the person's history
    assert "查看完整证件号码" in client.get(detail(registry.li)).content.decode()


def test_reveal_without_htmx_renders_whole_profile(client, registry, personas):
    client.force_login(personas.city)
    response = client.post(reveal(registry.li))
    assert response.status_code == 200
    assert registry.li_id_number in response.content.decode()
    assert "工作经历" in response.content.decode()


def test_read_only_staff_cannot_reveal(client, registry, personas):
    # given
    client.force_login(personas.stan)
    html = client.get(detail(registry.li)).content.decode()
    assert "显示完整号码" not in html
    # when
    response = client.post(reveal(registry.li), HTTP_HX_REQUEST="true")
    # then
    assert response.status_code == 403
    assert registry.li_id_number not in response.content.decode()
    assert AuditEntry.objects.filter(action="people.person.id_revealed", outcome="denied", actor=personas.stan).exists()
    assert not AuditEntry.objects.filter(action="people.person.id_revealed", outcome="success").exists()


def test_reveal_needs_post(client, registry, personas):
    client.force_login(personas.city)
    assert client.get(reveal(registry.li)).status_code == 405


def test_out_of_scope_profile_is_404(client, registry, personas):
    client.force_login(personas.kira)
    assert client.get(detail(registry.li)).status_code == 404
    assert client.post(reveal(registry.li)).status_code == 404
    assert not AuditEntry.objects.filter(action="people.person.id_revealed").exists()


def test_worker_sees_own_profile_read_only(client, registry, personas):
    client.force_login(personas.wang)
    response = client.get(detail(registry.wang))
    html = response.content.decode()
    assert response.status_code == 200
    assert "修改基本信息" not in html and "登记证书" not in html.split('id="history"')[0]
    assert client.get(detail(registry.li)).status_code == 404


def test_profile_query_count_is_fixed(client, registry, personas, django_assert_max_num_queries):
    client.force_login(personas.city)
    with django_assert_max_num_queries(14):
        assert client.get(detail(registry.li)).status_code == 200


def test_profile_loads_training_history_from_the_training_app(client, registry, personas):
    # given
    client.force_login(personas.dan)
    # when
    html = client.get(detail(registry.li)).content.decode()
    # then the profile asks for the training section, and that section answers in scope
    url = reverse("training:person_history", args=[registry.li.pk])
    assert f'hx-get="{url}"' in html
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert 'id="training"' in fragment.content.decode()
    client.force_login(personas.kira)
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_a_certificate_naming_its_occupation_in_words_only_is_shown(client, registry, personas):
    # Historical certificates often name an occupation that is not (or no longer) in the
    # classification: only the words are kept, and the profile must show them.
    from tests import factories

    factories.certificate(registry.li, level=3, number="GJ-LI-OLD-01", occupation_name="车工（老工种）")
    client.force_login(personas.city)
    response = client.get(detail(registry.li))
    assert response.status_code == 200 and "车工（老工种）" in response.content.decode()
