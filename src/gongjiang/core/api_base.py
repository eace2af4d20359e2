"""Building blocks every app's REST API uses: paging, input serializers, schema naming.

Each use case is one ``APIView`` with a nested ``InputSerializer`` / ``OutputSerializer``
(STYLE.md §21). The views validate input, call a selector or a service, and render.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

ERR_NOT_FOUND_IN_SCOPE = _("{label}“{value}”不存在，或不在您的管理范围内。")
ERR_NOT_FOUND = _("{label}“{value}”不存在。")


class ApiPagination(PageNumberPagination):
    """``?page=N`` and ``?page_size=N`` (at most 200); the default page size comes from settings."""

    page_size_query_param = "page_size"
    max_page_size = 200


def paginated_response(
    *, request: Request, view: APIView, queryset: QuerySet[Any] | Sequence[Any],
    serializer_class: type[serializers.BaseSerializer[Any]],
) -> Response:
    """One page of ``queryset`` rendered with ``serializer_class``, with count/next/previous."""
    paginator = ApiPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    serializer = serializer_class(page, many=True, context={"request": request})
    return paginator.get_paginated_response(serializer.data)


class InputSerializer(serializers.Serializer):
    """Base for request bodies and query strings: every message names its field in Chinese.

    DRF's own messages ("该字段是必填项。") do not say which field they are about; a person
    reading the error map in an import tool or a log should not have to guess, so each message
    is prefixed with the field's label: ``出生日期：日期格式错误……``.
    """

    def run_validation(self, data: Any = serializers.empty) -> Any:
        try:
            return super().run_validation(data)
        except ValidationError as exc:
            raise ValidationError(self._labelled(exc.detail)) from None

    def _labelled(self, detail: Any) -> Any:
        if not isinstance(detail, dict):
            return detail
        labelled: dict[str, Any] = {}
        for key, messages in detail.items():
            field = self.fields.get(key)
            label = getattr(field, "label", None) if field is not None else None
            if label and isinstance(messages, list):
                labelled[key] = [
                    f"{label}：{message}" if not str(message).startswith(str(label)) else message
                    for message in messages
                ]
            else:
                labelled[key] = messages
        return labelled


class ObjectReferenceField(serializers.Field):
    """A reference to another object by id or code, resolved through a selector.

    ``lookup(request, value)`` returns the object or raises ``Http404`` (not found, or outside
    the user's scope); both give the same message, so the answer does not disclose whether an
    object outside the scope exists.
    """

    def __init__(self, *, lookup: Any, to_value: Any = None, scoped: bool = True, integer: bool = False,
                 **kwargs: Any) -> None:
        self.lookup = lookup
        self.to_value = to_value or (lambda obj: obj.pk)
        self.scoped = scoped
        self.integer = integer
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        value = data
        if self.integer:
            try:
                value = int(data)
            except (TypeError, ValueError):
                raise ValidationError(_("应为整数编号。")) from None
        elif not isinstance(data, (str, int)) or "\x00" in str(data):
            raise ValidationError(_("应为代码字符串。"))
        else:
            value = str(data).strip()
        request = self.context.get("request")
        try:
            return self.lookup(request, value)
        except Http404:
            message = ERR_NOT_FOUND_IN_SCOPE if self.scoped else ERR_NOT_FOUND
            raise ValidationError(message.format(label=self.label or self.field_name, value=data)) from None

    def to_representation(self, value: Any) -> Any:
        return self.to_value(value)


@extend_schema_field(OpenApiTypes.STR)
class CodeReferenceField(ObjectReferenceField):
    """A reference by code (region ``330602``, occupation ``6-18-01-01``, industry ``C``)."""


@extend_schema_field(OpenApiTypes.INT)
class IdReferenceField(ObjectReferenceField):
    """A reference by numeric id (organisation, work type)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(integer=True, **kwargs)


# Compact references to other objects in responses; shared so the schema has one component each.
class RegionReference(serializers.Serializer):
    code = serializers.CharField(label=_("行政区划代码"))
    name = serializers.CharField(label=_("名称"))


class OrganizationReference(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(label=_("名称"))


class OccupationReference(serializers.Serializer):
    code = serializers.CharField(label=_("职业编码"))
    name = serializers.CharField(label=_("职业名称"))


class IndustryReference(serializers.Serializer):
    code = serializers.CharField(label=_("行业代码"))
    name = serializers.CharField(label=_("名称"))


class GongjiangAutoSchema(AutoSchema):
    """Name nested serializers after their view: ``PersonCreateApi.InputSerializer`` → ``PersonCreateInput``.

    Every use-case view nests classes called ``InputSerializer`` and ``OutputSerializer``;
    named by class name alone they would collide in the OpenAPI components.
    """

    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        cls = serializer.__class__
        parts = cls.__qualname__.split(".")
        if len(parts) < 2 or "<locals>" in parts:
            return cls.__name__
        outer = parts[-2]
        for suffix in ("Api", "View"):
            if outer.endswith(suffix):
                outer = outer[: -len(suffix)]
        inner = parts[-1]
        if inner.endswith("Serializer"):
            inner = inner[: -len("Serializer")]
        return outer + inner
