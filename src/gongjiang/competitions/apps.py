from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    name = "gongjiang.competitions"
    label = "competitions"
    verbose_name = _("职业技能竞赛")

    def ready(self) -> None:
        # Registers the entries, marks and theory-score entities with the import pipeline.
        from gongjiang.competitions import imports  # noqa: F401
