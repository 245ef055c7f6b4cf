"""Projection of events into current-state tables.

Everything here is a pure function of the event and the tables, with no
clock and no randomness, so replaying the log rebuilds identical tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from handledare.domain.enums import OnboardingStatus
from handledare.domain.events import EventType
from handledare.domain.template import Template
from handledare.store import erasure
from handledare.store.tables import (
    ConflictRow,
    EventRow,
    ItemStateRow,
    OnboardingRow,
    PersonRow,
    TemplateRow,
    UnitRow,
    UserRow,
    UserUnitRow,
)

Handler = Callable[[Session, EventRow, dict], None]
_HANDLERS: dict[str, Handler] = {}

ONBOARDING_EVENTS = {
    EventType.ONBOARDING_STARTED,
    EventType.ITEM_MARKED,
    EventType.NOTE_ADDED,
    EventType.ACKNOWLEDGED,
    EventType.ITEMS_SIGNED_OFF,
    EventType.SIGN_OFF_REVOKED,
    EventType.APPROVED,
    EventType.CONFLICT_RESOLVED,
}
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
    handler = _HANDLERS.get(row.type)
    try:
        if handler is not None:
            handler(session, row, json.loads(row.payload))
        session.flush()
    except IntegrityError as error:
        raise MissingDependency(f"{row.type} {row.entity_id}: {error.orig}") from error


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
        for state in session.exec(
            select(ItemStateRow).where(ItemStateRow.onboarding_id == entity_id)
        ):
            session.delete(state)
        for conflict in session.exec(
            select(ConflictRow).where(ConflictRow.onboarding_id == entity_id)
        ):
            session.delete(conflict)
        onboarding = session.get(OnboardingRow, entity_id)
        if onboarding is not None:
            session.delete(onboarding)
        session.flush()
    for event in events:
        apply(session, event)


def _required(session: Session, row_type: type, key) -> object:
    found = session.get(row_type, key)
    if found is None:
        raise MissingDependency(f"{row_type.__tablename__} {key}")
    return found


_parsed: dict[tuple[str, int, str], Template] = {}


def template_of(session: Session, template_id: str, version: int) -> Template:
    """Templates never change once imported, so each is parsed once per process."""
    digest = session.exec(
        select(TemplateRow.content_hash).where(
            TemplateRow.id == template_id, TemplateRow.version == version
        )
    ).first()
    if digest is None:
        raise MissingDependency(f"template {template_id} v{version}")
    key = (template_id, version, digest)
    if key not in _parsed:
        row = session.get(TemplateRow, (template_id, version))
        _parsed[key] = Template.from_dict(json.loads(row.content))
    return _parsed[key]


@handles(EventType.UNIT_CREATED)
def _unit_created(session: Session, row: EventRow, data: dict) -> None:
    if session.get(UnitRow, row.entity_id) is None:
        session.add(UnitRow(id=row.entity_id, name=data["name"], created_at=row.wall_time))


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
    session.add(
        PersonRow(
            id=row.entity_id,
            name=data["name"],
            unit_id=data["unit_id"],
            employment_type=data["employment_type"],
            start_date=data["start_date"],
            employee_number=data.get("employee_number"),
            created_at=row.wall_time,
        )
    )


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


@handles(EventType.ONBOARDING_STARTED)
def _onboarding_started(session: Session, row: EventRow, data: dict) -> None:
    session.add(
        OnboardingRow(
            id=row.entity_id,
            person_id=data["person_id"],
            template_id=data["template_id"],
            template_version=data["template_version"],
            unit_id=data["unit_id"],
            supervisor_id=data["supervisor_id"],
            status=OnboardingStatus.NOT_STARTED.value,
            started_at=row.wall_time,
            last_activity=row.wall_time,
        )
    )
    refresh_status(session, session.get(OnboardingRow, row.entity_id))


def _item_state(session: Session, onboarding_id: str, key: str) -> ItemStateRow:
    state = session.get(ItemStateRow, (onboarding_id, key))
    if state is None:
        state = ItemStateRow(onboarding_id=onboarding_id, item_key=key)
        session.add(state)
    return state


def _edit_item(session: Session, row: EventRow, key: str, basis: object) -> ItemStateRow:
    """The item's state, after noting whether this edit saw the item's latest edit.

    `basis` is the id of the item's last event as the acting user saw it; an
    edit made without seeing another workstation's edit is a conflict.
    Events from before conflicts were tracked carry no basis and are trusted.
    """
    state = _item_state(session, row.entity_id, key)
    if basis is not _NO_BASIS and basis != state.last_event_id:
        session.add(
            ConflictRow(
                event_id=f"{row.id}:{key}",
                onboarding_id=row.entity_id,
                item_key=key,
                other_event_id=state.last_event_id,
            )
        )
    state.last_event_id = row.id
    return state


_NO_BASIS = object()


def _touch(session: Session, row: EventRow) -> OnboardingRow:
    onboarding = _required(session, OnboardingRow, row.entity_id)
    onboarding.last_activity = row.wall_time
    return onboarding


def refresh_status(session: Session, onboarding: OnboardingRow) -> None:
    """Derive the status and the counts from the item states and the approval."""
    session.flush()
    template = template_of(session, onboarding.template_id, onboarding.template_version)
    states = {
        s.item_key: s
        for s in session.exec(
            select(ItemStateRow).where(ItemStateRow.onboarding_id == onboarding.id)
        )
    }
    items = template.items()
    open_items = [
        item for item in items if not (states.get(item.key) and states[item.key].signed_at)
    ]
    onboarding.item_count = len(items)
    onboarding.signed_count = len(items) - len(open_items)
    onboarding.required_open = sum(1 for item in open_items if item.required_before_alone)
    step = min((item.step for item in open_items), key=lambda step: step.order, default=None)
    onboarding.current_step = step.value if step else None
    onboarding.first_expiry = min(
        (s.expires_on for s in states.values() if s.signed_at and s.expires_on), default=None
    )
    if onboarding.approved_at:
        status = OnboardingStatus.APPROVED
    elif not onboarding.required_open:
        status = OnboardingStatus.WAITING_FOR_APPROVAL
    elif any(s.mark or s.signed_at for s in states.values()):
        status = OnboardingStatus.IN_PROGRESS
    else:
        status = OnboardingStatus.NOT_STARTED
    onboarding.status = status.value


def fill_missing_counts(session: Session) -> int:
    """Compute the counts of onboardings projected before the counts were kept."""
    rows = session.exec(select(OnboardingRow).where(OnboardingRow.item_count.is_(None))).all()
    for onboarding in rows:
        refresh_status(session, onboarding)
    return len(rows)


@handles(EventType.ITEM_MARKED)
def _item_marked(session: Session, row: EventRow, data: dict) -> None:
    onboarding = _touch(session, row)
    state = _edit_item(session, row, data["item_key"], data.get("basis", _NO_BASIS))
    state.mark = data["mark"]
    state.reason = data.get("reason")
    state.marked_by = row.actor_id
    state.marked_at = row.wall_time
    refresh_status(session, onboarding)


@handles(EventType.NOTE_ADDED)
def _note_added(session: Session, row: EventRow, data: dict) -> None:
    _touch(session, row)
    if data.get("item_key"):
        state = _item_state(session, row.entity_id, data["item_key"])
        state.note_count = (state.note_count or 0) + 1


@handles(EventType.ACKNOWLEDGED)
def _acknowledged(session: Session, row: EventRow, data: dict) -> None:
    _touch(session, row)


def _expiry(signed_at: str, valid_for_days: int | None) -> str | None:
    if not valid_for_days:
        return None
    signed_day: date = datetime.fromisoformat(signed_at).date()
    return (signed_day + timedelta(days=valid_for_days)).isoformat()


@handles(EventType.ITEMS_SIGNED_OFF)
def _items_signed_off(session: Session, row: EventRow, data: dict) -> None:
    onboarding = _touch(session, row)
    template = template_of(session, onboarding.template_id, onboarding.template_version)
    bases = data.get("basis", {})
    for key in data["item_keys"]:
        state = _edit_item(session, row, key, bases.get(key, None) if bases else _NO_BASIS)
        state.signed_by = row.actor_id
        state.signed_at = row.wall_time
        state.signed_workstation = row.workstation_id
        state.expires_on = _expiry(row.wall_time, template.item(key).valid_for_days)
    refresh_status(session, onboarding)


@handles(EventType.SIGN_OFF_REVOKED)
def _sign_off_revoked(session: Session, row: EventRow, data: dict) -> None:
    onboarding = _touch(session, row)
    template = template_of(session, onboarding.template_id, onboarding.template_version)
    state = _edit_item(session, row, data["item_key"], data.get("basis", _NO_BASIS))
    state.mark = None
    state.reason = None
    state.marked_by = None
    state.marked_at = None
    state.signed_by = None
    state.signed_at = None
    state.signed_workstation = None
    state.expires_on = None
    if template.item(data["item_key"]).required_before_alone:
        # Nobody stays approved to work alone without a required item.
        onboarding.approved_at = None
        onboarding.approved_by = None
        onboarding.approval_override = None
    refresh_status(session, onboarding)


@handles(EventType.APPROVED)
def _approved(session: Session, row: EventRow, data: dict) -> None:
    onboarding = _touch(session, row)
    onboarding.approved_at = row.wall_time
    onboarding.approved_by = row.actor_id
    onboarding.approval_override = data.get("override_reason")
    refresh_status(session, onboarding)


@handles(EventType.CONFLICT_RESOLVED)
def _conflict_resolved(session: Session, row: EventRow, data: dict) -> None:
    """A manager has looked at a conflict; the items keep whatever state they have now."""
    _touch(session, row)
    conflict = session.get(ConflictRow, data["conflict"])
    if conflict is not None:
        session.delete(conflict)
