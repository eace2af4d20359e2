"""REST API for the talent registry (mounted under /api/v1/). See ``views`` for the use cases."""

from gongjiang.people.api.urls import urlpatterns

__all__ = ["urlpatterns"]
