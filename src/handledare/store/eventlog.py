"""The store: every change is an event, appended and projected in one transaction."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from handledare.domain.clock import HybridClock, Now, format_stamp, time_ordered_id, utc_now
from handledare.store import folding, identity, projector
from handledare.store.database import (
    DEFAULT_BUSY_TIMEOUT,
    create_store_engine,
    prepare_database,
    translated_errors,
)
from handledare.store.sql import connection_of
from handledare.store.tables import EVENT_COLUMNS, EventRow
from handledare.store.templates import MissingDependency
from handledare.store.turns import WriteTurns


# Plain SQL: every write reads and sets the clock, and the ORM's cost showed in each mark.
def get_meta(session: Session, key: str) -> str | None:
    row = connection_of(session).execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    connection_of(session).execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def version_in(session: Session) -> int:
    """`Store.version` as this session's transaction sees it."""
    return connection_of(session).execute("SELECT max(rowid) FROM events").fetchone()[0] or 0


_INSERT_EVENT = (
    f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
)


@dataclass
class Transaction:
    """One write: events emitted here are projected at once and committed together."""

    session: Session
    actor_id: str | None
    workstation_id: str
    clock: HybridClock
    wall: datetime
    emitted: list[EventRow] = field(default_factory=list)
    observed: bool = False

    def observe(self, stamp: str) -> None:
        """Move the clock past a stamp from another workstation (kept with this write)."""
        self.clock.observe(stamp, int(self.wall.timestamp() * 1000))
        self.observed = True

    def stamp_left(self) -> str | None:
        """The clock as this write leaves it stored (moved by every event stored)."""
        if self.emitted or self.observed:
            return format_stamp(self.clock.millis, self.clock.counter)
        return get_meta(self.session, "hlc")

    def emit(self, event_type: str, entity_id: str, payload: dict[str, Any]) -> EventRow:
        if not self.actor_id:
            raise ValueError(f"{event_type}: every event needs a signed-in user as its actor")
        stamp = self.clock.tick(int(self.wall.timestamp() * 1000))
        row = EventRow(
            id=time_ordered_id(self.clock.millis),
            hlc=stamp,
            workstation_id=self.workstation_id,
            actor_id=self.actor_id,
            type=event_type,
            entity_id=entity_id,
            payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
            wall_time=self.wall.isoformat(timespec="milliseconds"),
        )
        # Plain SQL rather than the ORM's unit of work: a mark is one event, and the ORM's
        # flush of it cost as much as the rest of the mark.
        connection_of(self.session).execute(
            _INSERT_EVENT, tuple(getattr(row, c) for c in EVENT_COLUMNS)
        )
        if projector.project(self.session, [row], local=True):
            raise MissingDependency(f"{event_type} {entity_id}")
        self.emitted.append(row)
        return row


# The log is copied back into the file once writes have paused this long, or after this
# many writes without a pause (`Store.checkpoint_due`).
CHECKPOINT_PAUSE_SECONDS = 2.0
CHECKPOINT_AFTER_WRITES = 100


class Store:
    def __init__(self, engine: Engine, path: Path, now: Now = utc_now):
        self.engine = engine
        self.path = path
        self.now = now
        # Writes since the last checkpoint, and when the last one ended (time.monotonic).
        self.unchecked_writes = 0
        self.last_write = 0.0
        self.writes = 0  # transactions committed by this process: what was read may be kept
        self._writer = engine.execution_options(immediate=True)
        self._writer_in_pull = engine.execution_options(immediate=True, checkpoints=False)
        self._repeatable = engine.execution_options(
            immediate=True, durable=False, checkpoints=False
        )
        self.turns = WriteTurns()
        with self.write(None) as tx:
            new = get_meta(tx.session, "workstation_id") is None
            if new:
                set_meta(tx.session, "workstation_id", str(uuid.uuid4()))
                identity.create_key(path.parent)
                identity.create_seal_key(path.parent)
            projector.fill_missing_counts(tx.session)
        with self.read() as session:
            # Set in the write above when the file was new.
            self.workstation_id = get_meta(session, "workstation_id") or ""

    @classmethod
    def open(
        cls, path: Path, *, timeout: float = DEFAULT_BUSY_TIMEOUT, now: Now = utc_now
    ) -> Store:
        """Prepare the file (upgrading it if needed) and open it."""
        prepare_database(path, timeout)
        return cls(create_store_engine(path, timeout), path, now)

    def close(self) -> None:
        self.engine.dispose()

    def compact(self) -> None:
        """Rewrite the file so that erased data leaves no trace in free pages or the WAL."""
        self.engine.dispose()
        with (
            translated_errors(self.path),
            closing(
                sqlite3.connect(self.path, isolation_level=None, timeout=DEFAULT_BUSY_TIMEOUT)
            ) as connection,
        ):
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("VACUUM")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def checkpoint_due(self, at: float | None = None) -> bool:
        """Whether to `checkpoint` now (at `at`, time.monotonic by default): writes have paused,
        or many came without a pause. A commit does not do it (see `_write_settings`), so that
        a mark never waits for it; never while a pull runs, which makes its own."""
        if not self.unchecked_writes or self.turns.pulls:
            return False
        paused = (time.monotonic() if at is None else at) - self.last_write
        return (
            paused >= CHECKPOINT_PAUSE_SECONDS or self.unchecked_writes >= CHECKPOINT_AFTER_WRITES
        )

    def checkpoint(self) -> None:
        """Copy what the write-ahead log holds back into the file, without waiting for or
        holding up anyone (SQLite's PASSIVE checkpoint)."""
        self.unchecked_writes = 0
        with translated_errors(self.path), closing(self.engine.raw_connection()) as raw:
            driver = raw.driver_connection
            assert isinstance(driver, sqlite3.Connection)  # the store opens only SQLite files
            driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def version(self) -> int:
        """Grows with every event stored here, whoever wrote it: a list unchanged since it was
        read need not be read again."""
        with self.read() as session:
            return version_in(session)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with translated_errors(self.path), Session(self.engine) as session:
            yield session

    @contextmanager
    def write(self, actor_id: str | None, *, durable: bool = True) -> Iterator[Transaction]:
        """One transaction that holds the write lock until it commits. Not `durable`: the
        commit does not wait for the disk, for what can be done again after a power cut
        (events pulled from the share); a durable commit after it writes it out as well."""
        if not durable:
            engine = self._repeatable
        else:
            engine = self._writer_in_pull if self.turns.pulls else self._writer
        turn = self.turns.local() if durable else self.turns.pulled()
        with (
            turn,
            translated_errors(self.path),
            Session(engine, expire_on_commit=False) as session,
        ):
            clock = HybridClock.from_stamp(get_meta(session, "hlc"))
            tx = Transaction(
                session=session,
                actor_id=actor_id,
                workstation_id=get_meta(session, "workstation_id") or "",
                clock=clock,
                wall=self.now(),
            )
            yield tx
            if tx.emitted or tx.observed:
                set_meta(session, "hlc", tx.stamp_left() or "")
            folding.fold_new_names(connection_of(session))
            session.commit()
        self.unchecked_writes += 1
        self.writes += 1
        self.last_write = time.monotonic()

    def rebuild(self) -> int:
        """Throw away every projection and replay the event log; return the events replayed.

        An entity whose events refer to something not here yet (it will come
        with a later sync) is left out and remembered as waiting.
        """
        with self.write(None) as tx:
            return projector.rebuild(tx.session)
