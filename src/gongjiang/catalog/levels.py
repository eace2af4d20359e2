"""The eight-level ladder (新八级工) and its mapping to the national levels 五级…一级.

Source: 中办发〔2022〕58号 §(十一); 人社部发〔2022〕14号 (DOMAIN.md §1). 高技能人才 = 高级工 and above.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SkillLevel(models.IntegerChoices):
    APPRENTICE = 0, _("学徒工")
    JUNIOR = 1, _("初级工（五级）")
    INTERMEDIATE = 2, _("中级工（四级）")
    SENIOR = 3, _("高级工（三级）")
    TECHNICIAN = 4, _("技师（二级）")
    SENIOR_TECHNICIAN = 5, _("高级技师（一级）")
    PRINCIPAL_TECHNICIAN = 6, _("特级技师")
    CHIEF_TECHNICIAN = 7, _("首席技师")


HIGH_SKILLED_MIN = SkillLevel.SENIOR

# order → national grade digit used in certificate numbers (1 = 一级/高级技师 … 5 = 五级/初级工)
_NATIONAL_GRADE = {
    SkillLevel.JUNIOR: 5,
    SkillLevel.INTERMEDIATE: 4,
    SkillLevel.SENIOR: 3,
    SkillLevel.TECHNICIAN: 2,
    SkillLevel.SENIOR_TECHNICIAN: 1,
}
_FROM_GRADE = {grade: level for level, grade in _NATIONAL_GRADE.items()}

# Certificate wording "中文数字+级/等级名称" (DOMAIN.md §4.4)
CERTIFICATE_WORDING = {
    SkillLevel.JUNIOR: "五级/初级工",
    SkillLevel.INTERMEDIATE: "四级/中级工",
    SkillLevel.SENIOR: "三级/高级工",
    SkillLevel.TECHNICIAN: "二级/技师",
    SkillLevel.SENIOR_TECHNICIAN: "一级/高级技师",
}

# Levels obtained by appointment to a post (评聘), not by 认定.
POST_LEVELS = frozenset({SkillLevel.PRINCIPAL_TECHNICIAN, SkillLevel.CHIEF_TECHNICIAN})
# Levels that need a comprehensive review (综合评审) in an evaluation.
REVIEW_LEVELS = frozenset({SkillLevel.TECHNICIAN, SkillLevel.SENIOR_TECHNICIAN})


def national_grade(level: int) -> int | None:
    """The national grade digit 5…1 for a ladder level, or None where the level has none."""
    return _NATIONAL_GRADE.get(SkillLevel(level))


def level_from_national_grade(grade: int) -> SkillLevel:
    try:
        return _FROM_GRADE[int(grade)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"national grade must be 1–5, not {grade!r}") from None


def is_high_skilled(level: int | None) -> bool:
    return level is not None and level >= HIGH_SKILLED_MIN


def short_label(level: int) -> str:
    return str(SkillLevel(level).label).split("（")[0]
