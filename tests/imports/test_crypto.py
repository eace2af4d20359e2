import base64
import os
import sys
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.core.crypto import build_provider, get_provider
from gongjiang.imports.crypto import NONCE_SIZE, FastCrypto
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


def _nonce(token: str) -> bytes:
    return base64.b64decode(token.rsplit("$", 1)[1])[:NONCE_SIZE]


def test_every_encryption_has_its_own_nonce_across_blocks():
    """Nonces come from blocks of random bytes; none repeats, also across a block boundary."""
    fast = FastCrypto(build_provider(suite="aes", keys=KEYS, active_key_id="k1", blind_index_key=BLIND))
    nonces = [_nonce(fast.encrypt("330602199005170018", associated_data=ID_CIPHER_AAD)) for _ in range(5000)]
    assert len(set(nonces)) == len(nonces) == 5000
    assert all(len(n) == NONCE_SIZE for n in nonces)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")
def test_a_forked_child_never_reuses_its_parents_nonces():
    """A streamed import forks a checking child that encrypts with the same key: the block of
    nonces the parent had read must not be used again in the child (GCM nonce reuse)."""
    fast = FastCrypto(build_provider(suite="aes", keys=KEYS, active_key_id="k1", blind_index_key=BLIND))
    fast.encrypt("x", associated_data=ID_CIPHER_AAD)  # the parent now holds a block
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next nonces, to the parent
        try:
            os.close(reader)
            data = b"".join(_nonce(fast.encrypt("x", associated_data=ID_CIPHER_AAD)) for _ in range(100))
            os.write(writer, data)
        finally:
            os._exit(0)
    os.close(writer)
    data = b""
    while chunk := os.read(reader, 65536):
        data += chunk
    os.close(reader)
    os.waitpid(pid, 0)
    child = {data[i : i + NONCE_SIZE] for i in range(0, len(data), NONCE_SIZE)}
    parent = {_nonce(fast.encrypt("x", associated_data=ID_CIPHER_AAD)) for _ in range(100)}
    assert len(child) == 100
    assert not child & parent


def test_threads_encrypting_at_once_never_share_a_nonce():
    fast = FastCrypto(build_provider(suite="aes", keys=KEYS, active_key_id="k1", blind_index_key=BLIND))
    found: list[list[bytes]] = [[] for _ in range(4)]

    def work(out: list[bytes]) -> None:
        out.extend(_nonce(fast.encrypt("x", associated_data=ID_CIPHER_AAD)) for _ in range(3000))

    threads = [threading.Thread(target=work, args=(out,)) for out in found]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to provoke a race
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    every = [n for out in found for n in out]
    assert len(every) == len(set(every)) == 12000


@given(key=st.binary(max_size=150), message=st.binary(max_size=300))
def test_the_keyed_sha256_is_hmac_sha256(key, message):
    """Keys shorter and longer than SHA-256's 64-byte block (a longer one is hashed first)."""
    import hmac

    from gongjiang.imports.crypto import _KeyedSha256

    keyed = _KeyedSha256(key)
    assert keyed.hexdigest(message) == hmac.digest(key, message, "sha256").hex()
    assert keyed.hexdigest(message) == keyed.hexdigest(message)  # the keyed states are not used up
