from django.urls import path

from gongjiang.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list_view, name="list"),
    path("export/", views.person_export_view, name="export"),
    path("new/", views.person_create_view, name="create"),
    path("<int:pk>/", views.person_detail_view, name="detail"),
    path("<int:pk>/edit/", views.person_edit_view, name="edit"),
    path("<int:pk>/reveal-id/", views.person_reveal_id_view, name="reveal_id"),
    path("<int:pk>/employments/new/", views.employment_add_view, name="employment_add"),
    path("<int:pk>/employments/<int:employment_pk>/end/", views.employment_end_view, name="employment_end"),
    path("<int:pk>/certificates/new/", views.certificate_record_view, name="certificate_record"),
    path(
        "<int:pk>/certificates/<int:certificate_pk>/revoke/",
        views.certificate_revoke_view,
        name="certificate_revoke",
    ),
    path("<int:pk>/honors/new/", views.honor_add_view, name="honor_add"),
]
