"""Signing in: who can be chosen before the store has opened, opening it, and the session.

The app shows the names as soon as it starts and opens the store (SQLModel,
checks, sync) behind them; the PIN is checked once the store is there. A
signed-in user's session is the store and the actor that every later
service call is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from handledare.domain.actor import Actor
from handledare.store.roster import StaffName, staff_names

if TYPE_CHECKING:
    # Named here for the faces' annotations: they hold the store but never import it.
    from handledare.store.eventlog import Store as Store

__all__ = ["StaffName", "UserSession", "names_to_choose", "open_store"]


def names_to_choose(database_path: Path) -> list[StaffName] | None:
    """The names to list; None when the store must open first (new, older or empty file)."""
    return staff_names(database_path) or None


def open_store(database_path: Path) -> Store:
    """The store, created or upgraded where needed: seconds on an office PC, so in a worker."""
    # Imported here: SQLModel loads slower than Textual, and the sign-in names show first.
    from handledare.store.eventlog import Store

    return Store.open(database_path)


class UserSession(NamedTuple):
    """The store and who is signed in: the two things a screen hands to every service call."""

    store: Store
    actor: Actor

    @property
    def workstation_id(self) -> str:
        """This computer's id, as sign-offs made here record it."""
        return self.store.workstation_id
