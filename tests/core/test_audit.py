import pytest

from gongjiang.core import audit
from gongjiang.core.context import acting_as
from gongjiang.core.models import AuditEntry


def test_entries_are_append_only(db):
    entry = audit.record("core.test.done", object_type="x", object_id="1")
    entry.action = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "core.test.done"


def test_context_supplies_actor_and_address(personas):
    with acting_as(personas.city, ip_address="10.1.2.3", request_id="req-1"):
        entry = audit.record("core.test.done")
    assert entry.actor == personas.city
    assert entry.actor_username == "city"
    assert entry.ip_address == "10.1.2.3" and entry.request_id == "req-1"


def test_snapshot_never_contains_secrets(personas):
    person = personas.wang.person
    data = audit.snapshot(person)
    assert "id_number_encrypted" not in data and "id_number_hash" not in data
    assert data["id_number_masked"] == person.id_number_masked


def test_snapshot_records_file_fields_by_name(db):
    from django.core.files.storage import default_storage
    from django.db.models.fields.files import FieldFile, FileField

    field = FileField(name="document", storage=default_storage)
    assert audit._jsonable(FieldFile(None, field, "agreements/2026/a.pdf")) == "agreements/2026/a.pdf"
    assert audit._jsonable(FieldFile(None, field, None)) == ""
