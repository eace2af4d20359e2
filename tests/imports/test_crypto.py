import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.core.crypto import build_provider, get_provider
from gongjiang.imports.crypto import FastCrypto
from gongjiang.people.services import ID_CIPHER_AAD, ID_HASH_PURPOSE, hash_id_number

KEYS = {"k1": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}
BLIND = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA="


@pytest.mark.parametrize("suite", ["aes", "sm"])
@given(value=st.text(max_size=30))
def test_fast_crypto_is_readable_by_the_provider(suite, value):
    provider = build_provider(suite=suite, keys=KEYS, active_key_id="k1", blind_index_key=BLIND)
    fast = FastCrypto(provider)
    token = fast.encrypt(value, associated_data=ID_CIPHER_AAD)
    assert token.startswith(f"v1${suite}$k1$")
    assert provider.decrypt(token, associated_data=ID_CIPHER_AAD) == value
    assert fast.blind_index(value, purpose=ID_HASH_PURPOSE) == provider.blind_index(value, purpose=ID_HASH_PURPOSE)


def test_fast_hash_equals_the_registry_hash(db):
    fast = FastCrypto(get_provider())
    assert fast.blind_index("resident_id:110105194912310029", purpose=ID_HASH_PURPOSE) == hash_id_number(
        "resident_id", "110105194912310029"
    )
