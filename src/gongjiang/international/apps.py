from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternationalConfig(AppConfig):
    name = "gongjiang.international"
    label = "international"
    verbose_name = _("国际合作")
