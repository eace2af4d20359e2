"""Certificate numbers: unique and gap-free per body, year and level, also under concurrency."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction

from gongjiang.credentials.rules import parse_certificate_number
from gongjiang.evaluation.models import SerialCounter
from gongjiang.evaluation.services import issuance
from tests.evaluation.conftest import filed_body


class Boom(Exception):
    pass


def _issue(body_pk: int, results: list[str], failures: list[int], index: int, gate: threading.Barrier,
           serialise: threading.Lock | None) -> None:
    from gongjiang.evaluation.models import EvaluationBody

    try:
        gate.wait()
        if serialise is not None:
            serialise.acquire()
        try:
            with transaction.atomic():
                number = issuance.assign_number(EvaluationBody.objects.get(pk=body_pk), year=2025, grade=3)
                time.sleep(0.01)  # hold the lock a while, as a real issuance does
                if index % 5 == 4:
                    raise Boom  # this issuance fails after taking a number: it must give it back
                results.append(number)
        finally:
            if serialise is not None:
                serialise.release()
    except Boom:
        failures.append(index)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuance_gives_unique_gap_free_serials(city):
    # given a body and 20 issuances racing for the same year and level, every fifth one failing
    body = filed_body(city.yuecheng_machinery)
    results: list[str] = []
    failures: list[int] = []
    threads_count = 20
    gate = threading.Barrier(threads_count)
    # PostgreSQL runs them truly in parallel (the row lock decides); SQLite has one writer at a
    # time, so there they are serialised here as the database would serialise them anyway.
    serialise = threading.Lock() if connection.vendor == "sqlite" else None
    threads = [
        threading.Thread(target=_issue, args=(body.pk, results, failures, i, gate, serialise))
        for i in range(threads_count)
    ]
    # when they all run
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then the successful ones hold serials 1..16, each once, and the counter says 16
    serials = sorted(int(parse_certificate_number(n).parts["serial"]) for n in results)
    assert len(failures) == 4
    assert serials == list(range(1, threads_count - len(failures) + 1))
    assert SerialCounter.objects.get(body=body, year=2025, grade=3).last_serial == 16


@pytest.mark.django_db
def test_a_failed_issuance_returns_its_serial(city):
    body = filed_body(city.yuecheng_machinery)
    with pytest.raises(Boom), transaction.atomic():
        issuance.assign_number(body, year=2025, grade=5)
        raise Boom
    assert issuance.assign_number(body, year=2025, grade=5).endswith("255000001")


@pytest.mark.django_db
def test_numbering_continues_after_imported_history(city):
    from tests import factories

    body = filed_body(city.yuecheng_machinery)
    holder = factories.person("历史持证人", employer=city.yuecheng_machinery, region_obj=city.yuecheng)
    factories.certificate(holder, level=3, number="Y000033000001253000041", issue_date=dt.date(2025, 1, 5))
    assert issuance.assign_number(body, year=2025, grade=3).endswith("253000042")
