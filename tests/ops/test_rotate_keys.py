"""``gongjiang rotate_keys``: from key k1 to k2, everything still decrypts and is still found."""

from __future__ import annotations

import base64
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from gongjiang.core.crypto import get_provider
from gongjiang.people import selectors, services
from gongjiang.people.models import Person
from tests import factories

K1 = base64.b64encode(b"1" * 32).decode()
K2 = base64.b64encode(b"2" * 32).decode()
NAMES = ["测试甲", "测试乙", "测试丙"]


def keys(**extra: str) -> dict[str, str]:
    # The personas were written under the test key; it stays listed until the rotation.
    return {**settings.FIELD_ENCRYPTION_KEYS, **extra}


@pytest.mark.parametrize("suite", ["aes", "sm"])
def test_rotation_from_k1_to_k2(personas, suite):
    numbers = [factories.make_id_number() for _ in range(3)]
    # given: three people written under k1
    with override_settings(FIELD_CRYPTO_SUITE=suite, FIELD_ENCRYPTION_KEYS=keys(k1=K1), FIELD_ENCRYPTION_ACTIVE_KEY="k1"):
        people = [factories.person(name, id_number=n, mobile="13800138000") for name, n in zip(NAMES, numbers, strict=True)]
        assert {get_provider().key_id_of(p.id_number_encrypted) for p in people} == {"k1"}
    # when: k2 becomes the active key and the command runs
    with override_settings(FIELD_CRYPTO_SUITE=suite, FIELD_ENCRYPTION_KEYS=keys(k1=K1, k2=K2), FIELD_ENCRYPTION_ACTIVE_KEY="k2"):
        out = io.StringIO()
        call_command("rotate_keys", "--batch-size", "2", stdout=out)
        assert "k2" in out.getvalue()
    # then: with k1 gone from the configuration everything still decrypts ...
    with override_settings(FIELD_CRYPTO_SUITE=suite, FIELD_ENCRYPTION_KEYS={"k2": K2}, FIELD_ENCRYPTION_ACTIVE_KEY="k2"):
        for person, number in zip(people, numbers, strict=True):
            stored = Person.objects.get(pk=person.pk)
            assert get_provider().key_id_of(stored.id_number_encrypted) == "k2"
            assert get_provider().key_id_of(stored.mobile_encrypted) == "k2"
            assert services.person_reveal_id_number(actor=personas.ada, person=stored) == number
            assert services.person_reveal_mobile(actor=personas.ada, person=stored) == "13800138000"
            # ... and the keyed-hash lookup still finds each person
            found = selectors.person_list(user=personas.ada, filters=selectors.PersonFilters(id_number=number))
            assert list(found.values_list("pk", flat=True)) == [person.pk]


def test_running_it_again_changes_nothing(db):
    with override_settings(FIELD_ENCRYPTION_KEYS={"k1": K1}, FIELD_ENCRYPTION_ACTIVE_KEY="k1"):
        person = factories.person("测试")
        before = Person.objects.get(pk=person.pk).id_number_encrypted
        out = io.StringIO()
        call_command("rotate_keys", stdout=out)
    assert Person.objects.get(pk=person.pk).id_number_encrypted == before
    assert "re-encrypted 0 rows" in out.getvalue()
