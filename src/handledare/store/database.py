"""Opening the SQLite file: version check, backup, upgrade, then an engine.

The engine is always made here at the caller's request, never at import
time, so tests and the demo each get their own file.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlmodel import create_engine

from handledare.errors import EnvironmentProblem
from handledare.i18n import _
from handledare.store.migrations import CURRENT_VERSION, schema_version, upgrade

DEFAULT_BUSY_TIMEOUT = 5.0


class StoreBusy(EnvironmentProblem):
    pass


class StoreTooNew(EnvironmentProblem):
    pass


class StoreUnusable(EnvironmentProblem):
    pass


def busy_error(path: Path | str) -> StoreBusy:
    return StoreBusy(
        _(
            "The database {path} is busy: another program is writing to it. "
            "Wait a moment and try again; if it persists, close other handledare windows."
        ).format(path=path)
    )


def is_locked(error: BaseException) -> bool:
    text = str(error).lower()
    return "database is locked" in text or "database table is locked" in text


@contextmanager
def translated_errors(path: Path | str):
    """Turn SQLite's low-level failures into messages a person can act on."""
    try:
        yield
    except (sqlite3.OperationalError, OperationalError) as error:
        if is_locked(error):
            raise busy_error(path) from error
        raise StoreUnusable(
            _("The database {path} cannot be used: {error}").format(path=path, error=error)
        ) from error
    except sqlite3.DatabaseError as error:
        raise StoreUnusable(
            _("The file {path} is not a handledare database or is damaged: {error}").format(
                path=path, error=error
            )
        ) from error


def _existing_version(path: Path, timeout: float) -> int:
    """Read the schema version without changing the file in any way."""
    if not path.exists():
        return 0
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=timeout)) as connection:
        version = schema_version(connection)
        if version == 0:
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise StoreUnusable(
                    _(
                        "The file {path} is not a handledare database; it was left untouched."
                    ).format(path=path)
                )
        return version


def _backup(path: Path, version: int) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.v{version}-{stamp}.backup")
    with (
        closing(sqlite3.connect(path)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
    return target


def prepare_database(path: Path, timeout: float = DEFAULT_BUSY_TIMEOUT) -> Path | None:
    """Bring the file to the current schema; return the backup made, if any."""
    with translated_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        version = _existing_version(path, timeout)
        if version > CURRENT_VERSION:
            raise StoreTooNew(
                _(
                    "The database {path} was written by a newer version of handledare "
                    "(schema {found}, this version knows {known}). Install the newer version; "
                    "the file was left untouched."
                ).format(path=path, found=version, known=CURRENT_VERSION)
            )
        backup = _backup(path, version) if 0 < version < CURRENT_VERSION else None
        with closing(sqlite3.connect(path, timeout=timeout, isolation_level=None)) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
            upgrade(connection)
        return backup


def create_store_engine(path: Path, timeout: float = DEFAULT_BUSY_TIMEOUT) -> Engine:
    """An engine for a prepared file: WAL, foreign keys, busy timeout, explicit BEGINs."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": timeout, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take over transaction control from the sqlite3 module so that
        # writers can begin with IMMEDIATE and never deadlock on upgrade.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get("immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
