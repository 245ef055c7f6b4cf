"""Projection of events into current-state tables.

Everything here is a pure function of the event and the tables, with no
clock and no randomness, so replaying the log rebuilds identical tables.
Onboardings, nearly all of the events, are projected in bulk by
`onboarding_projection`; the rest one event at a time through the ORM.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from handledare.domain.events import EventType
from handledare.domain.template import Template
from handledare.store import erasure
from handledare.store import onboarding_projection as onboardings
from handledare.store.onboarding_projection import ONBOARDING_EVENTS
from handledare.store.sql import connection_of, existing_ids
from handledare.store.tables import (
    EventRow,
    OnboardingRow,
    PersonRow,
    TemplateRow,
    UnitRow,
    UserRow,
    UserUnitRow,
)

Handler = Callable[[Session, EventRow, dict], None]
_HANDLERS: dict[str, Handler] = {}

# Entities are replayed in this order, so that what others refer to exists first.
_ENTITY_ORDER = {
    EventType.UNIT_CREATED: 0,
    EventType.USER_CREATED: 1,
    EventType.PERSON_CREATED: 2,
    EventType.TEMPLATE_IMPORTED: 3,
}


class MissingDependency(LookupError):
    """The event refers to something whose events have not arrived yet."""


def handles(event_type: EventType) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[event_type.value] = handler
        return handler

    return register


def apply(session: Session, row: EventRow) -> None:
    """Project one event; flushed at once so rows reach SQLite in event order."""
    try:
        if row.type in ONBOARDING_EVENTS:
            _project_or_raise(session, [row])
            return
        handler = _HANDLERS.get(row.type)
        if handler is not None:
            handler(session, row, json.loads(row.payload))
        session.flush()
    except (IntegrityError, sqlite3.IntegrityError) as error:
        raise MissingDependency(f"{row.type} {row.entity_id}: {error}") from error


def _project_onboardings(session: Session, events: list[EventRow]) -> set[str]:
    """Project onboarding events on top of what is stored; return the entities that wait."""
    projection = onboardings.Projection(session, template_of)
    states = onboardings.load(projection.connection, {row.entity_id for row in events})
    return projection.project(events, states)


def _project_or_raise(session: Session, events: list[EventRow]) -> None:
    waiting = _project_onboardings(session, events)
    if waiting:
        raise MissingDependency(f"onboardings {sorted(waiting)}")


def project_many(session: Session, events: list[EventRow]) -> set[str]:
    """Project events in stamp order; return the entities that wait for others' events.

    New units and people are inserted in bulk; other entities never refer to
    onboardings, so they are projected next, one by one, and then all
    onboardings in one pass.
    """
    inserted, waiting = _insert_new_units_and_people(session, events)
    onboarding_events = []
    for row in events:
        if row.type in ONBOARDING_EVENTS:
            onboarding_events.append(row)
        elif row.entity_id in inserted or row.entity_id in waiting:
            continue
        elif not apply_or_wait(session, row):
            waiting.add(row.entity_id)
    if onboarding_events:
        waiting |= _project_onboardings(session, onboarding_events)
    return waiting


def _insert_new_units_and_people(
    session: Session, events: list[EventRow]
) -> tuple[set[str], set[str]]:
    """The bulk of a large pull: units and people created once and not here yet.

    Returns the entities inserted and the people whose unit has not arrived.
    """
    counts = Counter(row.entity_id for row in events)
    creations = [
        row
        for row in events
        if row.type in (EventType.UNIT_CREATED, EventType.PERSON_CREATED)
        and counts[row.entity_id] == 1
    ]
    if not creations:
        return set(), set()
    connection = connection_of(session)
    present = existing_ids(connection, "units", (r.entity_id for r in creations)) | existing_ids(
        connection, "people", (r.entity_id for r in creations)
    )
    units = [
        r for r in creations if r.type == EventType.UNIT_CREATED and r.entity_id not in present
    ]
    _insert(connection, "units", [_unit_fields(r, json.loads(r.payload)) for r in units])
    people = [
        (r, json.loads(r.payload))
        for r in creations
        if r.type == EventType.PERSON_CREATED and r.entity_id not in present
    ]
    known_units = existing_ids(connection, "units", (d["unit_id"] for _r, d in people))
    waiting = {r.entity_id for r, d in people if d["unit_id"] not in known_units}
    _insert(
        connection,
        "people",
        [_person_fields(r, d) for r, d in people if r.entity_id not in waiting],
    )
    inserted = {r.entity_id for r in units} | ({r.entity_id for r, _d in people} - waiting)
    return inserted, waiting


def _insert(connection: sqlite3.Connection, table: str, rows: list[dict]) -> None:
    """The same rows the ORM handlers add, in one statement."""
    if rows:
        columns = list(rows[0])
        connection.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [tuple(row[c] for c in columns) for row in rows],
        )


def apply_or_wait(session: Session, row: EventRow) -> bool:
    """Project one event if what it refers to is here; False when it has to wait."""
    try:
        with session.begin_nested():
            apply(session, row)
    except MissingDependency:
        return False
    return True


def entity_rank(first_event_type: str) -> int:
    return _ENTITY_ORDER.get(first_event_type, len(_ENTITY_ORDER))


def replay_entity(session: Session, entity_id: str) -> None:
    """Project one entity again from all its events, in (stamp, workstation, id) order."""
    events = session.exec(
        select(EventRow)
        .where(EventRow.entity_id == entity_id)
        .order_by(EventRow.hlc, EventRow.workstation_id, EventRow.id)
    ).all()
    if any(event.type in ONBOARDING_EVENTS for event in events):
        onboardings.delete(session, entity_id)
        _project_or_raise(session, list(events))
        return
    for event in events:
        apply(session, event)


def _required(session: Session, row_type: type, key) -> object:
    found = session.get(row_type, key)
    if found is None:
        raise MissingDependency(f"{row_type.__tablename__} {key}")
    return found


_parsed: dict[tuple[str, int, str], Template] = {}


def template_of(session: Session, template_id: str, version: int) -> Template:
    """Templates never change once imported, so each is parsed once per process (its
    digest, asked for in plain SQL on every write that needs it, says which)."""
    connection = connection_of(session)
    found = connection.execute(
        "SELECT content_hash FROM templates WHERE id = ? AND version = ?", (template_id, version)
    ).fetchone()
    if found is None:
        raise MissingDependency(f"template {template_id} v{version}")
    key = (template_id, version, found[0])
    if key not in _parsed:
        (content,) = connection.execute(
            "SELECT content FROM templates WHERE id = ? AND version = ?", (template_id, version)
        ).fetchone()
        _parsed[key] = Template.from_dict(json.loads(content))
    return _parsed[key]


def fill_missing_counts(session: Session) -> int:
    """Compute the counts of onboardings projected before the counts were kept."""
    ids = session.exec(select(OnboardingRow.id).where(OnboardingRow.item_count.is_(None))).all()
    if not ids:
        return 0
    projection = onboardings.Projection(session, template_of)
    states = onboardings.load(projection.connection, ids)
    for state in states.values():
        onboardings.derive(state, projection.template(state))
    projection.save(states.values())
    return len(ids)


@handles(EventType.UNIT_CREATED)
def _unit_created(session: Session, row: EventRow, data: dict) -> None:
    if session.get(UnitRow, row.entity_id) is None:
        session.add(UnitRow(**_unit_fields(row, data)))


def _unit_fields(row: EventRow, data: dict) -> dict:
    return {"id": row.entity_id, "name": data["name"], "created_at": row.wall_time}


@handles(EventType.USER_CREATED)
def _user_created(session: Session, row: EventRow, data: dict) -> None:
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


def _user_fields(data: dict) -> dict:
    return {key: data[key] for key in ("name", "role", "pin_hash", "language")}


@handles(EventType.USER_PIN_CHANGED)
def _user_pin_changed(session: Session, row: EventRow, data: dict) -> None:
    user = _required(session, UserRow, row.entity_id)
    user.pin_hash = data["pin_hash"]


@handles(EventType.USER_LANGUAGE_CHANGED)
def _user_language_changed(session: Session, row: EventRow, data: dict) -> None:
    user = _required(session, UserRow, row.entity_id)
    user.language = data["language"]


@handles(EventType.USER_THEME_CHANGED)
def _user_theme_changed(session: Session, row: EventRow, data: dict) -> None:
    user = _required(session, UserRow, row.entity_id)
    user.theme = data["theme"]


@handles(EventType.PERSON_CREATED)
def _person_created(session: Session, row: EventRow, data: dict) -> None:
    existing = session.get(PersonRow, row.entity_id)
    if existing is not None:
        existing.name = data["name"]
        existing.employee_number = data.get("employee_number")
        return
    session.add(PersonRow(**_person_fields(row, data)))


def _person_fields(row: EventRow, data: dict) -> dict:
    return {
        "id": row.entity_id,
        "name": data["name"],
        "unit_id": data["unit_id"],
        "employment_type": data["employment_type"],
        "start_date": data["start_date"],
        "employee_number": data.get("employee_number"),
        "created_at": row.wall_time,
    }


@handles(EventType.PERSON_ERASED)
def _person_erased(session: Session, row: EventRow, data: dict) -> None:
    """Blank the person's data in the log, then project their onboardings again from it."""
    entities, batches = erasure.erase(session, row.entity_id)
    erasure.mark_rewrite(session, batches)
    person = _required(session, PersonRow, row.entity_id)
    person.name = erasure.ERASED
    person.employee_number = None
    for entity_id in sorted(entities - {row.entity_id}):
        replay_entity(session, entity_id)


@handles(EventType.TEMPLATE_IMPORTED)
def _template_imported(session: Session, row: EventRow, data: dict) -> None:
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


def _is_first(session: Session, row: EventRow) -> bool:
    first = session.exec(
        select(EventRow.id)
        .where(EventRow.entity_id == row.entity_id, EventRow.type == row.type)
        .order_by(EventRow.hlc, EventRow.workstation_id, EventRow.id)
        .limit(1)
    ).first()
    return first == row.id
