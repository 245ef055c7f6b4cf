"""Small modal dialogs: a message, a text prompt, and the list of keys."""

from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Input, Label, Static

from handledare.i18n import N_, _
from handledare.tui.app_base import AppBase
from handledare.tui.keys import offered_keys
from handledare.tui.literal import literal
from handledare.tui.translated import TranslatedBindings


class MessageDialog(TranslatedBindings, ModalScreen[None]):
    """A problem explained; the screen underneath keeps everything typed."""

    BINDINGS = [Binding("escape,enter", "dismiss", N_("Close"), id="close")]

    def __init__(self, message: str, title: str | None = None):
        super().__init__(classes="dialog")
        self.message = message
        self.heading = title or _("Could not be done")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(self.heading, classes="dialog-title")
            yield Static(literal(self.message), id="message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("OK"), variant="primary", id="ok")

    def on_button_pressed(self) -> None:
        self.dismiss()


class TextPrompt(TranslatedBindings, ModalScreen[str | None]):
    """Ask for one line of text (a reason, a note); empty is refused here already."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel")]

    def __init__(self, title: str, label: str, *, required: bool = True, value: str = ""):
        super().__init__(classes="dialog")
        self.heading = title
        self.label = label
        self.required = required
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(literal(self.heading), classes="dialog-title")
            yield Label(self.label)
            yield Input(self.value, id="text", max_length=4000)
            yield Label("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def on_input_submitted(self) -> None:
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def _save(self) -> None:
        value = self.query_one("#text", Input).value
        if self.required and not value.strip():
            self.query_one("#error", Label).update(_("Write something first, or press Esc."))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpDialog(TranslatedBindings, ModalScreen[None]):
    """Every key of the screen underneath and of the whole app, on one page without scrolling.

    The keys stand in one pair of columns, or in two side by side when one would not
    fit the terminal's height.
    """

    app = getters.app(AppBase)

    BINDINGS = [Binding("escape,f1,question_mark", "dismiss", N_("Close"), id="close")]
    # The border, the title, the table's heading and the closing hint.
    CHROME_ROWS = 5

    def __init__(self, under: Screen):
        super().__init__(classes="dialog")
        self.under = under

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box help-box"):
            yield Label(_("Keys"), classes="dialog-title")
            yield DataTable(id="keys", cursor_type="none", zebra_stripes=True, show_cursor=False)
            yield Label(_("Esc closes this list."), classes="muted")

    def on_mount(self) -> None:
        keys = offered_keys(self.app, self.under)
        rows = max(self.app.size.height - self.CHROME_ROWS, 1)
        pairs = 1 if len(keys) <= rows else 2
        self.query_one(".help-box").set_class(pairs == 2, "two-columns")
        per_column = -(-len(keys) // pairs)
        table = self.query_one("#keys", DataTable)
        table.add_columns(*[_("Key"), _("What it does")] * pairs)
        for row in range(per_column):
            cells: list[str] = []
            for column in range(pairs):
                index = column * per_column + row
                if index < len(keys):
                    cells += [" / ".join(keys[index].keys), keys[index].label]
                else:
                    cells += ["", ""]
            table.add_row(*cells)
