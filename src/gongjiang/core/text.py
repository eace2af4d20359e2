"""Lists in running text, in the reader's language.

Chinese separates the items of a list with 、 and the clauses of a sentence with ；; English
with ", " and "; ". Messages, pages and exports that join a list call these, so an English
reader does not meet Chinese punctuation inside English sentences.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import pgettext


def enumeration(items: Iterable[object]) -> str:
    """``甲、乙、丙`` in Chinese, ``a, b, c`` in English."""
    return pgettext("list separator", "、").join(str(item) for item in items)


def clauses(items: Iterable[object]) -> str:
    """``甲；乙`` in Chinese, ``a; b`` in English."""
    return pgettext("clause separator", "；").join(str(item) for item in items)
