"""What shows before anyone is signed in: start-up, sign-in and the lock screen.

Nothing personal is shown here beyond the staff names to choose from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from handledare.domain.actor import Actor
from handledare.i18n import N_, _
from handledare.services import sign_in
from handledare.services.sign_in import StaffName
from handledare.text import fold
from handledare.tui.app_base import AppBase, FirstRead, app_of
from handledare.tui.background import in_background
from handledare.tui.literal import literal
from handledare.tui.translated import TranslatedBindings
from handledare.tui.widgets.demo_users import demo_table
from handledare.tui.widgets.key_footer import KeyFooter
from handledare.tui.widgets.pin_input import PinInput
from handledare.tui.widgets.sync_progress import SyncProgress
from handledare.tui.widgets.user_list import ROWS, UserList

if TYPE_CHECKING:
    from handledare.services.demo import DemoLogin
    from handledare.services.people import User
    from handledare.services.pins import SignedIn


class StartScreen(Screen):
    def __init__(self, problem: str | None = None):
        super().__init__()
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Center(classes="gate"):
            yield Label("handledare", classes="gate-title")
            if self.problem:
                yield Label(literal(self.problem), classes="error", id="problem")
                yield Label(_("Press Ctrl+Q to quit."))
            else:
                yield Label(_("Opening the database ..."))


class PinAttempt:
    """A sign-in attempt for one user; wrong PINs and lockouts are counted by the service."""

    def __init__(self, screen: Screen, message: Label, pin: Input):
        self.screen = screen
        self.message = message
        self.pin = pin

    def try_pin(self, user_id: str) -> None:
        app = app_of(self.screen)
        pin = self.pin.value
        self.pin.value = ""

        def attempt() -> tuple[SignedIn, User, FirstRead | None]:
            # Imported in the worker: people loads SQLModel, which the sign-in never waits for.
            from handledare.services import people, pins

            store = app.store_when_open()
            signed_in = pins.sign_in(store, user_id, pin)  # nothing is read before it passes
            user = people.get_user(store, user_id)
            return signed_in, user, app.read_home(store, signed_in.actor)

        in_background(
            self.screen,
            attempt,
            lambda result: app.signed_in(*result),
            failed=lambda message: self.message.update(literal(message)),
        )


# Names listed at once; the rest are added once those are drawn.
FIRST_NAMES = 2 * ROWS


class SignInScreen(TranslatedBindings, Screen):
    app = getters.app(AppBase)

    BINDINGS = [Binding("escape", "clear", N_("Clear"), id="clear")]

    def __init__(self, names: list[StaffName] | None = None):
        """`names` when the app already read them at start; otherwise read on mount."""
        super().__init__()
        self.users: list[StaffName] = []
        self._folded: list[str] = []
        self._set_users(names or [])
        self.chosen: str | None = None
        # In the demo: the demo users, and each one's line (role, unit, language, PIN).
        self.logins: list[DemoLogin] = []
        self.demo_lines: dict[str, str] = {}
        # Fills of the list so far: a rest of names added later belongs to the last.
        self._filled = 0

    def compose(self) -> ComposeResult:
        with Center(classes="gate"), Vertical(classes="gate-box", id="sign-in-box"):
            yield Label(_("Sign in"), classes="gate-title")
            yield Label(_("Choose your name"), id="choose")
            yield Input(placeholder=_("Type to find your name"), id="filter")
            yield Label("", id="demo-heading", classes="muted")
            yield UserList(id="users")
            yield Label(_("PIN"))
            yield PinInput(id="pin")
            yield Label("", id="message", classes="error")
        yield SyncProgress(top=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.attempt = PinAttempt(
            self, self.query_one("#message", Label), self.query_one("#pin", Input)
        )
        self.query_one("#filter", Input).focus()
        self.show_demo(self.app.demo_logins)
        if self.users:
            self._fill("")
        else:
            path = self.app.database_path
            in_background(self, lambda: sign_in.names_to_choose(path), self._loaded)

    def _loaded(self, names: list[StaffName] | None) -> None:
        self._set_users(names or [])
        self._fill("")

    def _set_users(self, names: list[StaffName]) -> None:
        """The names, and each folded once for the filter (not at every key)."""
        self.users = names
        self._folded = [fold(user.name) for user in names]

    def show_demo(self, logins: list[DemoLogin]) -> None:
        """In the demo, list each user with role, unit, language and PIN."""
        self.logins = logins
        demo = bool(logins)
        self.query_one("#sign-in-box").set_class(demo, "demo")
        self.query_one("#demo-heading").display = demo
        if demo:
            self.query_one("#choose", Label).update(
                literal(
                    _("Demo in {folder}: choose a user and type the PIN shown.").format(
                        folder=self.app.settings.data_dir
                    )
                )
            )
            self.call_after_refresh(self._fill, self.query_one("#filter", Input).value)

    @on(UserList.WidthChanged)
    def _refit(self) -> None:
        if self.logins:
            self._fill(self.query_one("#filter", Input).value)

    def _fill(self, query: str) -> None:
        options = self.query_one("#users", UserList)
        wanted = fold(query)
        users = [
            user for user, folded in zip(self.users, self._folded, strict=True) if wanted in folded
        ]
        if self.logins:
            width = max(options.line_width(len(users)) - 1, 20)
            heading, self.demo_lines = demo_table(self.logins, width)
            self.query_one("#demo-heading", Label).update(literal(heading))
        highlighted = options.highlighted
        options.clear_options()
        # The names on screen first, the rest once they are drawn: each name added is
        # measured, some tens of ms for a municipality's staff, which the start need not
        # wait for. A later fill (a key typed) drops a rest not yet added.
        first, rest = users[:FIRST_NAMES], users[FIRST_NAMES:]
        self._filled += 1
        options.add_options(self._options(first))
        if rest:
            self.call_after_refresh(self._add_rest, self._filled, rest)
        if options.option_count:
            options.highlighted = min(highlighted or 0, options.option_count - 1)

    def _add_rest(self, filled: int, users: list[StaffName]) -> None:
        if filled == self._filled:
            self.query_one("#users", UserList).add_options(self._options(users))

    def _options(self, users: list[StaffName]) -> list[Option]:
        return [
            Option(literal(self.demo_lines.get(user.name, user.name)), id=user.id) for user in users
        ]

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _to_list(self) -> None:
        options = self.query_one("#users", OptionList)
        if options.option_count == 1:
            self._choose(options.get_option_at_index(0).id)
        else:
            options.focus()

    @on(OptionList.OptionSelected, "#users")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, user_id: str | None) -> None:
        self.chosen = user_id
        self.query_one("#message", Label).update("")
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _sign_in(self) -> None:
        user_id = self.chosen
        if user_id is None:
            highlighted = self.query_one("#users", OptionList).highlighted_option
            if highlighted is None or highlighted.id is None:
                self.query_one("#message", Label).update(_("Choose your name first."))
                return
            user_id = self.chosen = highlighted.id
        self.attempt.try_pin(user_id)

    def action_clear(self) -> None:
        self.chosen = None
        self.query_one("#filter", Input).value = ""
        self.query_one("#pin", Input).value = ""
        self.query_one("#filter", Input).focus()


class LockScreen(TranslatedBindings, Screen):
    """Shows only whose session is locked; their own PIN brings them back."""

    BINDINGS = [Binding("ctrl+n", "other_user", N_("Another user"), id="other")]

    def __init__(self, actor: Actor):
        super().__init__()
        self.actor = actor

    def compose(self) -> ComposeResult:
        with Center(classes="gate"), Vertical(classes="gate-box"):
            yield Label(_("Locked"), classes="gate-title")
            yield Label(
                literal(_("{name} has locked the screen.").format(name=self.actor.name)),
                id="locked-by",
            )
            yield Label(_("PIN"))
            yield PinInput(id="pin")
            yield Label("", id="message", classes="error")
            yield Button(_("Sign in as another user"), id="other")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.attempt = PinAttempt(
            self, self.query_one("#message", Label), self.query_one("#pin", Input)
        )
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _unlock(self) -> None:
        self.attempt.try_pin(self.actor.user_id)

    @on(Button.Pressed, "#other")
    def action_other_user(self) -> None:
        self.app.switch_screen(SignInScreen())
