"""Erasing a person: their name and every free text about them leave the event log.

The events stay (with their ids, types and stamps, so sync and the
statistics still add up); only the personal fields are blanked. Entities are
remembered as erased, so data about them that arrives later from another
workstation is blanked before it is stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from handledare.domain import evidence
from handledare.domain.events import EventType
from handledare.store import delegation_projection
from handledare.store.sql import connection_of
from handledare.store.tables import ErasedEntityRow, EventRow, MetaRow, RetainedRow

ERASED = "—"

# For each kind of event: the fields that may hold a name or free text; `a.b` is the
# field `b` inside the object `a`.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    EventType.PERSON_CREATED: ("name", "employee_number"),
    EventType.ITEM_MARKED: ("reason", *(f"evidence.{name}" for name in evidence.FREE_TEXT)),
    EventType.NOTE_ADDED: ("text",),
    EventType.ITEMS_SIGNED_OFF: ("checked",),
    EventType.ACKNOWLEDGED: ("typed_name", "comment"),
    EventType.SIGN_OFF_REVOKED: ("reason",),
    EventType.APPROVED: ("override_reason",),
    EventType.CONFLICT_RESOLVED: ("note",),
    # A delegation's task, dates and who delegated it are kept until the retention date
    # (RETAINED_FIELDS); its free text goes at once.
    EventType.DELEGATION_GRANTED: ("conditions",),
    EventType.DELEGATION_ACCEPTED: ("typed_name",),
    EventType.DELEGATION_DECLINED: ("reason",),
    EventType.DELEGATION_REVOKED: ("reason",),
    EventType.DELEGATION_CONFLICT_RESOLVED: ("note",),
}
# Kept after an erasure until the retention date: what the decision needs to be read.
RETAINED_FIELDS: dict[str, tuple[str, ...]] = {
    EventType.DELEGATION_GRANTED: ("person_name",),
}
# The kinds of event that make up a delegation: emptied whole once its retention has ended.
RETAINED_EVENTS = frozenset(
    {
        EventType.DELEGATION_GRANTED,
        EventType.DELEGATION_ACCEPTED,
        EventType.DELEGATION_DECLINED,
        EventType.DELEGATION_REVOKED,
        EventType.DELEGATION_RENEWED,
        EventType.DELEGATION_CONFLICT_RESOLVED,
    }
)


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


def delegations_of(session: Session, person_id: str) -> list[str]:
    return list(
        session.exec(
            select(EventRow.entity_id).where(
                EventRow.type == EventType.DELEGATION_GRANTED.value,
                func.json_extract(EventRow.payload, "$.person_id") == person_id,
            )
        )
    )


def erased_ids(session: Session) -> set[str]:
    """Read on every part of a pull, so in plain SQL."""
    rows = connection_of(session).execute("SELECT entity_id FROM erased_entities")
    return {entity_id for (entity_id,) in rows}


def erase(session: Session, person_id: str) -> tuple[set[str], set[int]]:
    """Blank the person's data in every event; return the entities touched and the
    sequence numbers of this workstation's batches that held it."""
    entities = {person_id, *onboardings_of(session, person_id), *delegations_of(session, person_id)}
    for entity_id in entities:
        if session.get(ErasedEntityRow, entity_id) is None:
            session.add(ErasedEntityRow(entity_id=entity_id))
    return entities, _rewrite_payloads(session, entities, blank)


def _rewrite_payloads(
    session: Session, entities: set[str], change: Callable[[str, dict[str, Any]], dict[str, Any]]
) -> set[int]:
    """Change the payloads of the entities' events; return the sequence numbers of this
    workstation's batches that held a changed one."""
    touched_batches: set[int] = set()
    meta = session.get(MetaRow, "workstation_id")
    own = meta.value if meta else None
    rows = session.exec(select(EventRow).where(col(EventRow.entity_id).in_(entities))).all()
    for row in rows:
        payload = json.loads(row.payload)
        changed = change(row.type, payload)
        if changed != payload:
            row.payload = json.dumps(changed, ensure_ascii=False, sort_keys=True)
            if row.batch_sequence is not None and row.workstation_id == own:
                touched_batches.add(row.batch_sequence)
    session.flush()
    return touched_batches


def retain(session: Session, person_id: str, entities: set[str], keep_until: str | None) -> None:
    """Keep an erased person's delegation records until `keep_until` (then `purge_due`)."""
    for entity_id in sorted(set(delegations_of(session, person_id)) & entities):
        retain_one(session, entity_id, person_id, keep_until)


def retain_one(session: Session, entity_id: str, person_id: str, keep_until: str | None) -> None:
    """No date recorded (an erasure made before delegations were kept): removed at once."""
    if session.get(RetainedRow, entity_id) is None:
        session.add(
            RetainedRow(entity_id=entity_id, person_id=person_id, keep_until=keep_until or "")
        )
        session.flush()


def purged_payload(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"purged": True}


def any_due(session: Session, today: str) -> bool:
    """Whether a retained delegation record has passed its retention date: a read, so that
    a round with nothing due takes no write turn."""
    return (
        session.exec(
            select(RetainedRow.entity_id).where(
                RetainedRow.purged == False,  # noqa: E712
                RetainedRow.keep_until < today,
            )
        ).first()
        is not None
    )


def purge_due(session: Session, today: str) -> set[str]:
    """Remove the retained delegation records whose retention date has passed: their
    events emptied (sync and the counts still add up), their batches to be rewritten.
    Returns the delegations removed."""
    due = session.exec(
        select(RetainedRow).where(RetainedRow.purged == False, RetainedRow.keep_until < today)  # noqa: E712
    ).all()
    if not due:
        return set()
    entities = {row.entity_id for row in due}
    mark_rewrite(session, _rewrite_payloads(session, entities, purged_payload))
    for row in due:
        row.purged = True
        delegation_projection.remove(session, row.entity_id)
    session.flush()
    return entities


def purged_ids(session: Session) -> set[str]:
    return set(session.exec(select(RetainedRow.entity_id).where(RetainedRow.purged == True)))  # noqa: E712


def keep_until_of(session: Session, person_id: str) -> str | None:
    """The retention date the erasure of a person set for their delegations."""
    payload = session.exec(
        select(EventRow.payload).where(
            EventRow.type == EventType.PERSON_ERASED.value, EventRow.entity_id == person_id
        )
    ).first()
    return json.loads(payload).get("delegations_kept_until") if payload else None


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
