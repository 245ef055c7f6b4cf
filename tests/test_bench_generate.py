"""The benchmark's generated municipality: the same from the same seed, and what the app makes.

Only correctness here; the timings live in bench/run.py.
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from handledare.config import Settings
from handledare.domain.enums import EmploymentType, Evidence, Mark, Role
from handledare.services import (
    demo,
    onboarding,
    people,
    pins,
    review,
    signoff,
    templates,
    workstations,
)
from handledare.services.sync import sync_now
from handledare.store.eventlog import Store
from handledare.store.tables import PROJECTION_TABLES
from handledare.sync.batch import decode
from handledare.sync.card import read_card
from handledare.sync.sealing import ShareKey
from sync_helpers import opener

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import generate

TINY = generate.Scale(
    units=2, users=6, substitutes=12, onboardings=15, workstations=4, pull_events=60
)


def _tables(database: Path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(database)) as connection:
        return {
            table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in (*PROJECTION_TABLES, "events", "batches")
        }


def _copy(out: Path, folder: Path) -> Path:
    """The generated data folder: its database and its signing key."""
    folder.mkdir(exist_ok=True)
    for name in ("handledare.db", "workstation-key.pem", "workstation-receiving-key.pem"):
        (folder / name).write_bytes((out / "data" / name).read_bytes())
    return folder / "handledare.db"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, generate.Summary]:
    out = tmp_path_factory.mktemp("bench") / "out"
    return out, generate.generate(out, TINY, seed=7)


def test_the_same_seed_gives_the_same_data(generated, tmp_path: Path):
    out, summary = generated
    again = tmp_path / "again"
    assert generate.generate(again, TINY, seed=7) == summary
    tables, tables_again = (_tables(o / "data" / "handledare.db") for o in (out, again))
    # Batches are encrypted with a random nonce each: their hashes differ, their events not.
    assert [row[:2] for row in tables.pop("batches")] == [
        row[:2] for row in tables_again.pop("batches")
    ]
    assert tables == tables_again
    names = sorted(p.relative_to(out / "share") for p in (out / "share").rglob("batch-*"))
    assert names == sorted(p.relative_to(again / "share") for p in again.rglob("batch-*"))
    assert all(_events(out, name) == _events(again, name) for name in names)


def _events(out: Path, name: Path) -> list:
    """The events of a generated batch file, decrypted with the generated share key."""
    with closing(sqlite3.connect(out / "data" / "handledare.db")) as connection:
        meta = dict(connection.execute("SELECT key, value FROM meta"))
    keys = [ShareKey.from_json(value) for value in json.loads(meta["share_keys"])]
    workstation_id, file_name = name.parts[-2], name.parts[-1]
    card = out / "share" / name.parent / "workstation.json"
    if card.exists():  # the generated data folder's own card is written at its first round
        signer = read_card(card.read_bytes(), workstation_id)
        signers = {signer.keyid: signer.public}
    else:
        root = json.loads(meta["share_root"])
        signers = {root["keyid"]: root["public"]}
    data = (out / "share" / name).read_bytes()
    return decode(data, workstation_id, int(file_name[6:18]), signers, opener(keys)).events


def test_the_database_equals_a_replay_of_its_events(generated, tmp_path: Path):
    out, summary = generated
    copy = _copy(out, tmp_path)
    before = _tables(copy)
    store = Store.open(copy)
    assert store.rebuild() == summary.local_events
    store.close()
    assert _tables(copy) == before
    assert len(before["people"]) == TINY.substitutes
    assert len(before["units"]) == TINY.units
    assert len(before["users"]) == TINY.users


def test_a_sync_round_pulls_exactly_the_events_left_on_the_share(generated, tmp_path: Path):
    out, summary = generated
    store = Store.open(_copy(out, tmp_path / "data"))
    settings = Settings(data_dir=tmp_path / "data", share_path=out / "share")
    report = sync_now(store, settings)
    assert report.problems == []
    assert report.received_events == summary.pull_events > 0
    assert report.pending_entities == 0
    assert sync_now(store, settings).received_events == 0
    store.close()
    with closing(sqlite3.connect(tmp_path / "data" / "handledare.db")) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone()[0] == summary.events


def test_generated_users_sign_in_and_work_with_the_services(generated, tmp_path: Path):
    out, _summary = generated
    copy = _copy(out, tmp_path)
    with closing(sqlite3.connect(copy)) as connection:
        name, onboarding_id = connection.execute(
            "SELECT u.name, o.id FROM onboardings o JOIN users u ON u.id = o.supervisor_id "
            "WHERE o.status = 'in_progress' ORDER BY o.id LIMIT 1"
        ).fetchone()
    store = Store.open(copy)
    user = next(u for u in people.list_users(store) if u.name == name)
    actor = pins.sign_in(store, user.id, generate.PIN).actor
    progress = onboarding.progress(store, actor, onboarding_id)
    item = next(
        i
        for i in progress.template.items()
        if i.key not in progress.states
        and i.key not in progress.waiting
        and i.evidence is Evidence.OBSERVED  # marked without more proof
    )
    onboarding.mark_item(store, actor, onboarding_id, item.key, Mark.WALKED_THROUGH)
    after = onboarding.progress(store, actor, onboarding_id)
    store.close()
    assert after.states[item.key].mark is Mark.WALKED_THROUGH


def _payload_shapes(database: Path) -> dict[str, set[tuple[str, ...]]]:
    """For each event type, the sets of payload fields it is written with."""
    shapes: dict[str, set[tuple[str, ...]]] = {}
    with closing(sqlite3.connect(database)) as connection:
        for kind, payload in connection.execute("SELECT type, payload FROM events"):
            shapes.setdefault(kind, set()).add(tuple(sorted(json.loads(payload))))
    return shapes


def test_generated_events_have_the_payloads_the_services_write(generated, tmp_path: Path):
    """The same kinds of work done through the services give events of the same shapes."""
    out, _summary = generated
    store = Store.open(tmp_path / "services.db")
    admin = people.add_user(store, None, "Admin", Role.ADMIN, "482916")
    admin_actor = pins.sign_in(store, admin.id, "482916").actor
    templates.import_bundled(store, admin_actor)
    unit = people.add_unit(store, admin_actor, "Enhet")
    supervisor = people.add_user(
        store, admin_actor, "Handledare", Role.SUPERVISOR, "4827", [unit.id]
    )
    manager = people.add_user(store, admin_actor, "Chef", Role.MANAGER, "735184", [unit.id])
    actor = pins.sign_in(store, supervisor.id, "4827").actor
    boss = pins.sign_in(store, manager.id, "735184").actor
    person = people.add_person(
        store, actor, "Amina Berg", unit.id, date(2026, 11, 1), EmploymentType.HOURLY, "V123456"
    )
    oid = onboarding.start_onboarding(store, actor, person.id, "hemtjanst-omsorg")
    items = onboarding.progress(store, actor, oid).template.items()
    practical = next(i for i in items if i.needs_practical)
    plain = [i for i in items if not i.needs_practical][:2]
    onboarding.mark_item(store, actor, oid, practical.key, Mark.WALKED_THROUGH)
    onboarding.mark_item(store, actor, oid, practical.key, Mark.PRACTISED)
    onboarding.mark_item(store, actor, oid, plain[0].key, Mark.WALKED_THROUGH)
    onboarding.mark_item(store, actor, oid, plain[1].key, Mark.NOT_APPLICABLE, reason="Ingår ej")
    onboarding.add_note(store, actor, oid, "Behöver öva", item_key=plain[0].key)
    first = [practical.key, plain[0].key, plain[1].key]
    signoff.sign_off(store, actor, oid, first, "4827", acknowledged_name="Amina Berg")
    signoff.revoke(store, actor, oid, plain[0].key, "Visade osäkerhet", "4827")
    rest = [i for i in items if i.key not in (practical.key, plain[1].key)]
    rng = random.Random(7)
    for session in demo.plan_sessions(rest):
        for item in session:
            proof = demo.proof_for(item, date.today(), rng)
            onboarding.mark_item(store, actor, oid, item.key, Mark.PRACTISED, evidence=proof)
        keys = [item.key for item in session]
        signoff.sign_off(store, actor, oid, keys, "4827", acknowledged_name="Amina Berg")
    review.approve(store, boss, oid, "735184")
    share = tmp_path / "share"
    share.mkdir()
    other = Store.open(tmp_path / "other" / "services.db")
    for station in (store, other, store):
        sync_now(station, Settings(data_dir=station.path.parent, share_path=share))
    workstations.approve(store, admin_actor, other.workstation_id, "482916")
    other.close()
    store.close()

    made = _payload_shapes(tmp_path / "services.db")
    generated_shapes = _payload_shapes(out / "data" / "handledare.db")
    assert set(generated_shapes) <= set(made)
    for kind, shapes in generated_shapes.items():
        assert shapes <= made[kind], kind


def test_every_generated_event_has_a_user_as_actor(generated):
    out, _summary = generated
    with closing(sqlite3.connect(out / "data" / "handledare.db")) as connection:
        missing = connection.execute("SELECT count(*) FROM events WHERE actor_id IS NULL")
        assert missing.fetchone()[0] == 0
