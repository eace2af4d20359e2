"""Signed credentials verify with an independent JOSE library; tampering and revocation fail."""

from __future__ import annotations

import json

import jwt as pyjwt
import pytest

from gongjiang.core.models import AuditEntry
from gongjiang.credentials.models import Credential, SigningKey
from gongjiang.credentials.selectors import credential_check_token
from gongjiang.credentials.services import credential_revoke
from gongjiang.credentials.signing import b64url, b64url_decode, public_jwks, signing_key_rotate


def _verify_with_pyjwt(token: str, jwks: dict) -> dict:
    kid = pyjwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks["keys"] if k["kid"] == kid)
    return pyjwt.decode(token, pyjwt.PyJWK(key).key, algorithms=["EdDSA"])


def test_an_independent_jose_verifier_accepts_the_credential(issued):
    # given the published keys, as a third party would fetch them
    jwks = json.loads(json.dumps(public_jwks()))
    # when PyJWT checks the token
    claims = _verify_with_pyjwt(issued.jwt, jwks)
    # then the claims are the credential's
    assert pyjwt.get_unverified_header(issued.jwt)["alg"] == "EdDSA"
    assert claims["vc"]["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["vc"]["credentialSubject"]["achievement"]["humanCode"] == "Y000033000001254000001"
    assert claims["vc"]["credentialSubject"]["name"] == "王**"
    assert "d" not in jwks["keys"][0]


def test_a_tampered_credential_fails_both_verifiers(issued):
    header, payload, signature = issued.jwt.split(".")
    claims = json.loads(b64url_decode(payload))
    claims["vc"]["gongjiang"]["fields"]["level_name"] = "一级/高级技师"
    forged = ".".join([header, b64url(json.dumps(claims).encode()), signature])
    with pytest.raises(pyjwt.InvalidSignatureError):
        _verify_with_pyjwt(forged, public_jwks())
    assert credential_check_token(forged)["reason"] == "bad_signature"


def test_a_revoked_credential_fails_the_status_check(issued, personas):
    assert credential_check_token(issued.jwt)["ok"] is True
    credential_revoke(actor=personas.olga, credential=issued, reason="考试舞弊", category="fraud")
    assert credential_check_token(issued.jwt) == {"ok": False, "reason": "revoked", "claims": pyjwt.decode(
        issued.jwt, options={"verify_signature": False})}


def test_unknown_key_and_garbage_are_named(issued):
    assert credential_check_token(issued.jwt, jwks={"keys": []})["reason"] == "unknown_key"
    assert credential_check_token("not.a.jwt")["reason"] == "malformed"
    assert credential_check_token("abc")["reason"] == "malformed"


def test_rotation_keeps_earlier_credentials_verifiable(issued, city, personas):
    from gongjiang.credentials.services import credential_issue
    from tests.credentials.conftest import another_person

    old_kid = issued.signing_key.kid
    new_key = signing_key_rotate(actor=None)
    later = credential_issue(
        actor=None, kind=Credential.Kind.TRAINING_COMPLETION, holder=another_person(city), title="培训结业证书",
        fields={"program": "数控车床操作"}, issuer=city.keqiao_textile,
    )
    jwks = public_jwks()
    assert [k["kid"] for k in jwks["keys"]] == [new_key.kid, old_kid]
    assert _verify_with_pyjwt(issued.jwt, jwks)["jti"].endswith(f"/verify/{issued.code}/")
    assert pyjwt.get_unverified_header(later.jwt)["kid"] == new_key.kid
    assert SigningKey.objects.filter(is_active=True).count() == 1
    assert AuditEntry.objects.filter(action="credentials.signing_key.rotated").count() == 1


def test_private_keys_are_stored_encrypted(issued):
    row = SigningKey.objects.get()
    assert row.private_key_encrypted.startswith("v1$")
    assert row.public_key not in row.private_key_encrypted
