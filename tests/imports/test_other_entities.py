import datetime as dt

from gongjiang.catalog.levels import SkillLevel
from gongjiang.imports import services
from gongjiang.imports.models import ImportJob
from gongjiang.orgs.models import Organization
from gongjiang.people.models import Certificate, Honor
from gongjiang.people.services import ID_CIPHER_AAD, get_provider
from tests import factories
from tests.imports.conftest import write_csv, write_xlsx


def number_of(person):
    return get_provider().decrypt(person.id_number_encrypted, associated_data=ID_CIPHER_AAD)


def run(entity, path, actor=None, **kwargs):
    return services.run_import(actor=actor, entity=entity, path=path, **kwargs)


def errors(job):
    return {(e.row, e.column, e.code) for e in job.row_errors.all()}


# --- organisations ---------------------------------------------------------------------------
def test_organisations_with_a_parent_on_an_earlier_row(city, workdir):
    # given
    group, branch = factories.make_credit_code(), factories.make_credit_code()
    path = write_xlsx(workdir / "orgs.xlsx", [
        ["单位名称", "统一社会信用代码", "单位类型", "所在地区", "上级单位"],
        ["绍兴纺织集团有限公司", group, "企业", "柯桥区", None],
        ["绍兴纺织集团印染分公司", branch, "公司", "330603", "绍兴纺织集团有限公司"],
        ["绍兴市总工会", None, "工会", "330600", None],
        ["越城区职业技能联盟", None, "联盟", "越城区", None],
    ])
    # when
    job = run("organizations", path)
    # then
    assert errors(job) == {(4, "统一社会信用代码", "required")}
    assert job.status == ImportJob.Status.REJECTED
    job = run("organizations", path, mode=ImportJob.Mode.PARTIAL)
    assert job.rows_created == 3
    parent = Organization.objects.get(credit_code=group)
    child = Organization.objects.get(credit_code=branch)
    assert child.parent == parent and child.path == f"{parent.path}{child.pk}/" and child.region_id == "330603"
    # re-import: nothing changes
    again = run("organizations", path, mode=ImportJob.Mode.PARTIAL)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 3)


def test_district_admin_cannot_create_organisations_in_another_district(city, personas, workdir):
    path = write_csv(workdir / "orgs.csv", [["单位名称", "统一社会信用代码", "所在地区"],
                                            ["柯桥新公司", factories.make_credit_code(), "330603"]])
    job = run("organizations", path, actor=personas.dan)
    assert errors(job) == {(2, "所在地区", "out_of_scope")}
    assert not Organization.objects.filter(name="柯桥新公司").exists()


# --- certificates ----------------------------------------------------------------------------
def test_historical_certificates_national_and_legacy_numbers(city, workdir):
    # given
    holder = factories.person("李娜", employer=city.yuecheng_machinery)
    stranger = factories.make_id_number()
    path = write_xlsx(workdir / "certs.xlsx", [
        ["持证人姓名", "身份证号码", "证书编号", "职业（工种）", "等级", "发证日期"],
        ["李娜", number_of(holder), "Y000033000001213100001", "车工", None, "2021年6月30日"],
        ["李娜", number_of(holder), "0833060200531000123"[:16], "钳工", "五级", "2008.12.01"],
        ["李娜", number_of(holder), "S000033000001215100002", "电工", "三级/高级工", "2021-07-01"],
        ["王某", stranger, "Y000033000001214100003", "焊工", None, "2021-07-01"],
        ["李娜", number_of(holder), "Y000033000001213100001", "车工", None, "2021-06-30"],
    ], text_columns=(1, 2))
    # when
    job = run("certificates", path, mode=ImportJob.Mode.PARTIAL)
    # then
    assert errors(job) == {(4, "等级", "level_mismatch"), (5, "身份证号码", "holder_not_found"),
                           (6, "证书编号", "duplicate_in_file")}
    national = Certificate.objects.get(number="Y000033000001213100001")
    assert (national.scheme, national.level, national.source) == ("national", SkillLevel.SENIOR, "import")
    legacy = Certificate.objects.get(number="0833060200531000")
    assert (legacy.scheme, legacy.level, legacy.issue_date) == ("legacy", SkillLevel.JUNIOR, dt.date(2008, 12, 1))
    holder.refresh_from_db()
    assert holder.current_level == SkillLevel.SENIOR


def test_certificate_of_someone_outside_the_scope_is_refused(city, personas, workdir):
    outsider = factories.person("柯桥人", employer=city.keqiao_textile, region_obj=city.keqiao)
    path = write_csv(workdir / "c.csv", [["姓名", "身份证号码", "证书编号", "发证日期"],
                                         ["柯桥人", number_of(outsider), "Y000033000001213100009", "2021-06-30"]])
    job = run("certificates", path, actor=personas.olga)
    assert errors(job) == {(2, "身份证号码", "out_of_scope")}
    assert not Certificate.objects.filter(holder=outsider).exists()


# --- honours ---------------------------------------------------------------------------------
def test_honours_infer_category_and_level_from_the_name(city, workdir):
    holder = factories.person("陈工匠", employer=city.yuecheng_machinery)
    path = write_csv(workdir / "h.csv", [
        ["姓名", "身份证号码", "荣誉名称", "年度", "授予单位", "级别"],
        ["陈工匠", number_of(holder), "浙江省技术能手", "2022", "浙江省人力资源和社会保障厅", ""],
        ["陈工匠", number_of(holder), "绍兴工匠", "2023年", "绍兴市人民政府", "市级"],
        ["陈工匠", number_of(holder), "绍兴工匠", "1949", "", "市级"],
        ["陈工匠", number_of(holder), "越城匠心奖", "2023", "", ""],
    ])
    job = run("honors", path, mode=ImportJob.Mode.PARTIAL)
    assert errors(job) == {(4, "年度", "year_range"), (5, "级别", "required")}
    honours = {(h.title, h.level, h.year) for h in Honor.objects.filter(person=holder)}
    assert honours == {("provincial_technical_expert", "provincial", 2022), ("craftsman", "city", 2023)}
    again = run("honors", path, mode=ImportJob.Mode.PARTIAL)
    assert (again.rows_created, again.rows_unchanged) == (0, 2)
    services.import_job_rollback(job=job, actor=None)
    assert not Honor.objects.filter(person=holder).exists()


def test_the_context_knows_its_jobs_public_id_only_from_a_job_reference():
    import uuid

    from gongjiang.imports.entities.base import ImportContext

    public_id = uuid.uuid4()
    assert ImportContext(actor=None, job_ref=f"imports:{public_id}").job_public_id == public_id
    for ref in ("", "imports:", "imports:not-a-uuid", f"competitions:{public_id}"):
        assert ImportContext(actor=None, job_ref=ref).job_public_id is None
