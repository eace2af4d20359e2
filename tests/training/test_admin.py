"""The back office shows training and international lists read-only, inside the user's scope."""

from __future__ import annotations

from tests.training import builders


def test_admin_lists_are_read_only_and_scoped(city, personas, client):
    builders.apprenticeship(city, actor=personas.olga)
    personas.olga.is_staff = True
    personas.olga.save(update_fields=["is_staff"])
    personas.kira.is_staff = True
    personas.kira.save(update_fields=["is_staff"])
    client.force_login(personas.olga)
    page = client.get("/admin/training/apprenticeship/")
    assert page.status_code == 200 and "小徒弟" in page.content.decode()
    assert client.get("/admin/training/apprenticeship/add/").status_code == 403
    for url in ("/admin/training/trainingprogram/", "/admin/training/subsidyclaim/", "/admin/international/agreement/",
                "/admin/international/recognition/"):
        assert client.get(url).status_code == 200, url
    client.force_login(personas.kira)
    assert "小徒弟" not in client.get("/admin/training/apprenticeship/").content.decode()
