"""Opening the app from the command line, kept apart so `--help` never imports Textual."""

from __future__ import annotations

from handledare.config import Settings


def run_app(settings: Settings) -> int:
    from handledare.tui.app import HandledareApp

    HandledareApp(settings).run()
    return 0
