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
            if not node.targets[0].id.startswith("ERR_"):
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
