"""The credential list's Excel export: filters, scope, masked ID numbers, formula-safe, audited."""

from __future__ import annotations

from django.urls import reverse

from gongjiang.core.models import AuditEntry
from gongjiang.credentials import exports
from gongjiang.credentials.models import Credential
from gongjiang.credentials.services import credential_issue
from gongjiang.people.models import Person
from gongjiang.people.services import ID_CIPHER_AAD, get_provider
from tests.credentials.conftest import another_person
from tests.export_helpers import column, sheet_rows

LIST = reverse("credentials:list")
EXPORT = reverse("credentials:export")


def _issue(city, personas, holder, *, title="职业技能等级证书"):
    return credential_issue(
        actor=personas.olga, kind=Credential.Kind.SKILL_LEVEL, holder=holder, title=title,
        issuer=city.yuecheng_machinery,
        fields={"occupation": "车工", "occupation_code": "6-18-01-01", "level": 2, "level_name": "四级/中级工"},
        source_ref=f"test:{title}",
    )


def test_filter_narrows_the_export_exactly_as_the_list(client, city, personas, issued):
    wang = Person.objects.get(user=personas.wang)
    _issue(city, personas, wang, title="专项能力证书")
    client.force_login(personas.city)
    listed = client.get(LIST, {"q": "王师傅", "status": "valid"})
    codes = [c.code for c in listed.context["page"].object_list]
    rows = sheet_rows(client.get(EXPORT, {"q": "王师傅", "status": "valid"}))
    assert column(rows, "核验码") == codes and len(codes) == 2
    revoked = sheet_rows(client.get(EXPORT, {"status": "revoked"}))
    assert len(revoked) == 1  # header only: nothing is revoked


def test_export_is_scoped_and_id_numbers_are_masked(client, city, personas, issued):
    other = another_person(city)
    credential_issue(actor=personas.kira, kind=Credential.Kind.SKILL_LEVEL, holder=other, title="柯桥证书",
                     issuer=city.keqiao_textile, fields={"occupation": "挡车工"}, source_ref="test:kq")
    client.force_login(personas.olga)
    rows = sheet_rows(client.get(EXPORT))
    assert column(rows, "持证人") == ["王师傅"]
    wang = Person.objects.get(user=personas.wang)
    masked = column(rows, "证件号码（脱敏）")[0]
    assert masked == wang.id_number_masked and "*" in masked
    clear = get_provider().decrypt(wang.id_number_encrypted, associated_data=ID_CIPHER_AAD)
    assert all(clear not in str(cell) for row in rows for cell in row)


def test_a_worker_exports_only_their_own(client, city, personas, issued):
    another_person(city)
    client.force_login(personas.wang)
    assert column(sheet_rows(client.get(EXPORT)), "持证人") == ["王师傅"]


def test_formula_cells_are_neutralised(client, city, personas):
    wang = Person.objects.get(user=personas.wang)
    _issue(city, personas, wang, title="=1+2 证书")
    client.force_login(personas.olga)
    assert column(sheet_rows(client.get(EXPORT)), "证书名称") == ["'=1+2 证书"]


def test_export_is_audited_with_row_count(client, city, personas, issued):
    client.force_login(personas.olga)
    sheet_rows(client.get(EXPORT, {"kind": "skill_level"}))
    entry = AuditEntry.objects.get(action=exports.EXPORT_ACTION)
    assert entry.actor == personas.olga and entry.changes["rows"] == 1
    assert entry.changes["filters"] == {"kind": "skill_level"}


def test_invalid_filter_is_explained_and_not_exported(client, city, personas, issued):
    client.force_login(personas.olga)
    page = client.get(LIST, {"status": "gone"})
    assert page.status_code == 200 and "状态" in page.context["filter_errors"][0]
    assert "valid" in page.context["filter_errors"][0]  # it says what is accepted
    response = client.get(EXPORT, {"status": "gone"})
    assert response.status_code == 302 and response["Location"] == LIST + "?status=gone"
    assert not AuditEntry.objects.filter(action=exports.EXPORT_ACTION).exists()


def test_anonymous_cannot_export(client, issued):
    response = client.get(EXPORT)
    assert response.status_code == 302 and "login" in response["Location"]
    assert not AuditEntry.objects.filter(action=exports.EXPORT_ACTION).exists()
