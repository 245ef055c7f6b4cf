"""Ending a session: what was marked, the substitute's acknowledgement, the supervisor's PIN.

Nothing is signed until all three are done; then everything is signed in
one transaction.
"""

from __future__ import annotations

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Header, Input, Label

from handledare.domain.template import Item
from handledare.i18n import N_, _, current_language, ngettext
from handledare.services import signoff
from handledare.services.onboarding import ItemState
from handledare.text import printable
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.pin_input import PinInput


class SignOffScreen(TranslatedBindings, Screen[int | None]):
    app = getters.app(AppBase)

    BINDINGS = [Binding("escape", "cancel", N_("Back without signing"), id="cancel")]

    def __init__(
        self, onboarding_id: str, person_name: str, items: list[tuple[str, Item, ItemState]]
    ):
        super().__init__()
        self.onboarding_id = onboarding_id
        self.person_name = person_name
        self.items = items

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="sign-off"):
            yield Label(_("End the session and sign"), classes="screen-title")
            yield Label(
                literal(
                    ngettext(
                        "1. This item was gone through with {name}:",
                        "1. These {count} items were gone through with {name}:",
                        len(self.items),
                    ).format(count=len(self.items), name=self.person_name)
                ),
                id="summary-title",
            )
            yield DataTable(id="summary", cursor_type="none", zebra_stripes=True)
            yield Label(_("2. The substitute types their full name to acknowledge:"))
            yield Input(id="acknowledgement", max_length=200)
            yield Label(_("Substitute's comment (optional)"))
            yield Input(id="comment", max_length=4000)
            yield Label(_("3. You confirm with your PIN:"))
            yield PinInput(id="pin")
            yield Label("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Sign"), variant="primary", id="sign")
                yield Button(_("Back without signing"), id="cancel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = printable(self.person_name)
        table = self.query_one("#summary", DataTable)
        table.add_columns(_("Item"), _("Marked as"), _("Proof"))
        language = current_language()
        for number, item, state in self.items:
            assert state.mark is not None  # the items ready to sign are the marked ones
            proof = printable(state.evidence.summary()) if state.evidence else ""
            if state.not_applicable:
                proof = printable(state.reason or "")
            table.add_row(
                Text(f"{number} {item.title.get(language)}"), Text(state.mark.label), Text(proof)
            )
        self.query_one("#acknowledgement", Input).focus()

    @on(Input.Submitted, "#acknowledgement, #comment")
    def _next(self) -> None:
        self.focus_next()

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#sign")
    def _sign(self) -> None:
        error = self.query_one("#error", Label)
        typed = self.query_one("#acknowledgement", Input).value
        comment = self.query_one("#comment", Input).value or None
        pin_input = self.query_one("#pin", Input)
        pin = pin_input.value
        pin_input.value = ""
        if not typed.strip():
            error.update(_("The substitute must type their full name first."))
            self.query_one("#acknowledgement", Input).focus()
            return
        if not pin:
            error.update(_("Enter your PIN to sign."))
            pin_input.focus()
            return
        store, actor = self.app.session
        oid = self.onboarding_id
        keys = [item.key for _number, item, _state in self.items]
        in_background(
            self,
            lambda: signoff.sign_off(store, actor, oid, keys, pin, typed, comment),
            lambda _done: self._signed(len(keys)),
            failed=lambda message: error.update(literal(message)),
        )

    def _signed(self, count: int) -> None:
        self.app.action_sync()
        self.app.notify(
            ngettext("{count} item signed.", "{count} items signed.", count).format(count=count)
        )
        self.dismiss(count)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
