"""This workstation's side of sync: its events not yet on the share, and its batches there.

Each function is one transaction of its own, so a sync round never holds the
database while it waits for the share.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col

from handledare.store import erasure
from handledare.store.eventlog import Store
from handledare.store.sql import connection_of
from handledare.store.tables import EVENT_COLUMNS, BatchRow, EventRow, StoredEvent

_SELECT_EVENTS = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events"


@dataclass(frozen=True)
class PublishedBatch:
    """One of this workstation's batches: its number, its hash, and the hash before it."""

    sequence: int
    sha256: str
    previous: str | None


def unpublished(store: Store, limit: int | None = None) -> list[StoredEvent]:
    """This workstation's events in no batch yet, oldest first (at most `limit`)."""
    with store.read() as session:
        rows = connection_of(session).execute(
            f"{_SELECT_EVENTS} WHERE workstation_id = ? AND batch_sequence IS NULL "
            "ORDER BY hlc, id" + ("" if limit is None else f" LIMIT {int(limit)}"),
            (store.workstation_id,),
        )
        return [StoredEvent._make(values) for values in rows]


def waiting_count(store: Store) -> int:
    """How many of this workstation's events are not on the share yet."""
    with store.read() as session:
        count: int = (
            connection_of(session)
            .execute(
                "SELECT count(*) FROM events WHERE workstation_id = ? AND batch_sequence IS NULL",
                (store.workstation_id,),
            )
            .fetchone()[0]
        )
        return count


def published(store: Store) -> list[PublishedBatch]:
    """This workstation's batches, in order, each with the hash of the one before."""
    with store.read() as session:
        rows = (
            connection_of(session)
            .execute(
                "SELECT sequence, sha256 FROM batches WHERE workstation_id = ? ORDER BY sequence",
                (store.workstation_id,),
            )
            .fetchall()
        )
    return [
        PublishedBatch(sequence, sha256, rows[index - 1][1] if index else None)
        for index, (sequence, sha256) in enumerate(rows)
    ]


def events_of(store: Store, sequence: int) -> list[StoredEvent]:
    """The events of one of this workstation's batches, in the order they were published."""
    with store.read() as session:
        rows = connection_of(session).execute(
            f"{_SELECT_EVENTS} WHERE workstation_id = ? AND batch_sequence = ? ORDER BY hlc, id",
            (store.workstation_id, sequence),
        )
        return [StoredEvent._make(values) for values in rows]


def mark_published(
    store: Store, sequence: int, sha256: str, events: list[StoredEvent], key_id: str
) -> None:
    """Remember a batch now on the share, signed with `key_id`, and mark its events
    published (all up to its last stamp, since this workstation's stamps only grow)."""
    with store.write(None) as tx:
        tx.session.add(
            BatchRow(
                workstation_id=store.workstation_id,
                sequence=sequence,
                sha256=sha256,
                event_count=len(events),
                recorded_at=tx.wall.isoformat(timespec="seconds"),
                key_id=key_id,
            )
        )
        if events:
            tx.session.execute(
                update(EventRow)
                .where(
                    col(EventRow.workstation_id) == store.workstation_id,
                    col(EventRow.batch_sequence).is_(None),
                    col(EventRow.hlc) <= events[-1].hlc,
                )
                .values(batch_sequence=sequence)
            )


def all_unpublished(store: Store, event_ids: list[str]) -> bool:
    """Whether these are all events of ours that no batch holds yet."""
    wanted = set(event_ids)
    return wanted <= {event.id for event in unpublished(store)}


def rewrite_from(store: Store) -> int | None:
    """The first of our batches to write again after an erasure, if any."""
    with store.read() as session:
        return erasure.rewrite_from(session)


def rewritten(store: Store, hashes: dict[int, str], key_id: str) -> None:
    """Our batches are on the share again, signed with `key_id`, with these new hashes."""
    with store.write(None) as tx:
        for sequence, sha256 in hashes.items():
            row = tx.session.get_one(BatchRow, (store.workstation_id, sequence))
            row.sha256, row.key_id = sha256, key_id
        erasure.rewritten(tx.session)
