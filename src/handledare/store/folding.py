"""Names folded for search and sort, kept beside the names themselves.

SQLite cannot fold as `text.fold` does (case, accents, repeated spaces), so the
store does it at the end of every write, for the rows that an insert or a
rename (a trigger clears the folded name) left without one. The lists then
search and sort a page at a time in SQL, with an index on people's names.
"""

from __future__ import annotations

import sqlite3

from handledare.text import fold

FOLDED_TABLES = ("people", "users", "units")


def fold_new_names(connection: sqlite3.Connection) -> int:
    """Fold every name not folded yet; return how many were."""
    count = 0
    for table in FOLDED_TABLES:
        rows = connection.execute(
            f"SELECT rowid, name FROM {table} WHERE folded_name IS NULL"
        ).fetchall()
        if rows:
            connection.executemany(
                f"UPDATE {table} SET folded_name = ? WHERE rowid = ?",
                [(fold(name), rowid) for rowid, name in rows],
            )
            count += len(rows)
    return count
