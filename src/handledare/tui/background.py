"""Database and file work off the UI thread, with errors shown as messages.

A worker never touches widgets: it hands its result to a callback that runs
on the UI thread. A refused action or a broken database becomes a modal
message in the user's language, and whatever the user had typed stays.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Generic, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from handledare.errors import HandledareError
from handledare.i18n import _
from handledare.tui.app_base import app_of

T = TypeVar("T")


def in_background(
    node: DOMNode,
    call: Callable[[], T],
    done: Callable[[T], object] | None = None,
    *,
    failed: Callable[[str], None] | None = None,
    group: str = "store",
    exclusive: bool = False,
) -> Worker:
    """Run `call` in a thread; then `done(result)` or show the error, on the UI thread.

    With `exclusive`, a newer call in the same group supersedes an older one, and
    the older one's result is dropped, so a slow stale load never overwrites a fresh one.
    """
    app = app_of(node)

    def job() -> None:
        try:
            result = call()
        except HandledareError as error:
            message = error.message
        except Exception as error:
            message = _("Something went wrong and nothing was saved: {error}").format(
                error=f"{type(error).__name__}: {error}"
            )
        else:
            if done is not None and not get_current_worker().is_cancelled:
                app.call_from_thread(done, result)
            return
        app.call_from_thread(failed or app.show_error, message)

    return node.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)


def read_in_thread(read: Callable[[], T]) -> Future[T]:
    """`read` in a thread of its own, begun before the app runs (a Textual worker needs the
    app running): the names are read while Textual starts."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(read())
        except BaseException as error:  # handed to whoever waits for the result
            future.set_exception(error)

    threading.Thread(target=run, name="early-read", daemon=True).start()
    return future


class LatestRead(Generic[T]):
    """A screen's list read again whenever it may have changed, one read at a time.

    A screen is told more than once that it is shown, and a list of thousands
    takes a while to read: a request while a read runs asks for one more after
    it. Each read first asks for the data's version and skips the rest when
    nothing has changed since the last one it delivered.
    """

    def __init__(self, node: DOMNode, done: Callable[[T], None], *, group: str) -> None:
        self.node = node
        self.done = done
        self.group = group
        self._running = False
        self._next: tuple[Callable[[], Hashable], Callable[[], T]] | None = None
        self._known: Hashable = None

    def request(self, version: Callable[[], Hashable], read: Callable[[], T]) -> None:
        """In a worker: `version()`, then `read()` unless the version is the one last read."""
        if self._running:
            self._next = (version, read)
            return
        self._running = True
        known = self._known

        def job() -> tuple[Hashable, T | None]:
            current = version()
            return current, None if current == known else read()

        in_background(self.node, job, self._read, failed=self._failed, group=self.group)

    def deliver(self, version: Hashable, data: T) -> None:
        """`data` of `version`, read before the screen asked for it, shown at once."""
        self._known = version
        self.done(data)

    def _read(self, result: tuple[Hashable, T | None]) -> None:
        self._running = False
        version, data = result
        if data is not None:
            self._known = version
            self.done(data)
        pending, self._next = self._next, None
        if pending is not None:
            self.request(*pending)

    def _failed(self, message: str) -> None:
        self._running = False
        self._next = None
        app_of(self.node).show_error(message)
