"""Onboardings projected in memory: load the ones some events touch, fold, write back.

The same path serves one event marked in the walkthrough and a hundred
thousand pulled from the share, so both give the same tables. Plain SQL on
the session's connection, because the ORM costs about a millisecond an event.
An onboarding's status and counts are a function of its final item states,
so they are derived once per onboarding, after all its events.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from operator import attrgetter, itemgetter
from typing import Any

from sqlmodel import Session

from handledare.domain.enums import OnboardingStatus
from handledare.domain.events import EventType
from handledare.domain.template import Template
from handledare.store.sql import connection_of, existing_ids, rows_in, select_in
from handledare.store.tables import ConflictRow, Event, ItemStateRow, OnboardingRow
from handledare.store.templates import template_of

ONBOARDING_COLUMNS = (
    "id",
    "person_id",
    "template_id",
    "template_version",
    "unit_id",
    "supervisor_id",
    "status",
    "started_at",
    "last_activity",
    "approved_at",
    "approved_by",
    "approval_override",
    "item_count",
    "signed_count",
    "required_open",
    "current_step",
    "first_expiry",
)


@dataclass(slots=True)
class ItemState:
    """One item as item_states holds it (the columns of tables.ItemStateRow, without the
    ORM): slots, not a dict, and the values many items share (keys, marks, users,
    workstations) as one string each. A pull keeps a thousand onboardings' items between
    its parts (kept_onboardings.py); so held they take less than half the memory."""

    onboarding_id: str
    item_key: str
    mark: str | None = None
    reason: str | None = None
    evidence: str | None = None
    marked_by: str | None = None
    marked_at: str | None = None
    signed_by: str | None = None
    signed_at: str | None = None
    signed_workstation: str | None = None
    expires_on: str | None = None
    note_count: int | None = 0
    last_event_id: str | None = None


ITEM_COLUMNS = tuple(column.name for column in fields(ItemState))
CONFLICT_COLUMNS = ("event_id", "onboarding_id", "item_key", "other_event_id")
# What the start of an onboarding fixes; saving one that was loaded leaves these (and the
# index entries on them) alone, as rewriting an unchanged indexed column rewrites its index.
_FIXED_AT_START = ("person_id", "template_id", "template_version", "unit_id", "supervisor_id")
_CHANGING = tuple(c for c in ONBOARDING_COLUMNS if c not in ("id", "started_at", *_FIXED_AT_START))
# Rows as the statements take them (C getters: a pull saves tens of thousands).
_ONBOARDING_VALUES = itemgetter(*ONBOARDING_COLUMNS)
_CHANGING_VALUES = itemgetter(*_CHANGING)
_ITEM_VALUES = attrgetter(*ITEM_COLUMNS)
# A revocation clears the item from its mark (and proof) to its expiry; notes and history stay.
_CLEARED_BY_REVOKE = ITEM_COLUMNS[ITEM_COLUMNS.index("mark") : ITEM_COLUMNS.index("note_count")]
# Events from before conflicts were tracked carry no basis and are trusted.
_NO_BASIS = object()


@dataclass
class Onboarding:
    row: dict[str, Any]
    items: dict[str, ItemState]
    conflicts: dict[str, dict[str, Any]]
    changed_items: set[str] = field(default_factory=set)
    added_conflicts: set[str] = field(default_factory=set)
    removed_conflicts: set[str] = field(default_factory=set)
    started: bool = False  # made from its start event here, not loaded


def load(connection: sqlite3.Connection, ids: Iterable[str]) -> dict[str, Onboarding]:
    wanted = sorted(set(ids))
    found = {
        row["id"]: Onboarding(row, {}, {})
        for row in select_in(connection, "onboardings", ONBOARDING_COLUMNS, "id", wanted)
    }
    loaded = sorted(found)
    for values in rows_in(connection, "item_states", ITEM_COLUMNS, "onboarding_id", loaded):
        onboarding = found[values[0]]
        item = ItemState(*values)
        item.onboarding_id = onboarding.row["id"]
        item.item_key = sys.intern(item.item_key)
        item.mark = _shared(item.mark)
        item.marked_by = _shared(item.marked_by)
        item.signed_by = _shared(item.signed_by)
        item.signed_workstation = _shared(item.signed_workstation)
        onboarding.items[item.item_key] = item
    for conflict in select_in(connection, "conflicts", CONFLICT_COLUMNS, "onboarding_id", loaded):
        found[conflict["onboarding_id"]].conflicts[conflict["event_id"]] = conflict
    return found


class Projection:
    """Onboardings being projected in one transaction, with the templates they need."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.connection = connection_of(session)
        self._templates: dict[tuple[str, int], Template] = {}

    def template(self, onboarding: Onboarding) -> Template:
        key = (onboarding.row["template_id"], onboarding.row["template_version"])
        if key not in self._templates:
            self._templates[key] = template_of(self.session, *key)
        return self._templates[key]

    def project(self, events: list[Event], states: dict[str, Onboarding]) -> set[str]:
        """Fold events (in stamp order) into `states`; return the entities that must wait
        for something they refer to. Nothing of a waiting entity is written."""
        waiting = self._missing_references(events)
        touched: dict[str, Onboarding] = {}
        for row in events:
            if row.entity_id in waiting:
                continue
            data = json.loads(row.payload)
            if row.type == EventType.ONBOARDING_STARTED:
                states[row.entity_id] = _started(row, data)
            onboarding = states.get(row.entity_id)
            if onboarding is None:
                waiting.add(row.entity_id)
                continue
            _FOLDS[row.type](self, onboarding, row, data)
            onboarding.row["last_activity"] = row.wall_time
            touched[row.entity_id] = onboarding
        for entity_id in waiting:
            touched.pop(entity_id, None)
        for onboarding in touched.values():
            derive(onboarding, self.template(onboarding))
        self.save(touched.values())
        return waiting

    def _missing_references(self, events: list[Event]) -> set[str]:
        """Onboardings started for a person, unit, supervisor or checklist not here yet."""
        started = [
            (row.entity_id, json.loads(row.payload))
            for row in events
            if row.type == EventType.ONBOARDING_STARTED
        ]
        if not started:
            return set()
        people = existing_ids(self.connection, "people", (d["person_id"] for _e, d in started))
        units = existing_ids(self.connection, "units", (d["unit_id"] for _e, d in started))
        users = existing_ids(
            self.connection, "users", (d.get("supervisor_id") for _e, d in started)
        )
        templates = {
            (template_id, version)
            for template_id, version in self.connection.execute("SELECT id, version FROM templates")
        }
        return {
            entity_id
            for entity_id, data in started
            if data["person_id"] not in people
            or data["unit_id"] not in units
            or (data.get("supervisor_id") is not None and data["supervisor_id"] not in users)
            or (data["template_id"], data["template_version"]) not in templates
        }

    def save(self, onboardings: Iterable[Onboarding]) -> None:
        onboardings = list(onboardings)
        if not onboardings:
            return
        self.connection.executemany(
            _upsert("onboardings", ONBOARDING_COLUMNS, ("id",)),
            [_ONBOARDING_VALUES(o.row) for o in onboardings if o.started],
        )
        self.connection.executemany(
            f"UPDATE onboardings SET {', '.join(f'{c} = ?' for c in _CHANGING)} WHERE id = ?",
            [(*_CHANGING_VALUES(o.row), o.row["id"]) for o in onboardings if not o.started],
        )
        self.connection.executemany(
            _upsert("item_states", ITEM_COLUMNS, ("onboarding_id", "item_key")),
            [_ITEM_VALUES(o.items[key]) for o in onboardings for key in sorted(o.changed_items)],
        )
        self.connection.executemany(
            "DELETE FROM conflicts WHERE event_id = ?",
            [(key,) for o in onboardings for key in sorted(o.removed_conflicts)],
        )
        self.connection.executemany(
            f"INSERT INTO conflicts ({', '.join(CONFLICT_COLUMNS)}) VALUES (?, ?, ?, ?)",
            [
                tuple(o.conflicts[key][c] for c in CONFLICT_COLUMNS)
                for o in onboardings
                for key in sorted(o.added_conflicts)
            ],
        )
        for onboarding in onboardings:
            onboarding.changed_items.clear()
            onboarding.added_conflicts.clear()
            onboarding.removed_conflicts.clear()
        _forget_cached(self.session)


