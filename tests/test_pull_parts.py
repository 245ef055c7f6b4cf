"""A pull's events in parts, in any order: the tables equal a rebuild of the same events.

A pull commits in small parts and keeps the onboardings it projected from one part to
the next (store/kept_onboardings.py); what it keeps must never differ from what is
stored, however the events are split and ordered, and whatever is written here between
two parts.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handledare.domain.enums import Mark, Profession, Role
from handledare.domain.events import EventType
from handledare.services import delegations, onboarding, people, pins, review, signoff
from handledare.store import ingest, onboarding_projection
from handledare.store.eventlog import Store
from handledare.store.kept_onboardings import KeptOnboardings
from handledare.store.onboarding_projection import ONBOARDING_EVENTS
from handledare.store.tables import EVENT_COLUMNS, StoredEvent
from sync_helpers import PIN, approve, projections, seed, workstation

from conftest import MANAGER_PIN

NURSE_PIN = "6085"
# Events made on a clock this far ahead: newer than anything written here during a test.
AHEAD = timedelta(days=1)


def _sign(store: Store, actor, onboarding_id: str, key: str) -> None:
    onboarding.mark_item(store, actor, onboarding_id, key, Mark.PRACTISED)
    signoff.sign_off(store, actor, onboarding_id, [key], PIN)


def _signed(store: Store, onboarding_id: str, key: str) -> bool:
    """Whether the item is stored as signed off."""
    with sqlite3.connect(store.path) as connection:
        row = connection.execute(
            "SELECT signed_at IS NOT NULL FROM item_states "
            "WHERE onboarding_id = ? AND item_key = ?",
            (onboarding_id, key),
        ).fetchone()
    return row == (1,)


def _stored(store: Store) -> list[StoredEvent]:
    with sqlite3.connect(store.path) as connection:
        return [
            StoredEvent._make(values)
            for values in connection.execute(
                f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY hlc, workstation_id, id"
            )
        ]


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> tuple[list[StoredEvent], dict, str]:
    """Two workstations' work on one substitute: marks, sign-offs, a conflict and its
    resolution, a revocation, an approval, delegations accepted, declined and revoked;
    then marks and a sign-off made on a clock a day ahead. Returns every event, the
    tables of the workstation that made most of them, and the onboarding."""
    root = tmp_path_factory.mktemp("history")
    share = root / "share"
    share.mkdir()
    a, b = workstation(root, "a"), workstation(root, "b")
    oid = seed(a)
    with sqlite3.connect(a.store.path) as connection:
        person_id, unit_id = connection.execute("SELECT id, unit_id FROM people").fetchone()
    admin = a.admin()
    boss = people.add_user(a.store, admin, "Maria Chef", Role.MANAGER, MANAGER_PIN, [unit_id])
    a.sync(share)
    approve(share, a, b)
    _sign(a.store, a.supervisor(), oid, "anst-avtal")
    onboarding.mark_item(b.store, b.supervisor(), oid, "anst-avtal", Mark.WALKED_THROUGH)
    _sign(b.store, b.supervisor(), oid, "anst-schema")
    for _round in range(2):
        a.sync(share)
        b.sync(share)
    manager = pins.sign_in(a.store, boss.id, MANAGER_PIN).actor
    conflict = review.list_conflicts(a.store, manager)[0]
    review.resolve_conflict(a.store, manager, oid, conflict.key, "Båda gick igenom avtalet")
    signoff.revoke(a.store, a.supervisor(), oid, "anst-schema", "Fel schema", PIN)
    review.approve(a.store, manager, oid, MANAGER_PIN, override_reason="Prövas under handledning")
    delegations.import_tasks(a.store, admin)
    nurse_user = people.add_user(
        a.store, admin, "Sara Nilsson", Role.NURSE, NURSE_PIN, [unit_id],
        profession=Profession.NURSE,
    )  # fmt: skip
    nurse = pins.sign_in(a.store, nurse_user.id, NURSE_PIN).actor
    today = a.store.now().date()
    kept_one = delegations.give(
        a.store, nurse, person_id, ["insulin-penna"], today, today + timedelta(days=30), NURSE_PIN
    )
    delegations.accept(a.store, nurse, kept_one, "Amina Hassan")
    declined = delegations.give(
        a.store, nurse, person_id, ["lakemedel-dosett"], today, today + timedelta(days=60),
        NURSE_PIN,
    )  # fmt: skip
    delegations.decline(a.store, nurse, declined, "Inte nu")
    a.sync(share)
    b.sync(share)
    b_nurse = pins.sign_in(b.store, nurse_user.id, NURSE_PIN).actor
    delegations.revoke(b.store, b_nurse, kept_one, "Byter arbetsplats", NURSE_PIN)
    b.sync(share)
    a.sync(share)
    a.store.now = lambda: datetime.now(UTC) + AHEAD
    supervisor = a.supervisor()
    onboarding.mark_item(a.store, supervisor, oid, "anst-kontakter", Mark.WALKED_THROUGH)
    _sign(a.store, supervisor, oid, "hyg-sosfs")
    events = _stored(a.store)
    tables = projections(a.store)
    a.store.close()
    b.store.close()
    return events, tables, oid


def _split(events: list[StoredEvent], cuts: list[int]) -> list[list[StoredEvent]]:
    bounds = [0, *sorted(set(cuts)), len(events)]
    return [events[start:end] for start, end in itertools.pairwise(bounds) if end > start]


def _pull(store: Store, parts: list[list[StoredEvent]], kept: KeptOnboardings, first: int = 1):
    for number, part in enumerate(parts, first):
        batch = ingest.IncomingBatch("elsewhere", number, f"hash-{number}", part)
        ingest.ingest(store, [batch], kept)


def _near_stamp_order(data: st.DataObject, events: list[StoredEvent]) -> list[StoredEvent]:
    """Stamp order (what a pull mostly gets), with a few neighbours swapped."""
    order = list(events)
    for index in data.draw(st.lists(st.integers(0, len(order) - 2), max_size=6)):
        order[index], order[index + 1] = order[index + 1], order[index]
    return order


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_events_pulled_in_parts_in_any_order_give_the_tables_of_a_rebuild(
    history, tmp_path_factory, data
):
    events, tables, _oid = history
    shuffled = data.draw(st.booleans())
    order = data.draw(st.permutations(events)) if shuffled else _near_stamp_order(data, events)
    cuts = data.draw(st.lists(st.integers(1, len(order) - 1), max_size=20))
    store = Store.open(tmp_path_factory.mktemp("pulled") / "handledare.db")
    _pull(store, _split(order, cuts), KeptOnboardings())
    pulled = projections(store)
    store.rebuild()
    assert projections(store) == pulled == tables
    store.close()


def test_kept_onboardings_are_read_again_after_a_write_here_between_two_parts(
    history, tmp_path: Path
):
    """A sign-off made here between two parts of a pull is not folded over: the next part,
    newer still, is projected on what is stored, not on what the pull kept."""
    events, _tables, oid = history
    ahead = datetime.now(UTC) + AHEAD / 2
    now = [e for e in events if datetime.fromisoformat(e.wall_time) < ahead]
    later = events[len(now) :]
    assert later and all(e.entity_id == oid for e in later)
    store = Store.open(tmp_path / "handledare.db")
    kept = KeptOnboardings()
    _pull(store, _split(now, list(range(5, len(now), 5))), kept)
    user = next(u for u in people.list_users(store) if u.role is Role.SUPERVISOR)
    _sign(store, pins.sign_in(store, user.id, PIN).actor, oid, "anst-lon")
    _pull(store, [later], kept, first=1000)
    pulled = projections(store)
    [row] = [row for row in pulled["onboardings"] if row[0] == oid]
    store.rebuild()
    assert projections(store) == pulled
    assert _signed(store, oid, "anst-lon")
    assert row in projections(store)["onboardings"]
    store.close()


def test_an_onboarding_projected_again_for_a_late_event_is_not_kept_as_it_was(
    history, tmp_path: Path
):
    """A sign-off that arrives after newer events makes the pull project the onboarding
    again from all its events; the part after that folds on the result, not on what the
    pull had kept before it."""
    events, tables, oid = history
    late = next(e for e in events if e.type == EventType.ITEMS_SIGNED_OFF and e.entity_id == oid)
    rest = [e for e in events if e is not late]
    store = Store.open(tmp_path / "handledare.db")
    _pull(store, [rest[:-2], [late], rest[-2:]], KeptOnboardings())
    pulled = projections(store)
    store.rebuild()
    assert projections(store) == pulled == tables
    store.close()


def test_a_part_reads_the_onboardings_it_folds_before_it_takes_the_write_lock(
    history, tmp_path: Path, monkeypatch
):
    """While a part holds the write lock every mark waits, so the onboardings it folds on are
    read before (kept from the last part, or read ahead): none is read from the file in it,
    not even by the first part of the next pull, which keeps nothing yet."""
    events, tables, oid = history
    half = len(events) // 2
    store = Store.open(tmp_path / "handledare.db")
    _pull(store, [events[:half]], KeptOnboardings())
    read_in_a_part: list[str] = []
    real_load = onboarding_projection.load

    def load(connection, ids):
        found = real_load(connection, ids)
        if store.turns._pulling:
            read_in_a_part.extend(found)
        return found

    monkeypatch.setattr(onboarding_projection, "load", load)
    kept = KeptOnboardings()
    rest = events[half:]
    assert any(e.entity_id == oid for e in rest[:10])
    _pull(store, _split(rest, list(range(10, len(rest), 10))), kept, first=1000)
    pulled = projections(store)
    store.rebuild()
    assert projections(store) == pulled == tables
    assert read_in_a_part == []
    assert oid in kept._states
    store.close()


def test_a_sign_off_made_between_a_parts_read_ahead_and_its_write_is_not_folded_over(
    history, tmp_path: Path, monkeypatch
):
    """The part read the onboarding ahead, then a supervisor signed an item here before the
    part began: the part forgets what it read and projects on what is stored."""
    events, _tables, oid = history
    ahead = datetime.now(UTC) + AHEAD / 2
    now = [e for e in events if datetime.fromisoformat(e.wall_time) < ahead]
    later = events[len(now) :]
    store = Store.open(tmp_path / "handledare.db")
    kept = KeptOnboardings()
    _pull(store, _split(now, list(range(5, len(now), 5))), kept)
    user = next(u for u in people.list_users(store) if u.role is Role.SUPERVISOR)
    supervisor = pins.sign_in(store, user.id, PIN).actor
    real_prefetch = KeptOnboardings.prefetch

    def prefetch_then_sign(self, connection, ids):
        real_prefetch(self, connection, ids)
        assert oid in self._states  # read ahead, as the store was before the sign-off
        _sign(store, supervisor, oid, "anst-lon")

    monkeypatch.setattr(KeptOnboardings, "prefetch", prefetch_then_sign)
    _pull(store, [later], kept, first=1000)
    monkeypatch.undo()
    pulled = projections(store)
    store.rebuild()
    assert projections(store) == pulled
    assert _signed(store, oid, "anst-lon")
    store.close()


def test_what_many_items_hold_is_held_once_in_what_a_pull_keeps_and_in_what_it_reads(
    history, tmp_path: Path
):
    """A pull keeps a thousand onboardings' items between its parts: the onboarding, a user,
    a workstation, a mark and an item key are each one string however many items hold them,
    whether the items were folded from events or read from the file, and read twice."""
    events, _tables, oid = history
    # The item keys shared before the pull, as strings of their own: what the pull keeps is
    # keyed and filled with these, not with each event's copy.
    payloads = [json.loads(e.payload) for e in events if e.type in ONBOARDING_EVENTS]
    keys = {k for d in payloads for k in (d.get("item_key"), *d.get("item_keys", ())) if k}
    shared = {sys.intern("".join(key)) for key in keys}
    store = Store.open(tmp_path / "handledare.db")
    kept = KeptOnboardings()
    _pull(store, [events], kept)  # folded from the events, nothing read
    with sqlite3.connect(store.path) as connection:
        read = [onboarding_projection.load(connection, [oid])[oid] for _twice in range(2)]
    states = (kept._states[oid], *read)
    for state in states:
        assert all(item.onboarding_id is state.row["id"] for item in state.items.values())
        assert all(key is item.item_key for key, item in state.items.items())
        assert {id(key) for key in state.items} <= {id(key) for key in shared}
    for column in ("item_key", "mark", "marked_by", "signed_by", "signed_workstation"):
        held = [
            getattr(item, column)
            for state in states
            for item in state.items.values()
            if getattr(item, column) is not None
        ]
        assert len(held) > len(set(held)), column  # the same value in several items
        assert len({id(value) for value in held}) == len(set(held)), column
    store.close()
