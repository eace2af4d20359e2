from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "gongjiang.people"
    label = "people"
    verbose_name = _("技能人才库")
