"""An administrator's decision on a workstation seen on the share, confirmed with their PIN."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from handledare.i18n import N_, _, format_datetime
from handledare.services import workstations
from handledare.services.sync import WorkstationStatus
from handledare.text import printable
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.pin_input import PinInput

APPROVE, REJECT, REVOKE = "approve", "reject", "revoke"

_TITLES = {
    APPROVE: N_("Approve the workstation {name}"),
    REJECT: N_("Reject the workstation {name}"),
    REVOKE: N_("Revoke the key of {name}"),
}
_EXPLAINED = {
    APPROVE: N_(
        "Its folder on the share is then applied on every workstation. Approve it only if "
        "the key below is the one its own sync status shows."
    ),
    REJECT: N_("Nothing of its folder is ever applied, and it is no longer shown as waiting."),
    REVOKE: N_(
        "For a stolen or retired workstation: what it signed up to its last batch applied "
        "here stays; everything it signs later is refused on every workstation."
    ),
}
_DONE = {
    APPROVE: N_("{name} is approved; every workstation follows at its next sync."),
    REJECT: N_("{name} is rejected; every workstation follows at its next sync."),
    REVOKE: N_("The key of {name} is revoked; every workstation follows at its next sync."),
}


class WorkstationDecision(TranslatedBindings, ModalScreen[bool]):
    app = getters.app(AppBase)

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel")]

    def __init__(self, decision: str, workstation: WorkstationStatus):
        super().__init__(classes="dialog")
        self.decision = decision
        self.workstation = workstation

    def compose(self) -> ComposeResult:
        w = self.workstation
        with Vertical(classes="dialog-box"):
            yield Label(
                literal(_(_TITLES[self.decision]).format(name=w.name)), classes="dialog-title"
            )
            first = format_datetime(datetime.fromisoformat(w.first_seen))
            facts = _("Machine {machine} · key {key} · first seen {first} · {count} batches")
            yield Static(
                Text(
                    facts.format(
                        machine=printable(w.machine), key=w.key or "—", first=first, count=w.batches
                    )
                ),
                id="facts",
            )
            yield Static(_(_EXPLAINED[self.decision]), classes="muted")
            if self.decision == REVOKE:
                yield Label(_("Why is the key revoked?"))
                yield Input(id="reason", max_length=4000)
            yield Label(_("Your PIN"))
            yield PinInput(id="pin")
            yield Label("", id="error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Confirm"), variant="primary", id="confirm")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#reason" if self.decision == REVOKE else "#pin", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "reason":
            self.query_one("#pin", Input).focus()
        else:
            self._decide()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self._decide()
        else:
            self.dismiss(False)

    def _decide(self) -> None:
        pin = self.query_one("#pin", Input).value
        reason = self.query_one("#reason", Input).value if self.decision == REVOKE else None
        store, actor = self.app.session
        workstation_id = self.workstation.workstation_id

        def decide() -> None:
            if self.decision == APPROVE:
                workstations.approve(store, actor, workstation_id, pin)
            elif self.decision == REJECT:
                workstations.reject(store, actor, workstation_id, pin)
            else:
                workstations.revoke(store, actor, workstation_id, pin, reason or "")

        in_background(self, decide, self._done, failed=self._refused)

    def _done(self, _none) -> None:
        self.app.notify(_(_DONE[self.decision]).format(name=printable(self.workstation.name)))
        self.dismiss(True)

    def _refused(self, message: str) -> None:
        self.query_one("#error", Label).update(literal(message))
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()

    def action_cancel(self) -> None:
        self.dismiss(False)
