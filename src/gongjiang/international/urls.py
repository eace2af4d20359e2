from django.urls import path

from gongjiang.international import views

app_name = "international"
urlpatterns = [
    path("", views.partner_list_view, name="partner_list"),
    path("partners/new/", views.partner_create_view, name="partner_create"),
    path("agreements/", views.agreement_list_view, name="agreement_list"),
    path("agreements/new/", views.agreement_create_view, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail_view, name="agreement_detail"),
    path("agreements/<int:pk>/document/", views.agreement_document_view, name="agreement_document"),
    path("agreements/<int:pk>/download/", views.agreement_download_view, name="agreement_download"),
    path("agreements/<int:pk>/approve/", views.agreement_approve_view, name="agreement_approve"),
    path("agreements/<int:pk>/terminate/", views.agreement_terminate_view, name="agreement_terminate"),
    path("alliances/", views.alliance_list_view, name="alliance_list"),
    path("alliances/new/", views.alliance_create_view, name="alliance_create"),
    path("alliances/<int:pk>/", views.alliance_detail_view, name="alliance_detail"),
    path("projects/", views.project_list_view, name="project_list"),
    path("projects/new/", views.project_create_view, name="project_create"),
    path("mentors/", views.mentor_list_view, name="mentor_list"),
    path("mentors/new/", views.mentor_create_view, name="mentor_create"),
    path("mentors/<int:pk>/engage/", views.mentor_engage_view, name="mentor_engage"),
    path("events/", views.event_list_view, name="event_list"),
    path("events/new/", views.event_create_view, name="event_create"),
    path("recognitions/", views.recognition_list_view, name="recognition_list"),
    path("recognitions/new/", views.recognition_create_view, name="recognition_create"),
    path("recognitions/<int:pk>/decide/", views.recognition_decide_view, name="recognition_decide"),
    path("foreign-certificates/new/", views.foreign_certificate_create_view, name="foreign_certificate_create"),
]
