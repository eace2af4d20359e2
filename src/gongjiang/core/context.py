"""Who is acting and from where, for audit entries written deep inside services.

The middleware sets it per request; commands and tasks set it with :func:`acting_as`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    user: Any = None
    ip_address: str | None = None
    request_id: str = ""


_EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("gongjiang_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or _EMPTY


@contextlib.contextmanager
def acting_as(user: Any = None, *, ip_address: str | None = None, request_id: str = "") -> Iterator[None]:
    token = _current.set(RequestContext(user=user, ip_address=ip_address, request_id=request_id))
    try:
        yield
    finally:
        _current.reset(token)
