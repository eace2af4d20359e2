import datetime as dt

from gongjiang.core import rules as core_rules
from gongjiang.core.crypto import get_provider
from gongjiang.imports import pipeline, rules, services
from gongjiang.imports.entities.base import CODE_DUPLICATE_IN_FILE
from gongjiang.imports.models import ImportJob
from gongjiang.people.models import Employment, Person
from gongjiang.people.services import ID_CIPHER_AAD, MOBILE_CIPHER_AAD, hash_id_number
from tests import factories
from tests.imports.conftest import write_xlsx

MALE_1990 = {"region": "330602", "birth": dt.date(1990, 5, 17), "male": True}


def ids(count, **kwargs):
    return [factories.make_id_number(sequence=10 + 2 * i, **{**MALE_1990, **kwargs}) for i in range(count)]


def messy_rows(city):
    a, b, c, d, e = ids(5)
    b_lower = b[:-1] + b[-1].lower() if b.endswith("X") else b
    bad_checksum = a[:-1] + ("0" if a[-1] != "0" else "1")
    return {
        "ids": (a, b, c, d, e),
        "rows": [
            ["2023年越城机械有限公司技能人才花名册"],
            ["填报单位：越城机械有限公司", None, None, None, "填报日期：2023年10月12日"],
            ["序号", "姓名", "身份證號碼", "性别", "手机号", "学历", "工作单位", "入职时间", "政治面貌"],
            [1, "张 三", a, "男", "１３８１２３４５６７８", "本科", "越城机械有限公司", "2023年10月12日", "群众"],
            [2, "李四", b_lower, None, None, "大专", None, "2023.10.12", None],
            [3, "王五", 330602199005170000.0, None, None, None, None, None, None],
            [4, "赵六", c, "女", None, None, None, "2023/10/12", None],
            [5, "钱七", core_rules.to_halfwidth(d).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
             None, None, None, None, 45211, None],
            [6, "孙八", a, None, None, None, None, None, None],
            [7, "周九", "3.30602E+17", None, None, None, None, None, None],
            [8, "吴十", bad_checksum, None, None, None, None, None, None],
            [9, "郑十一", e, None, None, "研究生", "柯桥纺织有限公司", "2020-01-01", None],
        ],
        "merges": ["A1:I1", "G4:G9"],
    }


def run(path, *, actor=None, mode=ImportJob.Mode.ATOMIC, dry_run=False):
    return services.run_import(actor=actor, entity="people", path=path, mode=mode, dry_run=dry_run)


def error_map(job):
    return {(e.row, e.code) for e in job.row_errors.all()}


def test_messy_file_reports_each_problem_at_its_row_and_column(city, workdir):
    # given
    data = messy_rows(city)
    path = write_xlsx(workdir / "花名册.xlsx", data["rows"], merges=data["merges"], text_columns=(2,))
    # when
    job = run(path, dry_run=True)
    # then
    assert job.status == ImportJob.Status.VALIDATED and job.header_row == 3
    assert job.rows_total == 9
    errors = {(e.row, e.column, e.code) for e in job.row_errors.all()}
    assert errors == {
        (6, "身份證號碼", rules.CODE_ID_SCIENTIFIC),
        (7, "性别", "sex_mismatch"),
        (9, "身份證號碼", CODE_DUPLICATE_IN_FILE),
        (10, "身份證號碼", rules.CODE_ID_SCIENTIFIC),
        (11, "身份證號碼", "id_checksum"),
    }
    assert job.rows_ok == 4 and job.rows_failed == 5
    assert job.summary["unknown_columns"] == [["A", "序号"], ["I", "政治面貌"]]
    assert Person.objects.count() == 0


def test_all_or_nothing_writes_nothing_when_any_row_is_bad(city, workdir):
    data = messy_rows(city)
    path = write_xlsx(workdir / "花名册.xlsx", data["rows"], merges=data["merges"], text_columns=(2,))
    before = Person.objects.count()
    job = run(path)
    assert job.status == ImportJob.Status.REJECTED
    assert Person.objects.count() == before


def test_partial_mode_imports_the_valid_rows_normalised(city, workdir):
    # given
    data = messy_rows(city)
    a, b, c, d, e = data["ids"]
    path = write_xlsx(workdir / "花名册.xlsx", data["rows"], merges=data["merges"], text_columns=(2,))
    # when
    job = run(path, mode=ImportJob.Mode.PARTIAL)
    # then
    assert job.status == ImportJob.Status.COMMITTED
    assert (job.rows_created, job.rows_updated, job.rows_unchanged) == (4, 0, 0)
    zhang = Person.objects.get(id_number_hash=hash_id_number("resident_id", a))
    assert zhang.name == "张 三"
    provider = get_provider()
    assert provider.decrypt(zhang.id_number_encrypted, associated_data=ID_CIPHER_AAD) == a
    assert provider.decrypt(zhang.mobile_encrypted, associated_data=MOBILE_CIPHER_AAD) == "13812345678"
    assert zhang.id_number_masked == core_rules.mask_id_number(a)
    assert zhang.education == "bachelor" and zhang.sex == "male" and zhang.birth_date == dt.date(1990, 5, 17)
    assert zhang.current_employer == city.yuecheng_machinery
    assert Employment.objects.get(person=zhang).start_date == dt.date(2023, 10, 12)
    # the merged employer cell applies to the rows below it
    li = Person.objects.get(id_number_hash=hash_id_number("resident_id", b))
    assert li.current_employer == city.yuecheng_machinery
    qian = Person.objects.get(id_number_hash=hash_id_number("resident_id", d))
    assert Employment.objects.get(person=qian).start_date == dt.date(2023, 10, 12)
    zheng = Person.objects.get(id_number_hash=hash_id_number("resident_id", e))
    assert zheng.current_employer == city.keqiao_textile and zheng.education == "master"


