"""The dependency rule of docs/ARCHITECTURE.md: ``core`` and ``catalog`` import no domain app.

Interface modules (admin, API, views, commands) may reach up; the domain modules may not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import gongjiang

PACKAGE = Path(gongjiang.__file__).parent
FOUNDATION = ("core", "catalog")
INTERFACE_NAMES = ("admin.py", "views.py", "urls.py")


def _is_interface(path: Path, app_dir: Path) -> bool:
    relative = path.relative_to(app_dir)
    parts = relative.parts
    return (
        path.name in INTERFACE_NAMES
        or path.name.startswith("api")
        or parts[0] in ("management", "migrations", "api", "templates")
    )


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "gongjiang" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_foundation_domain_modules_import_no_domain_app():
    offences = []
    for app in FOUNDATION:
        app_dir = PACKAGE / app
        for path in sorted(app_dir.rglob("*.py")):
            if _is_interface(path, app_dir):
                continue
            for other in _imported_apps(path) - set(FOUNDATION) - {"settings"}:
                offences.append(f"{path.relative_to(PACKAGE)} imports gongjiang.{other}")
    assert offences == []


def test_the_checker_sees_imports():
    # The rule above would pass vacuously if the parser found nothing.
    assert "core" in _imported_apps(PACKAGE / "core" / "audit.py")
