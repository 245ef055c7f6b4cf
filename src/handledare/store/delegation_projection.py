"""Delegations projected from their events, one event at a time (there are few of them).

Each delegation is an entity of its own: granted, then accepted or declined, then
perhaps revoked or renewed. A renewal is a new delegation (its own entity, naming the
one it renews) and an event on the old one, so that a revocation on one workstation
and a renewal on another, neither seeing the other, meet on one entity and become a
conflict for a person to resolve, as item edits do. Ends by date, by a person leaving
and by an account ending are not events here: they are read beside the row.

An erased person's delegations are kept until their retention date; once it has passed
their events are emptied to `{"purged": true}` and no row is made from them again.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col

from handledare.domain.events import EventType
from handledare.store.tables import (
    DelegationConflictRow,
    DelegationRow,
    DelegationTaskLinkRow,
    DelegationTaskRow,
    Event,
)

AWAITING, ACCEPTED, DECLINED, REVOKED = "awaiting", "accepted", "declined", "revoked"
PURGED = {"purged": True}


class Missing(LookupError):
    """An answer or an end whose delegation has not arrived yet."""


def remove(session: Session, delegation_id: str) -> None:
    """The delegation's rows, gone (before a replay, or once its retention has ended)."""
    session.flush()
    session.execute(
        delete(DelegationConflictRow).where(
            col(DelegationConflictRow.delegation_id) == delegation_id
        )
    )
    session.execute(
        delete(DelegationTaskLinkRow).where(
            col(DelegationTaskLinkRow.delegation_id) == delegation_id
        )
    )
    session.execute(delete(DelegationRow).where(col(DelegationRow.id) == delegation_id))
    for instance in list(session.identity_map.values()):
        if isinstance(instance, DelegationRow | DelegationTaskLinkRow | DelegationConflictRow):
            session.expire(instance)


def tasks_imported(session: Session, row: Event, data: dict[str, Any]) -> None:
    """A later import of the list changes titles; keys stay, none is removed."""
    for task in data["tasks"]:
        title = json.dumps(task["title"], ensure_ascii=False, sort_keys=True)
        found = session.get(DelegationTaskRow, task["key"])
        if found is None:
            session.add(DelegationTaskRow(key=task["key"], title=title, imported_at=row.wall_time))
        else:
            found.title = title


def granted(session: Session, row: Event, data: dict[str, Any]) -> None:
    """Also resets the delegation to how it was granted, for a replay."""
    remove(session, row.entity_id)
    if data.get("purged") or row.actor_id is None:
        return  # emptied by retention; a grant nobody signed is no delegation
    session.add(
        DelegationRow(
            id=row.entity_id,
            person_id=data["person_id"],
            person_name=data["person_name"],
            nurse_id=row.actor_id,
            unit_id=data["unit_id"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            conditions=data.get("conditions"),
            status=AWAITING,
            signed_at=row.wall_time,
            signed_workstation=row.workstation_id,
            renews=data.get("renews"),
            last_event_id=row.id,
        )
    )
    session.flush()
    session.add_all(
        DelegationTaskLinkRow(delegation_id=row.entity_id, task_key=key) for key in data["tasks"]
    )


def _delegation(session: Session, row: Event, data: dict[str, Any]) -> DelegationRow | None:
    """The row an answer or an end applies to; None for an event emptied by retention."""
    if data.get("purged"):
        return None
    found = session.get(DelegationRow, row.entity_id)
    if found is None:
        raise Missing(f"delegation {row.entity_id}")
    return found


def _edit(session: Session, found: DelegationRow, row: Event, data: dict[str, Any]) -> None:
    """Note a conflict when the edit did not see the delegation's latest event."""
    if "basis" in data and data["basis"] != found.last_event_id:
        session.add(
            DelegationConflictRow(
                event_id=row.id, delegation_id=found.id, other_event_id=found.last_event_id
            )
        )
    found.last_event_id = row.id


def accepted(session: Session, row: Event, data: dict[str, Any]) -> None:
    found = _delegation(session, row, data)
    if found is not None:
        _answer(session, found, row, data, ACCEPTED)


def declined(session: Session, row: Event, data: dict[str, Any]) -> None:
    found = _delegation(session, row, data)
    if found is not None:
        _answer(session, found, row, data, DECLINED)
        found.answer_reason = data.get("reason")


def _answer(
    session: Session, found: DelegationRow, row: Event, data: dict[str, Any], status: str
) -> None:
    _edit(session, found, row, data)
    if found.status == AWAITING:
        found.status = status
        found.answered_at = row.wall_time
        found.answered_workstation = row.workstation_id


def revoked(session: Session, row: Event, data: dict[str, Any]) -> None:
    found = _delegation(session, row, data)
    if found is None:
        return
    _edit(session, found, row, data)
    if found.revoked_at is None:
        found.status = REVOKED
        found.revoked_at = row.wall_time
        found.revoked_by = row.actor_id
        found.revoked_workstation = row.workstation_id
        found.revoke_reason = data.get("reason")


def renewed(session: Session, row: Event, data: dict[str, Any]) -> None:
    found = _delegation(session, row, data)
    if found is not None:
        _edit(session, found, row, data)
        found.renewed_by = data["delegation_id"]


def conflict_resolved(session: Session, row: Event, data: dict[str, Any]) -> None:
    if _delegation(session, row, data) is not None:
        session.execute(
            delete(DelegationConflictRow).where(
                col(DelegationConflictRow.event_id) == data["conflict"]
            )
        )


HANDLERS = {
    EventType.TASKS_IMPORTED: tasks_imported,
    EventType.DELEGATION_GRANTED: granted,
    EventType.DELEGATION_ACCEPTED: accepted,
    EventType.DELEGATION_DECLINED: declined,
    EventType.DELEGATION_REVOKED: revoked,
    EventType.DELEGATION_RENEWED: renewed,
    EventType.DELEGATION_CONFLICT_RESOLVED: conflict_resolved,
}
