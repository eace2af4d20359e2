from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from gongjiang.orgs.models import Membership
from gongjiang.orgs.scope import scope_for
from gongjiang.web.navigation import NAV_ITEMS


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_for(user)
    items = []
    for url_name, label, wanted in NAV_ITEMS:
        if wanted is not None and not scope.has_role(*wanted):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/" or request.path == url})
    role_labels = [str(label) for value, label in Membership.Role.choices if value in scope.roles]
    return {"nav_items": items, "user_scope": scope, "user_role_labels": role_labels}
