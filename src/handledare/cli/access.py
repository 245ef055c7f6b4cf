"""How a command reaches this workstation's data, and as whom.

Imported only inside the commands' functions: it loads the store (SQLModel),
which the app's start must not pay for.
"""

from __future__ import annotations

from handledare.config import Settings
from handledare.domain.actor import Actor
from handledare.store.eventlog import Store

CLI = Actor.command_line()


def open_store(settings: Settings) -> Store:
    return Store.open(settings.database_path)
