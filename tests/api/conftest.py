"""Fixtures for the REST API tests: a registry ("world") around the personas, and API clients.

People in the world, and who may see them (the scope walk's expectations are written from this):

* ``wang``     王师傅, worker at 越城机械, lives in 越城区 (he is also the persona wang's record)
* ``branch``   works at 越城机械装配分公司 (below 越城机械), lives in 越城区
* ``textile``  works at 柯桥纺织, lives in 柯桥区
* ``resident`` no employer, lives in 越城区
* ``outsider`` no employer, lives in 杭州市上城区 (outside 绍兴)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests import factories
from tests.api.openapi import validate_response


@dataclass
class World:
    city: Any
    personas: Any
    hangzhou: Any
    hangzhou_org: Any
    people: dict[str, Any]
    certificates: dict[str, Any]
    employments: dict[str, Any]


@pytest.fixture
def world(city: Any, personas: Any) -> World:
    from gongjiang.people import services
    from gongjiang.people.models import Person

    hangzhou_city = factories.region("330100", "杭州市", 2, city.province)
    shangcheng = factories.region("330102", "上城区", 3, hangzhou_city)
    hangzhou_org = factories.organization("杭州上城精工有限公司", region_obj=shangcheng)
    people = {
        "wang": Person.objects.get(user=personas.wang),
        "branch": factories.person("李装配", employer=city.machinery_branch, region_obj=city.yuecheng),
        "textile": factories.person("赵纺织", employer=city.keqiao_textile, region_obj=city.keqiao),
        "resident": factories.person("钱居民", region_obj=city.yuecheng),
        "outsider": factories.person("孙杭州", region_obj=shangcheng),
    }
    certificates = {}
    employments = {}
    for serial, (key, person) in enumerate(people.items(), start=1):
        certificates[key] = services.certificate_record(
            actor=None, holder=person, number=f"HIST-{serial:04d}", issue_date=dt.date(2020, 6, 1),
            level=3, issuer_name="历史发证机构",
        )
        employments[key] = services.employment_add(
            actor=None, person=person, organization=hangzhou_org, start_date=dt.date(2010, 1, 1),
            end_date=dt.date(2012, 12, 31), post="学徒",
        )
    return World(city, personas, shangcheng, hangzhou_org, people, certificates, employments)


class SchemaCheckedClient(APIClient):
    """An API client that checks every /api/v1/ response against the published OpenAPI schema."""

    def request(self, **kwargs: Any) -> Any:
        response = super().request(**kwargs)
        validate_response(kwargs["REQUEST_METHOD"], kwargs["PATH_INFO"], response)
        return response


@pytest.fixture
def api() -> APIClient:
    return SchemaCheckedClient()


def client_for(user: Any) -> APIClient:
    client = SchemaCheckedClient()
    client.force_authenticate(user=user)
    return client
