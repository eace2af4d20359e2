"""Rule sets are data administrators configure; the structure is checked; changes are audited."""

from __future__ import annotations

import pytest

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.evaluation import rules
from gongjiang.evaluation.models import EligibilityRuleSet
from gongjiang.evaluation.services.rule_sets import rule_set_save
from tests import factories


def test_the_two_templates_are_seeded_as_data(db):
    templates = set(EligibilityRuleSet.objects.filter(occupation__isnull=True).values_list("template", flat=True))
    assert {"2018", "relaxed"} <= templates


def test_a_city_admin_adds_an_occupation_rule_set(personas):
    occupation = factories.occupation()
    grades = rules.load_template("2018")["grades"]
    grades["3"] = [{"key": "3-1", "label": "取得四级证书后累计从事本职业工作满 4 年", "prior_grade": 4, "years_after_prior": 4}]
    rule_set = rule_set_save(actor=personas.city, name="车工（2018）", occupation=occupation, grades=grades,
                             standard_title="车工国家职业技能标准", related_occupations=["6-18-01-02"])
    assert rule_set.pk and rule_set.grades["3"][0]["years_after_prior"] == 4
    assert AuditEntry.objects.filter(action="evaluation.rule_set.created", actor_username="city").exists()


def test_a_broken_structure_is_refused_with_the_problem(personas):
    with pytest.raises(ApplicationError) as error:
        rule_set_save(actor=personas.ada, name="坏条件", grades={"3": [{"label": "x", "prior_grade": 2}]})
    assert "前置等级" in error.value.errors["grades"][0]
    assert not EligibilityRuleSet.objects.filter(name="坏条件").exists()


def test_rule_set_refusals_are_given_in_the_users_language(personas):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ApplicationError) as error:
        rule_set_save(actor=personas.ada, name=" ", pass_mark=120)
    assert [str(m) for m in error.value.errors["name"]] == ["Please enter a name."]
    assert [str(m) for m in error.value.errors["pass_mark"]] == ["The pass mark must be between 0 and 100."]
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        rule_set_save(actor=personas.ada, name=" ", pass_mark=120)
    assert [str(m) for m in error.value.errors["pass_mark"]] == ["合格分应在 0–100 之间。"]


def test_rule_set_field_refusals_are_given_in_english(personas):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ApplicationError) as error:
        rule_set_save(actor=personas.ada, name="x", colour="red")
    assert str(error.value) == "Unknown fields: colour"
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        rule_set_save(actor=personas.ada, name="x", occupation="车工")
    assert str(error.value) == "The eligibility conditions contain errors; please correct them as indicated."
    assert [str(m) for m in error.value.errors["occupation"]] == ["The occupation is not valid."]
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        rule_set_save(actor=personas.ada, name="x", occupation="车工")
    assert str(error.value) == "申报条件有误，请按提示修改。"
    assert [str(m) for m in error.value.errors["occupation"]] == ["职业不正确。"]


@pytest.mark.parametrize("who", ["olga", "dan", "wang", "sam"])
def test_others_cannot_edit_rule_sets(personas, who):
    with pytest.raises(PermissionDeniedError):
        rule_set_save(actor=getattr(personas, who), name="x", grades=rules.load_template("2018")["grades"])
    assert not EligibilityRuleSet.objects.filter(name="x").exists()


def test_the_admin_page_lists_rule_sets_for_a_staff_city_admin(client, personas):
    personas.city.is_staff = True
    personas.city.save(update_fields=["is_staff"])
    client.force_login(personas.city)
    response = client.get("/admin/evaluation/eligibilityruleset/")
    assert response.status_code == 200
    assert "2018 版国家职业技能标准通用申报条件" in response.content.decode()
