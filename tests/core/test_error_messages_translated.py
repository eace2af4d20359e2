"""Every error message a module keeps as an ``ERR_...`` constant has English.

Services raise their refusals with ``_(ERR_X)``: translated when raised, in the language of
the user who asked. A constant that nobody marked for extraction, or whose English was never
written, shows in Chinese on the English pages. This walks the source (not a list kept by
hand), so a new module's messages are covered as soon as they are written.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.utils import translation

import gongjiang

SOURCE = Path(gongjiang.__file__).resolve().parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{(\w*)\}|%\((\w+)\)s")


def error_constants() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                continue
            if not node.targets[0].id.startswith(("ERR_", "MSG_")):
                continue
            value = node.value
            if isinstance(value, ast.Call) and value.args:
                value = value.args[0]
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and CHINESE.search(value.value):
                where = f"{path.relative_to(SOURCE)}:{node.lineno} {node.targets[0].id}"
                found.append((where, value.value))
    return found


CONSTANTS = error_constants()


def test_the_walk_finds_the_services_messages():
    # If the walk broke (a renamed package, a changed pattern), every check below would pass
    # on nothing.
    assert len(CONSTANTS) > 500
    assert any(where.startswith("competitions/services/") for where, _ in CONSTANTS)


def test_every_error_constant_has_english_with_the_same_placeholders():
    missing, mismatched = [], []
    with translation.override("en"):
        for where, text in CONSTANTS:
            english = translation.gettext(text)
            if english == text:  # (the English may quote Chinese input it accepts, such as 五级)
                missing.append(where)
            elif sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(text)):
                mismatched.append(where)
    assert not missing, f"{len(missing)} error messages have no English: {missing[:20]}"
    assert not mismatched, f"English placeholders differ from the Chinese: {mismatched}"


def test_the_chinese_stays_as_written():
    with translation.override("zh-hans"):
        changed = [where for where, text in CONSTANTS if translation.gettext(text) != text]
    assert not changed


def _eager_calls(node: ast.AST, eager: set[str]) -> list[int]:
    """Lines where ``node`` calls one of ``eager`` outside any lambda or function (at import)."""
    if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
        return []
    found = []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in eager:
        found.append(node.lineno)
    for child in ast.iter_child_nodes(node):
        found.extend(_eager_calls(child, eager))
    return found


def test_no_module_translates_text_once_when_it_is_imported():
    # ``gettext`` in a module-level constant runs once, when the module is first imported, in
    # whatever language is active then: the text stays in that language for every user.
    # Module-level text must be marked lazily (gettext_lazy, or gettext_noop and gettext later).
    eager_at_import = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        eager = {
            alias.asname or alias.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
            for alias in node.names
            if alias.name in ("gettext", "ngettext", "pgettext", "npgettext")
        }
        if not eager:
            continue
        for node in tree.body:
            statements = node.body if isinstance(node, ast.ClassDef) else [node]
            for statement in statements:
                if isinstance(statement, (ast.Assign, ast.AnnAssign)):
                    eager_at_import += [f"{path.relative_to(SOURCE)}:{line}" for line in _eager_calls(statement, eager)]
    assert not eager_at_import, eager_at_import
