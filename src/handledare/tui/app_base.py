"""The app as its screens and widgets see it, typed.

Textual types `self.app` as any App. The screens need handledare's own parts
(who is signed in, the clock, the settings), but `app.py` imports them, so they
cannot import it back. They name this base class instead, which `HandledareApp`
extends: a screen says `app = getters.app(AppBase)` (Textual's typed `app`), and
a helper that is handed any node calls `app_of(node)`.
"""

from __future__ import annotations

from collections.abc import Hashable
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.reactive import reactive
from textual.screen import Screen

from handledare.config import Settings
from handledare.domain.actor import Actor
from handledare.domain.clock import Now
from handledare.domain.enums import Role
from handledare.services.sign_in import UserSession

if TYPE_CHECKING:
    from handledare.services.demo import DemoLogin
    from handledare.services.people import User
    from handledare.services.pins import SignedIn
    from handledare.services.sign_in import Store

# A list's first page as a screen reads it: for which (actor, day, query, rows), and the
# data's version with the page once read.
FirstRead = tuple[Hashable, Future[tuple[int, object]]]


class AppBase(App[object]):
    sync_status: reactive[str] = reactive("")
    # A long pull under way: (batch files applied, files to apply); None otherwise.
    sync_progress: reactive[tuple[int, int] | None] = reactive(None)

    settings: Settings
    store: Store | None
    clock: Now
    actor: Actor | None
    # In the demo: its users with their PINs, listed on the sign-in screen.
    demo_logins: list[DemoLogin]
    _store_ready: Future[Store]

    def store_when_open(self) -> Store:
        """For a worker thread: the store, once it has opened (a PIN typed at once waits)."""
        return self._store_ready.result()

    @property
    def session(self) -> UserSession:
        """The signed-in user's store and actor: what the screens behind the sign-in work with."""
        if self.store is None or self.actor is None:
            raise RuntimeError("no one is signed in")
        return UserSession(self.store, self.actor)

    @property
    def role(self) -> Role | None:
        """The signed-in user's role, for the keys a screen offers; None while no one is."""
        return self.actor.role if self.actor is not None else None

    def today(self) -> date:
        """Today here, by the app's clock (a test or a demo may set it)."""
        return self.clock().astimezone().date()

    @property
    def database_path(self) -> Path:
        return self.store.path if self.store is not None else self.settings.database_path

    def offered_bindings(self, screen: Screen[Any]) -> list[tuple[DOMNode, Binding]]:
        """The keys a person can use here: the screen's first, then the app's; once each."""
        offered: list[tuple[DOMNode, Binding]] = []
        seen: set[str] = set()
        for node in (screen, self):
            for _key, binding in node._bindings:
                name = binding.action.split("(")[0]
                target = self if name.startswith("app.") else node
                name = name.removeprefix("app.")
                if not binding.description or name in seen or name == "command_palette":
                    continue
                if target.check_action(name, ()) is not True:
                    continue
                seen.add(name)
                offered.append((node, binding))
        return offered

    # Carried out by HandledareApp, which knows the screens they open.

    def signed_in(self, signed_in: SignedIn, user: User, first: FirstRead | None = None) -> None:
        raise NotImplementedError

    def read_home(self, store: Store, actor: Actor) -> FirstRead | None:
        raise NotImplementedError

    def show_error(self, message: str) -> None:
        raise NotImplementedError

    def action_sync(self) -> None:
        raise NotImplementedError

    def demo_built(self) -> None:
        raise NotImplementedError


def app_of(node: MessagePump) -> AppBase:
    """The running app of any node, typed (as `getters.app(AppBase)` gives a screen's)."""
    app = node.app
    if not isinstance(app, AppBase):
        raise TypeError(f"{type(app).__name__} is not handledare's app")
    return app
