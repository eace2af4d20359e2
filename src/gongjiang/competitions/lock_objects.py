"""Row locks for competitions (STYLE.md §17): short, in pk order, no-key where rows are not deleted.

A round's row is the lock that serialises everything that must see a consistent round: giving
out bib numbers and counting quotas at registration, locking, publishing and recomputing results.
"""

from __future__ import annotations

from gongjiang.competitions.models import EventRound


def round_for_update(pk: int) -> EventRound:
    return (
        EventRound.objects.select_for_update(no_key=True, of=("self",))
        .select_related("event", "event__competition", "stage")
        .get(pk=pk)
    )
