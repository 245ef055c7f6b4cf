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
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import Session, select

from handledare.domain.events import EventType
from handledare.store import erasure, projector
from handledare.store.eventlog import Transaction
from handledare.store.tables import BatchRow, ErasedEntityRow, EventRow, PendingEntityRow

EVENT_FIELDS = ("id", "hlc", "workstation_id", "actor_id", "type", "entity_id", "wall_time")


def event_to_wire(row: EventRow) -> dict:
    wire = {name: getattr(row, name) for name in EVENT_FIELDS}
    wire["payload"] = json.loads(row.payload)
    return wire


def _event_from_wire(wire: dict) -> EventRow:
    return EventRow(
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


def last_batch(session: Session, workstation_id: str) -> BatchRow | None:
    return session.exec(
        select(BatchRow)
        .where(BatchRow.workstation_id == workstation_id)
        .order_by(BatchRow.sequence.desc())
        .limit(1)
    ).first()


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


def _sort_key(row: EventRow) -> tuple[str, str, str]:
    return (row.hlc, row.workstation_id, row.id)


def _has_later(session: Session, row: EventRow, fresh: set[str]) -> bool:
    """Is something already projected for this entity stamped at or after this event?"""
    later = session.exec(
        select(EventRow.id).where(
            EventRow.entity_id == row.entity_id, EventRow.hlc >= row.hlc, EventRow.id != row.id
        )
    ).all()
    return any(event_id not in fresh for event_id in later)


def apply_events(tx: Transaction, wire_events: list[dict]) -> Applied:
    """Insert events seen on the share and project them; safe to repeat."""
    session = tx.session
    wire_events = _blank_erased(session, wire_events)
    ids = [wire["id"] for wire in wire_events]
    known = (
        set(session.exec(select(EventRow.id).where(EventRow.id.in_(ids))).all()) if ids else set()
    )
    fresh_rows = sorted(
        (_event_from_wire(wire) for wire in wire_events if wire["id"] not in known),
        key=_sort_key,
    )
    fresh = {row.id for row in fresh_rows}
    for row in fresh_rows:
        session.add(row)
        tx.observe(row.hlc)
    session.flush()

    replay: set[str] = set()
    for row in fresh_rows:
        if row.entity_id in replay:
            continue
        if _has_later(session, row, fresh):
            replay.add(row.entity_id)
            continue
        if not projector.apply_or_wait(session, row):
            replay.add(row.entity_id)
    pending = retry_entities(session, replay)
    return Applied(new_events=len(fresh_rows), pending_entities=pending)


def _blank_erased(session: Session, wire_events: list[dict]) -> list[dict]:
    """Data about an erased person that arrives late is blanked before it is stored."""
    erased = erasure.erased_ids(session)
    if not erased:
        return wire_events
    result = []
    for wire in sorted(wire_events, key=lambda w: (w["hlc"], w["workstation_id"], w["id"])):
        payload = wire["payload"]
        if wire["type"] == EventType.ONBOARDING_STARTED and payload.get("person_id") in erased:
            erased.add(wire["entity_id"])
            session.add(ErasedEntityRow(entity_id=wire["entity_id"]))
        if wire["entity_id"] in erased:
            wire = {**wire, "payload": erasure.blank(wire["type"], payload)}
        result.append(wire)
    return result


def retry_entities(session: Session, entity_ids: set[str]) -> int:
    """Project these and all waiting entities again; return how many still wait."""
    waiting = set(session.exec(select(PendingEntityRow.entity_id)).all()) | entity_ids
    if not waiting:
        return 0
    first_types = dict(
        session.exec(
            select(EventRow.entity_id, func.min(EventRow.type))
            .where(EventRow.entity_id.in_(waiting))
            .group_by(EventRow.entity_id)
        ).all()
    )
    still = 0
    for entity_id in sorted(
        waiting, key=lambda e: (projector.entity_rank(first_types.get(e, "")), e)
    ):
        try:
            with session.begin_nested():
                projector.replay_entity(session, entity_id)
        except projector.MissingDependency:
            still += 1
            if session.get(PendingEntityRow, entity_id) is None:
                session.add(PendingEntityRow(entity_id=entity_id))
        else:
            found = session.get(PendingEntityRow, entity_id)
            if found is not None:
                session.delete(found)
    session.flush()
    return still


def set_batch_hash(session: Session, workstation_id: str, sequence: int, sha256: str) -> None:
    row = session.get(BatchRow, (workstation_id, sequence))
    row.sha256 = sha256


def all_known(session: Session, event_ids: list[str]) -> bool:
    if not event_ids:
        return True
    found = session.exec(
        select(func.count()).select_from(EventRow).where(EventRow.id.in_(event_ids))
    ).one()
    return found == len(set(event_ids))
