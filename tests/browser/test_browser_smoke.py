"""The browser harness itself works: Chromium starts, talks to the live server, renders Chinese."""

from __future__ import annotations

from typing import Any


def test_login_page_renders_in_chinese(page: Any, live_server: Any) -> None:
    # when
    response = page.goto(f"{live_server.url}/login/")
    # then
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text() == "登录"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
