"""What a database file is, read without changing it: its schema version and workstation id.

Opened read-only with the standard sqlite3 module, so asking about a folder never
creates, upgrades or locks anything in it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

from handledare.store.migrations import schema_version


class FileFacts(NamedTuple):
    schema_version: int
    workstation_id: str | None


def file_facts(path: Path, timeout: float = 1.0) -> FileFacts | None:
    """None when there is no such file; a file that is not a database raises sqlite3.Error."""
    if not path.is_file():
        return None
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=timeout)) as connection:
        version = schema_version(connection)
        has_meta = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()[0]
        row = (
            connection.execute("SELECT value FROM meta WHERE key = 'workstation_id'").fetchone()
            if has_meta
            else None
        )
        return FileFacts(version, row[0] if row else None)
