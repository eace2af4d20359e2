from django.urls import path

from gongjiang.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organization_list_view, name="list"),
    path("export/", views.organization_export_view, name="export"),
    path("new/", views.organization_create_view, name="create"),
    path("<int:pk>/", views.organization_detail_view, name="detail"),
    path("<int:pk>/edit/", views.organization_edit_view, name="edit"),
]
