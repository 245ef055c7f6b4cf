"""The demo being made: a progress bar while a fresh demo folder fills, then the sign-in.

Thirty-odd substitutes are walked through their checklists by the same services as real
work, step by step; that takes from a few seconds to half a minute on an office PC.
"""

from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Label, ProgressBar

from handledare.i18n import _
from handledare.services import demo
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.widgets.key_footer import KeyFooter


class DemoBuildScreen(Screen[None]):
    app = getters.app(AppBase)

    def compose(self) -> ComposeResult:
        with Center(classes="gate"), Vertical(classes="gate-box"):
            yield Label(_("Demo"), classes="gate-title")
            yield Label(
                _(
                    "Creating a demo municipality: three units, five users and some thirty "
                    "substitutes at every stage. This happens once; then you sign in."
                ),
                classes="intro",
            )
            yield ProgressBar(id="build", show_eta=False)
            yield Label(
                literal(_("Demo folder: {folder}").format(folder=self.app.settings.data_dir)),
                id="demo-folder",
                classes="muted",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        app = self.app
        bar = self.query_one("#build", ProgressBar)

        def progress(done: int, total: int) -> None:
            app.call_from_thread(bar.update, total=total, progress=done)

        in_background(
            self, lambda: demo.fill_demo(app.store_when_open(), progress=progress), self._built
        )

    def _built(self, _logins: list[demo.DemoLogin]) -> None:
        self.app.demo_built()
