"""Organisation pages: list with search and paging, detail with staff figures, create and edit."""

from __future__ import annotations

from django.urls import reverse

from gongjiang.core import rules as core_rules
from gongjiang.orgs import services
from gongjiang.orgs.models import Organization
from tests import factories


def names(response) -> list[str]:
    return [o.name for o in response.context["organizations"]]


def test_list_is_scoped_and_searchable(client, city, personas):
    client.force_login(personas.dan)
    response = client.get(reverse("orgs:list"))
    assert response.status_code == 200
    assert "柯桥纺织有限公司" not in names(response)
    assert "越城机械有限公司" in names(response)
    assert names(client.get(reverse("orgs:list"), {"q": "装配"})) == ["越城机械有限公司装配分公司"]
    assert names(client.get(reverse("orgs:list"), {"kind": "government"})) == ["越城区人力资源和社会保障局"]


def test_list_pages(client, city, personas):
    for n in range(25):
        factories.organization(f"越城配套企业{n:02d}", region_obj=city.yuecheng)
    client.force_login(personas.city)
    first = client.get(reverse("orgs:list"), {"q": "配套"})
    second = client.get(reverse("orgs:list"), {"q": "配套", "page": "2"})
    assert len(first.context["organizations"]) == 20 and len(second.context["organizations"]) == 5
    assert "page=2" in first.content.decode()


def test_detail_shows_staff_counts_and_children(client, registry, personas, city):
    client.force_login(personas.city)
    response = client.get(reverse("orgs:detail", args=[city.yuecheng_machinery.pk]))
    assert response.status_code == 200
    assert response.context["staff_count"] == 2  # 王师傅, 李高级 (赵 works at the branch)
    assert response.context["high_skilled_count"] == 1
    assert [c.name for c in response.context["children"]] == ["越城机械有限公司装配分公司"]
    assert f"?organization={city.yuecheng_machinery.pk}" in response.content.decode()


def test_out_of_scope_detail_is_404(client, city, personas):
    client.force_login(personas.kira)
    assert client.get(reverse("orgs:detail", args=[city.yuecheng_machinery.pk])).status_code == 404


def test_create_organisation(client, city, personas):
    client.force_login(personas.dan)
    code = factories.make_credit_code()
    response = client.post(reverse("orgs:create"), {
        "name": "越城新材料有限公司", "kind": "enterprise", "credit_code": code.lower(), "country": "CN",
        "region": city.yuecheng.code, "contact_name": "陈经理",
    })
    org = Organization.objects.get(name="越城新材料有限公司")
    assert response.status_code == 302 and response["Location"] == reverse("orgs:detail", args=[org.pk])
    assert org.credit_code == code and org.path == f"/{org.pk}/"


def test_create_with_bad_credit_code_names_the_field(client, city, personas):
    client.force_login(personas.dan)
    code = factories.make_credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = client.post(reverse("orgs:create"), {
        "name": "错代码公司", "kind": "enterprise", "credit_code": wrong, "country": "CN", "region": city.yuecheng.code,
    })
    assert response.status_code == 400
    assert response.context["form"].errors["credit_code"] == [str(core_rules.ERR_USCC_CHECKSUM)]
    assert not Organization.objects.filter(name="错代码公司").exists()


def test_create_outside_own_region_is_refused(client, city, personas):
    client.force_login(personas.dan)
    response = client.post(reverse("orgs:create"), {
        "name": "柯桥新厂", "kind": "enterprise", "credit_code": factories.make_credit_code(), "country": "CN",
        "region": city.keqiao.code,
    })
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Organization.objects.filter(name="柯桥新厂").exists()


def test_edit_organisation_and_refuse_parent_cycle(client, city, personas):
    client.force_login(personas.olga)
    url = reverse("orgs:edit", args=[city.yuecheng_machinery.pk])
    form = client.get(url).context["form"]
    # the organisation itself and its branch are not offered as its parent
    assert city.machinery_branch.pk not in set(form.fields["parent"].queryset.values_list("pk", flat=True))
    response = client.post(url, {
        "name": "越城机械股份有限公司", "kind": "enterprise", "credit_code": city.yuecheng_machinery.credit_code,
        "country": "CN", "region": city.yuecheng.code, "is_active": "on",
    })
    assert response.status_code == 302
    city.yuecheng_machinery.refresh_from_db()
    assert city.yuecheng_machinery.name == "越城机械股份有限公司"


def test_edit_credit_code_taken_is_refused_on_field(client, city, personas):
    client.force_login(personas.city)
    response = client.post(reverse("orgs:edit", args=[city.machinery_branch.pk]), {
        "name": city.machinery_branch.name, "kind": "enterprise", "credit_code": city.keqiao_textile.credit_code,
        "country": "CN", "region": city.yuecheng.code, "parent": city.yuecheng_machinery.pk, "is_active": "on",
    })
    assert response.status_code == 400
    expected = services.ERR_CREDIT_CODE_TAKEN.format(code=city.keqiao_textile.credit_code, name=city.keqiao_textile.name)
    assert response.context["form"].errors["credit_code"] == [expected]
    city.machinery_branch.refresh_from_db()
    assert city.machinery_branch.credit_code != city.keqiao_textile.credit_code
