"""The store: SQLite settings, the event log as the truth, and rebuilding projections."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from handledare.domain.enums import Evidence, Mark
from handledare.domain.evidence import Proof
from handledare.services import onboarding, people, review, signoff
from handledare.store.eventlog import Store
from handledare.store.tables import PROJECTION_TABLES

from conftest import MANAGER_PIN, SUPERVISOR_PIN, World, sign_items


def dump_projections(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as connection:
        return {
            table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in PROJECTION_TABLES
        }


def test_database_uses_wal_foreign_keys_and_busy_timeout(store: Store):
    with store.engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] == 500


def test_every_change_is_an_event_with_uuid_actor_workstation_and_clock(world: World):
    people.add_person(
        world.store, world.supervisor, "Johan Andersson", world.north.id, world.person.start_date
    )
    with sqlite3.connect(world.store.path) as connection:
        rows = connection.execute(
            "SELECT id, type, actor_id, workstation_id, hlc FROM events ORDER BY rowid"
        ).fetchall()
    assert rows[-1][1:3] == ("person.created", world.supervisor.user_id)
    assert all(len(row[0]) == 36 and row[3] == world.store.workstation_id for row in rows)
    stamps = [row[4] for row in rows]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_event_ids_are_version_7_uuids_that_sort_in_the_order_they_were_made(world: World):
    """New events land at the end of the events' id index, not on a random page."""
    later = datetime.now(UTC) + timedelta(minutes=1)
    for number in range(5):
        world.store.now = lambda number=number: later + timedelta(seconds=number)
        people.add_person(
            world.store, world.supervisor, f"Vikarie {number}", world.north.id,
            world.person.start_date,
        )  # fmt: skip
    with sqlite3.connect(world.store.path) as connection:
        rows = connection.execute("SELECT id, hlc FROM events ORDER BY hlc").fetchall()
    ids = [uuid.UUID(event_id) for event_id, _hlc in rows]
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    # The first 48 bits are the milliseconds of the event's clock stamp.
    assert [i.int >> 80 for i in ids] == [int(hlc.split(".")[0]) for _id, hlc in rows]
    assert [str(i) for i in ids[-5:]] == sorted(str(i) for i in ids[-5:])
    assert len(set(ids)) == len(ids)


def test_rebuild_from_events_gives_identical_projections(world: World):
    store = world.store
    oid = onboarding.start_onboarding(store, world.supervisor, world.person.id, "hemtjanst-omsorg")
    for key in ("anst-avtal", "hyg-sosfs", "varde-integritet"):
        onboarding.mark_item(store, world.supervisor, oid, key, Mark.PRACTISED)
    onboarding.mark_item(
        store, world.supervisor, oid, "sak-trafik", Mark.NOT_APPLICABLE, "Går till fots"
    )
    onboarding.add_note(store, world.supervisor, oid, "Vill öva mer", item_key="hyg-sosfs")
    signoff.sign_off(
        store, world.supervisor, oid, ["anst-avtal", "hyg-sosfs"], SUPERVISOR_PIN, "Amina Hassan"
    )
    signoff.revoke(store, world.supervisor, oid, "anst-avtal", "Fel avtal visades", SUPERVISOR_PIN)
    review.approve(store, world.manager, oid, MANAGER_PIN, override_reason="Akut")
    people.set_language(store, world.supervisor, "en")
    # Format 2: proof of each kind, a prerequisite, a substitute's own language.
    sign_items(store, world.supervisor, oid, ["webb-hygien", "hyg-test", "sekr-tystnadsplikt"])
    observed = Proof(Evidence.OBSERVED, observer_name="Lena Holm", observer_role="usk")
    onboarding.mark_item(store, world.supervisor, oid, "sak-trafik", Mark.PRACTISED, None, observed)
    people.set_person_language(store, world.supervisor, world.person.id, "so")

    before = dump_projections(store.path)
    assert before["item_states"] and before["onboardings"]
    proofs = [row for row in before["item_states"] if row[-1]]
    assert len(proofs) == 4 and any("Lena Holm" in row[-1] for row in proofs)
    # people: ..., language, the folded name, left_on (the last three columns)
    assert [(row[-3], row[-1]) for row in before["people"]] == [("so", None)]
    replayed = store.rebuild()
    assert replayed > 15
    assert dump_projections(store.path) == before


def test_workstation_id_is_made_once_and_kept(tmp_path: Path):
    path = tmp_path / "h.db"
    first = Store.open(path)
    second = Store.open(path)
    assert first.workstation_id == second.workstation_id
    assert len(first.workstation_id) == 36
