""" "Who was allowed to do X on D": the date boundaries, including the last day."""

from __future__ import annotations

from datetime import date

import pytest

from delegation_helpers import INSULIN, NURSE_PIN, accepted, with_nurse
from handledare.errors import PermissionRefused
from handledare.services import delegations, onboarding, people
from handledare.services.allowed import DELEGATION, SIGN_OFF, allowed_for_person, allowed_on

from conftest import MANAGER_PIN, World, sign_items

MARCH = date(2027, 3, 1)


def test_the_first_and_last_day_count_and_the_days_around_them_do_not(world: World):
    nurse, _calendar = with_nurse(world)
    delegation_id = accepted(world, nurse, MARCH, date(2027, 8, 31))
    for day, held in [
        (date(2027, 2, 28), False),
        (MARCH, True),
        (date(2027, 8, 31), True),
        (date(2027, 9, 1), False),
    ]:
        found = allowed_on(world.store, world.manager, INSULIN, day)
        assert [a.person_name for a in found] == (["Amina Hassan"] if held else []), day
    [allowance] = allowed_on(world.store, nurse, INSULIN, MARCH)
    assert allowance.kind == DELEGATION and allowance.reference == delegation_id
    assert allowance.by == "Sara Nilsson"
    assert allowance.workstation == world.store.workstation_id
    assert allowed_on(world.store, world.manager, INSULIN, MARCH, world.south.id) == []


def test_a_revocation_ends_it_after_its_day_and_an_unanswered_one_never_held(world: World):
    nurse, calendar = with_nurse(world)
    delegation_id = accepted(world, nurse, MARCH, date(2027, 8, 31))
    waiting = delegations.give(
        world.store, nurse, world.person.id, ["stodstrumpor"], MARCH, date(2027, 8, 31), NURSE_PIN
    )
    calendar.day = date(2027, 5, 10)
    delegations.revoke(world.store, world.manager, delegation_id, "Felaktig dos", MANAGER_PIN)
    assert allowed_on(world.store, world.manager, INSULIN, date(2027, 5, 10))
    assert allowed_on(world.store, world.manager, INSULIN, date(2027, 5, 11)) == []
    assert allowed_on(world.store, world.manager, "stodstrumpor", date(2027, 5, 1)) == []
    assert waiting


def test_sign_offs_count_from_their_day_and_the_reverse_lists_every_task(world: World):
    nurse, _calendar = with_nurse(world)
    oid = onboarding.start_onboarding(world.store, world.supervisor, world.person.id,
                                      "hemtjanst-omsorg")  # fmt: skip
    sign_items(world.store, world.supervisor, oid, ["anst-avtal"])
    accepted(world, nurse, MARCH, date(2027, 8, 31))
    found = allowed_for_person(world.store, world.manager, world.person.id, MARCH)
    assert {(a.task_key, a.kind) for a in found} == {
        ("anst-avtal", SIGN_OFF),
        (INSULIN, DELEGATION),
    }
    signed = next(a for a in found if a.kind == SIGN_OFF)
    assert signed.by == "Anna Lindqvist" and signed.window.first == MARCH
    assert allowed_for_person(world.store, world.manager, world.person.id, date(2027, 2, 28)) == []
    people.person_left(world.store, world.manager, world.person.id, date(2027, 4, 30))
    assert [a.kind for a in allowed_for_person(
        world.store, world.manager, world.person.id, date(2027, 5, 1))] == [SIGN_OFF]  # fmt: skip


def test_a_supervisor_cannot_ask(world: World):
    with pytest.raises(PermissionRefused):
        allowed_on(world.store, world.supervisor, INSULIN, MARCH)
