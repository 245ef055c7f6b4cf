"""What has expired or expires soon across the user's units: signed items with a validity
and delegations, each with a marker and a word (never colour alone)."""

from __future__ import annotations

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Label

from handledare.domain.validity import Validity
from handledare.i18n import N_, _, format_date, ngettext
from handledare.services import expiring
from handledare.text import printable
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.fitted_table import FittedTable
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.status_line import StatusLine

KINDS = {expiring.SIGN_OFF: N_("sign-off"), expiring.DELEGATION: N_("delegation")}
STYLES = {Validity.EXPIRED: "bold red", Validity.EXPIRING: "yellow"}


def summary(counts: expiring.Counts, days: int) -> Text:
    """One line for a home screen: how many expire soon and how many have expired."""
    soon, gone = counts.soon, counts.gone
    if not soon and not gone:
        return Text(_("Nothing has expired, and nothing expires within {days} days.").format(
            days=days))  # fmt: skip
    parts = []
    if soon:
        parts.append(
            f"{Validity.EXPIRING.marker} "
            + ngettext(
                "{count} expires within {days} days", "{count} expire within {days} days", soon
            ).format(count=soon, days=days)
        )
    if gone:
        parts.append(
            f"{Validity.EXPIRED.marker} "
            + ngettext("{count} has expired", "{count} have expired", gone).format(count=gone)
        )
    return Text(" · ".join(parts) + " " + _("(x lists them)"), style="bold")


class ExpiringScreen(TranslatedBindings, Screen[None]):
    app = getters.app(AppBase)

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="back"),
        Binding("enter", "open", N_("Open"), id="open"),
    ]

    found: list[expiring.Expiring] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(
            _("Expired or expiring within {days} days").format(
                days=self.app.settings.expiry_warning_days
            ),
            classes="screen-title",
        )
        # The unit goes first as the terminal narrows, then the kind and the name; the text
        # of what runs out is cut before that.
        yield FittedTable(
            [_("State"), _("Last day"), _("Name"), _("Kind"), _("What"), _("Unit")],
            [0, 0, 1, 1, 0, 2],
            shrink=(4,),
            id="expiring",
        )
        yield Label("", id="count", classes="muted")
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#expiring", FittedTable).focus()
        store, actor = self.app.session
        today = self.app.clock().astimezone().date()
        days = self.app.settings.expiry_warning_days
        in_background(self, lambda: expiring.expiring(store, actor, today, days), self._loaded)

    def _loaded(self, found: list[expiring.Expiring]) -> None:
        self.found = found
        rows = [
            (
                str(index),
                (
                    Text(e.state.shown(), style=STYLES.get(e.state, "")),
                    format_date(e.last_day),
                    printable(e.person_name),
                    _(KINDS[e.kind]),
                    printable(e.what),
                    printable(e.unit_name),
                ),
            )
            for index, e in enumerate(found)
        ]
        self.query_one("#expiring", FittedTable).show_rows(rows)
        days = self.app.settings.expiry_warning_days
        self.query_one("#count", Label).update(
            ngettext("{count} row", "{count} rows", len(found)).format(count=len(found))
            if found
            else _("Nothing has expired, and nothing expires within {days} days.").format(days=days)
        )

    def on_data_table_row_selected(self) -> None:
        """Enter on a row: the table takes the key before the screen's binding does."""
        self.action_open()

    def action_open(self) -> None:
        # Imported when first opened: this list paints without them.
        from handledare.tui.screens.delegations import DelegationsScreen
        from handledare.tui.screens.person_review import PersonReviewScreen

        table = self.query_one("#expiring", FittedTable)
        if not table.row_count:
            return
        chosen = self.found[table.cursor_row]
        if chosen.onboarding_id is not None:
            self.app.push_screen(PersonReviewScreen(chosen.onboarding_id))
        else:
            self.app.push_screen(DelegationsScreen(chosen.person_id, chosen.person_name))

    def action_back(self) -> None:
        self.app.pop_screen()
