"""Pure rules about logins: no database access here."""

from __future__ import annotations

import datetime as dt


def password_expired(
    *, changed_at: dt.datetime | None, joined_at: dt.datetime, now: dt.datetime, max_age_days: int
) -> bool:
    """True when a password set at ``changed_at`` (or, never changed, at ``joined_at``) is older
    than ``max_age_days``. ``max_age_days <= 0`` means passwords never expire."""
    if max_age_days <= 0:
        return False
    set_at = changed_at or joined_at
    return now - set_at >= dt.timedelta(days=max_age_days)

