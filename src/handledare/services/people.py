"""Units, users and substitutes: who exists, who may sign in, who works where."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from handledare.domain.actor import Actor
from handledare.domain.enums import EmploymentType, Role, Theme
from handledare.domain.events import EventType
from handledare.errors import InputError, NotFoundError
from handledare.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, is_language
from handledare.security import hash_pin, pin_problem, require_admin, require_unit
from handledare.services.common import checked_name, get_row
from handledare.services.templates import newest_templates
from handledare.store.eventlog import Store
from handledare.store.tables import PersonRow, UnitRow, UserRow, UserUnitRow
from handledare.text import fold


@dataclass(frozen=True)
class Unit:
    id: str
    name: str


@dataclass(frozen=True)
class User:
    id: str
    name: str
    role: Role
    language: str
    unit_ids: tuple[str, ...]
    theme: Theme = Theme.DEFAULT


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    unit_id: str
    unit_name: str
    employment_type: EmploymentType
    start_date: date
    employee_number: str | None
    language: str = DEFAULT_LANGUAGE


def add_unit(store: Store, actor: Actor, name: str) -> Unit:
    require_admin(actor)
    name = checked_name(name, _("The unit's name"))
    with store.write(actor.user_id) as tx:
        if any(fold(u.name) == fold(name) for u in tx.session.exec(select(UnitRow))):
            raise InputError(_("A unit named {name} already exists.").format(name=name))
        unit_id = str(uuid.uuid4())
        tx.emit(EventType.UNIT_CREATED, unit_id, {"name": name})
    return Unit(unit_id, name)


def list_units(store: Store) -> list[Unit]:
    with store.read() as session:
        rows = session.exec(select(UnitRow).order_by(UnitRow.name)).all()
        return [Unit(row.id, row.name) for row in rows]


def find_unit(store: Store, name_or_id: str) -> Unit:
    """Find a unit by id or by name, ignoring case and accents."""
    for unit in list_units(store):
        if unit.id == name_or_id or fold(unit.name) == fold(name_or_id):
            return unit
    raise NotFoundError(_("There is no unit called {name}.").format(name=name_or_id))


def _unit_ids(session: Session, user_id: str) -> tuple[str, ...]:
    rows = session.exec(select(UserUnitRow.unit_id).where(UserUnitRow.user_id == user_id))
    return tuple(sorted(rows))


def _user(session: Session, row: UserRow) -> User:
    return User(
        row.id,
        row.name,
        Role(row.role),
        row.language,
        _unit_ids(session, row.id),
        Theme(row.theme) if row.theme in Theme._value2member_map_ else Theme.DEFAULT,
    )


def has_users(store: Store) -> bool:
    with store.read() as session:
        return session.exec(select(UserRow.id).limit(1)).first() is not None


def add_user(
    store: Store,
    actor: Actor | None,
    name: str,
    role: Role,
    pin: str,
    unit_ids: Sequence[str] = (),
    language: str = "sv",
) -> User:
    """Create a user. With no users yet, the first one (an admin) may be created by anyone,
    and is the actor of their own creation: no event is without a user."""
    name = checked_name(name, _("The user's name"))
    problem = pin_problem(pin, role)
    if problem:
        raise InputError(problem)
    if language not in LANGUAGES:
        raise InputError(
            _("Unknown language {lang}; expected one of: {choices}.").format(
                lang=language, choices=", ".join(LANGUAGES)
            )
        )
    bootstrap = not has_users(store)
    if bootstrap and role is not Role.ADMIN:
        raise InputError(_("The first user must be an administrator."))
    if not bootstrap:
        require_admin(actor)
    if role is not Role.ADMIN and not unit_ids:
        raise InputError(_("A supervisor or manager must belong to at least one unit."))
    pin_hash = hash_pin(pin)
    user_id = str(uuid.uuid4())
    with store.write(user_id if bootstrap or actor is None else actor.user_id) as tx:
        if bootstrap and tx.session.exec(select(UserRow.id).limit(1)).first() is not None:
            raise InputError(_("Someone else has just created the first administrator."))
        for unit_id in unit_ids:
            get_row(tx.session, UnitRow, unit_id)
        if any(fold(u.name) == fold(name) for u in tx.session.exec(select(UserRow))):
            raise InputError(
                _(
                    "A user named {name} already exists; add something that tells them apart."
                ).format(name=name)
            )
        tx.emit(
            EventType.USER_CREATED,
            user_id,
            {
                "name": name,
                "role": role.value,
                "unit_ids": sorted(set(unit_ids)),
                "pin_hash": pin_hash,
                "language": language,
            },
        )
    return User(user_id, name, role, language, tuple(sorted(set(unit_ids))))


def list_users(store: Store) -> list[User]:
    with store.read() as session:
        rows = session.exec(select(UserRow).order_by(UserRow.name)).all()
        return [_user(session, row) for row in rows]


def find_user(store: Store, name_or_id: str) -> User:
    """Find a user by id or by name, ignoring case and accents."""
    for user in list_users(store):
        if user.id == name_or_id or fold(user.name) == fold(name_or_id):
            return user
    raise NotFoundError(_("There is no user called {name}.").format(name=name_or_id))


def get_user(store: Store, user_id: str) -> User:
    with store.read() as session:
        return _user(session, get_row(session, UserRow, user_id))


def set_language(store: Store, actor: Actor, language: str) -> None:
    if language not in LANGUAGES:
        raise InputError(
            _("Unknown language {lang}; expected one of: {choices}.").format(
                lang=language, choices=", ".join(LANGUAGES)
            )
        )
    with store.write(actor.user_id) as tx:
        get_row(tx.session, UserRow, actor.user_id)
        tx.emit(EventType.USER_LANGUAGE_CHANGED, actor.user_id, {"language": language})


def set_theme(store: Store, actor: Actor, theme: Theme) -> None:
    with store.write(actor.user_id) as tx:
        get_row(tx.session, UserRow, actor.user_id)
        tx.emit(EventType.USER_THEME_CHANGED, actor.user_id, {"theme": Theme(theme).value})


def add_person(
    store: Store,
    actor: Actor,
    name: str,
    unit_id: str,
    start_date: date,
    employment_type: EmploymentType = EmploymentType.HOURLY,
    employee_number: str | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> Person:
    """Register a substitute: only what the work needs, never a personal identity number.
    `language` is the one they read best: their own plan is printed in it beside Swedish."""
    name = checked_name(name, _("The substitute's name"))
    _check_person_language(language)
    require_unit(actor, unit_id)
    if employee_number is not None:
        employee_number = employee_number.strip() or None
    if employee_number and (len(employee_number) > 20 or not employee_number.isalnum()):
        raise InputError(_("The employee number may have at most 20 letters and digits."))
    with store.write(actor.user_id) as tx:
        unit = get_row(tx.session, UnitRow, unit_id)
        person_id = str(uuid.uuid4())
        tx.emit(
            EventType.PERSON_CREATED,
            person_id,
            {
                "name": name,
                "unit_id": unit_id,
                "employment_type": employment_type.value,
                "start_date": start_date.isoformat(),
                "employee_number": employee_number,
                "language": language,
            },
        )
    return Person(
        person_id, name, unit_id, unit.name, employment_type, start_date, employee_number, language
    )


def _check_person_language(language: str) -> None:
    if not is_language(language):
        raise InputError(
            _("{lang} is not a language code; write e.g. sv, en, ar, so or ti.").format(
                lang=language
            )
        )


def set_person_language(store: Store, actor: Actor, person_id: str, language: str) -> None:
    """The language a substitute reads best, for their own plan ("Min introduktion")."""
    _check_person_language(language)
    with store.write(actor.user_id) as tx:
        person = get_row(tx.session, PersonRow, person_id)
        require_unit(actor, person.unit_id)
        if person.language != language:
            tx.emit(EventType.PERSON_LANGUAGE_CHANGED, person_id, {"language": language})


def person_languages(store: Store) -> list[str]:
    """The languages to offer for a substitute: the app's, and those templates are written in."""
    found = {lang for template in newest_templates(store) for lang in template.languages()}
    return [*LANGUAGES, *sorted(found - set(LANGUAGES))]


