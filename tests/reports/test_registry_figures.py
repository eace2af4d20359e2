"""The dashboard's figures: counted by the database, inside each user's scope."""

from __future__ import annotations

from gongjiang.reports import selectors
from gongjiang.reports.selectors import UNLEVELLED


def _as_dict(buckets):
    return {b.label: b.count for b in buckets}


def test_city_bureau_sees_whole_city(registry, personas):
    # when
    figures = selectors.registry_figures(user=personas.city)
    # then: 王师傅, 李, 赵, 钱, 孙, 周; high-skilled 李(3), 赵(4), 孙(5)
    assert figures.total == 6
    assert figures.high_skilled == 3
    assert figures.high_skilled_share == 50.0
    assert figures.certified == 4
    levels = _as_dict(figures.by_level)
    assert levels[str(UNLEVELLED)] == 2
    assert levels["中级工（四级）"] == 1
    assert levels["高级工（三级）"] == 1
    assert levels["技师（二级）"] == 1
    assert levels["高级技师（一级）"] == 1
    assert levels["学徒工"] == 0 and levels["首席技师"] == 0
    assert _as_dict(figures.by_district) == {"越城区": 3, "柯桥区": 3}
    assert _as_dict(figures.by_occupation) == {"车工": 2, "纺织工": 2}
    assert [b.key for b in figures.by_occupation] == ["6-04-02-01", "6-18-01-01"]


def test_district_bureau_sees_only_its_district(registry, personas):
    figures = selectors.registry_figures(user=personas.dan)
    assert figures.total == 3
    assert figures.high_skilled == 2
    assert figures.high_skilled_share == 66.7
    assert _as_dict(figures.by_district) == {"越城区": 3}
    assert _as_dict(figures.by_occupation) == {"车工": 2}


def test_organisation_admin_sees_own_tree(registry, personas):
    figures = selectors.registry_figures(user=personas.kira)
    assert figures.total == 2
    assert figures.high_skilled == 1
    assert _as_dict(figures.by_occupation) == {"纺织工": 2}


def test_district_key_is_employer_region_then_residence(registry, personas):
    # 周无业 has no employer: counted where he lives (柯桥区), not dropped
    figures = selectors.registry_figures(user=personas.ada)
    assert {b.key: b.count for b in figures.by_district} == {"330602": 3, "330603": 3}


def test_roles_without_registry_scope_get_zeroes(registry, personas):
    figures = selectors.registry_figures(user=personas.aud)
    assert figures.total == 0 and figures.high_skilled_share == 0.0
    assert figures.by_level == [] and figures.by_district == []


def test_revoked_certificate_leaves_the_high_skilled_count(registry, personas):
    # given
    from gongjiang.people import services

    services.certificate_revoke(actor=None, certificate=registry.li_certificate, reason="材料造假")
    # when
    figures = selectors.registry_figures(user=personas.dan)
    # then
    assert figures.high_skilled == 1
    assert figures.certified == 1


def test_figures_take_a_fixed_number_of_queries(registry, personas, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        selectors.registry_figures(user=personas.city)


def test_chart_payload_lines_up_with_figures(registry, personas):
    figures = selectors.registry_figures(user=personas.city)
    payload = selectors.chart_payload(figures)
    assert payload["high_skilled"]["values"] == [3, 3]
    assert sum(payload["level"]["values"]) == 6
    assert payload["district"]["keys"] == [b.key for b in figures.by_district]
    # the unlevelled bar has no key, so clicking it links nowhere
    assert payload["level"]["keys"][0] == ""
