"""A per-client fixed-window request counter for the public verification endpoints.

It counts in the Django cache. With the default local-memory cache each server process counts
on its own (so N processes allow N × the limit); production must set ``REDIS_URL`` so every
process shares one counter (docs: deployment). Limits come from settings
``VERIFY_RATE_LIMIT`` (requests, default 30) per ``VERIFY_RATE_WINDOW`` seconds (default 60).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from gongjiang.core.middleware import client_ip

DEFAULT_LIMIT = 30
DEFAULT_WINDOW = 60


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int


def limits() -> tuple[int, int]:
    limit = int(getattr(settings, "VERIFY_RATE_LIMIT", DEFAULT_LIMIT))
    window = int(getattr(settings, "VERIFY_RATE_WINDOW", DEFAULT_WINDOW))
    return max(limit, 1), max(window, 1)


def hit(request: HttpRequest, *, bucket: str = "verify") -> RateDecision:
    """Count one request from this client; say whether it is within the limit."""
    limit, window = limits()
    now = int(time.time())
    window_start = now - now % window
    key = f"ratelimit:{bucket}:{client_ip(request) or 'unknown'}:{window_start}"
    # add() only sets a missing key, so the first request of a window starts the count at 1.
    if cache.add(key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=window + 1)
            count = 1
    retry_after = window_start + window - now
    return RateDecision(allowed=count <= limit, limit=limit, remaining=max(limit - count, 0), retry_after=retry_after)
