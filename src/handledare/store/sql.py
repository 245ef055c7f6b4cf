"""Plain SQL on the session's own connection, for the paths that handle thousands of rows.

The ORM costs about a millisecond a row; these run inside the same
transaction as the session, so both see each other's writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from sqlmodel import Session

# SQLite allows 32766 parameters a statement; lookups go in slices well below it.
_SLICE = 900


def connection_of(session: Session) -> sqlite3.Connection:
    """The session's own sqlite3 connection, inside its transaction."""
    session.flush()
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)  # the store opens only SQLite files
    return driver


def slices(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _SLICE):
        yield values[start : start + _SLICE]


def rows_in(
    connection: sqlite3.Connection, table: str, columns: tuple[str, ...], key: str, ids: list[str]
) -> Iterator[tuple[Any, ...]]:
    """The rows whose `key` is one of `ids`, as tuples of `columns`."""
    for part in slices(ids):
        marks = ",".join("?" * len(part))
        yield from connection.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE {key} IN ({marks})", part
        )


def select_in(
    connection: sqlite3.Connection, table: str, columns: tuple[str, ...], key: str, ids: list[str]
) -> Iterator[dict[str, Any]]:
    """The same rows as dicts by column."""
    for values in rows_in(connection, table, columns, key, ids):
        yield dict(zip(columns, values, strict=True))


def existing_ids(connection: sqlite3.Connection, table: str, ids: Iterable[str]) -> set[str]:
    wanted = sorted({i for i in ids if i is not None})
    return {row["id"] for row in select_in(connection, table, ("id",), "id", wanted)}
