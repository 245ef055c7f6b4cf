"""What this workstation knows of the share: whom it trusts, each folder as last seen, and
the files that could not be used.

Trust decisions are projected from events (they travel); the rest is this
workstation's own observation and never leaves it. Writes happen only when
something changed, so a round with nothing new writes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, astuple, dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

from handledare.store.eventlog import Store, get_meta, set_meta
from handledare.store.sql import connection_of
from handledare.store.tables import ShareProblemRow

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from sqlmodel import Session

Row = TypeVar("Row", bound="DataclassInstance")

ROOT_KEY = "share_root"
HISTORY_KEY = "unsigned_history"
CARD_KEY = "own_card"
CLOCK_KEY = "own_clock"
# The share keys this workstation holds (opaque to the store: sync encodes them), the keys
# it has sealed to each other workstation, whether a revocation decided here asks for a new
# share key, and whether all its own batches on the share are encrypted.
SHARE_KEYS_KEY = "share_keys"
SEALED_KEY = "sealed_to"
ROTATE_KEY = "rotate_share_key"
ENCRYPTED_KEY = "own_batches_encrypted"
_MEMO = (ROOT_KEY, CARD_KEY, CLOCK_KEY, SHARE_KEYS_KEY, SEALED_KEY, ROTATE_KEY, ENCRYPTED_KEY)


@dataclass(frozen=True)
class KeyDecision:
    """An administrator's decision on one workstation key, as projected from the events."""

    workstation_id: str
    key_id: str
    public_key: str
    name: str
    machine: str
    state: str  # approved, rejected or revoked
    decided_by: str | None
    decided_at: str
    decided_on: str
    revoked_after: int | None
    revoked_sha256: str | None
    reason: str | None


@dataclass
class Folder:
    """A workstation folder on the share as this workstation last saw it."""

    workstation_id: str
    first_seen: str
    name: str | None = None
    machine: str | None = None
    key_id: str | None = None
    public_key: str | None = None
    history_sequence: int | None = None
    history_sha256: str | None = None
    batch_count: int = 0
    last_batch: int = 0
    last_batch_seen: str | None = None
    clock_offset: float | None = None
    clock_measured: str | None = None
    seal_key: str | None = None


@dataclass(frozen=True)
class Problem:
    path: str
    workstation_id: str | None
    kind: str  # stray, batch, card, tamper
    reason: str
    first_seen: str


@dataclass(frozen=True)
class Snapshot:
    """All this workstation knows of the share, read at once (a round with nothing new reads
    it once; the ORM and a session per table would cost it a good part of its time)."""

    decisions: list[KeyDecision]
    folders: dict[str, Folder]
    problems: dict[str, Problem]
    root: dict[str, Any] | None
    own_card: dict[str, Any] | None
    own_clock: tuple[float | None, str | None]
    share_keys: list[dict[str, Any]] = field(default_factory=list)
    sealed_to: dict[str, dict[str, Any]] = field(default_factory=dict)
    rotate: bool = False  # a revocation decided here asks for a new share key
    encrypted: bool = False  # all of this workstation's batches on the share are encrypted


def snapshot(store: Store) -> Snapshot:
    with store.read() as session:
        connection = connection_of(session)
        meta = dict(
            connection.execute(
                f"SELECT key, value FROM meta WHERE key IN ({', '.join('?' * len(_MEMO))})",
                _MEMO,
            )
        )
        clock = json.loads(meta[CLOCK_KEY]) if meta.get(CLOCK_KEY) else None
        return Snapshot(
            decisions=_rows(connection, "workstation_keys", KeyDecision),
            folders={f.workstation_id: f for f in _rows(connection, "share_workstations", Folder)},
            problems={p.path: p for p in _rows(connection, "share_problems", Problem)},
            root=json.loads(meta[ROOT_KEY]) if meta.get(ROOT_KEY) else None,
            own_card=json.loads(meta[CARD_KEY]) if meta.get(CARD_KEY) else None,
            own_clock=(clock["offset"], clock["measured"]) if clock else (None, None),
            share_keys=json.loads(meta.get(SHARE_KEYS_KEY) or "[]"),
            sealed_to=json.loads(meta.get(SEALED_KEY) or "{}"),
            rotate=meta.get(ROTATE_KEY) == "1",
            encrypted=meta.get(ENCRYPTED_KEY) == "1",
        )


def _rows(connection: sqlite3.Connection, table: str, row_type: type[Row]) -> list[Row]:
    columns = [f.name for f in fields(row_type)]
    found = connection.execute(f"SELECT {', '.join(columns)} FROM {table}")
    return [row_type(*values) for values in found]


def key_decisions(store: Store) -> list[KeyDecision]:
    with store.read() as session:
        return _rows(connection_of(session), "workstation_keys", KeyDecision)


