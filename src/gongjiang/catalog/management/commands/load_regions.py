"""``gongjiang load_regions FILE``: load GB/T 2260 regions (columns code, name[, parent])."""

from gongjiang.catalog import services
from gongjiang.catalog.management.commands._loading import LoadCommand


class Command(LoadCommand):
    help = "Load administrative regions (GB/T 2260) from CSV/Excel: code,name[,parent]."
    what = "行政区划"
    columns = services.REGION_COLUMNS
    loader = staticmethod(services.region_load)
