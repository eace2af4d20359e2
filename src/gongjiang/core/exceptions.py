"""Domain errors that carry a message a user can read, and optionally the field it is about."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the request. ``message`` is shown to the user as is."""

    def __init__(self, message: Any, *, field: str | None = None, code: str = "invalid",
                 errors: dict[str, list[Any]] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code
        self.errors = errors or ({field: [message]} if field else {})

    def as_field_map(self) -> dict[str, list[str]]:
        if self.errors:
            return {key: [str(m) for m in msgs] for key, msgs in self.errors.items()}
        return {"non_field_errors": [str(self.message)]}


class PermissionDeniedError(ApplicationError):
    """The user may not do this to this object (outside their role or data scope)."""

    def __init__(self, message: Any = None) -> None:
        from django.utils.translation import gettext as _

        super().__init__(message or _("您没有权限执行此操作。"), code="permission_denied")
