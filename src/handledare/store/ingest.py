"""Other workstations' events into this store: what has been applied, and applying more.

The caller has verified the batches; here they are stored and projected, each
event once (by UUID), whatever order they arrive in.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, replace

from handledare.domain.events import EventType
from handledare.store import erasure, projector
from handledare.store.eventlog import Store, Transaction
from handledare.store.kept_onboardings import KeptOnboardings, store_mark
from handledare.store.onboarding_projection import ONBOARDING_EVENTS
from handledare.store.sql import connection_of, existing_ids, slices
from handledare.store.tables import EVENT_COLUMNS, BatchRow, ErasedEntityRow, StoredEvent


@dataclass(frozen=True)
class IncomingBatch:
    """A verified batch of another workstation, its events as they are to be stored
    (each with the batch's number, so the batch can be found again)."""

    workstation_id: str
    sequence: int
    sha256: str
    events: list[StoredEvent]
    key_id: str | None = None


@dataclass(frozen=True)
class Ingested:
    new_events: int
    pending_entities: int
    # Seconds the write took, from asking for its turn to the commit: about how long it held
    # the write lock (a local write it waited for is seldom more than a few milliseconds).
    held: float = 0.0


@dataclass(frozen=True)
class AppliedBatch:
    sha256: str
    event_count: int


def applied_up_to(store: Store, workstation_ids: list[str]) -> dict[str, tuple[int, str]]:
    """Each workstation's last batch applied here, (sequence, hash); a key lookup each."""
    found = {}
    with store.read() as session:
        connection = connection_of(session)
        for workstation_id in workstation_ids:
            row = connection.execute(
                "SELECT sequence, sha256 FROM batches WHERE workstation_id = ? "
                "ORDER BY sequence DESC LIMIT 1",
                (workstation_id,),
            ).fetchone()
            if row is not None:
                found[workstation_id] = row
    return found


def ingest(
    store: Store, batches: list[IncomingBatch], kept: KeptOnboardings | None = None
) -> Ingested:
    """Store and project these batches' events in one transaction, and record the batches
    as applied; safe to repeat. A batch that erases a person compacts the file after. The
    parts of one pull pass the same `kept`, to fold onboardings on without reading them
    again."""
    kept = kept or KeptOnboardings(0)
    events = [
        event
        if event.batch_sequence == batch.sequence
        else event._replace(batch_sequence=batch.sequence)
        for batch in batches
        for event in batch.events
    ]
    if kept.limit:
        with store.read() as session:
            kept.prefetch(
                connection_of(session), (e.entity_id for e in events if e.type in ONBOARDING_EVENTS)
            )
    # Not durable: what a power cut loses here is not recorded as applied either, so the
    # next round pulls it again (docs/sync-format.md, "Durability").
    began = time.perf_counter()
    try:
        with store.write(None, durable=False) as tx:
            kept.begin(connection_of(tx.session))
            applied = _apply_events(tx, events, kept)
            recorded_at = tx.wall.isoformat(timespec="seconds")
            connection_of(tx.session).executemany(
                "INSERT INTO batches (workstation_id, sequence, sha256, event_count, "
                "recorded_at, key_id) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (b.workstation_id, b.sequence, b.sha256, len(b.events), recorded_at, b.key_id)
                    for b in batches
                ],
            )
            if _withdraw_revoked(tx, events):
                kept.clear()
            left = store_mark(connection_of(tx.session))[0], tx.stamp_left()
    except BaseException:
        kept.clear()
        raise
    applied = replace(applied, held=time.perf_counter() - began)
    kept.committed(left)
    if any(e.type == EventType.PERSON_ERASED for batch in batches for e in batch.events):
        kept.clear()
        store.compact()
    return applied


def _insert_events(connection: sqlite3.Connection, rows: list[StoredEvent]) -> None:
    connection.executemany(
        f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})",
        rows,
    )


def _latest_stamps(connection: sqlite3.Connection, entity_ids: list[str]) -> dict[str, str]:
    latest: dict[str, str] = {}
    for part in slices(entity_ids):
        latest.update(
            connection.execute(
                "SELECT entity_id, max(hlc) FROM events "
                f"WHERE entity_id IN ({','.join('?' * len(part))}) GROUP BY entity_id",
                part,
            )
        )
    return latest


def _apply_events(tx: Transaction, events: list[StoredEvent], kept: KeptOnboardings) -> Ingested:
    """Insert the events not here yet and project them.

    Events newer than everything stored for their entity are projected in one
    pass; an entity that gets an older event is projected again from all its
    events, and so is everything in a batch that erases a person.
    """
    session = tx.session
    events = _blank_erased(tx, events)
    connection = connection_of(session)
    known = existing_ids(connection, "events", (event.id for event in events))
    fresh = sorted(
        (event for event in events if event.id not in known),
        key=lambda e: (e.hlc, e.workstation_id, e.id),
    )
    replay: set[str] = set()
    if fresh:
        first_stamp: dict[str, str] = {}
        for row in fresh:
            first_stamp.setdefault(row.entity_id, row.hlc)
        latest = _latest_stamps(connection, sorted(first_stamp))
        _insert_events(connection, fresh)
        tx.observe(fresh[-1].hlc)
        if any(row.type == EventType.PERSON_ERASED for row in fresh):
            replay = set(first_stamp)
            kept.clear()  # the erasure projects the person's onboardings again
        else:
            replay = {e for e, stamp in first_stamp.items() if latest.get(e, "") >= stamp}
    projector.project(session, fresh, replay=replay, kept=kept)
    return Ingested(new_events=len(fresh), pending_entities=projector.pending_count(session))


