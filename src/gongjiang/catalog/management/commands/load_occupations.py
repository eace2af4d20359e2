"""``gongjiang load_occupations FILE``: load 职业分类大典 occupations and their 工种.

Columns: code, name, levels ("5,4,3" or "五级/四级"), work_types (separated by 、 or ;),
verified (是/否), source[, standard_title, edition].
"""

from gongjiang.catalog import services
from gongjiang.catalog.management.commands._loading import LoadCommand


class Command(LoadCommand):
    help = "Load occupations (职业分类大典) from CSV/Excel: code,name,levels,work_types,verified,source."
    what = "职业"
    columns = services.OCCUPATION_COLUMNS
    loader = staticmethod(services.occupation_load)