def _upsert(table: str, columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


def _forget_cached(session: Session) -> None:
    """Rows the session read earlier may be stale now; they are read again when used."""
    for instance in list(session.identity_map.values()):
        if isinstance(instance, OnboardingRow | ItemStateRow | ConflictRow):
            session.expire(instance)


def delete(session: Session, onboarding_id: str) -> None:
    """Remove an onboarding's projection, to project it again from its events."""
    connection = connection_of(session)
    for table, key in (
        ("item_states", "onboarding_id"),
        ("conflicts", "onboarding_id"),
        ("onboardings", "id"),
    ):
        connection.execute(f"DELETE FROM {table} WHERE {key} = ?", (onboarding_id,))
    _forget_cached(session)


def _started(row: Event, data: dict[str, Any]) -> Onboarding:
    values = dict.fromkeys(ONBOARDING_COLUMNS)
    values.update(
        id=row.entity_id,
        person_id=data["person_id"],
        template_id=data["template_id"],
        template_version=data["template_version"],
        unit_id=data["unit_id"],
        supervisor_id=data["supervisor_id"],
        status=OnboardingStatus.NOT_STARTED.value,
        started_at=row.wall_time,
    )
    return Onboarding(values, {}, {}, started=True)


def _shared(value: str | None) -> str | None:
    """One string for a value that many items hold (see ItemState); anything but a string
    (None, or what a malformed event carries) as it is, to be stored as before."""
    return sys.intern(value) if isinstance(value, str) else value


def _item(onboarding: Onboarding, key: str) -> ItemState:
    item = onboarding.items.get(key)
    if item is None:
        item = ItemState(onboarding.row["id"], sys.intern(key))
        onboarding.items[item.item_key] = item
    onboarding.changed_items.add(key)
    return item


def _edit(onboarding: Onboarding, row: Event, key: str, basis: object) -> ItemState:
    """The item, after noting whether this edit saw the item's latest edit.

    `basis` is the id of the item's last event as the acting user saw it; an
    edit made without seeing another workstation's edit is a conflict.
    """
    item = _item(onboarding, key)
    if basis is not _NO_BASIS and basis != item.last_event_id:
        conflict_id = f"{row.id}:{key}"
        onboarding.conflicts[conflict_id] = {
            "event_id": conflict_id,
            "onboarding_id": onboarding.row["id"],
            "item_key": key,
            "other_event_id": item.last_event_id,
        }
        onboarding.added_conflicts.add(conflict_id)
        onboarding.removed_conflicts.discard(conflict_id)
    item.last_event_id = row.id
    return item


def _nothing(
    projection: Projection, onboarding: Onboarding, row: Event, data: dict[str, Any]
) -> None:
    """Started (already made) and acknowledged: only the last activity changes."""


def _marked(
    projection: Projection, onboarding: Onboarding, row: Event, data: dict[str, Any]
) -> None:
    item = _edit(onboarding, row, data["item_key"], data.get("basis", _NO_BASIS))
    item.mark = _shared(data["mark"])
    item.reason = data.get("reason")
    proof = data.get("evidence")
    item.evidence = json.dumps(proof, ensure_ascii=False, sort_keys=True) if proof else None
    item.marked_by = _shared(row.actor_id)
    item.marked_at = row.wall_time


def _note(projection: Projection, onboarding: Onboarding, row: Event, data: dict[str, Any]) -> None:
    if data.get("item_key"):
        item = _item(onboarding, data["item_key"])
        item.note_count = (item.note_count or 0) + 1


def _expiry(signed_at: str, valid_for_days: int | None) -> str | None:
    if not valid_for_days:
        return None
    signed_day: date = datetime.fromisoformat(signed_at).date()
    return (signed_day + timedelta(days=valid_for_days)).isoformat()


def _signed(
    projection: Projection, onboarding: Onboarding, row: Event, data: dict[str, Any]
) -> None:
    template = projection.template(onboarding)
    bases = data.get("basis", {})
    for key in data["item_keys"]:
        item = _edit(onboarding, row, key, bases.get(key, None) if bases else _NO_BASIS)
        item.signed_by = _shared(row.actor_id)
        item.signed_at = row.wall_time
        item.signed_workstation = _shared(row.workstation_id)
        item.expires_on = _expiry(row.wall_time, template.recorded_item(key).valid_for_days)


def _revoked(
    projection: Projection, onboarding: Onboarding, row: Event, data: dict[str, Any]
) -> None:
    key = data["item_key"]
    item = _edit(onboarding, row, key, data.get("basis", _NO_BASIS))
    for column in _CLEARED_BY_REVOKE:
        setattr(item, column, None)
    if projection.template(onboarding).recorded_item(key).required_before_alone:
        # Nobody stays approved to work alone without a required item.
        onboarding.row.update(approved_at=None, approved_by=None, approval_override=None)


def _approved(
    projection: Projection, onboarding: Onboarding, row: Event, data: dict[str, Any]
) -> None:
    onboarding.row.update(
        approved_at=row.wall_time,
        approved_by=row.actor_id,
        approval_override=data.get("override_reason"),
    )


def _conflict_resolved(
    projection: Projection, onboarding: Onboarding, row: Event, data: dict[str, Any]
) -> None:
    """A manager has looked at a conflict; the items keep whatever state they have now."""
    key = data["conflict"]
    if onboarding.conflicts.pop(key, None) is not None:
        if key in onboarding.added_conflicts:
            onboarding.added_conflicts.discard(key)
        else:
            onboarding.removed_conflicts.add(key)


Fold = Callable[["Projection", Onboarding, Event, dict[str, Any]], None]
_FOLDS: dict[str, Fold] = {
    EventType.ONBOARDING_STARTED: _nothing,
    EventType.ITEM_MARKED: _marked,
    EventType.NOTE_ADDED: _note,
    EventType.ACKNOWLEDGED: _nothing,
    EventType.ITEMS_SIGNED_OFF: _signed,
    EventType.SIGN_OFF_REVOKED: _revoked,
    EventType.APPROVED: _approved,
    EventType.CONFLICT_RESOLVED: _conflict_resolved,
}
ONBOARDING_EVENTS = frozenset(_FOLDS)


def derive(onboarding: Onboarding, template: Template) -> None:
    """The status and the counts, from the item states and the approval."""
    states = onboarding.items
    items = template.items()
    open_items = [item for item in items if not (item.key in states and states[item.key].signed_at)]
    row = onboarding.row
    row["item_count"] = len(items)
    row["signed_count"] = len(items) - len(open_items)
    row["required_open"] = sum(1 for item in open_items if item.required_before_alone)
    step = min((item.step for item in open_items), key=lambda step: step.order, default=None)
    row["current_step"] = step.value if step else None
    row["first_expiry"] = min(
        (s.expires_on for s in states.values() if s.signed_at and s.expires_on),
        default=None,
    )
    if row["approved_at"]:
        status = OnboardingStatus.APPROVED
    elif not row["required_open"]:
        status = OnboardingStatus.WAITING_FOR_APPROVAL
    elif any(s.mark or s.signed_at for s in states.values()):
        status = OnboardingStatus.IN_PROGRESS
    else:
        status = OnboardingStatus.NOT_STARTED
    row["status"] = status.value
