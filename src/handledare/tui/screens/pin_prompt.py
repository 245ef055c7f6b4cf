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
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from handledare.errors import InputError
from handledare.i18n import N_, _
from handledare.security import pin_problem
from handledare.services import pins
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.compact import CompactWhenShort
from handledare.tui.literal import literal
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.pin_input import PinInput


class PinDialog(CompactWhenShort, TranslatedBindings, ModalScreen[bool]):
    """A decision confirmed with the signed-in user's PIN.

    The base of every such dialog: a heading, what the dialog asks besides the PIN
    (`fields`: a reason, dates, ...), the PIN, and `prepare`, which reads those fields on
    the UI thread and returns the work to run with the PIN in a worker. Enter in a field
    goes to the next; Enter in the PIN field confirms. A refusal stays in the dialog, with
    the PIN cleared for the next try.
    """

    app = getters.app(AppBase)

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel")]
    confirm_label = N_("Confirm")

    def __init__(self, heading: str) -> None:
        super().__init__(classes="dialog")
        self.heading = heading

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Label(literal(self.heading), classes="dialog-title")
            yield from self.fields()
            yield Label(_("Your PIN"))
            yield PinInput(id="pin")
            yield Label("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_(self.confirm_label), variant="primary", id="confirm")
                yield Button(_("Cancel"), id="cancel")

    def fields(self) -> ComposeResult:
        """What the dialog asks for above the PIN; nothing by default."""
        yield from ()

    def prepare(self) -> Callable[[str], object]:
        """Read the fields (UI thread) and return the work to do with the PIN (worker).
        Raise InputError for a field that must be fixed first."""
        raise NotImplementedError

    def done(self, result: object) -> None:
        """After the work succeeded: close the dialog."""
        self.dismiss(True)

    def on_mount(self) -> None:
        self.first_field().focus()

    def first_field(self) -> Widget:
        """Where typing starts: the first field, the PIN when there is nothing else."""
        return self.query(Input).first()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "pin":
            self._confirm()
        else:
            self.focus_next()

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        field = self.query_one("#pin", Input)
        pin, field.value = field.value, ""
        try:
            work = self.prepare()
        except InputError as problem:
            self.refused(str(problem))
            return
        if not pin:
            self.refused(_("Enter your PIN."))
            return
        in_background(self, lambda: work(pin), self.done, failed=self.refused)

    def refused(self, message: str) -> None:
        self.query_one("#error", Label).update(literal(message))
        self.query_one("#pin", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class PinPrompt(PinDialog):
    """Confirm an action with the signed-in user's PIN; `action(pin)` runs in a worker."""

    def __init__(self, title: str, action: Callable[[str], object]):
        super().__init__(title)
        self.action = action

    def prepare(self) -> Callable[[str], object]:
        return self.action


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
