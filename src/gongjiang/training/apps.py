from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "gongjiang.training"
    label = "training"
    verbose_name = _("培训与学徒")

    def ready(self) -> None:
        # Registers the nominations, attendance and results entities with the import pipeline.
        from gongjiang.training import imports  # noqa: F401
