"""Shared fixtures: a small city and one named persona per role.

The city: 浙江省 (330000) › 绍兴市 (330600) › 越城区 (330602), 柯桥区 (330603).
Personas: ada (platform admin), sam (security admin), aud (audit admin), city (city bureau admin),
dan (越城区 bureau admin), olga (admin of 越城机械 and its branch), stan (staff of 越城机械, read-only),
wang (a worker employed at 越城机械), kira (admin of 柯桥纺织, an outsider to 越城).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories

# On a shared or loaded machine (CI, eight people on two cores) wall-clock limits make property
# tests flaky without making them any stricter: no deadline, no "too slow" health check.
hypothesis_settings.register_profile("gongjiang", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("gongjiang")


@pytest.fixture(autouse=True)
def _default_language_after_each_test() -> Any:
    """Start every test in the default language.

    LocaleMiddleware activates a request's language in the thread that serves it, and the test
    client serves requests in the test's own thread: after a page fetched in English, every
    later test in the same worker would run in English too.
    """
    from django.utils import translation

    yield
    translation.deactivate()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly when the browser tests were skipped, and why (tests/browser/conftest.py).

    It lives here, not in tests/browser/, because with xdist only this conftest is loaded in
    the process that prints the summary; the skips are read from the workers' reports.
    """
    from tests.browser.chromium import SKIP_PREFIX, skip_reason

    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if SKIP_PREFIX in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_sep("=", "BROWSER TESTS SKIPPED", yellow=True, bold=True)
        terminalreporter.write_line(f"{len(skipped)} browser test(s) did not run: {skip_reason()}.")
        terminalreporter.write_line("Everything else ran. Install Chromium to run them too.")


@dataclass
class City:
    province: Any
    city: Any
    yuecheng: Any
    keqiao: Any
    city_bureau: Any
    yuecheng_bureau: Any
    keqiao_bureau: Any
    yuecheng_machinery: Any
    machinery_branch: Any
    keqiao_textile: Any


@dataclass
class Personas:
    ada: Any
    sam: Any
    aud: Any
    city: Any
    dan: Any
    olga: Any
    stan: Any
    wang: Any
    kira: Any


@pytest.fixture
def city(db: Any) -> City:
    province = factories.region("330000", "浙江省", 1)
    shaoxing = factories.region("330600", "绍兴市", 2, province)
    yuecheng = factories.region("330602", "越城区", 3, shaoxing)
    keqiao = factories.region("330603", "柯桥区", 3, shaoxing)
    city_bureau = factories.organization("绍兴市人力资源和社会保障局", kind="government", region_obj=shaoxing)
    yc_bureau = factories.organization("越城区人力资源和社会保障局", kind="government", region_obj=yuecheng, parent=city_bureau)
    kq_bureau = factories.organization("柯桥区人力资源和社会保障局", kind="government", region_obj=keqiao, parent=city_bureau)
    machinery = factories.organization("越城机械有限公司", region_obj=yuecheng)
    branch = factories.organization("越城机械有限公司装配分公司", region_obj=yuecheng, parent=machinery)
    textile = factories.organization("柯桥纺织有限公司", region_obj=keqiao)
    return City(province, shaoxing, yuecheng, keqiao, city_bureau, yc_bureau, kq_bureau, machinery, branch, textile)


@pytest.fixture
def personas(city: City) -> Personas:
    from gongjiang.orgs.models import Membership
    from gongjiang.orgs.services import membership_grant

    Role = Membership.Role
    users = {}
    for name, role, org in [
        ("ada", Role.PLATFORM_ADMIN, None),
        ("sam", Role.SECURITY_ADMIN, None),
        ("aud", Role.AUDIT_ADMIN, None),
        ("city", Role.CITY_ADMIN, city.city_bureau),
        ("dan", Role.DISTRICT_ADMIN, city.yuecheng_bureau),
        ("olga", Role.ORG_ADMIN, city.yuecheng_machinery),
        ("stan", Role.ORG_STAFF, city.yuecheng_machinery),
        ("wang", Role.WORKER, None),
        ("kira", Role.ORG_ADMIN, city.keqiao_textile),
    ]:
        account = factories.user(name)
        membership_grant(actor=None, user=account, role=role, organization=org)
        users[name] = account
    worker = factories.person("王师傅", employer=city.yuecheng_machinery, region_obj=city.yuecheng)
    worker.user = users["wang"]
    worker.save(update_fields=["user"])
    return Personas(**users)
