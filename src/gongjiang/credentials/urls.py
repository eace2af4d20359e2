from django.urls import path

from gongjiang.credentials import views

app_name = "credentials"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path("credentials/", views.credential_list, name="list"),
    path("credentials/export/", views.credential_export, name="export"),
    path("credentials/<int:pk>/", views.credential_detail, name="detail"),
    path("credentials/<int:pk>/pdf/", views.credential_pdf, name="pdf"),
    path("credentials/<int:pk>/jwt/", views.credential_jwt, name="jwt"),
    path("credentials/<int:pk>/revoke/", views.credential_revoke, name="revoke"),
]
