"""Erasing a person: their name and every free text about them leave the event log.

The events stay (with their ids, types and stamps, so sync and the
statistics still add up); only the personal fields are blanked. Entities are
remembered as erased, so data about them that arrives later from another
workstation is blanked before it is stored.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from handledare.domain import evidence
from handledare.domain.events import EventType
from handledare.store.tables import ErasedEntityRow, EventRow, MetaRow

ERASED = "—"

# For each kind of event: the fields that may hold a name or free text; `a.b` is the
# field `b` inside the object `a`.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    EventType.PERSON_CREATED: ("name", "employee_number"),
    EventType.ITEM_MARKED: ("reason", *(f"evidence.{name}" for name in evidence.FREE_TEXT)),
    EventType.NOTE_ADDED: ("text",),
    EventType.ACKNOWLEDGED: ("typed_name", "comment"),
    EventType.SIGN_OFF_REVOKED: ("reason",),
    EventType.APPROVED: ("override_reason",),
    EventType.CONFLICT_RESOLVED: ("note",),
}


def blank(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with its personal fields blanked (absent fields stay absent)."""
    return _blanked(payload, PERSONAL_FIELDS.get(event_type, ()))


def inner_fields(fields: tuple[str, ...], key: str) -> tuple[str, ...]:
    """The personal fields inside the object `key`: `evidence.issuer` gives `issuer`."""
    return tuple(field.partition(".")[2] for field in fields if field.startswith(key + "."))


def _blanked(payload: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in payload.items():
        inner = inner_fields(fields, key)
        if inner and isinstance(value, dict):
            result[key] = _blanked(value, inner)
        elif key in fields:
            result[key] = ERASED if value else value
        else:
            result[key] = value
    return result


def onboardings_of(session: Session, person_id: str) -> list[str]:
    return list(
        session.exec(
            select(EventRow.entity_id).where(
                EventRow.type == EventType.ONBOARDING_STARTED.value,
                func.json_extract(EventRow.payload, "$.person_id") == person_id,
            )
        )
    )


def erased_ids(session: Session) -> set[str]:
    return set(session.exec(select(ErasedEntityRow.entity_id)).all())


def erase(session: Session, person_id: str) -> tuple[set[str], set[int]]:
    """Blank the person's data in every event; return the entities touched and the
    sequence numbers of this workstation's batches that held it."""
    entities = {person_id, *onboardings_of(session, person_id)}
    for entity_id in entities:
        if session.get(ErasedEntityRow, entity_id) is None:
            session.add(ErasedEntityRow(entity_id=entity_id))
    touched_batches: set[int] = set()
    meta = session.get(MetaRow, "workstation_id")
    own = meta.value if meta else None
    rows = session.exec(select(EventRow).where(col(EventRow.entity_id).in_(entities))).all()
    for row in rows:
        payload = json.loads(row.payload)
        blanked = blank(row.type, payload)
        if blanked != payload:
            row.payload = json.dumps(blanked, ensure_ascii=False, sort_keys=True)
            if row.batch_sequence is not None and row.workstation_id == own:
                touched_batches.add(row.batch_sequence)
    session.flush()
    return entities, touched_batches


def mark_rewrite(session: Session, sequences: set[int]) -> None:
    """Remember from which of our batches the share must be rewritten."""
    if not sequences:
        return
    row = session.get(MetaRow, REWRITE_KEY)
    first = min(sequences)
    if row is None:
        session.add(MetaRow(key=REWRITE_KEY, value=str(first)))
    elif int(row.value) > first:
        row.value = str(first)


def rewrite_from(session: Session) -> int | None:
    row = session.get(MetaRow, REWRITE_KEY)
    return int(row.value) if row else None


def rewritten(session: Session) -> None:
    row = session.get(MetaRow, REWRITE_KEY)
    if row is not None:
        session.delete(row)


REWRITE_KEY = "rewrite_batches_from"
