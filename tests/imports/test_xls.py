"""An Excel 97-2003 (.xls) roster, as older government systems export them.

The fixture was written once with xlwt (not a dependency): a merged title row, the header in
row 2, the employer merged down three rows, a date cell, a Chinese date and an Excel serial,
and one ID number stored as a number."""

import datetime as dt
import shutil
from pathlib import Path

from gongjiang.imports import rules, services
from gongjiang.imports.models import ImportJob
from gongjiang.people.models import Person
from tests import factories

FIXTURE = Path(__file__).parent / "fixtures" / "roster.xls"


def test_xls_roster(city, workdir):
    # given
    path = workdir / "roster.xls"
    shutil.copyfile(FIXTURE, path)
    zhang = factories.make_id_number("330602", dt.date(1988, 8, 8), 11, male=True)
    li = factories.make_id_number("330602", dt.date(1991, 1, 2), 22, male=False)
    # when
    job = services.run_import(actor=None, entity="people", path=path, mode=ImportJob.Mode.PARTIAL)
    # then
    assert job.header_row == 2 and job.rows_total == 3
    assert [(e.row, e.column, e.code) for e in job.row_errors.all()] == [(5, "公民身份号码", rules.CODE_ID_SCIENTIFIC)]
    first = Person.objects.get(name="张晓明")
    second = Person.objects.get(name="李晓红")
    assert first.id_number_masked == zhang[:6] + "********" + zhang[-4:]
    assert second.sex == "female" and li.endswith(second.id_number_masked[-4:])
    assert first.employments.get().start_date == dt.date(2019, 7, 1)
    assert second.current_employer == city.yuecheng_machinery  # from the merged cell above
    assert second.employments.get().start_date == dt.date(2020, 3, 15)
