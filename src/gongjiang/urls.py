"""URL map. Each app owns its pages (``<app>/urls.py``) and its API (``<app>/api.py``)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from gongjiang.web.views import healthz

admin.site.site_header = "工匠 · 技能人才发展平台 管理后台"
admin.site.site_title = "工匠管理后台"
admin.site.index_title = "后台数据管理"

api_v1 = [
    path("", include("gongjiang.core.api_auth")),
    path("", include("gongjiang.catalog.api")),
    path("", include("gongjiang.orgs.api")),
    path("", include("gongjiang.people.api")),
    path("", include("gongjiang.competitions.api.urls")),
    path("", include("gongjiang.evaluation.api")),
    path("", include("gongjiang.training.api")),
    path("", include("gongjiang.international.api")),
    path("", include("gongjiang.imports.api")),
]

urlpatterns = [
    # Public certificate verification first: it is the busiest route and needs no other.
    path("api/v1/", include("gongjiang.credentials.api")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from /api/docs/?script, so no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="core/api_redoc.html"),
        name="api-redoc",
    ),
    path("people/", include("gongjiang.people.urls")),
    path("orgs/", include("gongjiang.orgs.urls")),
    path("competitions/", include("gongjiang.competitions.urls")),
    path("evaluation/", include("gongjiang.evaluation.urls")),
    path("training/", include("gongjiang.training.urls")),
    path("international/", include("gongjiang.international.urls")),
    path("imports/", include("gongjiang.imports.urls")),
    path("", include("gongjiang.credentials.urls")),
    path("", include("gongjiang.accounts.urls")),
    path("", include("gongjiang.web.urls")),
]
