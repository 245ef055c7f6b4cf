"""The Textual application: who is signed in, what is locked, and which screens each user has.

Each signed-in user gets a Textual mode of their own. Locking switches to
the gate mode (lock or sign-in screen) and leaves the user's screens, with
whatever they had typed, untouched in their mode; another user signing in
gets a new mode and never sees them. Signing out removes the mode.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from textual import events
from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from handledare import i18n
from handledare.config import Settings
from handledare.domain.actor import Actor
from handledare.domain.clock import Now, utc_now
from handledare.domain.enums import Role, Theme
from handledare.errors import EnvironmentProblem
from handledare.i18n import N_, _
from handledare.services import sign_in
from handledare.services.sign_in import StaffName
from handledare.tui import collect_at_rest
from handledare.tui.app_base import AppBase, FirstRead
from handledare.tui.background import in_background, read_in_thread
from handledare.tui.keys import offered_keys
from handledare.tui.screens.gate import LockScreen, SignInScreen, StartScreen
from handledare.tui.sync_status import SyncCoordinator
from handledare.tui.themes import HIGH_CONTRAST, TEXTUAL_THEME
from handledare.tui.translated import TranslatedBindings
from handledare.tui.warm_up import add_widget_styles, release_warm_up, warm_up

# What counts as someone at the keyboard, for the idle lock and the garbage collector's rest.
_INPUT = (events.Key, events.Paste, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)

if TYPE_CHECKING:
    from handledare.services.demo import DemoLogin
    from handledare.services.people import User
    from handledare.services.pins import SignedIn
    from handledare.services.sign_in import Store

GATE = "gate"
# Seconds the first screen waits for the names read while Textual started (the roster's own
# wait for a busy file); a file slower than that shows the start screen until they come.
EARLY_NAMES_WAIT = 0.2
# The sign-in needs only the first two; the screens behind it get theirs once it is drawn.
FIRST_CSS: list[str | PurePath] = ["styles/base.tcss", "styles/gate.tcss"]
LATER_CSS = [
    "styles/home.tcss",
    "styles/walkthrough.tcss",
    "styles/sync.tcss",
    "styles/reports.tcss",
]


class HandledareApp(TranslatedBindings, AppBase):
    CSS_PATH = FIRST_CSS
    MODES = {GATE: Screen}
    DEFAULT_MODE = GATE
    BINDINGS = [
        Binding("ctrl+l", "lock", N_("Lock"), id="lock", priority=True),
        Binding("f1,question_mark", "help", N_("Help"), id="help"),
        Binding("f2", "toggle_theme", N_("Contrast"), id="theme", show=False),
        Binding(
            "f3", "switch_language", N_("Language: svenska/English"), id="language", show=False
        ),
        Binding("f5", "sync", N_("Sync now"), id="sync", show=False),
        Binding("f6", "sync_health", N_("Sync status"), id="sync-health", show=False),
        Binding(
            "ctrl+p", "command_palette", N_("Commands"), id="palette", priority=True, show=False
        ),
        Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True, show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        store: Store | None = None,
        clock: Now = utc_now,
        *,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.clock = clock
        # On the demo folder, the sign-in screen lists the demo users with their PINs.
        self.demo = demo
        self.demo_logins: list[DemoLogin] = []
        self.actor: Actor | None = None
        self.locked = False
        self.last_input = time.monotonic()
        self.title = "handledare"
        self.register_theme(HIGH_CONTRAST)
        self.sync = SyncCoordinator(self)
        self._store_ready: Future[Store] = Future()
        # Read while Textual starts: the gate then opens on the sign-in itself.
        self._early_names: Future[list[StaffName] | None] | None = None
        if store is None:
            path = settings.database_path
            self._early_names = read_in_thread(lambda: sign_in.names_to_choose(path))

    # ----- start ---------------------------------------------------------------

    def _first_screen(self) -> Screen:
        """The sign-in when the names were read while Textual started; otherwise the start
        screen until they are."""
        early = self._early_names
        if early is not None:
            # A moment's wait, before anything is drawn: the read is a few ms once it has the
            # interpreter, and a start screen swapped for the sign-in costs more.
            with contextlib.suppress(TimeoutError):
                early.exception(timeout=EARLY_NAMES_WAIT)
            if early.done() and early.exception() is None and (names := early.result()):
                return SignInScreen(names)
        return StartScreen()

    def on_mount(self) -> None:
        """Names first, the store behind them: SQLModel alone takes longer to load than Textual.

        The names are one quick read-only query; when the file is new, older or busy
        the start screen stays while the store opens.
        """
        self.push_screen(self._first_screen())
        collect_at_rest.begin()
        self.set_interval(1.0, self._check_idle)
        self.call_after_refresh(self._load_later_css)
        if self.store is not None:
            self._store_opened(self.store)
        elif isinstance(self.screen, SignInScreen):
            self.call_after_refresh(self._open_store)
        elif self._early_names is not None:
            in_background(
                self, self._early_names.result, self._names_read, failed=self._store_failed
            )

    def _load_later_css(self) -> None:
        """The styles of the screens behind the sign-in, once it is drawn (as Textual adds a
        screen's own CSS)."""
        here = Path(__file__).parent
        for path in LATER_CSS:
            self.stylesheet.read(here / path)
        self.stylesheet.reparse()
        self.stylesheet.update(self)

    def _names_read(self, names: list[StaffName] | None) -> None:
        if names:
            self.switch_screen(SignInScreen(names))
            self.call_after_refresh(self._open_store)
        else:
            self._open_store()

    def _open_store(self) -> None:
        path = self.settings.database_path
        in_background(
            self, lambda: sign_in.open_store(path), self._store_opened, failed=self._store_failed
        )

    def _store_opened(self, store: Store) -> None:
        # Imported once the store is open: people loads SQLModel, which the start must not wait for.
        from handledare.services import people

        self.store = store
        self._store_ready.set_result(store)
        if isinstance(self.screen, StartScreen) or self.demo:
            in_background(self, lambda: people.has_users(store), self._show_gate)
        self.sync.start()
        self.set_interval(1.0, self._checkpoint_when_due)
        in_background(
            self,
            lambda: warm_up(store),
            lambda _done: add_widget_styles(self),
            group="warm-up",
        )

    def _checkpoint_when_due(self) -> None:
        """The write-ahead log copied back into the file once writes pause, in a worker: no
        mark waits for it. A failed one is tried again at the next write's pause; the write
        itself says what is wrong with the file."""
        store = self.store
        if store is not None and store.checkpoint_due():
            in_background(self, store.checkpoint, failed=lambda _message: None, group="checkpoint")

    def _store_failed(self, message: str) -> None:
        if not self._store_ready.done():
            self._store_ready.set_exception(EnvironmentProblem(message))
        self.switch_screen(StartScreen(problem=message))

    def _show_gate(self, has_users: bool) -> None:
        # Imported when needed: the first-run screen's services load SQLModel.
        from handledare.tui.screens.first_run import FirstRunScreen

        if self.demo:
            self._show_demo_gate(has_users)
        else:
            self.switch_screen(SignInScreen() if has_users else FirstRunScreen())

    def _show_demo_gate(self, built: bool) -> None:
        """The demo's users for the sign-in screen; an empty demo folder is filled first."""
        # Imported when needed: the demo's services load SQLModel.
        from handledare.services.demo import demo_logins
        from handledare.tui.screens.demo_build import DemoBuildScreen

        if not built:
            self.switch_screen(DemoBuildScreen())
            return
        self.demo_logins = demo_logins()
        if isinstance(self.screen, SignInScreen):
            self.screen.show_demo(self.demo_logins)
        else:
            self.switch_screen(SignInScreen())

    def demo_built(self) -> None:
        self._show_demo_gate(built=True)

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()
        release_warm_up()
        collect_at_rest.end()

    # ----- who is signed in ----------------------------------------------------

    @staticmethod
    def _mode_of(user_id: str) -> str:
        return f"user-{user_id}"

    def read_home(self, store: Store, actor: Actor) -> FirstRead | None:
        """The first page of the home screen a sign-in will make, read in the sign-in's
        worker once the PIN is right (none when the user's screens are there already, or for
        a nurse's home): the screen shows it in its first frame instead of an empty list."""
        from handledare.tui.screens.onboarding_list import OnboardingListActions  # see _home

        home = self._home_screen(actor.role)
        if self._mode_of(actor.user_id) in self._modes or not issubclass(
            home, OnboardingListActions
        ):
            return None
        return home.read_first_page(store, actor, self.clock().date())

    def signed_in(self, signed_in: SignedIn, user: User, first: FirstRead | None = None) -> None:
        """Show the user's own screens: where they left them, or their home screen (with its
        first page when `first` has it).

        A user whose PIN is too easy to guess chooses a new one first.
        """
        actor = self.actor = signed_in.actor
        self.locked = False
        self.last_input = time.monotonic()
        self.apply_language(user.language)
        self.theme = TEXTUAL_THEME.get(user.theme, TEXTUAL_THEME[Theme.DEFAULT])
        mode = self._mode_of(actor.user_id)
        if mode not in self._modes:
            self.add_mode(mode, self._home(actor.role, first))
        self.switch_mode(mode)
        if signed_in.weak_pin:
            # At sign-in: its PIN service loads SQLModel, which the start must not wait for.
            from handledare.tui.screens.pin_prompt import NewPinDialog

            self.push_screen(NewPinDialog())

    def _home(self, role: Role, first: FirstRead | None = None) -> Callable[[], Screen]:
        """What makes the user's home screen when their mode begins.

        A new screen is styled as it mounts. Textual also restyles the whole app when a
        screen's count of style changes lags the app's, for a screen that missed a change
        while hidden; a new one starts behind, so each sign-in re-parsed every stylesheet
        twice (some 100 ms) to no effect. The new screen is made current with the app.
        """
        screen_type = self._home_screen(role)

        def make() -> Screen:
            # Imported at sign-in, as the home screens that import it are.
            from handledare.tui.screens.onboarding_list import OnboardingListActions

            if first is not None and issubclass(screen_type, OnboardingListActions):
                screen: Screen = screen_type(first)
            else:
                screen = screen_type()
            screen._css_update_count = self._css_update_count
            return screen

        return make

    @staticmethod
    def _home_screen(role: Role) -> type[Screen]:
        """A manager starts on the overview, a nurse on their delegations, everyone else on
        their list of substitutes."""
        if role is Role.NURSE:
            # Imported at sign-in, only the one needed: they load the services, and SQLModel.
            from handledare.tui.screens.delegations import DelegationsScreen

            return DelegationsScreen
        if role is Role.MANAGER:
            # Imported at sign-in, only the one needed: they load the services, and SQLModel.
            from handledare.tui.screens.overview import OverviewScreen

            return OverviewScreen
        from handledare.tui.screens.home import HomeScreen  # the same: at sign-in, if needed

        return HomeScreen

    def apply_language(self, language: str) -> None:
        """The keys, the status line and whatever is made from now on, in `language`."""
        i18n.set_language(language)
        self.retranslate_bindings()
        for screen in self.screen_stack:
            if isinstance(screen, TranslatedBindings):
                screen.retranslate_bindings()
        self.refresh_bindings()
        self.sync.show()

    def action_switch_language(self) -> None:
        """Swedish or English for the signed-in user, kept for their next sign-in."""
        if self.actor is None:
            return
        # Imported here, after sign-in: people loads SQLModel, which the start must not wait for.
        from handledare.services import people

        language = "en" if i18n.current_language() == "sv" else "sv"
        store, actor = self.session
        in_background(
            self,
            lambda: people.set_language(store, actor, language),
            lambda _none: self.call_later(self._relabel, language),
        )

    async def _relabel(self, language: str) -> None:
        """Everything on screen in the new language: the user's screens are made anew."""
        actor = self.actor
        if actor is None:
            return
        self.apply_language(language)
        mode = self._mode_of(actor.user_id)
        await self.switch_mode(GATE)
        await self.remove_mode(mode)
        self.add_mode(mode, self._home(actor.role))
        await self.switch_mode(mode)
        self.notify(_("Language: {name}").format(name=i18n.language_name(language, language)))

    def action_lock(self) -> None:
        """Hide everything personal; the user's screens wait in their mode."""
        if self.actor is None or self.locked:
            return
        self.locked = True
        self.switch_mode(GATE)
        self.switch_screen(LockScreen(self.actor))

    def action_sign_out(self) -> None:
        if self.actor is None:
            return
        mode = self._mode_of(self.actor.user_id)
        self.actor = None
        self.locked = False
        self.switch_mode(GATE)
        self.apply_language(self.settings.language)
        self.theme = TEXTUAL_THEME[Theme.DEFAULT]
        self.switch_screen(SignInScreen())
        self.remove_mode(mode)

    def action_sync(self) -> None:
        self.sync.request()

    def action_sync_health(self) -> None:
        # Imported when opened: the first screens after sign-in do not wait for it.
        from handledare.tui.screens.sync_health import SyncHealthScreen

        if not isinstance(self.screen, SyncHealthScreen):
            self.push_screen(SyncHealthScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("lock", "toggle_theme", "sync", "switch_language"):
            return self.actor is not None and not self.locked
        if action == "sync_health":
            return (
                self.actor is not None
                and not self.locked
                and self.actor.role in (Role.MANAGER, Role.ADMIN)
            )
        return True

    def _check_idle(self) -> None:
        idle = time.monotonic() - self.last_input
        collect_at_rest.collect_if_due(idle)
        if (
            self.actor is not None
            and not self.locked
            and idle >= self.settings.idle_lock_minutes * 60
        ):
            self.action_lock()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, _INPUT):
            self.last_input = time.monotonic()
        await super().on_event(event)

    # ----- messages, help, palette ----------------------------------------------

    def show_error(self, message: str) -> None:
        # Imported when first shown: the dialogs load DataTable, which the sign-in does not use.
        from handledare.tui.screens.dialogs import MessageDialog

        self.push_screen(MessageDialog(message))

    def action_help(self) -> None:
        # Imported when first shown: the dialogs load DataTable, which the sign-in does not use.
        from handledare.tui.screens.dialogs import HelpDialog

        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog(self.screen))

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(placeholder=_("Search for commands…"), id="--command-palette")
            )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers exactly what the keys offer, in the user's language."""
        for key in offered_keys(self, screen):
            yield SystemCommand(key.label, " / ".join(key.keys), key.run)

    async def action_toggle_theme(self) -> None:
        if self.actor is None:
            return
        # Imported here, after sign-in: people loads SQLModel, which the start must not wait for.
        from handledare.services import people

        chosen = Theme.DEFAULT if self.theme == HIGH_CONTRAST.name else Theme.HIGH_CONTRAST
        self.theme = TEXTUAL_THEME[chosen]
        store, actor = self.session
        in_background(self, lambda: people.set_theme(store, actor, chosen))
