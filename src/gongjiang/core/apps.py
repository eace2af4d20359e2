from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongjiang.core"
    label = "core"
    verbose_name = _("系统与审计")

    def ready(self) -> None:
        from gongjiang.core import checks, signals  # noqa: F401  (registers receivers and checks)

        signals.connect()
