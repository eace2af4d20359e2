from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from gongjiang.accounts.rules import password_expired

UTC = dt.UTC
moments = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2040, 1, 1), timezones=st.just(UTC))


@given(changed=moments, age=st.integers(min_value=0, max_value=4000), limit=st.integers(min_value=-5, max_value=0))
def test_no_limit_means_never_expired(changed, age, limit):
    assert not password_expired(changed_at=changed, joined_at=changed, now=changed + dt.timedelta(days=age), max_age_days=limit)


@given(changed=moments, age=st.integers(min_value=0, max_value=4000), limit=st.integers(min_value=1, max_value=400))
def test_expired_exactly_when_older_than_the_limit(changed, age, limit):
    now = changed + dt.timedelta(days=age)
    assert password_expired(changed_at=changed, joined_at=changed, now=now, max_age_days=limit) == (age >= limit)


@given(joined=moments, age=st.integers(min_value=0, max_value=400))
def test_a_never_changed_password_counts_from_joining(joined, age):
    now = joined + dt.timedelta(days=age)
    assert password_expired(changed_at=None, joined_at=joined, now=now, max_age_days=90) == (age >= 90)
