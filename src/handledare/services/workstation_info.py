"""What this workstation uses: data folder, config files, share, database and its own id.

For `handledare info`, the first thing IT or support asks for. Nothing is created or
changed by asking: the database is read read-only, and a missing one is said to be missing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from handledare.config import Settings, site_config_file, user_config_file
from handledare.i18n import _
from handledare.store.file_facts import file_facts
from handledare.store.migrations import CURRENT_VERSION


@dataclass(frozen=True)
class WorkstationInfo:
    data_dir: Path
    config_files_read: tuple[Path, ...]
    config_files_looked_for: tuple[Path, ...]
    share: Path | None
    database: Path
    database_bytes: int | None  # None: there is no database yet
    schema_version: int | None
    known_schema_version: int
    workstation_name: str
    workstation_id: str | None
    problem: str | None = None


def _bytes(database: Path) -> int:
    """The database with its write-ahead log, as it takes room on the disk."""
    wal = database.with_name(database.name + "-wal")
    return database.stat().st_size + (wal.stat().st_size if wal.is_file() else 0)


def describe(settings: Settings) -> WorkstationInfo:
    looked_for = (site_config_file(), user_config_file())
    database = settings.database_path
    problem = None
    try:
        facts = file_facts(database)
    except sqlite3.Error as error:
        facts, problem = None, _("The database cannot be read: {error}").format(error=error)
    return WorkstationInfo(
        data_dir=settings.data_dir,
        config_files_read=settings.config_files,
        config_files_looked_for=tuple(path for path in looked_for if not path.is_file()),
        share=settings.share_path,
        database=database,
        database_bytes=_bytes(database) if database.is_file() else None,
        schema_version=facts.schema_version if facts else None,
        known_schema_version=CURRENT_VERSION,
        workstation_name=settings.workstation_name,
        workstation_id=facts.workstation_id if facts else None,
        problem=problem,
    )
