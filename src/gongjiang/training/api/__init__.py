"""REST API of training, apprenticeships, subsidies and points (mounted under /api/v1/)."""

from gongjiang.training.api.urls import urlpatterns

__all__ = ["urlpatterns"]
