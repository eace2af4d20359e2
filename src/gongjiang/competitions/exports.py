"""Columns of the competition lists for their Excel exports (the pages' columns)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongjiang.imports.exporters import Column

EXPORT_ACTION = "competitions.competition.exported"
PUBLIC_EXPORT_ACTION = "competitions.results.exported"

PUBLIC_COLUMNS = [
    Column(_("竞赛"), lambda c: c.name, width=32),
    Column(_("主办单位"), lambda c: c.organizer.name, width=24),
    Column(_("级别"), lambda c: c.get_level_display(), width=10),
    Column(_("年度"), lambda c: c.year, width=8),
    Column(_("日期"), lambda c: c.start_date or "", width=12),
]

COLUMNS = [
    *PUBLIC_COLUMNS,
    Column(_("赛项"), lambda c: c.event_count, width=8),
    Column(_("状态"), lambda c: c.get_status_display(), width=10),
]
