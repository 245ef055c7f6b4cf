"""The store's side of sync: what is unpublished, what has been seen, and applying events.

Events from other workstations can arrive in any order. Each is inserted once
(by UUID). When it is newer than everything already projected for its
entity it is projected at once; otherwise, or when it refers to something not
here yet, its entity is projected again from all its events in stamp order,
now or when the missing events arrive. So equal sets of events give equal
tables, whatever the order.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import Session, select

from handledare.domain.events import EventType
from handledare.store import erasure, projector
from handledare.store.eventlog import Transaction
from handledare.store.sql import connection_of, existing_ids, slices
from handledare.store.tables import (
    EVENT_COLUMNS,
    BatchRow,
    ErasedEntityRow,
    EventRow,
    PendingEntityRow,
    StoredEvent,
)

EVENT_FIELDS = ("id", "hlc", "workstation_id", "actor_id", "type", "entity_id", "wall_time")


def event_to_wire(row: EventRow) -> dict:
    wire = {name: getattr(row, name) for name in EVENT_FIELDS}
    wire["payload"] = json.loads(row.payload)
    return wire


def _event_from_wire(wire: dict) -> StoredEvent:
    return StoredEvent(
        **{name: wire[name] for name in EVENT_FIELDS},
        payload=json.dumps(wire["payload"], ensure_ascii=False, sort_keys=True),
    )


def unpublished(session: Session, workstation_id: str, limit: int | None = None) -> list[EventRow]:
    """This workstation's events in no batch yet, oldest first (at most `limit`)."""
    query = (
        select(EventRow)
        .where(EventRow.workstation_id == workstation_id, EventRow.batch_sequence.is_(None))
        .order_by(EventRow.hlc, EventRow.id)
    )
    return list(session.exec(query if limit is None else query.limit(limit)))


def last_batches(session: Session, workstation_ids: list[str]) -> dict[str, tuple[int, str]]:
    """Each workstation's last batch applied here, (sequence, hash); a key lookup each."""
    connection = connection_of(session)
    found = {}
    for workstation_id in workstation_ids:
        row = connection.execute(
            "SELECT sequence, sha256 FROM batches WHERE workstation_id = ? "
            "ORDER BY sequence DESC LIMIT 1",
            (workstation_id,),
        ).fetchone()
        if row is not None:
            found[workstation_id] = row
    return found


@dataclass(frozen=True)
class OwnBatch:
    sequence: int
    previous: str | None


def own_batches(session: Session, workstation_id: str) -> list[OwnBatch]:
    """This workstation's published batches, each with the hash of the one before."""
    rows = session.exec(
        select(BatchRow)
        .where(BatchRow.workstation_id == workstation_id)
        .order_by(BatchRow.sequence)
    ).all()
    return [
        OwnBatch(row.sequence, rows[index - 1].sha256 if index else None)
        for index, row in enumerate(rows)
    ]


def events_of_batch(session: Session, workstation_id: str, sequence: int) -> list[EventRow]:
    return list(
        session.exec(
            select(EventRow)
            .where(EventRow.workstation_id == workstation_id, EventRow.batch_sequence == sequence)
            .order_by(EventRow.hlc, EventRow.id)
        )
    )


def record_batch(
    tx: Transaction,
    workstation_id: str,
    sequence: int,
    sha256: str,
    event_ids: list[str],
    last_stamp: str | None = None,
) -> None:
    """Remember a batch; for our own, mark its events published (all up to its last stamp,
    since this workstation's stamps only grow)."""
    tx.session.add(
        BatchRow(
            workstation_id=workstation_id,
            sequence=sequence,
            sha256=sha256,
            event_count=len(event_ids),
            recorded_at=tx.wall.isoformat(timespec="seconds"),
        )
    )
    if workstation_id == tx.workstation_id and last_stamp is not None:
        tx.session.execute(
            update(EventRow)
            .where(
                EventRow.workstation_id == workstation_id,
                EventRow.batch_sequence.is_(None),
                EventRow.hlc <= last_stamp,
            )
            .values(batch_sequence=sequence)
        )


