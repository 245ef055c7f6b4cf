"""Delegations travel with sync, replay with rebuild, conflict, and outlive an erasure
for the retention period only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import select

from delegation_helpers import INSULIN, NURSE_PIN, Calendar
from handledare.domain.enums import DelegationStatus, Profession, Role
from handledare.services import delegations, onboarding, people, pins, review, signoff
from handledare.services.delegation_views import get_delegation, list_delegations
from handledare.services.erasure import erase_person
from handledare.store.tables import EventRow
from sync_helpers import approve, projections, seed, workstation

from conftest import SUPERVISOR_PIN, admin_of, sign_items

MARCH = date(2027, 3, 1)


def _two_stations(tmp_path: Path):
    share = tmp_path / "share"
    share.mkdir()
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    calendar = Calendar(MARCH)
    a.store.now = b.store.now = calendar
    admin = admin_of(a.store)
    delegations.import_tasks(a.store, admin)
    unit = people.list_units(a.store)[0]
    user = people.add_user(
        a.store, admin, "Sara Nilsson", Role.NURSE, NURSE_PIN, [unit.id],
        profession=Profession.NURSE,
    )  # fmt: skip
    nurse = pins.sign_in(a.store, user.id, NURSE_PIN).actor
    person = people.find_person(a.store, admin, "Amina Hassan")
    delegation_id = delegations.give(
        a.store, nurse, person.id, [INSULIN], MARCH, date(2027, 8, 31), NURSE_PIN,
        conditions="Bara kvällsdos",
    )  # fmt: skip
    delegations.accept(a.store, nurse, delegation_id, "Amina Hassan")
    a.sync(share)
    approve(share, a, b)
    b.sync(share)
    return share, a, b, calendar, nurse, delegation_id


def test_a_delegation_and_its_answer_travel_and_rebuild_alike(tmp_path: Path):
    _share, a, b, _calendar, nurse, delegation_id = _two_stations(tmp_path)
    on_b = get_delegation(b.store, nurse, delegation_id)
    assert on_b == get_delegation(a.store, nurse, delegation_id)
    assert (
        on_b.status is DelegationStatus.ACCEPTED
        and on_b.signed_workstation == a.store.workstation_id
    )
    before = projections(b.store)
    b.store.rebuild()
    assert projections(b.store) == before
    assert before["delegations"] and before["delegation_tasks"]


def test_revoked_on_one_workstation_renewed_on_another_is_a_conflict(tmp_path: Path):
    share, a, b, calendar, nurse, delegation_id = _two_stations(tmp_path)
    calendar.day = date(2027, 8, 20)
    nurse_on_b = pins.sign_in(b.store, nurse.user_id, NURSE_PIN).actor
    delegations.revoke(a.store, nurse, delegation_id, "Ny ordination", NURSE_PIN)
    renewal = delegations.renew(
        b.store, nurse_on_b, delegation_id, date(2027, 9, 1), date(2028, 8, 31), NURSE_PIN
    )
    for station in (a, b, a):
        station.sync(share)
    on_a = get_delegation(a.store, nurse, delegation_id)
    on_b = get_delegation(b.store, nurse, delegation_id)
    assert on_a == on_b
    assert on_a.status is DelegationStatus.REVOKED and on_a.renewed_by == renewal
    assert len(on_a.conflicts) == 1

    delegations.resolve_conflict(
        a.store, nurse, delegation_id, on_a.conflicts[0], "Förnyelsen gäller, ny ordination ok"
    )
    a.sync(share)
    b.sync(share)
    assert get_delegation(b.store, nurse, delegation_id).conflicts == ()


def test_erasure_keeps_the_decision_until_its_retention_date_then_removes_it(tmp_path: Path):
    share, a, b, calendar, _nurse, delegation_id = _two_stations(tmp_path)
    admin = admin_of(a.store)
    person = people.find_person(a.store, admin, "Amina Hassan")
    calendar.day = date(2027, 4, 1)
    erased = erase_person(a.store, admin, person.id)
    # It ended with the erasure (1 April 2027): kept three years after that.
    assert erased.delegations_kept_until == date(2030, 4, 1)
    a.sync(share)
    b.sync(share)
    for station in (a, b):
        kept = get_delegation(station.store, admin, delegation_id)
        assert kept.person_name == "Amina Hassan" and kept.task_keys == (INSULIN,)
        assert kept.nurse_name == "Sara Nilsson" and kept.conditions == "—"
    assert people.get_person(a.store, admin, person.id).name == "—"

    calendar.day = date(2030, 4, 1)
    a.sync(share)
    assert len(list_delegations(a.store, admin)) == 1
    calendar.day = date(2030, 4, 2)
    a.sync(share)
    # A's batches rewritten with the delegation emptied are its own rewrite, not a forgery.
    assert b.sync(share).problems == []
    assert a.sync(share).problems == []
    for station in (a, b):
        assert list_delegations(station.store, admin) == []
        station.store.rebuild()
        assert list_delegations(station.store, admin) == []
        with station.store.read() as session:
            payloads = session.exec(
                select(EventRow.payload).where(EventRow.entity_id == delegation_id)
            ).all()
        assert payloads and all(payload == '{"purged": true}' for payload in payloads)
    for station in (a, b):
        station.store.close()
    leftovers = [p for p in share.rglob("*.jsonl") if b"Bara kv" in p.read_bytes()]
    assert leftovers == []
    named = [p for p in share.rglob("*.jsonl") if b"Amina Hassan" in p.read_bytes()]
    assert named == []


def test_a_renewed_sign_off_travels_rebuilds_and_meets_a_revocation_as_a_conflict(
    tmp_path: Path,
):
    share, a, b = tmp_path / "share", workstation(tmp_path, "a"), workstation(tmp_path, "b")
    share.mkdir()
    started = seed(a)
    calendar = Calendar(MARCH)
    a.store.now = b.store.now = calendar
    sign_items(a.store, a.supervisor(), started, ["sak-brand"], SUPERVISOR_PIN)
    a.sync(share)
    approve(share, a, b)
    b.sync(share)
    calendar.day = date(2028, 3, 5)  # a year and a few days on: expired
    signoff.renew(a.store, a.supervisor(), started, "sak-brand", "Visade utrymning igen",
                  SUPERVISOR_PIN)  # fmt: skip
    a.sync(share)
    b.sync(share)
    state = onboarding.progress(b.store, b.supervisor(), started).states["sak-brand"]
    assert state.expires_on == "2029-03-05"
    before = projections(b.store)
    b.store.rebuild()
    assert projections(b.store) == before

    # Revoked on one workstation and renewed again on the other, neither seeing the other.
    calendar.day = date(2029, 3, 1)
    signoff.revoke(a.store, a.supervisor(), started, "sak-brand", "Fel person", SUPERVISOR_PIN)
    signoff.renew(b.store, b.supervisor(), started, "sak-brand", "Kontrollerat", SUPERVISOR_PIN)
    for station in (a, b, a):
        station.sync(share)
    assert projections(a.store) == projections(b.store)
    assert [c.item_key for c in review.list_conflicts(a.store, admin_of(a.store), started)] == [
        "sak-brand"
    ]
