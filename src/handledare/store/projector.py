"""Projection of events into current-state tables, through one door: `project`.

Everything here is a pure function of the event and the tables, with no
clock and no randomness, so replaying the log rebuilds identical tables.
Onboardings, nearly all of the events, are projected in bulk by
`onboarding_projection`; the rest one event at a time by `entity_rows`.

Events from other workstations can arrive in any order. An entity that gets
an event older than what is projected for it, or that refers to something not
here yet, is projected again from all its events in stamp order, now or when
the missing events arrive. So equal sets of events give equal tables.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from handledare.domain.events import EventType
from handledare.store import erasure
from handledare.store import onboarding_projection as onboardings
from handledare.store.entity_rows import HANDLERS, handles, person_fields, required, unit_fields
from handledare.store.kept_onboardings import KeptOnboardings
from handledare.store.onboarding_projection import ONBOARDING_EVENTS
from handledare.store.sql import connection_of, existing_ids, slices
from handledare.store.tables import (
    EVENT_COLUMNS,
    PROJECTION_TABLES,
    Event,
    OnboardingRow,
    PersonRow,
    StoredEvent,
    WorkstationKeyRow,
)
from handledare.store.templates import MissingDependency

# Entities are replayed in this order, so that what others refer to exists first.
_ENTITY_ORDER: dict[str, int] = {
    EventType.UNIT_CREATED: 0,
    EventType.USER_CREATED: 1,
    EventType.PERSON_CREATED: 2,
    EventType.TEMPLATE_IMPORTED: 3,
}


def project(
    session: Session,
    events: Sequence[Event] = (),
    replay: Iterable[str] = (),
    *,
    local: bool = False,
    kept: KeptOnboardings | None = None,
) -> set[str]:
    """The one way into the projection; returns the entities that wait for events not
    here yet.

    `events` are new (stored in this transaction, in stamp order) and are folded on
    top of what is projected; the entities in `replay` are projected again from all
    their stored events. Entities that wait, now or from before, are tried again once
    what they refer to is here; those still waiting are remembered as pending. A
    `local` event (made here, its references checked by the service) only folds: it
    can free no one, and if it has to wait the caller refuses it. Onboardings `kept` by a
    pull are folded on without reading them again.
    """
    kept = kept or KeptOnboardings(0)
    again = set(replay)
    waiting = _project_new(session, [row for row in events if row.entity_id not in again], kept)
    return waiting if local else _retry(session, again | waiting, kept)


def pending_count(session: Session) -> int:
    """How many entities wait for events of a workstation not read yet."""
    return int(
        connection_of(session).execute("SELECT count(*) FROM pending_entities").fetchone()[0]
    )


def rebuild(session: Session) -> int:
    """Throw away every projection and project all stored events again, through `project`;
    return how many there are."""
    for table in (*PROJECTION_TABLES, "pending_entities"):
        session.execute(text(f"DELETE FROM {table}"))
    events = [
        StoredEvent._make(values)
        for values in connection_of(session).execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY hlc, workstation_id, id"
        )
    ]
    project(session, events)
    return len(events)


def _apply(session: Session, row: Event) -> None:
    """Project one event; flushed at once so rows reach SQLite in event order."""
    try:
        if row.type in ONBOARDING_EVENTS:
            _project_or_raise(session, [row])
            return
        handler = HANDLERS.get(row.type)
        if handler is not None:
            handler(session, row, json.loads(row.payload))
        session.flush()
    except (IntegrityError, sqlite3.IntegrityError) as error:
        raise MissingDependency(f"{row.type} {row.entity_id}: {error}") from error


def _project_onboardings(session: Session, events: list[Event], kept: KeptOnboardings) -> set[str]:
    """Project onboarding events on top of what is stored; return the entities that wait."""
    projection = onboardings.Projection(session)
    states = kept.load(projection.connection, {row.entity_id for row in events})
    waiting = projection.project(events, states)
    kept.keep(states)  # saved, or as loaded: what is stored now
    return waiting


def _project_or_raise(session: Session, events: list[Event]) -> None:
    waiting = _project_onboardings(session, events, KeptOnboardings(0))
    if waiting:
        raise MissingDependency(f"onboardings {sorted(waiting)}")


def _project_new(session: Session, events: list[Event], kept: KeptOnboardings) -> set[str]:
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
        elif not _apply_or_wait(session, row):
            waiting.add(row.entity_id)
    if onboarding_events:
        waiting |= _project_onboardings(session, onboarding_events, kept)
    return waiting


def _insert_new_units_and_people(
    session: Session, events: list[Event]
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
    _insert(connection, "units", [unit_fields(r, json.loads(r.payload)) for r in units])
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
        [person_fields(r, d) for r, d in people if r.entity_id not in waiting],
    )
    inserted = {r.entity_id for r in units} | ({r.entity_id for r, _d in people} - waiting)
    return inserted, waiting


def _insert(connection: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """The same rows the ORM handlers add, in one statement."""
    if rows:
        columns = list(rows[0])
        connection.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [tuple(row[c] for c in columns) for row in rows],
        )


def _apply_or_wait(session: Session, row: Event) -> bool:
    """Project one event if what it refers to is here; False when it has to wait."""
    try:
        with session.begin_nested():
            _apply(session, row)
    except MissingDependency:
        return False
    return True


def _replay_entity(session: Session, entity_id: str) -> None:
    """Project one entity again from all its events, in (stamp, workstation, id) order."""
    events: list[Event] = [
        StoredEvent._make(values)
        for values in connection_of(session).execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE entity_id = ? "
            "ORDER BY hlc, workstation_id, id",
            (entity_id,),
        )
    ]
    if any(event.type in ONBOARDING_EVENTS for event in events):
        onboardings.delete(session, entity_id)
        _project_or_raise(session, events)
        return
    for key in session.exec(
        select(WorkstationKeyRow).where(WorkstationKeyRow.workstation_id == entity_id)
    ):
        session.delete(key)
    session.flush()
    for event in events:
        _apply(session, event)


def _retry(session: Session, entity_ids: set[str], kept: KeptOnboardings) -> set[str]:
    """Project these again, and the waiting entities whose references have arrived
    (again and again while that frees more).

    A waiting entity whose references are still missing is not tried: a pull of
    hundreds of small batches would otherwise replay every waiting one each time.
    """
    connection = connection_of(session)
    pending = {key for (key,) in connection.execute("SELECT entity_id FROM pending_entities")}
    todo = set(entity_ids) | _unblocked(session, pending - entity_ids)
    tried: set[str] = set()
    waiting: set[str] = set()
    while todo:
        kept.forget(todo)
        progressed, still = _replay(session, todo)
        waiting = (waiting - todo) | still
        if not progressed:
            break
        tried |= todo
        todo = _unblocked(session, pending - tried)
    session.flush()
    return waiting


def _replay(session: Session, entity_ids: set[str]) -> tuple[bool, set[str]]:
    """Project each entity again from its events; whether any got through, and which wait."""
    connection = connection_of(session)
    first_types: dict[str, str] = {}
    for part in slices(sorted(entity_ids)):
        first_types.update(
            connection.execute(
                "SELECT entity_id, min(type) FROM events "
                f"WHERE entity_id IN ({','.join('?' * len(part))}) GROUP BY entity_id",
                part,
            )
        )
    progressed = False
    waiting = set()
    for entity_id in sorted(
        entity_ids, key=lambda e: (_ENTITY_ORDER.get(first_types.get(e, ""), len(_ENTITY_ORDER)), e)
    ):
        try:
            with session.begin_nested():
                _replay_entity(session, entity_id)
        except MissingDependency:
            waiting.add(entity_id)
        else:
            progressed = True
    connection = connection_of(session)
    connection.executemany(
        "INSERT OR IGNORE INTO pending_entities (entity_id) VALUES (?)",
        [(entity_id,) for entity_id in sorted(waiting)],
    )
    connection.executemany(
        "DELETE FROM pending_entities WHERE entity_id = ?",
        [(entity_id,) for entity_id in sorted(entity_ids - waiting)],
    )
    return progressed, waiting


# What an entity's first event refers to, by table; it waits until all of them are here.
_REFERENCES: dict[EventType, Callable[[dict[str, Any]], list[tuple[str, str | None]]]] = {
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


def fill_missing_counts(session: Session) -> int:
    """Compute the counts of onboardings projected before the counts were kept."""
    ids = session.exec(
        select(OnboardingRow.id).where(col(OnboardingRow.item_count).is_(None))
    ).all()
    if not ids:
        return 0
    projection = onboardings.Projection(session)
    states = onboardings.load(projection.connection, ids)
    for state in states.values():
        onboardings.derive(state, projection.template(state))
    projection.save(states.values())
    return len(ids)


@handles(EventType.PERSON_ERASED)
def _person_erased(session: Session, row: Event, data: dict[str, Any]) -> None:
    """Blank the person's data in the log, then project their onboardings again from it."""
    entities, batches = erasure.erase(session, row.entity_id)
    erasure.mark_rewrite(session, batches)
    erasure.retain(session, row.entity_id, entities, data.get("delegations_kept_until"))
    person = required(session, PersonRow, row.entity_id)
    person.name = erasure.ERASED
    person.employee_number = None
    for entity_id in sorted(entities - {row.entity_id}):
        _replay_entity(session, entity_id)
