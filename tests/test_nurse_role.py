"""The nurse role (a delegating professional), ended accounts and people who left the job."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from handledare.domain.enums import Profession, Role
from handledare.errors import InputError, PermissionRefused
from handledare.services import people, pins
from handledare.store.eventlog import Store

from conftest import World, first_admin

NURSE_PIN = "6085"


def add_nurse(world: World, name: str = "Sara Nilsson", unit=None) -> people.User:
    unit_id = (unit or world.north).id
    return people.add_user(
        world.store, world.admin, name, Role.NURSE, NURSE_PIN, [unit_id],
        profession=Profession.NURSE,
    )  # fmt: skip


def test_a_nurse_is_made_by_an_admin_with_a_profession_and_units(world: World):
    nurse = add_nurse(world)
    stored = people.get_user(world.store, nurse.id)
    assert stored.role is Role.NURSE
    assert stored.profession is Profession.NURSE
    assert stored.unit_ids == (world.north.id,)
    actor = pins.sign_in(world.store, nurse.id, NURSE_PIN).actor
    assert actor.covers_unit(world.north.id) and not actor.covers_unit(world.south.id)


def test_a_nurse_without_a_profession_or_a_supervisor_with_one_is_refused(world: World):
    with pytest.raises(InputError, match="yrke"):
        people.add_user(world.store, world.admin, "X Y", Role.NURSE, "6085", [world.north.id])
    with pytest.raises(InputError):
        people.add_user(
            world.store, world.admin, "X Z", Role.SUPERVISOR, "6085", [world.north.id],
            profession=Profession.PHYSIOTHERAPIST,
        )  # fmt: skip
    with pytest.raises(PermissionRefused):
        people.add_user(
            world.store, world.manager, "X W", Role.NURSE, "6085", [world.north.id],
            profession=Profession.NURSE,
        )  # fmt: skip


def test_an_ended_account_signs_in_up_to_its_last_day_and_never_after(tmp_path):
    now = {"day": date(2026, 5, 1)}

    def clock() -> datetime:
        return datetime.combine(now["day"], time(12), tzinfo=UTC)

    store = Store.open(tmp_path / "h.db", now=clock)
    admin = first_admin(store)
    unit = people.add_unit(store, admin, "Norr")
    nurse = people.add_user(
        store, admin, "Sara Nilsson", Role.NURSE, NURSE_PIN, [unit.id], profession=Profession.NURSE
    )
    people.end_user(store, admin, nurse.id, date(2026, 5, 1))
    assert people.get_user(store, nurse.id).ended_on == date(2026, 5, 1)
    pins.sign_in(store, nurse.id, NURSE_PIN)
    now["day"] = date(2026, 5, 2)
    with pytest.raises(PermissionRefused, match="2026-05-01"):
        pins.sign_in(store, nurse.id, NURSE_PIN)
    with pytest.raises(InputError):
        people.end_user(store, admin, nurse.id, date(2026, 6, 1))
    store.rebuild()
    assert people.get_user(store, nurse.id).ended_on == date(2026, 5, 1)
    store.close()


def test_only_a_manager_or_admin_records_that_a_person_left(world: World):
    with pytest.raises(PermissionRefused):
        people.person_left(world.store, world.supervisor, world.person.id, date(2026, 12, 1))
    people.person_left(world.store, world.manager, world.person.id, date(2026, 12, 1))
    assert people.get_person(world.store, world.admin, world.person.id).left_on == date(2026, 12, 1)
    with pytest.raises(InputError):
        people.person_left(world.store, world.manager, world.person.id, date(2026, 12, 2))
    world.store.rebuild()
    assert people.get_person(world.store, world.admin, world.person.id).left_on == date(2026, 12, 1)
