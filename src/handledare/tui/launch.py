"""Opening the app from the command line, kept apart so `--help` never imports Textual."""

from __future__ import annotations

from handledare.config import Settings


def run_app(settings: Settings) -> int:
    # Imported only to open the app: every other command runs without loading Textual.
    from handledare.tui.app import HandledareApp

    HandledareApp(settings).run()
    return 0
