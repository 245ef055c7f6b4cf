"""Copying the write-ahead log back into the file while a pull runs, behind its parts.

While a pull runs, no commit copies the log back (store/database.py); the pull
does it every CHECKPOINT_SECONDS and when it ends. The copy waits for the disk
for most of a second on a large file and holds up no writer (SQLite's PASSIVE
checkpoint), so it runs in a thread of its own while the next parts are written.
"""

from __future__ import annotations

import threading
import time

from handledare.store.eventlog import Store

CHECKPOINT_SECONDS = 5.0


class Checkpoints:
    def __init__(self) -> None:
        self.copied = time.perf_counter()
        self.unsaved = False
        self._copying: threading.Thread | None = None
        self._failed: list[BaseException] = []

    def written(self, store: Store, began: float) -> None:
        """A part begun at `began` is committed: copy the log back behind it when it is
        time, unless a copy is still under way."""
        self.unsaved = True
        if began - self.copied <= CHECKPOINT_SECONDS:
            return
        if self._copying is not None and self._copying.is_alive():
            return
        self.wait()

        def copy() -> None:
            try:
                store.checkpoint()
            except BaseException as error:  # raised in the pull's own thread, by wait()
                self._failed.append(error)

        self._copying = threading.Thread(target=copy, name="checkpoint", daemon=True)
        self._copying.start()
        self.copied, self.unsaved = time.perf_counter(), False

    def settle(self) -> None:
        """Wait for a copy under way (the pull ends, or has failed)."""
        if self._copying is not None:
            self._copying.join()
            self._copying = None

    def wait(self) -> None:
        """Wait for a copy under way, and raise what stopped it."""
        self.settle()
        if self._failed:
            raise self._failed.pop()

    def finish(self, store: Store) -> None:
        """The log copied back into the file, so that the next mark does not do it."""
        self.wait()
        if self.unsaved:
            store.checkpoint()
            self.copied, self.unsaved = time.perf_counter(), False
