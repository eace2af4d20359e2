"""Building blocks for the Django admin (后台数据管理).

Who may enter the admin: active users with ``is_staff`` (Django's own rule). What they see
and may change there is decided by their roles and data scope, exactly as on the pages and
in the API, not by Django's per-model permissions:

* :class:`RoleAdminMixin` derives view/add/change/delete permission from the user's scope;
* :class:`ServiceModelForm` saves through a domain service *while the form is validated*, so
  a refusal by the service (``ApplicationError``) becomes a form error on the field it names
  instead of a traceback, and nothing is saved;
* :class:`ServiceAdminMixin` wires the two together: ``save_model`` saves nothing itself.

``is_superuser`` gives no registry data: a superuser without a membership has an empty scope.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError


class ServiceModelForm(forms.ModelForm):
    """A model form whose saving is a service call made during validation.

    Subclasses implement :meth:`call_service` and return the saved object. ModelForm's own
    model validation is skipped: the service validates (``full_clean``) and saves in one
    transaction, and its errors are mapped onto the form.
    """

    admin_request: HttpRequest | None = None  # set by ServiceAdminMixin.get_form

    def call_service(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    @property
    def actor(self) -> Any:
        return getattr(self.admin_request, "user", None)

    def _post_clean(self) -> None:
        if self.errors:
            return
        try:
            with transaction.atomic():
                saved = self.call_service(dict(self.cleaned_data))
        except ApplicationError as error:
            self.add_service_errors(error)
        else:
            self.instance = saved

    def add_service_errors(self, error: ApplicationError) -> None:
        for field, messages in error.as_field_map().items():
            target = field if field in self.fields else None
            for message in messages:
                if target is None and field != "non_field_errors":
                    label = self._model_field_label(field)
                    message = f"{label}：{message}" if label and not message.startswith(label) else message
                self.add_error(target, message)

    def _model_field_label(self, name: str) -> str:
        try:
            return str(self._meta.model._meta.get_field(name).verbose_name)
        except Exception:  # not a model field: the message names it
            return ""


class RoleAdminMixin:
    """Permissions from roles and data scope. Override the ``can_*`` hooks per model admin."""

    def can_view(self, request: HttpRequest) -> bool:
        return False

    def can_add(self, request: HttpRequest) -> bool:
        return False

    def can_change(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def can_delete(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff and self.can_view(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and (self.can_view(request) or self.can_change(request, obj))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.has_module_permission(request) and self.can_add(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and self.can_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request) and self.can_delete(request, obj)


class ServiceAdminMixin(RoleAdminMixin):
    """For models whose writes belong to services: the form saves, ``save_model`` does not."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        # get_form builds a new class per request, so the request can ride on it.
        form_class.admin_request = request
        return form_class

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved already: ServiceModelForm called the service while validating."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:  # pragma: no cover - deletion is off
        raise ApplicationError(_("此类数据不能在后台删除。"))


class ReadOnlyInline(admin.TabularInline):
    """History shown on the parent's page; changed through services (pages, API, imports)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Shown on a parent page the user may open; the parent admin checked the scope.
        return True

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields or ()


def audit_admin_change(request: HttpRequest, obj: models.Model, *, action: str, before: dict[str, Any] | None) -> None:
    """Audit a direct save of reference data (no domain service exists for single rows)."""
    after = audit.snapshot(obj)
    changes = after if before is None else audit.diff(before, after)
    audit.record(action, obj=obj, changes=changes, actor=request.user)
