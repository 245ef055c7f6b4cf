"""Wrong PINs are counted in the database wherever they are typed, and lockouts last."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from handledare.domain.enums import Mark, Role
from handledare.domain.events import EventType
from handledare.errors import PermissionRefused, WrongPinError
from handledare.services import onboarding, people, pins, review, signoff
from handledare.store.eventlog import Store
from test_security import old_scrypt_verifier

from conftest import ADMIN_PIN, MANAGER_PIN, SUPERVISOR_PIN, World

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def _events(store: Store, event_type: EventType) -> list[tuple[str, str, dict]]:
    with store.read() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT actor_id, entity_id, payload FROM events WHERE type = ? ORDER BY rowid",
            (event_type.value,),
        )
        return [(actor, entity, json.loads(payload)) for actor, entity, payload in rows]


def _fail(store: Store, user_id: str, times: int) -> None:
    for _attempt in range(times):
        with pytest.raises((WrongPinError, pins.LockedOut)):
            pins.sign_in(store, user_id, "000000")


def test_five_wrong_pins_lock_for_a_minute_and_the_lockout_outlasts_a_restart(world: World):
    store, anna = world.store, world.supervisor
    store.now = lambda: NOW
    with pytest.raises(WrongPinError, match="4 försök kvar"):
        pins.sign_in(store, anna.user_id, "0001")
    _fail(store, anna.user_id, 4)
    with pytest.raises(pins.LockedOut, match="1 minut"):
        pins.sign_in(store, anna.user_id, SUPERVISOR_PIN)
    [(actor, entity, payload)] = _events(store, EventType.USER_LOCKED_OUT)
    assert (actor, entity, payload["failures"], payload["minutes"]) == (anna.user_id,) * 2 + (5, 1)

    path = store.path
    store.close()
    again = Store.open(path, now=lambda: NOW + timedelta(seconds=30))
    with pytest.raises(pins.LockedOut):
        again.now = lambda: NOW + timedelta(seconds=30)
        pins.sign_in(again, anna.user_id, SUPERVISOR_PIN)
    again.now = lambda: NOW + timedelta(seconds=61)
    assert pins.sign_in(again, anna.user_id, SUPERVISOR_PIN).actor == anna
    again.close()


def test_the_delay_grows_1_5_15_60_minutes(world: World):
    store, anna = world.store, world.supervisor
    when = NOW
    for minutes in (1, 5, 15, 60, 60):
        store.now = lambda when=when: when
        _fail(store, anna.user_id, 5)
        with pytest.raises(pins.LockedOut) as locked:
            pins.sign_in(store, anna.user_id, SUPERVISOR_PIN)
        assert locked.value.until == when + timedelta(minutes=minutes)
        when = locked.value.until
    delays = [payload["minutes"] for _a, _e, payload in _events(store, EventType.USER_LOCKED_OUT)]
    assert delays == [1, 5, 15, 60, 60]


def test_wrong_pins_count_together_at_sign_off_revocation_approval_and_sign_in(world: World):
    store, anna, karin = world.store, world.supervisor, world.manager
    store.now = lambda: NOW
    oid = onboarding.start_onboarding(store, anna, world.person.id, "hemtjanst-omsorg")
    onboarding.mark_item(store, anna, oid, "anst-avtal", Mark.PRACTISED)
    with pytest.raises(WrongPinError, match=r"Inget signerades\. 4 försök kvar"):
        signoff.sign_off(store, anna, oid, ["anst-avtal"], "0001")
    signoff.sign_off(store, anna, oid, ["anst-avtal"], SUPERVISOR_PIN)  # a right PIN resets
    for _attempt in range(2):
        with pytest.raises(WrongPinError, match="Inget signerades"):
            signoff.sign_off(store, anna, oid, ["anst-avtal"], "0001")
    for _attempt in range(2):
        with pytest.raises(WrongPinError, match="Inget återkallades"):
            signoff.revoke(store, anna, oid, "anst-avtal", "Fel", "0001")
    _fail(store, anna.user_id, 1)
    with pytest.raises(pins.LockedOut):
        signoff.revoke(store, anna, oid, "anst-avtal", "Fel", SUPERVISOR_PIN)
    assert onboarding.progress(store, karin, oid).states["anst-avtal"].signed

    for _attempt in range(5):
        with pytest.raises((WrongPinError, pins.LockedOut)):
            review.approve(store, karin, oid, "000000", "Undantag")
    with pytest.raises(pins.LockedOut):
        review.approve(store, karin, oid, MANAGER_PIN, "Undantag")
    assert onboarding.progress(store, karin, oid).approved_at is None


def test_a_thirty_first_pin_at_approval_is_not_accepted_after_thirty_wrong(world: World):
    store, karin = world.store, world.manager
    oid = onboarding.start_onboarding(store, world.supervisor, world.person.id, "hemtjanst-omsorg")
    for _attempt in range(30):
        with pytest.raises((WrongPinError, pins.LockedOut)):
            review.approve(store, karin, oid, "000000", "Undantag")
    with pytest.raises(pins.LockedOut):
        review.approve(store, karin, oid, MANAGER_PIN, "Undantag")


def test_an_admin_unlocks_and_it_is_in_the_audit_trail(world: World):
    store, anna = world.store, world.supervisor
    store.now = lambda: NOW
    _fail(store, anna.user_id, 5)
    [lockout] = pins.lockouts(store)
    assert (lockout.name, lockout.failures) == ("Anna Lindqvist", 5) and lockout.until
    with pytest.raises(PermissionRefused):
        pins.unlock(store, world.manager, anna.user_id)
    pins.unlock(store, world.admin, anna.user_id)
    assert pins.lockouts(store) == []
    assert pins.sign_in(store, anna.user_id, SUPERVISOR_PIN).actor == anna
    [(actor, entity, payload)] = _events(store, EventType.USER_UNLOCKED)
    assert (actor, entity, payload) == (world.admin.user_id, anna.user_id, {"failures": 5})
    with pytest.raises(PermissionRefused, match="inget att låsa upp"):
        pins.unlock(store, world.admin, anna.user_id)


def test_counts_and_lockouts_are_kept_out_of_rebuild(world: World):
    store, anna = world.store, world.supervisor
    store.now = lambda: NOW
    _fail(store, anna.user_id, 5)
    store.rebuild()
    with pytest.raises(pins.LockedOut):
        pins.sign_in(store, anna.user_id, SUPERVISOR_PIN)


def test_an_old_scrypt_verifier_is_upgraded_at_the_next_sign_in(world: World):
    store, anna = world.store, world.supervisor
    with store.write(world.admin.user_id) as tx:
        tx.emit(EventType.USER_PIN_CHANGED, anna.user_id, {"pin_hash": old_scrypt_verifier("4827")})
    with pytest.raises(WrongPinError):
        pins.sign_in(store, anna.user_id, "4828")
    assert len(_events(store, EventType.USER_PIN_CHANGED)) == 1
    assert pins.sign_in(store, anna.user_id, "4827").actor == anna
    *_older, (actor, entity, payload) = _events(store, EventType.USER_PIN_CHANGED)
    assert (actor, entity, payload["upgrade"]) == (anna.user_id, anna.user_id, True)
    assert payload["pin_hash"].startswith("$argon2id$")
    with store.read() as session:
        stored = session.connection().exec_driver_sql(
            "SELECT pin_hash FROM users WHERE id = ?", (anna.user_id,)
        )
        assert stored.scalar().startswith("$argon2id$")
    pins.sign_in(store, anna.user_id, "4827")
    assert len(_events(store, EventType.USER_PIN_CHANGED)) == 2, "upgraded once only"


def test_a_user_whose_old_pin_breaks_the_rules_is_asked_for_a_new_one(world: World):
    store, karin = world.store, world.manager
    with store.write(world.admin.user_id) as tx:
        tx.emit(
            EventType.USER_PIN_CHANGED, karin.user_id, {"pin_hash": old_scrypt_verifier("3333")}
        )
    assert pins.sign_in(store, karin.user_id, "3333").weak_pin
    with pytest.raises(Exception, match="minst 6 siffror"):
        pins.change_pin(store, karin, karin.user_id, "4827")
    pins.change_pin(store, karin, karin.user_id, "735190")
    assert not pins.sign_in(store, karin.user_id, "735190").weak_pin


def test_only_an_admin_changes_someone_elses_pin(world: World):
    with pytest.raises(PermissionRefused):
        pins.change_pin(world.store, world.supervisor, world.manager.user_id, "735190")
    pins.change_pin(world.store, world.admin, world.manager.user_id, "735190")
    assert pins.sign_in(world.store, world.manager.user_id, "735190").actor == world.manager


def test_every_event_has_a_user_as_actor(world: World):
    with world.store.read() as session:
        actors = session.connection().exec_driver_sql("SELECT actor_id FROM events").scalars()
        assert None not in list(actors)
    with pytest.raises(ValueError), world.store.write(None) as tx:
        tx.emit(EventType.UNIT_CREATED, "x", {"name": "Utan aktör"})


def test_the_first_admin_needs_no_sign_in_only_on_an_empty_database(store: Store):
    first = people.add_user(store, None, "Ingrid Admin", Role.ADMIN, ADMIN_PIN)
    with pytest.raises(PermissionRefused):
        people.add_user(store, None, "Inkräktare", Role.ADMIN, "618203")
    assert [u.id for u in people.list_users(store)] == [first.id]
    _actor, entity, _payload = _events(store, EventType.USER_CREATED)[0]
    assert _actor == entity == first.id
