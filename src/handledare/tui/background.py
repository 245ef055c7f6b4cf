"""Database and file work off the UI thread, with errors shown as messages.

A worker never touches widgets: it hands its result to a callback that runs
on the UI thread. A refused action or a broken database becomes a modal
message in the user's language, and whatever the user had typed stays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from handledare.errors import HandledareError
from handledare.i18n import _

T = TypeVar("T")


def in_background(
    node: DOMNode,
    call: Callable[[], T],
    done: Callable[[T], None] | None = None,
    *,
    failed: Callable[[str], None] | None = None,
    group: str = "store",
    exclusive: bool = False,
) -> Worker:
    """Run `call` in a thread; then `done(result)` or show the error, on the UI thread.

    With `exclusive`, a newer call in the same group supersedes an older one, and
    the older one's result is dropped, so a slow stale load never overwrites a fresh one.
    """
    app = node.app

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
