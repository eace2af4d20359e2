from django.urls import path

from gongjiang.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/<slug:entity>/", views.upload, name="upload"),
    path("templates/<slug:entity>.xlsx", views.template_download, name="template"),
    path("export/<slug:entity>.xlsx", views.export, name="export"),
    path("jobs/<uuid:public_id>/", views.job_detail, name="job"),
    path("jobs/<uuid:public_id>/status/", views.job_status, name="job_status"),
    path("jobs/<uuid:public_id>/commit/", views.job_commit, name="job_commit"),
    path("jobs/<uuid:public_id>/cancel/", views.job_cancel, name="job_cancel"),
    path("jobs/<uuid:public_id>/rollback/", views.job_rollback, name="job_rollback"),
    path("jobs/<uuid:public_id>/report.xlsx", views.job_report_xlsx, name="job_report_xlsx"),
    path("jobs/<uuid:public_id>/report.json", views.job_report_json, name="job_report_json"),
]
