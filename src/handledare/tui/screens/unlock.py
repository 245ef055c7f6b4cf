"""An administrator lets a user whose wrong PINs locked them out on this workstation in again."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from handledare.i18n import N_, _, format_datetime
from handledare.services import pins
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.translated import TranslatedBindings


class UnlockDialog(TranslatedBindings, ModalScreen[None]):
    app = getters.app(AppBase)

    BINDINGS = [Binding("escape", "dismiss", N_("Close"), id="close")]

    def __init__(self) -> None:
        super().__init__(classes="dialog")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(_("Unlock a user"), classes="dialog-title")
            yield Static(_("Users with wrong PINs on this workstation. Enter unlocks."))
            yield OptionList(id="locked")
            yield Label("", id="message")

    def on_mount(self) -> None:
        store = self.app.session.store
        in_background(self, lambda: pins.lockouts(store), self._loaded)

    def _loaded(self, lockouts: list[pins.Lockout]) -> None:
        options = self.query_one("#locked", OptionList)
        options.clear_options()
        for lockout in lockouts:
            state = (
                _("locked until {time}").format(time=format_datetime(lockout.until))
                if lockout.until
                else _("not locked yet")
            )
            options.add_option(
                Option(
                    literal(
                        _("{name}: {state}, {count} wrong PINs").format(
                            name=lockout.name, state=state, count=lockout.failures
                        )
                    ),
                    id=lockout.user_id,
                )
            )
        if lockouts:
            options.highlighted = 0
        else:
            self.query_one("#message", Label).update(_("No one has typed a wrong PIN here."))
        options.focus()

    @on(OptionList.OptionSelected, "#locked")
    def _unlock(self, event: OptionList.OptionSelected) -> None:
        (store, actor), user_id = self.app.session, event.option.id
        if user_id is None:
            return

        def done(_result: None) -> None:
            self.app.notify(_("The user can sign in again."))
            in_background(self, lambda: pins.lockouts(store), self._loaded)

        in_background(self, lambda: pins.unlock(store, actor, user_id), done)
