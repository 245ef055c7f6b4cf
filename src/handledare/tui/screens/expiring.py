"""Signed items that have expired or soon will, across the user's units."""

from __future__ import annotations

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Label

from handledare.i18n import N_, _, current_language, format_date, ngettext
from handledare.services import overview
from handledare.text import printable
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.screens.person_review import PersonReviewScreen
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.fitted_table import FittedTable
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.status_line import StatusLine


class ExpiringScreen(TranslatedBindings, Screen):
    app = getters.app(AppBase)

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="back"),
        Binding("enter", "open", N_("Open"), id="open"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(
            _("Expired or expiring within {days} days").format(days=overview.EXPIRY_WARNING_DAYS),
            classes="screen-title",
        )
        # The unit goes first as the terminal narrows, then the person's name.
        yield FittedTable(
            [_("Expires"), _("Name"), _("Item"), _("Unit")],
            [0, 1, 0, 2],
            shrink=(2,),
            id="expiring",
        )
        yield Label("", id="count", classes="muted")
        yield StatusLine()
        yield KeyFooter()

    items: list[overview.ExpiringItem] = []

    def on_mount(self) -> None:
        self.query_one("#expiring", FittedTable).focus()
        store, actor = self.app.session
        today = self.app.clock().date()
        in_background(self, lambda: overview.expiring_items(store, actor, today), self._loaded)

    def _loaded(self, items: list[overview.ExpiringItem]) -> None:
        self.items = items
        today = self.app.clock().date()
        language = current_language()
        rows = []
        for index, item in enumerate(items):
            expired = item.expired(today)
            when = format_date(item.expires_on)
            cells = (
                Text(
                    _("expired {date}").format(date=when) if expired else when,
                    style="bold red" if expired else "yellow",
                ),
                printable(item.person_name),
                f"{item.item_number} {item.item_title.get(language)}",
                printable(item.unit_name),
            )
            rows.append((str(index), cells))
        self.query_one("#expiring", FittedTable).show_rows(rows)
        self.query_one("#count", Label).update(
            ngettext("{count} item", "{count} items", len(items)).format(count=len(items))
            if items
            else _("Nothing has expired, and nothing expires within 30 days.")
        )

    def action_open(self) -> None:
        table = self.query_one("#expiring", FittedTable)
        if table.row_count:
            item = self.items[table.cursor_row]
            self.app.push_screen(PersonReviewScreen(item.onboarding_id))

    def action_back(self) -> None:
        self.app.pop_screen()
