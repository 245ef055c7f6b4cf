"""Delegation by a nurse: the rules the service enforces, and what is stored."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from delegation_helpers import DOSETT, INSULIN, NURSE_PIN, accepted, with_nurse
from handledare.domain.enums import DelegationStatus, Profession, Role
from handledare.domain.validity import Validity
from handledare.errors import InputError, PermissionRefused, WrongPinError
from handledare.services import delegations, people, pins
from handledare.services.delegation_views import get_delegation, list_delegations
from handledare.store.tables import EventRow

from conftest import MANAGER_PIN, World

MARCH = date(2027, 3, 1)


def test_the_bundled_task_list_is_imported_once(world: World):
    nurse, _calendar = with_nurse(world)
    keys = [task.key for task in delegations.list_tasks(world.store)]
    assert INSULIN in keys and DOSETT in keys and "stodstrumpor" in keys
    assert delegations.import_tasks(world.store, world.admin) == 0
    with pytest.raises(PermissionRefused):
        delegations.import_tasks(world.store, nurse)


def test_a_delegation_is_signed_by_the_nurse_and_valid_only_once_accepted(world: World):
    nurse, _calendar = with_nurse(world)
    delegation_id = delegations.give(
        world.store, nurse, world.person.id, [INSULIN, DOSETT], MARCH, date(2027, 8, 31),
        NURSE_PIN, conditions="Endast morgondos",
    )  # fmt: skip
    given = get_delegation(world.store, nurse, delegation_id)
    assert given.status is DelegationStatus.AWAITING
    assert given.window() is None and given.state(MARCH) is None
    assert given.nurse_name == "Sara Nilsson" and given.profession is Profession.NURSE
    assert given.signed_workstation == world.store.workstation_id
    assert given.task_keys == (INSULIN, DOSETT)
    assert given.conditions == "Endast morgondos"

    with pytest.raises(InputError, match="namn"):
        delegations.accept(world.store, nurse, delegation_id, "Amina H")
    delegations.accept(world.store, world.supervisor, delegation_id, "amina hassan")
    taken = get_delegation(world.store, nurse, delegation_id)
    assert taken.status is DelegationStatus.ACCEPTED
    assert taken.state(MARCH) is Validity.CURRENT
    assert taken.state(date(2027, 8, 1)) is Validity.EXPIRING
    with pytest.raises(InputError):
        delegations.decline(world.store, nurse, delegation_id, "Ångrar mig")


def test_a_wrong_pin_delegates_nothing(world: World):
    nurse, _calendar = with_nurse(world)
    with pytest.raises(WrongPinError):
        delegations.give(world.store, nurse, world.person.id, [INSULIN], MARCH, MARCH, "9999")
    assert list_delegations(world.store, nurse) == []


def test_a_declined_delegation_is_never_valid_and_keeps_its_reason(world: World):
    nurse, _calendar = with_nurse(world)
    delegation_id = delegations.give(
        world.store, nurse, world.person.id, [INSULIN], MARCH, date(2027, 6, 1), NURSE_PIN
    )
    with pytest.raises(InputError):
        delegations.decline(world.store, nurse, delegation_id, "   ")
    delegations.decline(world.store, nurse, delegation_id, "Känner mig inte säker")
    declined = get_delegation(world.store, nurse, delegation_id)
    assert declined.status is DelegationStatus.DECLINED
    assert declined.answer_reason == "Känner mig inte säker"
    assert declined.window() is None
    with pytest.raises(InputError):
        delegations.accept(world.store, nurse, delegation_id, "Amina Hassan")


def test_a_delegation_over_twelve_months_is_refused(world: World):
    nurse, _calendar = with_nurse(world)
    last = date(2028, 2, 29)
    assert delegations.last_allowed_day(MARCH) == last
    with pytest.raises(InputError, match="12"):
        delegations.give(
            world.store, nurse, world.person.id, [INSULIN], MARCH, date(2028, 3, 1), NURSE_PIN
        )
    delegations.give(world.store, nurse, world.person.id, [INSULIN], MARCH, last, NURSE_PIN)
    with pytest.raises(InputError, match="6"):
        delegations.give(
            world.store, nurse, world.person.id, [INSULIN], MARCH, date(2027, 9, 1), NURSE_PIN,
            max_months=6,
        )  # fmt: skip


def test_dates_back_unknown_tasks_and_other_roles_are_refused(world: World):
    nurse, _calendar = with_nurse(world)
    with pytest.raises(InputError):
        delegations.give(
            world.store, nurse, world.person.id, [INSULIN], date(2027, 2, 28), MARCH, NURSE_PIN
        )
    with pytest.raises(InputError, match="sondmatning"):
        delegations.give(
            world.store, nurse, world.person.id, ["sondmatning"], MARCH, MARCH, NURSE_PIN
        )
    with pytest.raises(PermissionRefused):
        delegations.give(
            world.store, world.manager, world.person.id, [INSULIN], MARCH, MARCH, MANAGER_PIN
        )


def test_a_nurse_of_another_unit_is_refused(world: World):
    with_nurse(world)
    other = people.add_user(
        world.store, world.admin, "Per Söder", Role.NURSE, "6085", [world.south.id],
        profession=Profession.PHYSIOTHERAPIST,
    )  # fmt: skip
    south_nurse = pins.sign_in(world.store, other.id, "6085").actor
    with pytest.raises(PermissionRefused):
        delegations.give(world.store, south_nurse, world.person.id, [INSULIN], MARCH, MARCH, "6085")
    assert list_delegations(world.store, world.admin) == []


def test_it_ends_with_the_nurses_account(world: World):
    nurse, _calendar = with_nurse(world)
    delegation_id = accepted(world, nurse, MARCH, date(2027, 12, 31))
    people.end_user(world.store, world.admin, nurse.user_id, date(2027, 5, 31))
    ended = get_delegation(world.store, world.manager, delegation_id)
    assert ended.window().last == date(2027, 5, 31)
    assert ended.state(date(2027, 5, 31)) is Validity.EXPIRING
    assert ended.state(date(2027, 6, 1)) is Validity.EXPIRED
    assert ended.ended_early() == "nurse_ended"
    assert "kontot" in ended.shown(date(2027, 6, 1))


def test_it_ends_when_the_person_leaves_the_job(world: World):
    nurse, _calendar = with_nurse(world)
    delegation_id = accepted(world, nurse, MARCH, date(2027, 12, 31))
    people.person_left(world.store, world.manager, world.person.id, date(2027, 4, 15))
    ended = get_delegation(world.store, nurse, delegation_id)
    assert ended.window().last == date(2027, 4, 15)
    assert ended.ended_early() == "left"
    with pytest.raises(InputError):
        delegations.give(world.store, nurse, world.person.id, [INSULIN], date(2027, 5, 1),
                         date(2027, 6, 1), NURSE_PIN)  # fmt: skip


def test_the_nurse_or_a_manager_revokes_with_a_reason_and_a_pin(world: World):
    nurse, calendar = with_nurse(world)
    delegation_id = accepted(world, nurse, MARCH, date(2027, 12, 31))
    with pytest.raises(PermissionRefused):
        delegations.revoke(world.store, world.supervisor, delegation_id, "x", "4827")
    calendar.day = date(2027, 5, 10)
    delegations.revoke(world.store, world.manager, delegation_id, "Felaktig dos", MANAGER_PIN)
    revoked = get_delegation(world.store, nurse, delegation_id)
    assert revoked.status is DelegationStatus.REVOKED
    assert revoked.revoked_by == "Karin Berg" and revoked.revoke_reason == "Felaktig dos"
    assert revoked.window().last == date(2027, 5, 10)
    with pytest.raises(PermissionRefused):
        delegations.revoke(world.store, nurse, delegation_id, "igen", NURSE_PIN)


def test_renewal_makes_a_new_delegation_and_keeps_the_old(world: World):
    nurse, calendar = with_nurse(world)
    old = accepted(world, nurse, MARCH, date(2027, 8, 31), tasks=(INSULIN, DOSETT))
    calendar.day = date(2027, 8, 15)
    new = delegations.renew(world.store, nurse, old, date(2027, 9, 1), date(2028, 8, 31), NURSE_PIN)
    renewed = get_delegation(world.store, nurse, new)
    assert renewed.renews == old and renewed.task_keys == (INSULIN, DOSETT)
    assert renewed.status is DelegationStatus.AWAITING
    assert get_delegation(world.store, nurse, old).renewed_by == new
    with pytest.raises(InputError):
        delegations.renew(world.store, nurse, old, date(2027, 9, 1), date(2027, 9, 2), NURSE_PIN)
    assert len(list_delegations(world.store, nurse, person_id=world.person.id)) == 2


def test_the_personal_free_text_is_in_the_events_and_rebuild_gives_the_same(world: World):
    nurse, calendar = with_nurse(world)
    delegation_id = accepted(world, nurse, MARCH, date(2027, 12, 31))
    calendar.day = date(2027, 4, 1)
    delegations.revoke(world.store, nurse, delegation_id, "Byte av insulin", NURSE_PIN)
    before = get_delegation(world.store, nurse, delegation_id)
    assert world.store.rebuild() > 10
    assert get_delegation(world.store, nurse, delegation_id) == before
    with world.store.read() as session:
        types = [
            row.type
            for row in session.exec(select(EventRow).where(EventRow.entity_id == delegation_id))
        ]
        grant = session.exec(select(EventRow).where(EventRow.type == "delegation.granted")).one()
    assert types == ["delegation.granted", "delegation.accepted", "delegation.revoked"]
    assert json.loads(grant.payload)["person_name"] == "Amina Hassan"
