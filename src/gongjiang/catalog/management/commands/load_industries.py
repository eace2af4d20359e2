"""``gongjiang load_industries FILE``: load GB/T 4754 industries (columns code, name[, parent])."""

from gongjiang.catalog import services
from gongjiang.catalog.management.commands._loading import LoadCommand


class Command(LoadCommand):
    help = "Load industries (GB/T 4754-2017) from CSV/Excel: code,name[,parent]."
    what = "行业"
    columns = services.INDUSTRY_COLUMNS
    loader = staticmethod(services.industry_load)
