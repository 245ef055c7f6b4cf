"""Everything about one person, exported; then their personal data erased everywhere.

Erasure is an event like any other: every workstation that applies it blanks
the person's name and free text in its own log and tables, compacts its
database file, and rewrites its own batches on the share that held them. See
docs/sync-format.md.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from handledare.domain.actor import Actor
from handledare.domain.events import EventType
from handledare.errors import InputError
from handledare.i18n import _
from handledare.security import require_admin
from handledare.services.common import get_row
from handledare.store import erasure
from handledare.store.eventlog import Store
from handledare.store.tables import (
    EventRow,
    ItemStateRow,
    OnboardingRow,
    PersonRow,
    UnitRow,
    UserRow,
)


def export_person(store: Store, actor: Actor, person_id: str) -> dict[str, Any]:
    """All that is stored about one person, for them or for the personnel file."""
    require_admin(actor)
    with store.read() as session:
        person = get_row(session, PersonRow, person_id)
        names: dict[str | None, str] = {
            user.id: user.name for user in session.exec(select(UserRow))
        }
        onboarding_ids = erasure.onboardings_of(session, person_id)
        onboardings = []
        for onboarding_id in onboarding_ids:
            row = session.get(OnboardingRow, onboarding_id)
            states = session.exec(
                select(ItemStateRow).where(ItemStateRow.onboarding_id == onboarding_id)
            ).all()
            onboardings.append(
                {
                    **(row.model_dump() if row else {"id": onboarding_id}),
                    "items": [state.model_dump() for state in states],
                }
            )
        events = session.exec(
            select(EventRow)
            .where(col(EventRow.entity_id).in_([person_id, *onboarding_ids]))
            .order_by(EventRow.hlc)
        ).all()
        return {
            "person": person.model_dump(),
            "unit": get_row(session, UnitRow, person.unit_id).name,
            "onboardings": onboardings,
            "history": [
                {
                    "type": row.type,
                    "at": row.wall_time,
                    "by": names.get(row.actor_id, row.actor_id),
                    "workstation": row.workstation_id,
                    "data": json.loads(row.payload),
                }
                for row in events
            ],
        }


def erase_person(store: Store, actor: Actor, person_id: str) -> int:
    """Erase the person's personal data here now, and everywhere at each workstation's next
    sync. Returns how many old backup copies of the database were removed."""
    require_admin(actor)
    with store.write(actor.user_id) as tx:
        person = get_row(tx.session, PersonRow, person_id)
        if person.name == erasure.ERASED:
            raise InputError(_("This person's data has already been erased."))
        tx.emit(EventType.PERSON_ERASED, person_id, {})
    store.compact()
    removed = 0
    for backup in store.path.parent.glob(f"{store.path.name}.v*.backup"):
        backup.unlink()
        removed += 1
    return removed