def test_reimporting_the_same_file_changes_nothing(city, workdir):
    data = messy_rows(city)
    path = write_xlsx(workdir / "花名册.xlsx", data["rows"], merges=data["merges"], text_columns=(2,))
    run(path, mode=ImportJob.Mode.PARTIAL)
    snapshot = list(Person.objects.order_by("pk").values())
    jobs = list(Employment.objects.order_by("pk").values())
    # when
    again = run(path, mode=ImportJob.Mode.PARTIAL)
    # then
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 4)
    assert list(Person.objects.order_by("pk").values()) == snapshot
    assert list(Employment.objects.order_by("pk").values()) == jobs


def test_org_admin_cannot_import_staff_of_another_enterprise(city, personas, workdir):
    data = messy_rows(city)
    path = write_xlsx(workdir / "花名册.xlsx", data["rows"], merges=data["merges"], text_columns=(2,))
    before = Person.objects.count()
    job = run(path, actor=personas.olga, dry_run=True)
    assert (12, "out_of_scope") in error_map(job)
    out_of_scope = job.row_errors.get(row=12, code="out_of_scope")
    assert out_of_scope.column == "工作单位"
    assert Person.objects.count() == before


def test_registered_people_are_found_by_keyed_hash_in_any_form_of_list(city):
    """The look-up a batch of rows makes (people._existing_people, through bulkwrite.hash_lookup) finds
    exactly the registered people — by hex hashes, the fast path on each database, and with a
    value that is not hex in the list (then the general path)."""
    from gongjiang.imports.entities.people import _existing_people

    people = [factories.person(name, employer=city.yuecheng_machinery) for name in ("钱甲", "钱乙", "钱丙")]
    hashes = [p.id_number_hash for p in people]
    unknown = hash_id_number("resident_id", factories.make_id_number(sequence=997))
    for batch in (hashes + [unknown], [unknown, *hashes[:1]], [*hashes, "not-hex 'quoted', {braced}"]):
        found = _existing_people(batch)
        expected = {h for h in batch if h in hashes}
        assert set(found) == expected
        assert {found[h]["pk"] for h in expected} == {p.pk for p in people if p.id_number_hash in expected}
    assert _existing_people([]) == {}


def test_the_spool_on_disk_holds_no_id_number_or_mobile_in_clear(city, workdir):
    # given: one person already registered (whose mobile is compared by digest) and one new
    known, new = ids(2)
    rows = [["姓名", "身份证号码", "手机号码", "工作单位"],
            ["张三", known, "13812345678", "越城机械有限公司"],
            ["李四", new, "13987654321", "越城机械有限公司"]]
    first = write_xlsx(workdir / "first.xlsx", rows[:2], text_columns=(1, 2))
    assert run(first).status == ImportJob.Status.COMMITTED
    path = write_xlsx(workdir / "second.xlsx", rows, text_columns=(1, 2))
    # when: checked and waiting for confirmation, its valid rows spooled
    job = services.import_job_create(actor=None, entity="people", filename=path.name, source=path)
    job = services.import_job_validate(job=job, actor=None)
    # then
    assert job.status == ImportJob.Status.VALIDATED and job.rows_ok == 2
    spool = services._spool_path(job)
    data = spool.read_bytes()
    for clear in (known, new, "13812345678", "13987654321"):
        assert clear.encode() not in data
    payloads = [p for batch in pipeline.read_spool(spool) for p in batch]
    provider = get_provider()
    assert [provider.decrypt(p[4], associated_data=ID_CIPHER_AAD) for p in payloads if p[4]] == [new]
    assert sorted(provider.decrypt(p[8], associated_data=MOBILE_CIPHER_AAD) for p in payloads) == [
        "13812345678", "13987654321"]
    # and the confirmed import stores them decryptably, the known person unchanged
    job = services.import_job_commit(job=job, actor=None)
    assert (job.rows_created, job.rows_unchanged) == (1, 1)
    li = Person.objects.get(id_number_hash=hash_id_number("resident_id", new))
    assert provider.decrypt(li.mobile_encrypted, associated_data=MOBILE_CIPHER_AAD) == "13987654321"