def waiting_count(session: Session, workstation_id: str) -> int:
    return session.exec(
        select(func.count())
        .select_from(EventRow)
        .where(EventRow.workstation_id == workstation_id, EventRow.batch_sequence.is_(None))
    ).one()


@dataclass
class Applied:
    new_events: int
    pending_entities: int


def _sort_key(row: StoredEvent) -> tuple[str, str, str]:
    return (row.hlc, row.workstation_id, row.id)


def insert_events(connection: sqlite3.Connection, rows: list[StoredEvent]) -> None:
    connection.executemany(
        f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})",
        rows,
    )


def _latest_stamps(connection: sqlite3.Connection, entity_ids: list[str]) -> dict[str, str]:
    latest = {}
    for part in slices(entity_ids):
        latest.update(
            connection.execute(
                "SELECT entity_id, max(hlc) FROM events "
                f"WHERE entity_id IN ({','.join('?' * len(part))}) GROUP BY entity_id",
                part,
            )
        )
    return latest


def apply_events(tx: Transaction, wire_events: list[dict]) -> Applied:
    """Insert events seen on the share and project them; safe to repeat.

    Events newer than everything stored for their entity are projected in one
    pass; an entity that gets an older event is projected again from all its
    events, and so is everything in a batch that erases a person.
    """
    session = tx.session
    wire_events = _blank_erased(session, wire_events)
    connection = connection_of(session)
    known = existing_ids(connection, "events", (wire["id"] for wire in wire_events))
    fresh = sorted(
        (_event_from_wire(wire) for wire in wire_events if wire["id"] not in known),
        key=_sort_key,
    )
    replay: set[str] = set()
    if fresh:
        first_stamp: dict[str, str] = {}
        for row in fresh:
            first_stamp.setdefault(row.entity_id, row.hlc)
        latest = _latest_stamps(connection, sorted(first_stamp))
        insert_events(connection, fresh)
        tx.observe(fresh[-1].hlc)
        if any(row.type == EventType.PERSON_ERASED for row in fresh):
            replay = set(first_stamp)
        else:
            replay = {e for e, stamp in first_stamp.items() if latest.get(e, "") >= stamp}
            replay |= projector.project_many(
                session, [row for row in fresh if row.entity_id not in replay]
            )
    pending = retry_entities(session, replay)
    return Applied(new_events=len(fresh), pending_entities=pending)


def _blank_erased(session: Session, wire_events: list[dict]) -> list[dict]:
    """Data about an erased person that arrives late is blanked before it is stored."""
    erased = erasure.erased_ids(session)
    if not erased:
        return wire_events
    purged = erasure.purged_ids(session)
    result = []
    for wire in sorted(wire_events, key=lambda w: (w["hlc"], w["workstation_id"], w["id"])):
        payload = wire["payload"]
        if wire["type"] in _ABOUT_A_PERSON and payload.get("person_id") in erased:
            erased.add(wire["entity_id"])
            session.add(ErasedEntityRow(entity_id=wire["entity_id"]))
            if wire["type"] == EventType.DELEGATION_GRANTED:
                person_id = payload["person_id"]
                keep = erasure.keep_until_of(session, person_id)
                erasure.retain_one(session, wire["entity_id"], person_id, keep)
        if wire["entity_id"] in purged:
            wire = {**wire, "payload": erasure.purged_payload(wire["type"], payload)}
        elif wire["entity_id"] in erased:
            wire = {**wire, "payload": erasure.blank(wire["type"], payload)}
        result.append(wire)
    return result


# The first events of entities that belong to one person, and are erased with them.
_ABOUT_A_PERSON = (EventType.ONBOARDING_STARTED, EventType.DELEGATION_GRANTED)


