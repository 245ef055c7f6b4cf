"""The Textual application: for now a start screen showing what the store holds."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from handledare.config import Settings
from handledare.errors import HandledareError
from handledare.i18n import _
from handledare.services import overview
from handledare.store.eventlog import Store


class HandledareApp(App):
    CSS_PATH = "app.tcss"

    def __init__(self, settings: Settings):
        super().__init__()
        self.settings = settings
        self.title = "handledare"
        self.sub_title = _("Introduction of substitutes")

    # Evaluated at import, which happens after the language is chosen.
    BINDINGS = [Binding("q", "quit", _("Quit"), id="quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="start"):
            yield Static(_("Welcome to handledare."), id="welcome")
            yield Static(_("Opening the database ..."), id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.load_summary()

    @work(thread=True, exit_on_error=False)
    def load_summary(self) -> None:
        try:
            store = Store.open(self.settings.database_path)
            counts = overview.counts(store)
            store.close()
            text = _(
                "{units} units, {users} users, {people} substitutes, {onboardings} onboardings."
            ).format(**counts)
        except HandledareError as error:
            text = error.message
        self.call_from_thread(self.query_one("#summary", Static).update, Text(text))
