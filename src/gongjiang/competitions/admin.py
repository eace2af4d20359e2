"""Back-office view of competitions: read-only, scoped to the competitions the user organises.

Competitions are run on the platform's pages and through the API, where every change goes
through competitions.services (scope, rules, audit). The admin is for looking things up.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from gongjiang.competitions import selectors
from gongjiang.competitions.models import (
    Appeal,
    Competition,
    CompetitionEvent,
    Delegation,
    Entry,
    Judge,
    RewardGrant,
)
from gongjiang.core.admin_base import RoleAdminMixin


class OrganiserReadOnlyAdmin(RoleAdminMixin, admin.ModelAdmin):
    competition_path = "competition"

    def can_view(self, request: HttpRequest) -> bool:
        return selectors.organizer_competitions(request.user).exists()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        organised = selectors.organizer_competitions(request.user)
        if self.competition_path == "":
            return queryset.filter(pk__in=organised.values("pk"))
        return queryset.filter(**{f"{self.competition_path}__in": organised})

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [field.name for field in self.model._meta.fields]


@admin.register(Competition)
class CompetitionAdmin(OrganiserReadOnlyAdmin):
    competition_path = ""
    list_display = ("name", "level", "year", "organizer", "status", "rewards_applied_at")
    list_filter = ("level", "status", "year")
    search_fields = ("name",)


@admin.register(CompetitionEvent)
class CompetitionEventAdmin(OrganiserReadOnlyAdmin):
    list_display = ("code", "name", "competition", "team_size", "medal_policy")
    list_filter = ("medal_policy",)
    search_fields = ("name", "code")


@admin.register(Delegation)
class DelegationAdmin(OrganiserReadOnlyAdmin):
    list_display = ("name", "kind", "organization", "competition", "heat")
    search_fields = ("name",)


@admin.register(Entry)
class EntryAdmin(OrganiserReadOnlyAdmin):
    competition_path = "event__competition"
    list_display = ("number", "event", "round", "delegation", "status", "total_score", "position", "medal")
    list_filter = ("status", "medal")
    search_fields = ("number",)


@admin.register(Judge)
class JudgeAdmin(OrganiserReadOnlyAdmin):
    competition_path = "event__competition"
    list_display = ("name", "event", "organization", "delegation", "is_chief", "is_active")


@admin.register(Appeal)
class AppealAdmin(OrganiserReadOnlyAdmin):
    competition_path = "entry__event__competition"
    list_display = ("entry", "status", "created_at", "decided_at")
    list_filter = ("status",)


@admin.register(RewardGrant)
class RewardGrantAdmin(OrganiserReadOnlyAdmin):
    competition_path = "rule__competition"
    list_display = ("rule", "person", "entry", "previous_level", "new_level", "created_at")
