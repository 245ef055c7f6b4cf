"""Who can be chosen on the sign-in screen, known before the store has opened.

The app shows the names as soon as it starts and opens the store (SQLModel,
checks, sync) behind them; the PIN is checked once the store is there.
"""

from __future__ import annotations

from pathlib import Path

from handledare.store.roster import StaffName, staff_names


def names_to_choose(database_path: Path) -> list[StaffName] | None:
    """The names to list; None when the store must open first (new, older or empty file)."""
    return staff_names(database_path) or None
