"""REST API of credentials (mounted under /api/v1/): public verification, no login."""

from django.urls import path

from gongjiang.credentials import views

urlpatterns = [
    path("verify/", views.api_verify, name="credentials-api-verify"),
    path("verify/<str:code>/", views.api_verify_code, name="credentials-api-verify-code"),
]
