from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.models import BaseModel


class Region(BaseModel):
    """An administrative division (GB/T 2260). The hierarchy is also readable from the code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省级")
        PREFECTURE = 2, _("地级")
        COUNTY = 3, _("县级")

    code = models.CharField(_("行政区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^\d{6}$"), name="catalog_region_code_6_digits"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        from gongjiang.core.rules import region_prefix

        return region_prefix(self.code)


class Industry(BaseModel):
    """国民经济行业分类 (GB/T 4754-2017): sections A–T and, where loaded, divisions."""

    code = models.CharField(_("行业代码"), max_length=5, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Occupation(BaseModel):
    """An occupation of the 职业分类大典 (code like ``6-18-01-01``) with the levels it has."""

    code = models.CharField(_("职业编码"), max_length=12, unique=True)
    name = models.CharField(_("职业名称"), max_length=100, db_index=True)
    edition = models.CharField(_("大典版本"), max_length=10, default="2022")
    # National levels (1 = 一级 … 5 = 五级) the occupation's standard sets; not every one has all five.
    national_grades = models.JSONField(_("设置的等级"), default=list, blank=True)
    is_verified = models.BooleanField(
        _("编码已核实"), default=False, help_text=_("只有对照标准原文或官方目录核实过的编码才标记为已核实。")
    )
    source = models.CharField(_("来源"), max_length=300, blank=True)
    standard_title = models.CharField(_("国家职业技能标准"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("职业")
        verbose_name_plural = _("职业")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[1-8]-\d{2}-\d{2}-\d{2}$"), name="catalog_occupation_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def category(self) -> int:
        return int(self.code[0])

    def allowed_levels(self) -> list[SkillLevel]:
        from gongjiang.catalog.levels import level_from_national_grade

        return sorted(level_from_national_grade(g) for g in self.national_grades)


class WorkType(BaseModel):
    """A 工种 (work type / direction) under an occupation, e.g. 车工 → 数控车工."""

    occupation = models.ForeignKey(
        Occupation, verbose_name=_("职业"), on_delete=models.CASCADE, related_name="work_types"
    )
    name = models.CharField(_("工种名称"), max_length=100)
    code = models.CharField(_("工种编码"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("工种")
        verbose_name_plural = _("工种")
        ordering = ["occupation__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["occupation", "name"], name="catalog_worktype_unique_per_occupation"),
        ]

    def __str__(self) -> str:
        return self.name
