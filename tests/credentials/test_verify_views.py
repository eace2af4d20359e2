"""Public verification pages and API: no login, masked holder, never an ID number, rate-limited."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from gongjiang.core.crypto import get_provider
from gongjiang.credentials import views
from gongjiang.people.services import ID_CIPHER_AAD


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def _id_number(credential) -> str:
    return get_provider().decrypt(credential.holder.id_number_encrypted, associated_data=ID_CIPHER_AAD)


def test_the_qr_page_shows_the_certificate_masked_and_no_id_number(client, issued):
    response = client.get(reverse("credentials:verify_code", args=[issued.code]))
    body = response.content.decode()
    id_number = _id_number(issued)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert 'data-result="valid"' in body
    assert "王**" in body
    assert "王师傅" not in body
    assert id_number not in body
    assert id_number[-4:] + "<" not in body and issued.holder.id_number_masked not in body
    assert "四级/中级工" in body and "Y000033000001254000001" in body


def test_lookup_by_number_and_name(client, issued):
    response = client.post(reverse("credentials:verify"), {"number": issued.number.lower(), "name": " 王师傅 "})
    assert response.status_code == 200
    assert 'data-result="valid"' in response.content.decode()
    assert _id_number(issued) not in response.content.decode()


def test_wrong_name_and_unknown_number_give_the_same_answer(client, issued):
    wrong_name = client.get("/api/v1/verify/", {"number": issued.number, "name": "李四"})
    unknown = client.get("/api/v1/verify/", {"number": "Y000033000001254999999", "name": "王师傅"})
    assert wrong_name.status_code == unknown.status_code == 200
    assert json.loads(wrong_name.content) == json.loads(unknown.content) == {"result": "not_found"}


def test_api_by_code_returns_the_signed_credential(client, issued):
    response = client.get(f"/api/v1/verify/{issued.code}/")
    data = json.loads(response.content)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert data["result"] == "valid"
    assert data["certificate"]["holder"] == "王**"
    assert data["credential"]["jwt"] == issued.jwt
    assert _id_number(issued) not in response.content.decode()
    assert issued.holder.id_number_masked not in response.content.decode()


def test_api_needs_number_and_name(client, db):
    response = client.get("/api/v1/verify/", {"number": "Y000033000001254000001"})
    assert response.status_code == 400
    assert json.loads(response.content)["detail"] == views.MSG_NEED_NUMBER_AND_NAME


def test_unknown_and_malformed_codes_are_not_found(client, db):
    for code in ("ABCDEFGHJKLMNPQRSTUV", "x" * 30, "<script>"):
        response = client.get(f"/api/v1/verify/{code}/")
        assert json.loads(response.content) == {"result": "not_found"}


def test_the_form_redirects_a_typed_code(client, issued):
    response = client.get(reverse("credentials:verify"), {"code": issued.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("credentials:verify_code", args=[issued.code])


def test_rate_limit_per_client_address(client, issued, settings):
    settings.VERIFY_RATE_LIMIT = 3
    settings.VERIFY_RATE_WINDOW = 60
    url = f"/api/v1/verify/{issued.code}/"
    codes = [client.get(url, REMOTE_ADDR="203.0.113.7").status_code for _ in range(4)]
    other = client.get(url, REMOTE_ADDR="203.0.113.8")
    limited = client.get(url, REMOTE_ADDR="203.0.113.7")
    assert codes == [200, 200, 200, 429]
    assert other.status_code == 200
    assert int(limited["Retry-After"]) >= 1
    assert json.loads(limited.content)["result"] == "rate_limited"
    page = client.post(reverse("credentials:verify"), {"number": issued.number, "name": "王师傅"},
                       REMOTE_ADDR="203.0.113.7")
    assert page.status_code == 429
    assert "查询过于频繁" in page.content.decode()


def test_jwks_is_public(client, issued):
    response = client.get("/.well-known/jwks.json")
    keys = json.loads(response.content)["keys"]
    assert keys[0]["kid"] == issued.signing_key.kid
    assert keys[0]["kty"] == "OKP" and "d" not in keys[0]


def test_staff_pages_are_scoped(client, issued, personas):
    client.force_login(personas.kira)
    assert client.get(reverse("credentials:detail", args=[issued.pk])).status_code == 404
    assert client.get(reverse("credentials:pdf", args=[issued.pk])).status_code == 404
    assert client.post(reverse("credentials:revoke", args=[issued.pk]), {"reason": "x"}).status_code == 404
    issued.refresh_from_db()
    assert issued.status == "valid"
    client.force_login(personas.wang)
    assert client.get(reverse("credentials:detail", args=[issued.pk])).status_code == 200
    assert client.get(reverse("credentials:pdf", args=[issued.pk]))["Content-Type"] == "application/pdf"
    assert client.post(reverse("credentials:revoke", args=[issued.pk]), {"reason": "x"}).status_code == 404
    client.force_login(personas.olga)
    response = client.post(reverse("credentials:revoke", args=[issued.pk]), {"reason": "信息有误", "category": "error"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == "revoked"


def test_verify_credential_command(tmp_path, issued, capsys):
    from django.core.management import call_command

    path = tmp_path / "c.jwt"
    path.write_text(issued.jwt)
    call_command("verify-credential", str(path))
    assert capsys.readouterr().out.startswith("valid:")
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps({"keys": []}))
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify-credential", str(path), "--jwks", str(keys))
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.startswith("unknown_key:")
