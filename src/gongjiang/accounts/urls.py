from django.urls import path

from gongjiang.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/", views.account_security, name="security"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/2fa/", views.totp_enrol, name="totp_enrol"),
    path("accounts/2fa/verify/", views.totp_verify, name="totp_verify"),
    path("accounts/manage/", views.account_list, name="account_list"),
    path("accounts/manage/new/", views.account_create, name="account_create"),
    path("accounts/manage/export/", views.account_export, name="account_export"),
    path("accounts/manage/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/manage/<int:pk>/<slug:action>/", views.account_action, name="account_action"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
    path("audit/verify/<int:pk>/", views.audit_verification, name="audit_verification"),
    path("audit/verify/<int:pk>/status/", views.audit_verification_status, name="audit_verification_status"),
]
