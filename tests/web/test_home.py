"""The home dashboard: key figures of the user's scope, charts fed by json_script, workers' own page."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse


def _figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, f"figure {name} not on the page"
    return match.group(1).strip()


def _chart_data(html: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"chart data {element_id} not on the page"
    return json.loads(match.group(1))


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_city_bureau_dashboard_shows_city_figures(client, registry, personas):
    # given
    client.force_login(personas.city)
    # when
    response = client.get(reverse("web:home"))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert _figure(html, "total") == "6"
    assert _figure(html, "high-skilled") == "3"
    assert _figure(html, "high-skilled-share") == "50.0"
    assert _figure(html, "certified") == "4"
    levels = _chart_data(html, "chart-level")
    assert dict(zip(levels["labels"], levels["values"], strict=True))["技师（二级）"] == 1
    districts = _chart_data(html, "chart-district")
    assert dict(zip(districts["labels"], districts["values"], strict=True)) == {"越城区": 3, "柯桥区": 3}
    occupations = _chart_data(html, "chart-occupation")
    assert occupations["keys"] == ["6-04-02-01", "6-18-01-01"]
    # ECharts is served locally, only on this page, and never from a CDN
    assert "/static/vendor/echarts-6.1.0/echarts.common.min.js" in html
    assert "/static/web/charts.js" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_district_dashboard_counts_only_its_district(client, registry, personas):
    client.force_login(personas.dan)
    html = client.get(reverse("web:home")).content.decode()
    assert _figure(html, "total") == "3"
    assert _figure(html, "high-skilled-share") == "66.7"
    assert "柯桥区" not in json.dumps(_chart_data(html, "chart-district"), ensure_ascii=False)


def test_worker_sees_own_record_summary(client, registry, personas):
    # given
    from tests import factories

    factories.certificate(registry.wang, level=3, occupation_obj=registry.lathe)
    client.force_login(personas.wang)
    # when
    response = client.get(reverse("web:home"))
    html = response.content.decode()
    # then
    assert response.templates[0].name == "web/home_worker.html"
    assert _figure(html, "own-level") == "高级工（三级）"
    assert _figure(html, "own-certificates") == "1"
    assert reverse("people:detail", args=[registry.wang.pk]) in html
    assert "李高级" not in html and "chart-level" not in html


@pytest.mark.parametrize("persona", ["sam", "aud"])
def test_security_and_audit_admins_see_no_registry_figures(client, registry, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert response.templates[0].name == "web/home_no_registry.html"
    assert "data-figure" not in response.content.decode()


def test_empty_scope_dashboard_has_no_charts(client, city, personas):
    # given: no people other than the worker persona in 柯桥 → kira sees nobody
    client.force_login(personas.kira)
    html = client.get(reverse("web:home")).content.decode()
    assert _figure(html, "total") == "0"
    assert "echarts" not in html


def test_a_user_without_registry_data_gets_the_right_reason_and_a_way_in(client, city, personas):
    # A judge, say: no role in any organisation, so no registry data. The page must not call
    # them one of the three separated administrators, and must lead to what they can use.
    from tests import factories

    client.force_login(factories.user("judge-on-loan"))
    html = client.get(reverse("web:home")).content.decode()
    assert "您的角色不查看技能人才库中的数据。" in html and "三权分立" not in html
    functions = html[html.index("data-home-functions"):]
    assert f'href="{reverse("competitions:home")}"' in functions
    client.force_login(personas.aud)
    assert "三权分立" in client.get(reverse("web:home")).content.decode()
