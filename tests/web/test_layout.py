"""The shared layout: navigation, user box, language switch, vendored htmx, login page."""

from __future__ import annotations

from django.urls import reverse


def test_login_page_is_chinese_and_self_contained(client, db):
    response = client.get(reverse("web:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "登录" in html and 'name="username"' in html and 'name="password"' in html
    assert "/static/vendor/htmx.org-2.0.11/htmx.min.js" in html
    assert "https://" not in html


def test_login_with_the_form_reaches_dashboard(client, registry, personas):
    response = client.post(reverse("web:login"), {"username": "city", "password": "Pass-Word-123"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("web:home")
    assert response.context["user"].username == "city"


def test_layout_shows_navigation_user_and_role(client, registry, personas):
    client.force_login(personas.dan)
    html = client.get(reverse("people:list")).content.decode()
    assert f'href="{reverse("people:list")}" class="active"' in html
    assert f'href="{reverse("orgs:list")}"' in html
    assert "dan" in html and "区县人社管理员" in html
    assert 'action="/i18n/setlang/"' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_vendored_assets_are_served(client, db):
    for path in ("/static/vendor/htmx.org-2.0.11/htmx.min.js", "/static/vendor/echarts-6.1.0/echarts.common.min.js",
                 "/static/web/app.css", "/static/web/app.js", "/static/web/charts.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(body) > 500, path


def test_vendored_assets_carry_their_licences():
    from pathlib import Path

    import gongjiang.web

    vendor = Path(gongjiang.web.__file__).parent / "static" / "vendor"
    assert (vendor / "htmx.org-2.0.11" / "LICENSE").read_text().startswith("Zero-Clause BSD")
    assert "Apache License" in (vendor / "echarts-6.1.0" / "LICENSE").read_text()
    assert "echarts 6.1.0" in (vendor / "README.md").read_text()
