"""Onboardings a pull has projected, kept in memory for its next parts.

A pull commits in parts of about 35 ms (so that a mark never waits long), and
one onboarding's events usually span several parts: reading its items again
for each part was most of what projecting cost on a large file. What is kept
is used only while nobody but this pull has written to the store since its
last part: every write that stores an event moves the stored clock, so the
events' last rowid and the clock, as the last part left them, say so. It is
dropped when a part fails and for every entity projected again from its events.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from handledare.store import onboarding_projection as onboardings
from handledare.store.onboarding_projection import Onboarding

# About 17 KB each at full scale (44 KB while items were dicts): a pull keeps some 17 MB.
# There a pull folds some 3,400 onboardings: with 500 kept it read 8,600 as the parts took
# turns among them, with 1,000 4,450; none kept cost it 0.65 s more (BENCHMARKS.md).
KEPT_ONBOARDINGS = 1000

Mark = tuple[int | None, str | None]


def store_mark(connection: sqlite3.Connection) -> Mark:
    """The events' last rowid and the stored clock: both move with every event stored."""
    (rowid,) = connection.execute("SELECT max(rowid) FROM events").fetchone()
    clock = connection.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()
    return rowid, clock[0] if clock else None


class KeptOnboardings:
    def __init__(self, limit: int = KEPT_ONBOARDINGS) -> None:
        self.limit = limit
        self._states: OrderedDict[str, Onboarding] = OrderedDict()
        self._left: Mark | None = None  # the store as this pull's last part left it

    def begin(self, connection: sqlite3.Connection) -> None:
        """At the start of a part, in its transaction: forget everything if anyone else has
        written since the last part."""
        if self._left is None or store_mark(connection) != self._left:
            self.clear()
        self._left = None  # until this part is committed

    def prefetch(self, connection: sqlite3.Connection, ids: Iterable[str]) -> None:
        """Before a part takes the write lock, in a read transaction: read the onboardings it
        will fold that are not kept yet, so that the part does not read them while every
        mark waits for it. What is kept now is the store as this read sees it; if anyone
        writes before the part begins, `begin` forgets it all."""
        mark = store_mark(connection)
        if mark != self._left:
            self.clear()
            self._left = mark
        self.keep(onboardings.load(connection, set(ids) - self._states.keys()))

    def committed(self, left: Mark) -> None:
        """The part is committed, leaving the store at `left`."""
        self._left = left

    def load(self, connection: sqlite3.Connection, ids: Iterable[str]) -> dict[str, Onboarding]:
        """These onboardings' projected state: kept, or read from the store."""
        wanted = set(ids)
        found = {key: self._states[key] for key in wanted if key in self._states}
        found.update(onboardings.load(connection, wanted - found.keys()))
        return found

    def keep(self, states: Mapping[str, Onboarding]) -> None:
        """States as they are now stored (saved, or loaded and left unchanged)."""
        for key, state in states.items():
            self._states[key] = state
            self._states.move_to_end(key)
        while len(self._states) > self.limit:
            self._states.popitem(last=False)

    def forget(self, ids: Iterable[str]) -> None:
        for key in ids:
            self._states.pop(key, None)

    def clear(self) -> None:
        self._states.clear()
        self._left = None
