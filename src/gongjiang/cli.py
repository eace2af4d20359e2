"""The ``gongjiang`` console command: Django's manage.py plus the project's own commands.

``gongjiang serve`` · ``gongjiang demo`` · ``gongjiang createadmin`` · ``gongjiang migrate`` …
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gongjiang", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
