"""Input checks and lookups that several services share."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel

from handledare.domain.actor import Actor
from handledare.domain.template import Item, Template
from handledare.errors import InputError, NotFoundError
from handledare.i18n import N_, _, current_language
from handledare.security import require_unit
from handledare.store.onboarding_projection import ITEM_COLUMNS, ONBOARDING_COLUMNS
from handledare.store.sql import connection_of, select_in
from handledare.store.tables import ItemStateRow, OnboardingRow, PersonRow, UnitRow, UserRow
from handledare.store.templates import template_of

MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 4000

_MISSING = {
    UnitRow: N_("There is no unit with id {id}."),
    UserRow: N_("There is no user with id {id}."),
    PersonRow: N_("There is no substitute with id {id}."),
    OnboardingRow: N_("There is no onboarding with id {id}."),
}


def checked_text(value: str | None, what: str, limit: int = MAX_TEXT_LENGTH) -> str:
    """Text is kept exactly as typed; it only has to be there and not absurdly long."""
    if not value or not value.strip():
        raise InputError(_("{what} is missing.").format(what=what))
    if len(value) > limit:
        raise InputError(
            _("{what} is too long ({length} characters, at most {limit}).").format(
                what=what, length=len(value), limit=limit
            )
        )
    return value


def checked_name(value: str, what: str) -> str:
    return checked_text(value, what, MAX_NAME_LENGTH)


Row = TypeVar("Row", bound=SQLModel)


def get_row(session: Session, row_type: type[Row], row_id: str) -> Row:
    row = session.get(row_type, row_id)
    if row is None:
        raise NotFoundError(_(_MISSING[row_type]).format(id=row_id))
    return row


def open_onboarding(
    session: Session, actor: Actor, onboarding_id: str
) -> tuple[OnboardingRow, Template]:
    """An onboarding the actor may work on, with the template version it started with.

    Read as columns, not through the ORM, since every mark starts here; the row is a
    copy to read (every change is an event)."""
    found = next(
        select_in(connection_of(session), "onboardings", ONBOARDING_COLUMNS, "id", [onboarding_id]),
        None,
    )
    if found is None:
        raise NotFoundError(_(_MISSING[OnboardingRow]).format(id=onboarding_id))
    onboarding = OnboardingRow(**found)
    require_unit(actor, onboarding.unit_id)
    return onboarding, template_of(session, onboarding.template_id, onboarding.template_version)


def item_or_refuse(template: Template, key: str) -> Item:
    item = template.item(key)
    if item is None:
        raise NotFoundError(
            _("The checklist {id} has no item {key}.").format(id=template.id, key=key)
        )
    return item


def item_state(session: Session, onboarding_id: str, key: str) -> ItemStateRow | None:
    """A copy of the item's state to read, as columns (see `open_onboarding`)."""
    found = (
        connection_of(session)
        .execute(
            f"SELECT {', '.join(ITEM_COLUMNS)} FROM item_states "
            "WHERE onboarding_id = ? AND item_key = ?",
            (onboarding_id, key),
        )
        .fetchone()
    )
    return ItemStateRow(**dict(zip(ITEM_COLUMNS, found, strict=True))) if found else None


def signed_keys(session: Session, onboarding_id: str) -> set[str]:
    """In plain SQL, as every mark asks it (through the ORM it cost a tenth of the mark)."""
    rows = connection_of(session).execute(
        "SELECT item_key FROM item_states WHERE onboarding_id = ? AND signed_at IS NOT NULL",
        (onboarding_id,),
    )
    return {key for (key,) in rows}


def named_items(template: Template, keys: tuple[str, ...] | list[str]) -> str:
    """Items as a paper checklist names them: `2.1 Basic hygiene; 2.2 ...`."""
    numbers = template.numbers()
    language = current_language()
    return "; ".join(
        f"{numbers[key]} {template.recorded_item(key).title.get(language)}" for key in keys
    )


def waiting_problem(template: Template, item: Item, signed: set[str]) -> str | None:
    """The rule of prerequisites: an item waits until every item it comes after is signed
    off (a signed "not applicable" counts), and a waiting item is neither marked nor signed."""
    missing = template.waiting(signed).get(item.key)
    if not missing:
        return None
    return _("{item} waits for {items}; it can be gone through once they are signed off.").format(
        item=named_items(template, [item.key]), items=named_items(template, missing)
    )
