"""Eligibility rule sets (申报条件) are data: administrators add and change them per standard."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.catalog.models import Occupation
from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.text import clauses, enumeration
from gongjiang.evaluation import rules
from gongjiang.evaluation.models import EligibilityRuleSet
from gongjiang.orgs.models import Membership
from gongjiang.orgs.scope import scope_for

ERR_STRUCTURE = gettext_noop("申报条件的结构有误：{problems}")
ERR_NAME = gettext_noop("请填写名称。")
ERR_PASS_MARK = gettext_noop("合格分应在 0–100 之间。")
ERR_RATIO = gettext_noop("每考场考评员至少 1 人，每名考评员对应考生至少 1 人。")
ERR_UNKNOWN_FIELDS = gettext_noop("未知字段：{fields}")
ERR_OCCUPATION = gettext_noop("职业不正确。")
ERR_INVALID = gettext_noop("申报条件有误，请按提示修改。")

RULE_SET_EDITORS = (Membership.Role.PLATFORM_ADMIN, Membership.Role.CITY_ADMIN)
FIELDS = ("name", "template", "occupation", "standard_title", "source", "grades", "related_occupations",
          "related_majors", "pass_mark", "practical_evaluators_min", "candidates_per_evaluator", "is_active")


def can_edit_rule_sets(user: Any) -> bool:
    return scope_for(user).has_role(*RULE_SET_EDITORS)


@transaction.atomic
def rule_set_save(*, actor: Any, rule_set: EligibilityRuleSet | None = None, **data: Any) -> EligibilityRuleSet:
    """Create or change a rule set. Platform and city administrators only; the structure is
    checked (rules.validate_rule_set) so the engine never meets a condition it cannot read.
    Applications already decided keep their recorded explanation."""
    if actor is not None and not can_edit_rule_sets(actor):
        raise PermissionDeniedError()
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ApplicationError(_(ERR_UNKNOWN_FIELDS).format(fields=enumeration(sorted(unknown))))
    errors: dict[str, list[str]] = {}
    if "name" in data and not str(data["name"] or "").strip():
        errors.setdefault("name", []).append(_(ERR_NAME))
    if "grades" in data:
        problems = rules.validate_rule_set({"grades": data["grades"]})
        if problems:
            errors.setdefault("grades", []).append(_(ERR_STRUCTURE).format(problems=clauses(problems)))
    if "pass_mark" in data and not Decimal(0) <= Decimal(str(data["pass_mark"])) <= Decimal(100):
        errors.setdefault("pass_mark", []).append(_(ERR_PASS_MARK))
    for key in ("practical_evaluators_min", "candidates_per_evaluator"):
        if key in data and int(data[key]) < 1:
            errors.setdefault(key, []).append(_(ERR_RATIO))
    if data.get("occupation") is not None and not isinstance(data["occupation"], Occupation):
        errors.setdefault("occupation", []).append(_(ERR_OCCUPATION))
    if errors:
        raise ApplicationError(_(ERR_INVALID), errors=errors)
    created = rule_set is None
    instance = rule_set or EligibilityRuleSet()
    before = {} if created else audit.snapshot(instance)
    for key, value in data.items():
        setattr(instance, key, value)
    instance.full_clean()
    instance.save()
    after = audit.snapshot(instance)
    audit.record("evaluation.rule_set." + ("created" if created else "updated"), obj=instance,
                 changes=after if created else audit.diff(before, after), actor=actor)
    return instance
