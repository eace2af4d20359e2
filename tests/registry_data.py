"""A small registry on top of the ``city`` and ``personas`` fixtures, for page and report tests.

People (besides the persona 王师傅, a worker at 越城机械 with no certificate):

==========  =======================  ==================  ===========
name        employer                 level               occupation
==========  =======================  ==================  ===========
李高级      越城机械                 高级工 (3)          车工
赵技师      越城机械装配分公司       技师 (4)            车工
钱中级      柯桥纺织                 中级工 (2)          纺织工
孙高技      柯桥纺织                 高级技师 (5)        纺织工
周无业      — (lives in 柯桥区)      —                   —
==========  =======================  ==================  ===========
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from tests import factories


@dataclass
class Registry:
    wang: Any
    li: Any
    zhao: Any
    qian: Any
    sun: Any
    zhou: Any
    lathe: Any
    textile: Any
    li_certificate: Any
    li_id_number: str


@pytest.fixture
def registry(city: Any, personas: Any) -> Registry:
    lathe = factories.occupation("6-18-01-01", "车工")
    textile = factories.occupation("6-04-02-01", "纺织工")
    li_id = factories.make_id_number("330602", dt.date(1988, 3, 9), 17, male=True)
    li = factories.person("李高级", employer=city.yuecheng_machinery, id_number=li_id, region_obj=city.yuecheng)
    zhao = factories.person("赵技师", employer=city.machinery_branch, region_obj=city.yuecheng,
                            id_number=factories.make_id_number("330602", dt.date(1975, 1, 2), 33))
    qian = factories.person("钱中级", employer=city.keqiao_textile, region_obj=city.keqiao,
                            id_number=factories.make_id_number("330603", dt.date(2003, 7, 1), 41, male=False))
    sun = factories.person("孙高技", employer=city.keqiao_textile, region_obj=city.keqiao,
                           id_number=factories.make_id_number("330603", dt.date(1965, 11, 30), 52, male=False))
    zhou = factories.person("周无业", region_obj=city.keqiao,
                            id_number=factories.make_id_number("330603", dt.date(1995, 5, 5), 61))
    li_certificate = factories.certificate(li, level=3, occupation_obj=lathe, number="GJ-LI-0001")
    factories.certificate(zhao, level=4, occupation_obj=lathe)
    factories.certificate(qian, level=2, occupation_obj=textile)
    factories.certificate(sun, level=5, occupation_obj=textile)
    wang = personas.wang.person
    for person in (li, zhao, qian, sun, zhou, wang):
        person.refresh_from_db()
    return Registry(wang, li, zhao, qian, sun, zhou, lathe, textile, li_certificate, li_id)
