from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests import factories


@pytest.fixture
def issued(city: Any, personas: Any) -> Any:
    """A skill-level certificate of 王师傅 (wang's person) with its credential, issued by 越城机械."""
    from gongjiang.credentials.models import Credential
    from gongjiang.credentials.services import credential_issue
    from gongjiang.people.models import Person
    from gongjiang.people.services import certificate_record

    holder = Person.objects.get(user=personas.wang)
    certificate = certificate_record(
        actor=None, holder=holder, number="Y000033000001254000001", issue_date=dt.date(2025, 6, 30),
        issuer=city.yuecheng_machinery, source="evaluation", source_ref="test",
    )
    return credential_issue(
        actor=personas.olga, kind=Credential.Kind.SKILL_LEVEL, holder=holder, title="职业技能等级证书",
        fields={"occupation": "车工", "occupation_code": "6-18-01-01", "work_type": "数控车工",
                "level": 2, "level_name": "四级/中级工"},
        certificate=certificate, source_ref="evaluation.application:1",
    )


def another_person(city: Any, name: str = "李四") -> Any:
    return factories.person(name, employer=city.keqiao_textile, region_obj=city.keqiao)
