"""Opening the SQLite file: version check, backup, upgrade, then an engine.

The engine is always made here at the caller's request, never at import
time, so tests and the demo each get their own file.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, event
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


def disk_full_error(path: Path | str) -> StoreUnusable:
    return StoreUnusable(
        _(
            "The disk that holds {path} is full, so nothing was saved. "
            "Free some space there (or ask IT to) and try again."
        ).format(path=path)
    )


@contextmanager
def translated_errors(path: Path | str) -> Iterator[None]:
    """Turn SQLite's and the file system's low-level failures into messages a person can act
    on, each naming the file."""
    try:
        yield
    except (sqlite3.OperationalError, OperationalError) as error:
        if is_locked(error):
            raise busy_error(path) from error
        if "disk is full" in str(error).lower():
            raise disk_full_error(path) from error
        raise StoreUnusable(
            _("The database {path} cannot be used: {error}").format(path=path, error=error)
        ) from error
    except sqlite3.DatabaseError as error:
        raise StoreUnusable(
            _("The file {path} is not a handledare database or is damaged: {error}").format(
                path=path, error=error
            )
        ) from error


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _not_ours(path: Path) -> StoreUnusable:
    return StoreUnusable(
        _(
            "The file {path} is not a handledare database; it was left untouched. "
            "Move it elsewhere, or point handledare at another data folder."
        ).format(path=path)
    )


def _existing_version(path: Path) -> int:
    """The schema version of an existing file, read without changing anything beside it.

    The version is read from the file's header (bytes 60-63, "user version"), so a
    file that is refused never gets `-wal` or `-shm` files made next to it; what else
    is checked opens SQLite with `immutable`, which writes nothing either.
    """
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header:
        raise StoreUnusable(
            _(
                "The file {path} is empty (0 bytes), so it is not a handledare database; "
                "it was left untouched. If it was meant to be a new store, delete it."
            ).format(path=path)
        )
    if not header.startswith(_SQLITE_MAGIC) or len(header) < 100:
        raise _not_ours(path)
    version = int.from_bytes(header[60:64], "big")
    if version > CURRENT_VERSION:
        return version
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    if (version == 0 and tables) or (version > 0 and "events" not in tables):
        raise _not_ours(path)
    return version


def _too_new(path: Path, found: int) -> StoreTooNew:
    return StoreTooNew(
        _(
            "The database {path} was written by a newer version of handledare "
            "(schema {found}, this version knows {known}). Install the newer version; "
            "the file was left untouched."
        ).format(path=path, found=found, known=CURRENT_VERSION)
    )


def make_data_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreUnusable(
            _(
                "The data folder {folder} cannot be created: {problem}. "
                "Choose another folder with --data-dir or data_dir in the config file."
            ).format(folder=folder, problem=error.strerror or error)
        ) from error


@contextmanager
def _os_errors(path: Path) -> Iterator[None]:
    """The file itself unreadable or unwritable (a folder, no permission, a full disk)."""
    try:
        yield
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise disk_full_error(path) from error
        raise StoreUnusable(
            _("The database {path} cannot be used: {error}").format(
                path=path, error=error.strerror or error
            )
        ) from error


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
    make_data_folder(path.parent)
    with translated_errors(path), _os_errors(path):
        version = _existing_version(path)
        if version > CURRENT_VERSION:
            raise _too_new(path, version)
        backup = _backup(path, version) if 0 < version < CURRENT_VERSION else None
        with closing(sqlite3.connect(path, timeout=timeout, isolation_level=None)) as connection:
            # The header can lag behind a write-ahead log that a newer version left.
            if schema_version(connection) > CURRENT_VERSION:
                raise _too_new(path, schema_version(connection))
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA foreign_keys=ON")
            upgrade(connection)
        return backup


# Where no one copies the write-ahead log back into the file (a command that writes for a
# long time), SQLite does it at the commit that takes the log past this many pages (40 MB).
BACKSTOP_CHECKPOINT_PAGES = 10_000


def _write_settings(connection: Connection, *, durable: bool, checkpoints: bool) -> None:
    """A write's commit waits for the disk (FULL) unless it is marked as one that can be
    done again (NORMAL: events pulled from the share, which are pulled again if a power
    cut loses them; docs/sync-format.md). No commit copies the log back into the file (a
    checkpoint: a flush of the whole file, hundreds of milliseconds on a large one) at
    SQLite's usual 1,000 pages: the store does it when writes pause (`Store.checkpoint_due`)
    and a pull every few seconds; without `checkpoints` (while a pull runs) not even at the
    backstop. Set when it changes, as the connection remembers it."""
    wanted = (durable, checkpoints)
    remembered = connection.connection.info
    if remembered.get("write settings") == wanted:
        return
    pages = BACKSTOP_CHECKPOINT_PAGES if checkpoints else 0
    connection.exec_driver_sql(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
    connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint={pages}")
    remembered["write settings"] = wanted


def create_store_engine(path: Path, timeout: float = DEFAULT_BUSY_TIMEOUT) -> Engine:
    """An engine for a prepared file: WAL, foreign keys, busy timeout, explicit BEGINs."""
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": timeout, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Take over transaction control from the sqlite3 module so that
        # writers can begin with IMMEDIATE and never deadlock on upgrade.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get("immediate"):
            _write_settings(
                connection,
                durable=options.get("durable", True),
                checkpoints=options.get("checkpoints", True),
            )
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine
