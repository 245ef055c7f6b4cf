"""The staff names for the sign-in screen, read without loading SQLModel.

Importing SQLModel and the tables takes most of a second on an office PC; the
sign-in screen needs only ids and names. This reads them with the standard
sqlite3 module, read-only, and only from a file already at this version's
schema; anything else (no file yet, an older schema, a busy or damaged file)
answers None and is left to `Store.open`, which knows how to handle it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

from handledare.store.migrations import CURRENT_VERSION, schema_version


class StaffName(NamedTuple):
    id: str
    name: str


def staff_names(path: Path, timeout: float = 0.2) -> list[StaffName] | None:
    """Everyone who may sign in (no account that has ended), by name; None if the store
    must open first."""
    if not path.is_file():
        return None
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=timeout)) as connection:
            if schema_version(connection) != CURRENT_VERSION:
                return None
            rows = connection.execute(
                "SELECT id, name FROM users "
                "WHERE ended_on IS NULL OR ended_on >= date('now', 'localtime') ORDER BY name"
            )
            return [StaffName(*row) for row in rows]
    except sqlite3.Error:
        return None