def workstation_names(store: Store) -> dict[str, str]:
    """The names workstations gave themselves, by id: from their folders on the share as
    seen here, else from an administrator's decision on their key (which travels)."""
    with store.read() as session:
        connection = connection_of(session)
        decided = connection.execute("SELECT workstation_id, name FROM workstation_keys")
        seen = connection.execute(
            "SELECT workstation_id, name FROM share_workstations WHERE name IS NOT NULL"
        )
        return {**dict(decided.fetchall()), **dict(seen.fetchall())}


def pin_root(store: Store, root: dict[str, Any]) -> None:
    _set_meta_json(store, ROOT_KEY, root)


def unsigned_history(store: Store) -> tuple[int, str] | None:
    """This workstation's last batch published before it signed its batches (sequence and
    hash), or None; fixed at its first signed round, when all its batches were unsigned."""
    with store.read() as session:
        value = get_meta(session, HISTORY_KEY)
    if value is None:
        with store.write(None) as tx:
            last = (
                connection_of(tx.session)
                .execute(
                    "SELECT sequence, sha256 FROM batches WHERE workstation_id = ? "
                    "ORDER BY sequence DESC LIMIT 1",
                    (store.workstation_id,),
                )
                .fetchone()
            )
            value = json.dumps(list(last) if last else None)
            set_meta(tx.session, HISTORY_KEY, value)
    found = json.loads(value)
    return (found[0], found[1]) if found else None


def request_rotation(session: Session) -> None:
    """A revocation decided here: the next round makes a new share key (same transaction)."""
    set_meta(session, ROTATE_KEY, "1")


def set_unsigned_history(store: Store, history: tuple[int, str] | None) -> None:
    """After an erasure rewrite signed some of them, fewer of our batches are unsigned."""
    with store.write(None) as tx:
        set_meta(tx.session, HISTORY_KEY, json.dumps(list(history) if history else None))


def folders(store: Store) -> dict[str, Folder]:
    return snapshot(store).folders


@dataclass
class Changes:
    """What a round learnt that this workstation keeps: saved in one transaction."""

    folders: list[Folder] = field(default_factory=list)
    added: list[Problem] = field(default_factory=list)  # problems new or changed
    gone: list[str] = field(default_factory=list)  # paths of problems no longer found
    own_card: dict[str, Any] | None = None  # the signed part of the card just written
    own_clock: tuple[float, str] | None = None  # offset and when, just measured
    share_keys: list[dict[str, Any]] | None = None  # the share keys held, when they changed
    sealed_to: dict[str, dict[str, Any]] | None = None  # what was sealed to whom, if changed
    rotated: bool = False  # the new share key a revocation asked for was made
    encrypted: bool = False  # all own batches on the share are now encrypted

    def any(self) -> bool:
        return bool(
            self.folders
            or self.added
            or self.gone
            or self.own_card
            or self.own_clock
            or self.share_keys is not None
            or self.sealed_to is not None
            or self.rotated
            or self.encrypted
        )


def record(store: Store, changes: Changes) -> None:
    """Save what changed; nothing at all (not even a transaction) when nothing did."""
    if not changes.any():
        return
    with store.write(None) as tx:
        session = tx.session
        # Plain SQL: after a large pull every folder changed, and the ORM's load and flush of
        # each row kept a mark made meanwhile waiting for this write.
        connection_of(session).executemany(_UPSERT_FOLDER, [astuple(f) for f in changes.folders])
        for path in changes.gone:
            found = session.get(ShareProblemRow, path)
            if found is not None:
                session.delete(found)
        session.flush()
        for problem in changes.added:
            known = session.get(ShareProblemRow, problem.path)
            if known is None:
                session.add(ShareProblemRow(**asdict(problem)))
            else:
                known.kind, known.reason = problem.kind, problem.reason
        if changes.own_card is not None:
            set_meta(session, CARD_KEY, _json(changes.own_card))
        if changes.own_clock is not None:
            offset, measured = changes.own_clock
            set_meta(session, CLOCK_KEY, _json({"offset": offset, "measured": measured}))
        if changes.share_keys is not None:
            set_meta(session, SHARE_KEYS_KEY, _json(changes.share_keys))
        if changes.sealed_to is not None:
            set_meta(session, SEALED_KEY, _json(changes.sealed_to))
        if changes.rotated:
            set_meta(session, ROTATE_KEY, "0")
        if changes.encrypted:
            set_meta(session, ENCRYPTED_KEY, "1")


_FOLDER_COLUMNS = [f.name for f in fields(Folder)]
_UPSERT_FOLDER = (
    f"INSERT INTO share_workstations ({', '.join(_FOLDER_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_FOLDER_COLUMNS))}) ON CONFLICT (workstation_id) DO UPDATE "
    f"SET {', '.join(f'{c} = excluded.{c}' for c in _FOLDER_COLUMNS[1:])}"
)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _set_meta_json(store: Store, key: str, value: object) -> None:
    with store.write(None) as tx:
        set_meta(tx.session, key, _json(value))
