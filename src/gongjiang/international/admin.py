"""Back-office admin of international cooperation: read-only, scoped lists (see training.admin)."""

from __future__ import annotations

from django.contrib import admin

from gongjiang.international import selectors
from gongjiang.international.models import (
    Agreement,
    Alliance,
    ExchangeEvent,
    InternationalMentor,
    JointProject,
    PartnerProfile,
    Recognition,
)
from gongjiang.training.admin import ScopedReadOnlyAdmin


@admin.register(PartnerProfile)
class PartnerProfileAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.partner_queryset)
    list_display = ("organization", "partner_kind", "managed_by", "since", "is_active")
    list_filter = ("partner_kind", "is_active")


@admin.register(Agreement)
class AgreementAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.agreement_queryset)
    list_display = ("title", "kind", "signed_date", "term_months", "version", "status")
    list_filter = ("kind", "status")
    readonly_fields = ("content_hash", "document_sha256")


@admin.register(Alliance)
class AllianceAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.alliance_queryset)
    list_display = ("organization", "founded_on", "guided_by")


@admin.register(JointProject)
class JointProjectAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.joint_project_queryset)
    list_display = ("name", "managed_by", "start_date", "status")


@admin.register(InternationalMentor)
class InternationalMentorAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.mentor_queryset)
    list_display = ("name", "country", "expertise", "introduced_on", "is_active")


@admin.register(ExchangeEvent)
class ExchangeEventAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.event_queryset)
    list_display = ("name", "kind", "held_on", "country", "participant_count")


@admin.register(Recognition)
class RecognitionAdmin(ScopedReadOnlyAdmin):
    selector = staticmethod(selectors.recognition_queryset)
    list_display = ("qualification", "awarding_body", "country", "decision", "domestic_level", "domestic_title")
    list_filter = ("decision", "country", "batch")
