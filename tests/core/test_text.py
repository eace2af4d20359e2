"""Lists in running text follow the reader's language (core.text)."""

from __future__ import annotations

import pytest
from django.utils import translation

from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.text import clauses, enumeration


def test_lists_and_clauses_are_punctuated_for_the_reader():
    with translation.override("zh-hans"):
        assert enumeration(["甲", "乙", 3]) == "甲、乙、3"
        assert clauses(["缺少评分", "未提交"]) == "缺少评分；未提交"
    with translation.override("en"):
        assert enumeration(["a", "b", 3]) == "a, b, 3"
        assert clauses(["marks missing", "not submitted"]) == "marks missing; not submitted"
    assert enumeration([]) == "" and enumeration(iter(["x"])) == "x"


def test_a_refusal_lists_what_is_accepted_in_the_readers_punctuation():
    from gongjiang.imports.exporters import get_exporter

    with translation.override("en"), pytest.raises(ApplicationError) as error:
        get_exporter("nonsense")
    message = str(error.value.errors["entity"][0])
    assert "certificates, honors" in message and "、" not in message
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        get_exporter("nonsense")
    assert "certificates、honors" in str(error.value.errors["entity"][0])


def test_no_module_joins_a_list_with_chinese_punctuation_directly():
    # The pure rule modules explain themselves in Chinese (documented), and the demo city's
    # data is Chinese; everything else reaches readers of either language.
    from pathlib import Path

    import gongjiang

    source = Path(gongjiang.__file__).resolve().parent
    offenders = [
        f"{path.relative_to(source)}:{number}"
        for path in sorted(source.rglob("*.py"))
        if path.name not in ("rules.py", "demo.py") and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if '"、".join(' in line or '"；".join(' in line
    ]
    assert not offenders, offenders
