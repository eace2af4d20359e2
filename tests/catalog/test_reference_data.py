"""The reference data the migrations ship (src/gongjiang/catalog/data)."""

from stdnum import numdb

from gongjiang.catalog import rules
from gongjiang.catalog.models import Industry, Occupation, Region

SHAOXING = {
    "330602": "越城区", "330603": "柯桥区", "330604": "上虞区",
    "330624": "新昌县", "330681": "诸暨市", "330683": "嵊州市",
}


def test_all_province_level_divisions_are_shipped(db):
    provinces = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name"))
    assert provinces == {f"{prefix}0000": name for prefix, name in rules.PROVINCE_CODES.items()}
    assert not Region.objects.filter(level=Region.Level.PROVINCE, parent__isnull=False).exists()


def test_demo_city_and_its_districts(db):
    shaoxing = Region.objects.get(code="330600")
    assert shaoxing.name == "绍兴市" and shaoxing.parent_id == "330000" and shaoxing.level == Region.Level.PREFECTURE
    districts = dict(shaoxing.children.values_list("code", "name"))
    assert districts == SHAOXING


def test_every_region_hangs_under_its_code_ancestor(db):
    for region in Region.objects.all():
        assert region.level == rules.region_level(region.code)
        if region.parent_id:
            assert rules.is_region_ancestor(region.parent_id, region.code)


def test_shipped_codes_are_known_to_the_gb2260_table_of_python_stdnum(db):
    # 临平区/钱塘区 (2021) are newer than python-stdnum's snapshot of the table.
    table = numdb.get("cn/loc")
    for region in Region.objects.exclude(code__in=["330113", "330114"]):
        info = {k: v for _part, props in table.info(region.code) for k, v in props.items()}
        assert region.name in info.get("county", info.get("province", "")), region.code


def test_only_confirmed_occupations_are_shipped_and_all_say_where_they_were_checked(db):
    shipped = dict(Occupation.objects.values_list("code", "name"))
    assert shipped == {
        "6-18-01-01": "车工", "6-18-01-05": "镗工", "6-18-02-04": "焊工", "6-20-01-01": "钳工",
        "6-30-99-00": "工业机器人系统操作员", "6-31-01-03": "电工", "6-31-01-10": "工业机器人系统运维员",
        "4-04-05-07": "服务机器人应用技术员",
    }
    for occupation in Occupation.objects.all():
        assert occupation.is_verified
        assert "DOMAIN.md" in occupation.source and "§5.2" in occupation.source and "http" in occupation.source
        assert occupation.standard_title


def test_robot_occupations_have_only_grades_four_to_one(db):
    for code in ("6-30-99-00", "6-31-01-10"):
        assert Occupation.objects.get(code=code).national_grades == [4, 3, 2, 1]
    assert Occupation.objects.get(code="6-31-01-03").national_grades == [5, 4, 3, 2, 1]


def test_lathe_operator_has_its_work_types(db):
    assert set(Occupation.objects.get(code="6-18-01-01").work_types.values_list("name", flat=True)) == {
        "普通车工", "数控车工",
    }


def test_industry_sections_a_to_t(db):
    sections = Industry.objects.filter(parent__isnull=True)
    assert sorted(sections.values_list("code", flat=True)) == list("ABCDEFGHIJKLMNOPQRST")
    assert Industry.objects.get(code="C").name == "制造业"
    assert Industry.objects.get(code="17").parent_id == "C"
