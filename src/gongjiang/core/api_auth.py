"""API tokens: ``POST /api/v1/auth/token/`` exchanges a username and password for a token,
``DELETE`` revokes the caller's token.

The password check goes through ``django.contrib.auth.authenticate`` with the request, so
django-axes counts failures and locks the account exactly as it does for the login page.
A token is refused while the account has a sign-in step pending (a TOTP device to verify or
enrol, a password to change): token requests skip the sign-in gate, so tokens are for service
accounts without a second factor (docs/security.md). Issuing and revoking are audited.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

# An interface module: it may read the sign-in gate of the accounts app.
from gongjiang.accounts.selectors import STEP_MESSAGES, pending_sign_in_step
from gongjiang.core import audit
from gongjiang.core.api_base import InputSerializer as BaseInput
from gongjiang.core.exceptions import ApplicationError

ERR_BAD_CREDENTIALS = _("用户名或密码不正确。")
ERR_INACTIVE = _("该账号已停用。")
ERR_LOCKED_OUT = _("登录失败次数过多，账号已被锁定 {minutes} 分钟，请稍后再试或联系安全管理员解锁。")


@transaction.atomic
def api_token_issue(*, user: Any) -> Token:
    """The user's API token (one per user; created on first request). Audited."""
    token, created = Token.objects.get_or_create(user=user)
    audit.record("core.api_token.issued", obj=user, changes={"created": created}, actor=user)
    return token


@transaction.atomic
def api_token_revoke(*, user: Any) -> None:
    deleted, _rows = Token.objects.filter(user=user).delete()
    audit.record("core.api_token.revoked", obj=user, changes={"deleted": bool(deleted)}, actor=user)


def _lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


class ApiTokenApi(APIView):
    permission_classes = [AllowAny]
    # A token request carries its own credentials; a session cookie must not stand in for them.
    authentication_classes: list[Any] = []

    class InputSerializer(BaseInput):
        username = serializers.CharField(max_length=150, label=_("用户名"))
        password = serializers.CharField(max_length=256, trim_whitespace=False, label=_("密码"),
                                         style={"input_type": "password"})

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(label=_("令牌"), help_text=_("在请求头中使用：Authorization: Token <令牌>"))

    @extend_schema(
        tags=["auth"], summary=_("用用户名和密码换取 API 令牌"), request=InputSerializer, auth=[],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description=_("用户名或密码不正确")),
            403: OpenApiResponse(description=_("账号尚有登录步骤未完成（动态验证码、修改密码）")),
            429: OpenApiResponse(description=_("失败次数过多，账号已锁定")),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        credentials = serializer.validated_data
        # The DRF request is what axes sees: it reads the address from it and marks it when it
        # locks, and our answer below stays JSON rather than the lockout page.
        user = authenticate(request=request, username=credentials["username"], password=credentials["password"])
        if user is None:
            if AxesProxyHandler.is_locked(request, {"username": credentials["username"]}):
                return Response(
                    {"detail": str(ERR_LOCKED_OUT).format(minutes=_lockout_minutes())},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            raise ApplicationError(ERR_BAD_CREDENTIALS, errors={"non_field_errors": [ERR_BAD_CREDENTIALS]})
        if not user.is_active:
            raise ApplicationError(ERR_INACTIVE, errors={"non_field_errors": [ERR_INACTIVE]})
        step = pending_sign_in_step(user)
        if step is not None:
            return Response({"detail": str(STEP_MESSAGES[step]), "code": step}, status=status.HTTP_403_FORBIDDEN)
        token = api_token_issue(user=user)
        return Response(self.OutputSerializer({"token": token.key}).data)


class ApiTokenRevokeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["auth"], summary=_("注销当前用户的 API 令牌"), request=None,
                   responses={204: OpenApiResponse(description=_("已注销"))})
    def post(self, request: Request) -> Response:
        api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("auth/token/", ApiTokenApi.as_view(), name="api-token"),
    path("auth/token/revoke/", ApiTokenRevokeApi.as_view(), name="api-token-revoke"),
]
