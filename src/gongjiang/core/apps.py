from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongjiang.core"
    label = "core"
    verbose_name = _("系统与审计")

    def ready(self) -> None:
        from gongjiang.core import checks, signals  # noqa: F401  (registers receivers and checks)

        signals.connect()
        _bind_null_without_adapting()


def _bind_null_without_adapting() -> None:
    """Let Python's sqlite3 driver bind NULL without its adapter search.

    The driver (CPython 3.11) binds only exact int, float, str and bytearray values directly;
    anything else, None included, first goes through its adapter look-up, which tries
    ``__adapt__`` and ``__conform__`` and builds an AttributeError message for each miss:
    ~3,300 instructions for each NULL bound, 3 % of a whole import's work when rows carry a
    few NULLs each. A registered adapter is found by one dictionary look-up instead;
    ``{}.get`` maps None to None (the driver then binds NULL as before) in one C call.
    Registering an adapter for a type the driver binds directly (int, float, str, bytearray)
    would slow every bind down; None is not one of them.
    """
    import sqlite3
    from collections.abc import Callable
    from typing import cast

    sqlite3.register_adapter(type(None), cast(Callable[[None], None], {}.get))
