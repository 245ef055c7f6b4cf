"""The first start on a workstation: create the first administrator, and a unit if wanted."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Center, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label

from handledare.domain.enums import Role
from handledare.i18n import _
from handledare.security import pin_problem
from handledare.services import people, pins, templates
from handledare.tui.app_base import AppBase
from handledare.tui.background import in_background
from handledare.tui.compact import CompactWhenShort
from handledare.tui.screens.gate import SignInScreen
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.pin_input import PinInput
from handledare.tui.widgets.sync_progress import SyncProgress


class FirstRunScreen(CompactWhenShort, Screen):
    app = getters.app(AppBase)
    AUTO_FOCUS = "#name"

    def compose(self) -> ComposeResult:
        with Center(classes="gate"), VerticalScroll(classes="gate-box wizard"):
            yield Label(_("Welcome to handledare"), classes="gate-title")
            yield Label(
                _(
                    "No one has used handledare on this computer yet. "
                    "Create the first administrator, who can then add the others. "
                    "The checklists that come with handledare are imported at the same time."
                ),
                classes="intro",
            )
            if self.app.settings.share_path is not None:
                yield Label(
                    _(
                        "A share is set up for this computer: if your municipality already "
                        "uses handledare, do not create an administrator here. Ask one to "
                        "approve this computer (F6 on theirs); its users then arrive by "
                        "themselves and you sign in as usual."
                    ),
                    id="joining",
                    classes="intro",
                )
            yield Label(_("Your full name"))
            yield Input(id="name", max_length=200)
            yield Label("", id="name-error", classes="error")
            yield Label(_("Choose a PIN (6-8 digits)"))
            yield PinInput(id="pin")
            yield Label(_("The same PIN again"))
            yield PinInput(id="pin2")
            yield Label("", id="pin-error", classes="error")
            yield Label(_("First unit (optional), e.g. Hemtjänst Norr"))
            yield Input(id="unit", max_length=200)
            yield Button(_("Create administrator"), variant="primary", id="create")
            yield Label("", id="message", classes="error")
        yield SyncProgress(top=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        # Focusing the name scrolls it into view; the explanations above it come first.
        self.call_after_refresh(self._show_from_the_top)

    def _show_from_the_top(self) -> None:
        for box in self.query(VerticalScroll):
            box.scroll_home(animate=False)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "unit":
            self._create()
        else:
            self.focus_next()

    @on(Button.Pressed, "#create")
    def _create(self) -> None:
        name = self.query_one("#name", Input).value
        pin = self.query_one("#pin", Input).value
        again = self.query_one("#pin2", Input).value
        unit = self.query_one("#unit", Input).value
        name_error = "" if name.strip() else _("Write your name.")
        pin_error = pin_problem(pin, Role.ADMIN) or (
            "" if pin == again else _("The two PINs differ.")
        )
        self.query_one("#name-error", Label).update(name_error)
        self.query_one("#pin-error", Label).update(pin_error)
        if name_error or pin_error:
            return
        app = self.app

        def create() -> None:
            store = app.store_when_open()
            user = people.add_user(store, None, name, Role.ADMIN, pin)
            admin = pins.sign_in(store, user.id, pin).actor
            templates.import_bundled(store, admin)
            if unit.strip():
                people.add_unit(store, admin, unit)

        in_background(self, create, self._created, failed=self.query_one("#message", Label).update)

    def users_arrived(self) -> None:
        """A sync round brought the share's users: this computer joined, nobody is created."""
        self.app.notify(_("The users have arrived from the share. Sign in with your PIN."))
        self.app.switch_screen(SignInScreen())

    def _created(self, _result: None) -> None:
        self.app.notify(_("The administrator has been created. Sign in with your PIN."))
        self.app.switch_screen(SignInScreen())
