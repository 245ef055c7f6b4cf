"""Projection of the events about units, users, people, templates and workstation keys:
a row each, through the ORM (onboardings, nearly all events, are in onboarding_projection).

Each handler is a pure function of the event and the tables, so replaying the log
rebuilds identical rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select

from handledare.domain.events import EventType
from handledare.store.tables import (
    Event,
    EventRow,
    PersonRow,
    TemplateRow,
    UnitRow,
    UserRow,
    UserUnitRow,
    WorkstationKeyRow,
)
from handledare.store.templates import MissingDependency

Handler = Callable[[Session, Event, dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {}


def handles(event_type: EventType) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[event_type.value] = handler
        return handler

    return register


Row = TypeVar("Row", bound=SQLModel)


def required(session: Session, row_type: type[Row], key: object) -> Row:
    found = session.get(row_type, key)
    if found is None:
        raise MissingDependency(f"{row_type.__tablename__} {key}")
    return found


@handles(EventType.UNIT_CREATED)
def _unit_created(session: Session, row: Event, data: dict[str, Any]) -> None:
    if session.get(UnitRow, row.entity_id) is None:
        session.add(UnitRow(**unit_fields(row, data)))


def unit_fields(row: Event, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": row.entity_id, "name": data["name"], "created_at": row.wall_time}


@handles(EventType.USER_CREATED)
def _user_created(session: Session, row: Event, data: dict[str, Any]) -> None:
    """Also resets an existing user to how they were created, for a replay."""
    user = session.get(UserRow, row.entity_id)
    if user is None:
        user = UserRow(id=row.entity_id, created_at=row.wall_time, **_user_fields(data))
        session.add(user)
    else:
        for field, value in _user_fields(data).items():
            setattr(user, field, value)
        user.theme = "default"
    for link in session.exec(select(UserUnitRow).where(UserUnitRow.user_id == row.entity_id)):
        session.delete(link)
    session.flush()
    for unit_id in data["unit_ids"]:
        session.add(UserUnitRow(user_id=row.entity_id, unit_id=unit_id))


def _user_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in ("name", "role", "pin_hash", "language")}


@handles(EventType.USER_PIN_CHANGED)
def _user_pin_changed(session: Session, row: Event, data: dict[str, Any]) -> None:
    user = required(session, UserRow, row.entity_id)
    user.pin_hash = data["pin_hash"]


@handles(EventType.USER_LANGUAGE_CHANGED)
def _user_language_changed(session: Session, row: Event, data: dict[str, Any]) -> None:
    user = required(session, UserRow, row.entity_id)
    user.language = data["language"]


@handles(EventType.USER_THEME_CHANGED)
def _user_theme_changed(session: Session, row: Event, data: dict[str, Any]) -> None:
    user = required(session, UserRow, row.entity_id)
    user.theme = data["theme"]


@handles(EventType.PERSON_CREATED)
def _person_created(session: Session, row: Event, data: dict[str, Any]) -> None:
    existing = session.get(PersonRow, row.entity_id)
    if existing is not None:
        existing.name = data["name"]
        existing.employee_number = data.get("employee_number")
        existing.language = data.get("language", "sv")
        return
    session.add(PersonRow(**person_fields(row, data)))


def person_fields(row: Event, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row.entity_id,
        "name": data["name"],
        "unit_id": data["unit_id"],
        "employment_type": data["employment_type"],
        "start_date": data["start_date"],
        "employee_number": data.get("employee_number"),
        "created_at": row.wall_time,
        "language": data.get("language", "sv"),
    }


@handles(EventType.PERSON_LANGUAGE_CHANGED)
def _person_language_changed(session: Session, row: Event, data: dict[str, Any]) -> None:
    person = required(session, PersonRow, row.entity_id)
    person.language = data["language"]


@handles(EventType.TEMPLATE_IMPORTED)
def _template_imported(session: Session, row: Event, data: dict[str, Any]) -> None:
    """Several workstations may import the same version; the first by stamp order counts."""
    template = data["template"]
    fields = {
        "title_sv": template["title"]["sv"],
        "content": json.dumps(template, ensure_ascii=False, sort_keys=True),
        "content_hash": data["content_hash"],
        "imported_at": row.wall_time,
    }
    existing = session.get(TemplateRow, (template["id"], template["version"]))
    if existing is None:
        session.add(TemplateRow(id=template["id"], version=template["version"], **fields))
    elif _is_first(session, row):
        for name, value in fields.items():
            setattr(existing, name, value)


def _is_first(session: Session, row: Event) -> bool:
    first = session.exec(
        select(EventRow.id)
        .where(EventRow.entity_id == row.entity_id, EventRow.type == row.type)
        .order_by(EventRow.hlc, EventRow.workstation_id, EventRow.id)
        .limit(1)
    ).first()
    return first == row.id


@handles(EventType.WORKSTATION_APPROVED)
def _workstation_approved(session: Session, row: Event, data: dict[str, Any]) -> None:
    _decide_key(session, row, data, "approved")


@handles(EventType.WORKSTATION_REJECTED)
def _workstation_rejected(session: Session, row: Event, data: dict[str, Any]) -> None:
    _decide_key(session, row, data, "rejected")


@handles(EventType.WORKSTATION_REVOKED)
def _workstation_revoked(session: Session, row: Event, data: dict[str, Any]) -> None:
    _decide_key(session, row, data, "revoked")


def _decide_key(session: Session, row: Event, data: dict[str, Any], state: str) -> None:
    """The later decision on a key counts, except that a revoked key stays revoked. Batches
    up to the one the revoking workstation had applied stay; of two revocations of one
    key, the lower cut counts. So the outcome does not depend on the order of arrival."""
    key = session.get(WorkstationKeyRow, (row.entity_id, data["key_id"]))
    if (
        key is not None
        and key.state == "revoked"
        and (state != "revoked" or key.revoked_after <= data["last_sequence"])
    ):
        return
    decision = {
        "public_key": data["public_key"],
        "name": data["name"],
        "machine": data["machine"],
        "state": state,
        "decided_by": row.actor_id,
        "decided_at": row.wall_time,
        "decided_on": row.workstation_id,
    }
    if key is None:
        key = WorkstationKeyRow(workstation_id=row.entity_id, key_id=data["key_id"], **decision)
        session.add(key)
    else:
        for field, value in decision.items():
            setattr(key, field, value)
    if state == "revoked":
        key.revoked_after = data["last_sequence"]
        key.revoked_sha256 = data["last_sha256"]
        key.reason = data["reason"]