def _person(session: Session, row: PersonRow) -> Person:
    return Person(
        row.id,
        row.name,
        row.unit_id,
        get_row(session, UnitRow, row.unit_id).name,
        EmploymentType(row.employment_type),
        date.fromisoformat(row.start_date),
        row.employee_number,
        row.language,
    )


def get_person(store: Store, actor: Actor, person_id: str) -> Person:
    with store.read() as session:
        row = get_row(session, PersonRow, person_id)
        require_unit(actor, row.unit_id)
        return _person(session, row)


def list_people(store: Store, actor: Actor, unit_id: str | None = None) -> list[Person]:
    """The substitutes of the actor's units (all units for an admin)."""
    with store.read() as session:
        query = select(PersonRow).order_by(PersonRow.name)
        if unit_id is not None:
            query = query.where(PersonRow.unit_id == unit_id)
        rows = session.exec(query).all()
        return [_person(session, row) for row in rows if actor.covers_unit(row.unit_id)]


def find_person(store: Store, actor: Actor, name_or_id: str) -> Person:
    """Find one substitute by id, employee number or exact name (ignoring case and accents)."""
    people = list_people(store, actor)
    matches = [p for p in people if name_or_id in (p.id, p.employee_number)]
    if not matches:
        matches = [p for p in people if fold(p.name) == fold(name_or_id)]
    if not matches:
        raise NotFoundError(_("There is no substitute called {name}.").format(name=name_or_id))
    if len(matches) > 1:
        ids = ", ".join(p.id for p in matches)
        raise InputError(
            _("Several substitutes are called {name}; use one of these ids: {ids}").format(
                name=name_or_id, ids=ids
            )
        )
    return matches[0]
