"""A nurse in the small municipality of conftest, the task list, and a clock to move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from handledare.domain.actor import Actor
from handledare.domain.enums import Profession, Role
from handledare.services import delegations, people, pins

from conftest import World

NURSE_PIN = "6085"
INSULIN = "insulin-penna"
DOSETT = "lakemedel-dosett"


@dataclass
class Calendar:
    """The store's clock, at noon UTC of a day the test chooses."""

    day: date

    def __call__(self) -> datetime:
        return datetime.combine(self.day, time(12), tzinfo=UTC)


def with_nurse(world: World, start: date = date(2027, 3, 1)) -> tuple[Actor, Calendar]:
    """A nurse of the north unit, the bundled task list, and the store's clock set to `start`."""
    calendar = Calendar(start)
    world.store.now = calendar
    delegations.import_tasks(world.store, world.admin)
    user = people.add_user(
        world.store, world.admin, "Sara Nilsson", Role.NURSE, NURSE_PIN, [world.north.id],
        profession=Profession.NURSE,
    )  # fmt: skip
    return pins.sign_in(world.store, user.id, NURSE_PIN).actor, calendar


def accepted(world: World, nurse: Actor, first: date, last: date, tasks=(INSULIN,)) -> str:
    """A delegation given by `nurse` to the world's person and accepted by her."""
    delegation_id = delegations.give(
        world.store, nurse, world.person.id, list(tasks), first, last, NURSE_PIN
    )
    delegations.accept(world.store, nurse, delegation_id, "Amina Hassan")
    return delegation_id
