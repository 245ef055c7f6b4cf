"""Whose turn it is to write: a supervisor's mark before the next part of a pull.

SQLite lets one writer at a time and makes the others poll for the lock, so a
mark that waits while a pull commits part after part could miss every gap
between them. In this process a local write (a mark, a sign-off) says that it
waits; the pull finishes the part it is writing and begins no other until the
local writes are done. Local writes take turns among themselves as well: SQLite
makes a writer that finds the lock taken sleep and poll (for up to 100 ms a time),
so two of them meeting in SQLite could keep one waiting well after the lock is
free, where a turn here is handed over at once. Between processes (the command
line syncing while the app is open) SQLite's busy timeout still decides.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class WriteTurns:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._local = 0  # local writes waiting or under way
        self._pulling = False  # a part of a pull is being written
        self._writer: int | None = None  # the thread whose local write is under way
        self._nested = 0  # its writes within that write (SQLite decides those, as before)
        self.pulls = 0  # pulls under way, between their parts too

    @contextmanager
    def pull(self) -> Iterator[None]:
        """A whole pull, from its first part to its last: while it runs, a local write leaves
        copying the log back into the file to the pull (engine.Parts)."""
        with self._changed:
            self.pulls += 1
        try:
            yield
        finally:
            with self._changed:
                self.pulls -= 1

    @contextmanager
    def local(self) -> Iterator[None]:
        """A write made here: it waits for the part of a pull being written and for the other
        local write under way, no more."""
        me = threading.get_ident()
        with self._changed:
            if self._writer == me:
                self._nested += 1
            else:
                self._local += 1
                self._changed.wait_for(lambda: not self._pulling and self._writer is None)
                self._writer = me
        try:
            yield
        finally:
            with self._changed:
                if self._nested:
                    self._nested -= 1
                else:
                    self._local -= 1
                    self._writer = None
                    self._changed.notify_all()

    @contextmanager
    def pulled(self) -> Iterator[None]:
        """A part of a pull: it begins once no local write waits or is under way."""
        with self._changed:
            self._changed.wait_for(lambda: self._local == 0 and not self._pulling)
            self._pulling = True
        try:
            yield
        finally:
            with self._changed:
                self._pulling = False
                self._changed.notify_all()
