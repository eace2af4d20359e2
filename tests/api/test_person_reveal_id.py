from gongjiang.core.crypto import get_provider
from gongjiang.core.models import AuditEntry
from gongjiang.people.services import ID_CIPHER_AAD
from tests.api.conftest import client_for


def _reveal_entries(person):
    return AuditEntry.objects.filter(action="people.person.id_revealed", object_id=str(person.pk))


def test_reveal_returns_full_number_and_audits_it(world):
    # given
    person = world.people["branch"]
    number = get_provider().decrypt(person.id_number_encrypted, associated_data=ID_CIPHER_AAD)
    # when
    response = client_for(world.personas.olga).post(f"/api/v1/people/{person.pk}/reveal-id/")
    # then
    assert response.status_code == 200
    assert response.json() == {"id_number": number}
    assert response["Cache-Control"] == "no-store"
    entry = _reveal_entries(person).get()
    assert entry.actor == world.personas.olga
    assert entry.outcome == AuditEntry.Outcome.SUCCESS
    assert number not in str(entry.changes) and number not in entry.object_repr


def test_refused_reveal_is_audited_as_denied(world):
    # given: stan is read-only staff of 越城机械 and may see 王师傅, but not his full number
    person = world.people["wang"]
    # when
    response = client_for(world.personas.stan).post(f"/api/v1/people/{person.pk}/reveal-id/")
    # then
    assert response.status_code == 403
    assert "id_number" not in response.json()
    entry = _reveal_entries(person).get()
    assert entry.actor == world.personas.stan
    assert entry.outcome == AuditEntry.Outcome.DENIED


def test_reveal_of_person_outside_scope_is_not_found(world):
    person = world.people["textile"]
    response = client_for(world.personas.dan).post(f"/api/v1/people/{person.pk}/reveal-id/")
    assert response.status_code == 404
    assert not _reveal_entries(person).filter(outcome=AuditEntry.Outcome.SUCCESS).exists()


def test_reveal_needs_post(world):
    person = world.people["wang"]
    response = client_for(world.personas.city).get(f"/api/v1/people/{person.pk}/reveal-id/")
    assert response.status_code == 405
    assert not _reveal_entries(person).exists()
