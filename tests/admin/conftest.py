"""Admin tests reuse the API tests' world; every persona is made staff so the admin lets them in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client

from tests.api.conftest import World, world  # noqa: F401 - the shared world fixture

PERSONAS = ["ada", "sam", "aud", "city", "dan", "olga", "stan", "wang", "kira"]


@pytest.fixture
def staff_world(world: World) -> World:  # noqa: F811
    for name in PERSONAS:
        account = getattr(world.personas, name)
        account.is_staff = True
        account.save(update_fields=["is_staff"])
    return world


def admin_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "on" if value else ""
    return value


def form_data(response: Any) -> dict[str, Any]:
    """The POST data a browser would send back for an admin change/add page, unchanged."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value in (None, "", False):
            continue
        data[name] = _value(value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, management[name].value())
        for child in formset.forms:
            for name in child.fields:
                value = child.initial.get(name)
                if value is not None:
                    data[child.add_prefix(name)] = _value(value)
    return data
