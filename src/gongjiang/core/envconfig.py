"""Typed readers for environment settings that fail loudly on bad values."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path
from typing import Any

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise RuntimeError(f"{name}={raw!r} is not a boolean; use true/false, 1/0, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.replace(tmp, path)


def load_or_create_secret(path: Path) -> str:
    """Read the secret key kept in the data folder, creating it (mode 0600) on first run."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(64)
    _write_private(path, key)
    return key


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def load_or_create_field_keys(*, env_value: str, path: Path, allow_create: bool) -> dict[str, Any]:
    """Field-encryption keys: from FIELD_ENCRYPTION_KEYS (JSON), else the data folder's file.

    The JSON shape is ``{"active": "k1", "encryption_keys": {"k1": "<base64 32 bytes>"},
    "blind_index_key": "<base64 32 bytes>"}``. Old keys stay listed after rotation so that
    records written under them can still be read until ``gongjiang rotate_keys`` has run.
    """
    if env_value:
        try:
            data = json.loads(env_value)
        except json.JSONDecodeError as exc:
            raise RuntimeError(f"FIELD_ENCRYPTION_KEYS is not valid JSON: {exc}") from None
    elif path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
    elif allow_create:
        data = {
            "active": "k1",
            "encryption_keys": {"k1": _new_key()},
            "blind_index_key": _new_key(),
        }
        _write_private(path, json.dumps(data, indent=2))
    else:
        raise RuntimeError(
            "FIELD_ENCRYPTION_KEYS must be set in production (see docs/configuration.md)."
        )
    for required in ("active", "encryption_keys", "blind_index_key"):
        if required not in data:
            raise RuntimeError(f"Field key configuration lacks {required!r}.")
    if data["active"] not in data["encryption_keys"]:
        raise RuntimeError("The active field-encryption key id is not among encryption_keys.")
    return data
