"""Dialogs that ask for a PIN: to confirm an action, and to choose a new PIN.

A wrong PIN is counted by the service as at sign-in; its message (tries left,
or how long the user must wait) stays in the dialog, and the PIN field is
cleared for the next try.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from handledare.i18n import N_, _
from handledare.security import pin_problem
from handledare.services import pins
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.compact import CompactWhenShort
from handledare.tui.literal import literal
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.pin_input import PinInput


class PinPrompt(CompactWhenShort, TranslatedBindings, ModalScreen[bool]):
    """Confirm an action with the signed-in user's PIN; `action(pin)` runs in a worker."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel")]

    def __init__(self, title: str, action: Callable[[str], object]):
        super().__init__(classes="dialog")
        self.heading = title
        self.action = action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(literal(self.heading), classes="dialog-title")
            yield Label(_("Your PIN"))
            yield PinInput(id="pin")
            yield Label("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Confirm"), variant="primary", id="confirm")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        field = self.query_one("#pin", Input)
        pin, field.value = field.value, ""
        if not pin:
            self.query_one("#error", Label).update(_("Enter your PIN."))
            return
        in_background(
            self,
            lambda: self.action(pin),
            lambda _done: self.dismiss(True),
            failed=lambda message: self.query_one("#error", Label).update(literal(message)),
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class NewPinDialog(CompactWhenShort, ModalScreen[None]):
    """The signed-in user's PIN is too easy to guess: they choose a new one before going on.

    It has no Cancel on purpose; Ctrl+L still locks the screen.
    """

    app = getters.app(AppBase)

    def __init__(self) -> None:
        super().__init__(classes="dialog")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(_("Choose a new PIN"), classes="dialog-title")
            yield Static(
                _(
                    "Your PIN is too easy to guess under the rules that now apply. "
                    "Choose a new one before you go on."
                )
            )
            yield Label(_("New PIN"))
            yield PinInput(id="pin")
            yield Label(_("The same PIN again"))
            yield PinInput(id="pin2")
            yield Label("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="save")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _next(self) -> None:
        self.query_one("#pin2", Input).focus()

    @on(Input.Submitted, "#pin2")
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        pin = self.query_one("#pin", Input).value
        again = self.query_one("#pin2", Input).value
        store, actor = self.app.session
        problem = pin_problem(pin, actor.role) or (
            "" if pin == again else _("The two PINs differ.")
        )
        if problem:
            self.query_one("#error", Label).update(problem)
            return
        in_background(
            self,
            lambda: pins.change_pin(store, actor, actor.user_id, pin),
            lambda _done: self._changed(),
            failed=lambda message: self.query_one("#error", Label).update(literal(message)),
        )

    def _changed(self) -> None:
        self.app.notify(_("Your PIN has been changed."))
        self.dismiss(None)