def _blank_erased(tx: Transaction, events: list[StoredEvent]) -> list[StoredEvent]:
    """Data about an erased person that arrives late is blanked before it is stored."""
    erased = erasure.erased_ids(tx.session)
    if not erased:
        return events
    purged = erasure.purged_ids(tx.session)
    result = []
    for event in sorted(events, key=lambda e: (e.hlc, e.workstation_id, e.id)):
        payload = json.loads(event.payload)
        if event.type in _ABOUT_A_PERSON and payload.get("person_id") in erased:
            erased.add(event.entity_id)
            tx.session.add(ErasedEntityRow(entity_id=event.entity_id))
            if event.type == EventType.DELEGATION_GRANTED:
                person_id = payload["person_id"]
                keep = erasure.keep_until_of(tx.session, person_id)
                erasure.retain_one(tx.session, event.entity_id, person_id, keep)
        if event.entity_id in purged:
            changed = erasure.purged_payload(event.type, payload)
        elif event.entity_id in erased:
            changed = erasure.blank(event.type, payload)
        else:
            changed = payload
        if changed != payload:
            event = event._replace(payload=json.dumps(changed, ensure_ascii=False, sort_keys=True))
        result.append(event)
    return result


# The first events of entities that belong to one person, and are erased with them.
_ABOUT_A_PERSON = (EventType.ONBOARDING_STARTED, EventType.DELEGATION_GRANTED)


def _withdraw_revoked(tx: Transaction, events: list[StoredEvent]) -> bool:
    """A revocation arrived: events from batches the revoked key signed after the cut, which
    this workstation had applied before it learnt of the revocation, leave the log, and the
    tables are projected again without them. Whether any did."""
    revoked = {e.entity_id for e in events if e.type == EventType.WORKSTATION_REVOKED}
    revoked.discard(tx.workstation_id)  # a workstation keeps its own log, revoked or not
    if not revoked:
        return False
    connection = connection_of(tx.session)
    withdrawn = 0
    for workstation_id in sorted(revoked):
        cuts = connection.execute(
            "SELECT key_id, revoked_after FROM workstation_keys "
            "WHERE workstation_id = ? AND state = 'revoked'",
            (workstation_id,),
        ).fetchall()
        for key_id, cut in cuts:
            late = "FROM batches WHERE workstation_id = ? AND key_id = ? AND sequence > ?"
            sequences = [
                row[0]
                for row in connection.execute(
                    f"SELECT sequence {late}", (workstation_id, key_id, cut)
                )
            ]
            for part in slices([str(sequence) for sequence in sequences]):
                marks = ",".join("?" * len(part))
                withdrawn += connection.execute(
                    f"DELETE FROM events WHERE workstation_id = ? AND batch_sequence IN ({marks})",
                    (workstation_id, *part),
                ).rowcount
            connection.execute(f"DELETE {late}", (workstation_id, key_id, cut))
    if withdrawn:
        # Rare (a revoked workstation's late batches were applied here first), and what they
        # made may be referred to by others: every table is projected again without them.
        projector.rebuild(tx.session)
    return bool(withdrawn)


def applied_batches(store: Store, workstation_id: str) -> dict[int, AppliedBatch]:
    """Every batch of one workstation applied here, by number."""
    with store.read() as session:
        rows = connection_of(session).execute(
            "SELECT sequence, sha256, event_count FROM batches WHERE workstation_id = ?",
            (workstation_id,),
        )
        return {sequence: AppliedBatch(sha256, count) for sequence, sha256, count in rows}


def stored_events(store: Store, event_ids: list[str]) -> dict[str, StoredEvent]:
    """The events with these ids that are in the log here."""
    with store.read() as session:
        connection = connection_of(session)
        found = {}
        for part in slices(sorted(set(event_ids))):
            marks = ",".join("?" * len(part))
            for values in connection.execute(
                f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE id IN ({marks})", part
            ):
                event = StoredEvent._make(values)
                found[event.id] = event
        return found


def replace_hashes(
    store: Store, workstation_id: str, hashes: dict[int, tuple[str, str | None]]
) -> None:
    """Another workstation rewrote these batches (after an erasure, signing them again);
    remember their new hashes and keys."""
    with store.write(None) as tx:
        for sequence, (sha256, key_id) in hashes.items():
            row = tx.session.get_one(BatchRow, (workstation_id, sequence))
            row.sha256, row.key_id = sha256, key_id
