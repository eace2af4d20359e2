from django.urls import path

from gongjiang.people.api import views

urlpatterns = [
    path("people/", views.PeopleApi.as_view(), name="api-people"),
    path("people/search/", views.PersonSearchApi.as_view(), name="api-person-search"),
    path("people/<int:pk>/", views.PersonApi.as_view(), name="api-person"),
    path("people/<int:pk>/reveal-id/", views.PersonRevealIdApi.as_view(), name="api-person-reveal-id"),
    path("people/<int:pk>/employments/", views.EmploymentsApi.as_view(), name="api-person-employments"),
    path(
        "people/<int:pk>/employments/<int:employment_pk>/end/",
        views.EmploymentEndApi.as_view(),
        name="api-person-employment-end",
    ),
    path("people/<int:pk>/certificates/", views.CertificatesApi.as_view(), name="api-person-certificates"),
    path(
        "people/<int:pk>/certificates/<int:certificate_pk>/revoke/",
        views.CertificateRevokeApi.as_view(),
        name="api-person-certificate-revoke",
    ),
    path("people/<int:pk>/honors/", views.HonorsApi.as_view(), name="api-person-honors"),
]
