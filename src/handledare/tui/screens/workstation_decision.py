"""An administrator's decision on a workstation seen on the share, confirmed with their PIN."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Label, Static

from handledare.i18n import N_, _, format_datetime
from handledare.services import workstations
from handledare.services.sync import WorkstationStatus
from handledare.text import printable
from handledare.tui.screens.pin_prompt import PinDialog

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


class WorkstationDecision(PinDialog):
    def __init__(self, decision: str, workstation: WorkstationStatus):
        super().__init__(_(_TITLES[decision]).format(name=workstation.name))
        self.decision = decision
        self.workstation = workstation

    def fields(self) -> ComposeResult:
        w = self.workstation
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

    def prepare(self) -> Callable[[str], object]:
        reason = self.query_one("#reason", Input).value if self.decision == REVOKE else ""
        store, actor = self.app.session
        workstation_id = self.workstation.workstation_id
        decision = self.decision

        def decide(pin: str) -> None:
            if decision == APPROVE:
                workstations.approve(store, actor, workstation_id, pin)
            elif decision == REJECT:
                workstations.reject(store, actor, workstation_id, pin)
            else:
                workstations.revoke(store, actor, workstation_id, pin, reason)

        return decide

    def done(self, result: object) -> None:
        self.app.notify(_(_DONE[self.decision]).format(name=printable(self.workstation.name)))
        self.dismiss(True)
