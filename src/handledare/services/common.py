"""Input checks and lookups that several services share."""

from __future__ import annotations

from sqlmodel import Session

from handledare.errors import InputError, NotFoundError
from handledare.i18n import _
from handledare.store.tables import OnboardingRow, PersonRow, UnitRow, UserRow

MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 4000


def checked_name(value: str, what: str) -> str:
    """A name is kept exactly as typed; it only has to be there and not absurdly long."""
    if not value or not value.strip():
        raise InputError(_("{what} is missing.").format(what=what))
    if len(value) > MAX_NAME_LENGTH:
        raise InputError(
            _("{what} is too long ({length} characters, at most {limit}).").format(
                what=what, length=len(value), limit=MAX_NAME_LENGTH
            )
        )
    return value


def checked_text(value: str | None, what: str) -> str:
    if not value or not value.strip():
        raise InputError(_("{what} is missing.").format(what=what))
    if len(value) > MAX_TEXT_LENGTH:
        raise InputError(
            _("{what} is too long ({length} characters, at most {limit}).").format(
                what=what, length=len(value), limit=MAX_TEXT_LENGTH
            )
        )
    return value


def get_unit(session: Session, unit_id: str) -> UnitRow:
    unit = session.get(UnitRow, unit_id)
    if unit is None:
        raise NotFoundError(_("There is no unit with id {id}.").format(id=unit_id))
    return unit


def get_user(session: Session, user_id: str) -> UserRow:
    user = session.get(UserRow, user_id)
    if user is None:
        raise NotFoundError(_("There is no user with id {id}.").format(id=user_id))
    return user


def get_person(session: Session, person_id: str) -> PersonRow:
    person = session.get(PersonRow, person_id)
    if person is None:
        raise NotFoundError(_("There is no substitute with id {id}.").format(id=person_id))
    return person


def get_onboarding(session: Session, onboarding_id: str) -> OnboardingRow:
    onboarding = session.get(OnboardingRow, onboarding_id)
    if onboarding is None:
        raise NotFoundError(_("There is no onboarding with id {id}.").format(id=onboarding_id))
    return onboarding
