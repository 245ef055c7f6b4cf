"""Opening the app from the command line, kept apart so `--help` never imports Textual."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from handledare.config import Settings

if TYPE_CHECKING:
    from handledare.tui.app import HandledareApp


def make_app(settings: Settings, *, demo: bool = False) -> HandledareApp:
    """The app as the command opens it (the bench starts it the same way)."""
    # Imported only to open the app: every other command runs without loading Textual.
    from handledare.tui.app import HandledareApp

    # Everything loaded by now (Textual, Rich, handledare) lives as long as the program:
    # frozen, the collector no longer walks it at each full collection, one of which took
    # a tenth of a second of the start, before the sign-in was drawn.
    gc.freeze()
    return HandledareApp(settings, demo=demo)


def run_app(settings: Settings, *, demo: bool = False) -> int:
    """Open the app; with `demo`, on the demo folder, building it first if it is empty."""
    make_app(settings, demo=demo).run()
    return 0
