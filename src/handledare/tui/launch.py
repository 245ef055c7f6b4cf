"""Opening the app from the command line, kept apart so `--help` never imports Textual."""

from __future__ import annotations

from handledare.config import Settings


def run_app(settings: Settings, *, demo: bool = False) -> int:
    """Open the app; with `demo`, on the demo folder, building it first if it is empty."""
    # Imported only to open the app: every other command runs without loading Textual.
    from handledare.tui.app import HandledareApp

    HandledareApp(settings, demo=demo).run()
    return 0