def retry_entities(session: Session, entity_ids: set[str]) -> int:
    """Project these again, and the waiting entities whose references have arrived
    (again and again while that frees more); return how many still wait.

    A waiting entity whose references are still missing is not tried: a pull of
    hundreds of small batches would otherwise replay every waiting one each time.
    """
    pending = set(session.exec(select(PendingEntityRow.entity_id)).all())
    todo = set(entity_ids) | _unblocked(session, pending - entity_ids)
    tried: set[str] = set()
    while todo and _replay(session, todo):
        tried |= todo
        todo = _unblocked(session, pending - tried)
    session.flush()
    return session.exec(select(func.count()).select_from(PendingEntityRow)).one()


def _replay(session: Session, entity_ids: set[str]) -> bool:
    """Project each entity again from its events; True if any of them got through."""
    first_types = dict(
        session.exec(
            select(EventRow.entity_id, func.min(EventRow.type))
            .where(EventRow.entity_id.in_(entity_ids))
            .group_by(EventRow.entity_id)
        ).all()
    )
    progressed = False
    for entity_id in sorted(
        entity_ids, key=lambda e: (projector.entity_rank(first_types.get(e, "")), e)
    ):
        try:
            with session.begin_nested():
                projector.replay_entity(session, entity_id)
        except projector.MissingDependency:
            if session.get(PendingEntityRow, entity_id) is None:
                session.add(PendingEntityRow(entity_id=entity_id))
        else:
            progressed = True
            found = session.get(PendingEntityRow, entity_id)
            if found is not None:
                session.delete(found)
    session.flush()
    return progressed


# What an entity's first event refers to, by table; it waits until all of them are here.
_REFERENCES = {
    EventType.ONBOARDING_STARTED: lambda d: [
        ("people", d["person_id"]),
        ("units", d["unit_id"]),
        ("users", d.get("supervisor_id")),
        ("templates", f"{d['template_id']}@{d['template_version']}"),
    ],
    EventType.PERSON_CREATED: lambda d: [("units", d["unit_id"])],
    EventType.USER_CREATED: lambda d: [("units", unit_id) for unit_id in d["unit_ids"]],
    EventType.DELEGATION_GRANTED: lambda d: [
        ("people", d.get("person_id")),
        ("units", d.get("unit_id")),
    ],
}


def _unblocked(session: Session, waiting: set[str]) -> set[str]:
    """The waiting entities whose first event's references are all stored now."""
    if not waiting:
        return set()
    connection = connection_of(session)
    references: dict[str, list[tuple[str, str]]] = {}
    kinds = ",".join(f"'{kind.value}'" for kind in _REFERENCES)
    for part in slices(sorted(waiting)):
        marks = ",".join("?" * len(part))
        for entity_id, kind, payload in connection.execute(
            f"SELECT entity_id, type, payload FROM events "
            f"WHERE entity_id IN ({marks}) AND type IN ({kinds})",
            part,
        ):
            references[entity_id] = [
                (table, key)
                for table, key in _REFERENCES[kind](json.loads(payload))
                if key is not None
            ]
    present = {
        (table, key)
        for table in ("people", "units", "users")
        for key in existing_ids(
            connection, table, (k for refs in references.values() for t, k in refs if t == table)
        )
    }
    present |= {
        ("templates", f"{template_id}@{version}")
        for template_id, version in connection.execute("SELECT id, version FROM templates")
    }
    return {
        entity_id
        for entity_id, refs in references.items()
        if all(reference in present for reference in refs)
    }


def set_batch_hash(session: Session, workstation_id: str, sequence: int, sha256: str) -> None:
    row = session.get(BatchRow, (workstation_id, sequence))
    row.sha256 = sha256


def all_known(session: Session, event_ids: list[str]) -> bool:
    wanted = set(event_ids)
    return len(existing_ids(connection_of(session), "events", wanted)) == len(wanted)
