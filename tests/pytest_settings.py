"""Test configuration: the real settings module, with test-only overrides (STYLE.md)."""

import json
import os
import tempfile

os.environ.setdefault("GONGJIANG_ENV", "test")
os.environ.setdefault("GONGJIANG_DATA_DIR", tempfile.mkdtemp(prefix="gongjiang-test-"))
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS",
    json.dumps(
        {
            "active": "t1",
            "encryption_keys": {"t1": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="},
            "blind_index_key": "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=",
        }
    ),
)

from gongjiang.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# WhiteNoise warns (an error under filterwarnings=error) when STATIC_ROOT does not exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
