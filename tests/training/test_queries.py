"""The key pages do not issue one query per participant (STYLE.md §19)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.training.services import programs as services
from tests.training import builders


def _detail_queries(client, program):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/training/{program.pk}/").status_code == 200
    return len(captured)


def test_programme_page_queries_do_not_grow_with_participants(city, personas, client):
    program = builders.program(city)
    client.force_login(personas.city)
    people = [builders.worker(city, f"学员{chr(0x4e00 + i)}") for i in range(8)]
    first = [services.nomination_create(actor=None, program=program, person=p) for p in people[:2]]
    services.selection_decide(actor=None, program=program, selected=first)
    few = _detail_queries(client, program)
    more = [services.nomination_create(actor=None, program=program, person=p) for p in people[2:]]
    services.selection_decide(actor=None, program=program, selected=more)
    assert _detail_queries(client, program) == few


def test_programme_list_queries_do_not_grow_with_programmes(city, personas, client):
    client.force_login(personas.city)
    builders.program(city, name="一")
    with CaptureQueriesContext(connection) as one:
        client.get("/training/")
    for name in ("二", "三", "四"):
        builders.program(city, name=name)
    with CaptureQueriesContext(connection) as four:
        client.get("/training/")
    assert len(four) == len(one)
