import datetime as dt

import pytest

from gongjiang.imports import services
from gongjiang.imports.models import ImportJob
from gongjiang.people.models import Person
from tests import factories
from tests.imports.conftest import write_csv

ROWS = [["职工花名册", "", ""], ["姓名", "公民身份号码", "入职日期", "单位"]]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "name"),
    [
        ("utf-8", ",", "欧阳䶮"),
        ("utf-8-sig", ",", "欧阳䶮"),
        ("gb18030", ",", "欧阳䶮"),  # 䶮 (U+4DAE) exists in GB18030 only, not in GBK
        ("gbk", ",", "欧阳娜"),
        ("utf-16", "\t", "欧阳䶮"),  # Excel's "Unicode text": UTF-16 with BOM, tab-separated
        ("utf-8", ";", "欧阳䶮"),
    ],
)
def test_csv_encodings_and_separators(city, workdir, encoding, delimiter, name):
    # given: a title line above the header
    number = factories.make_id_number()
    rows = [*ROWS, [name, number, "2023年10月12日", "越城机械有限公司"]]
    path = write_csv(workdir / "people.csv", rows, encoding=encoding, delimiter=delimiter)
    # when
    job = services.run_import(actor=None, entity="people", path=path)
    # then
    assert job.status == ImportJob.Status.COMMITTED, list(job.row_errors.values_list("message", flat=True))
    assert job.header_row == 2
    person = Person.objects.get(name=name)
    assert person.employments.get().start_date == dt.date(2023, 10, 12)


def test_undecodable_csv_is_refused_as_a_file(city, workdir):
    path = workdir / "broken.csv"
    path.write_bytes("姓名,身份证号码\n".encode() + b"\x81\x30\xff\xff\n")
    job = services.run_import(actor=None, entity="people", path=path)
    assert job.status == ImportJob.Status.FAILED and job.error_code == "encoding"
