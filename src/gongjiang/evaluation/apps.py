from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "gongjiang.evaluation"
    label = "evaluation"
    verbose_name = _("职业技能等级认定")

    def ready(self) -> None:
        # Registers the applications and scores entities with the import pipeline.
        from gongjiang.evaluation import imports  # noqa: F401
