from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "gongjiang.catalog"
    label = "catalog"
    verbose_name = _("参考数据")
