"""Builders for test data. Valid ID numbers and credit codes are computed, never hard-coded."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from gongjiang.core.rules import resident_id_check_char

_serial = itertools.count(1)
_id_serial = itertools.count(1)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def make_id_number(region: str = "330602", birth: dt.date = dt.date(1990, 5, 17), sequence: int | None = None, *, male: bool = True) -> str:
    """A valid GB 11643 number. ``sequence`` (0–999) is adjusted to give the wanted sex."""
    if sequence is None:
        n = next(_id_serial)
        birth = birth + dt.timedelta(days=n // 500)
        sequence = 2 * (n % 500)
    seq = sequence % 1000
    if (seq % 2 == 1) != male:
        seq = seq + 1 if seq < 999 else seq - 1
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def make_credit_code(seed: int | None = None) -> str:
    """A valid GB 32100 unified social credit code."""
    n = seed if seed is not None else next(_serial)
    body = f"91330602{n:09d}"[:17]
    body = body[:8] + "".join(USCC_ALPHABET[int(c) % 31] for c in body[8:])
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


def region(code: str, name: str, level: int, parent: Any = None) -> Any:
    from gongjiang.catalog.models import Region

    obj, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})
    return obj


def organization(name: str, *, kind: str = "enterprise", region_obj: Any = None, parent: Any = None, **extra: Any) -> Any:
    from gongjiang.orgs import services

    if kind not in ("government", "alliance", "foreign_partner") and "credit_code" not in extra:
        extra["credit_code"] = make_credit_code()
    return services.organization_create(actor=None, name=name, kind=kind, region=region_obj, parent=parent, **extra)


def user(username: str, *, password: str = "Pass-Word-123", **extra: Any) -> Any:
    from gongjiang.core.models import User

    return User.objects.create_user(username=username, password=password, **extra)


def person(name: str = "张三", *, employer: Any = None, id_number: str | None = None, region_obj: Any = None, **extra: Any) -> Any:
    from gongjiang.people import services

    return services.person_create(
        actor=None, name=name, id_number=id_number or make_id_number(), employer=employer,
        residence_region=region_obj, employment_start=dt.date(2015, 3, 1), **extra,
    )


_certificate_serial = itertools.count(1)


def occupation(code: str = "6-18-01-01", name: str = "车工", grades: tuple[int, ...] = (1, 2, 3, 4, 5)) -> Any:
    from gongjiang.catalog.models import Occupation

    obj, _ = Occupation.objects.get_or_create(
        code=code, defaults={"name": name, "national_grades": list(grades), "is_verified": True}
    )
    return obj


def certificate(holder: Any, *, level: int, occupation_obj: Any = None, number: str | None = None,
                issue_date: dt.date = dt.date(2020, 6, 1), **extra: Any) -> Any:
    """A valid certificate recorded through the service (so the holder's level follows)."""
    from gongjiang.people import services

    return services.certificate_record(
        actor=None, holder=holder, number=number or f"GJ-TEST-{next(_certificate_serial):06d}", level=level,
        occupation=occupation_obj, issue_date=issue_date, **extra,
    )
