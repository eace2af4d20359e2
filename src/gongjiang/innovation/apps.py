from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "gongjiang.innovation"
    label = "innovation"
    verbose_name = _("创新与师带徒")
