"""Renewing a sign-off that has expired or soon will: checked again, signed again with the
PIN, without revoking it first (`signoff.renew`)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.widgets import Input, Label, Static

from handledare.domain.template import Item
from handledare.errors import InputError
from handledare.i18n import _, current_language
from handledare.services import signoff
from handledare.tui.literal import literal
from handledare.tui.screens.pin_prompt import PinDialog


class RenewSignOff(PinDialog):
    def __init__(self, onboarding_id: str, item: Item, expiry: str) -> None:
        super().__init__(_("Renew the sign-off"))
        self.onboarding_id = onboarding_id
        self.item = item
        self.expiry = expiry

    def fields(self) -> ComposeResult:
        yield Static(literal(f"{self.item.title.get(current_language())} · {self.expiry}"))
        yield Label(_("What did you check again? It is kept in the history."))
        yield Input(id="checked", max_length=4000)

    def prepare(self) -> Callable[[str], object]:
        checked = self.query_one("#checked", Input).value
        if not checked.strip():
            raise InputError(_("Write what you checked again."))
        store, actor = self.app.session
        days = self.app.settings.expiry_warning_days
        oid, key = self.onboarding_id, self.item.key
        return lambda pin: signoff.renew(store, actor, oid, key, checked, pin, days)

    def done(self, result: object) -> None:
        self.app.notify(_("The sign-off is renewed."))
        self.dismiss(True)
