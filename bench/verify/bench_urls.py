"""The real URL map plus /bench/bare/: the baseline, a view that only returns a small JSON."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from gongjiang.urls import urlpatterns as real_urlpatterns


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"result": "ok"})


urlpatterns = [path("bench/bare/", bare), *real_urlpatterns]
