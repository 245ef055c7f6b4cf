"""Convergence: random interleavings, and real processes writing to one share at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handledare.domain.enums import Mark, Role
from handledare.services import onboarding, people, pins, signoff, workstations
from sync_helpers import ADMIN_PIN, PIN, approve, projections, seed, workstation

ITEMS = ("anst-avtal", "anst-schema", "anst-kontakter", "hyg-sosfs")
OPERATIONS = st.tuples(
    st.sampled_from(["mark", "sign", "revoke", "sync"]),
    st.integers(min_value=0, max_value=4),
    st.sampled_from(ITEMS),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(count=st.integers(min_value=3, max_value=5), steps=st.lists(OPERATIONS, max_size=14))
def test_random_interleavings_converge(tmp_path_factory, count, steps):
    root = tmp_path_factory.mktemp("convergence")
    share = root / "share"
    share.mkdir()
    stations = [workstation(root, f"w{i}") for i in range(count)]
    oid = seed(stations[0])
    stations[0].sync(share)
    approve(share, stations[0], *stations[1:])
    for station in stations:
        station.sync(share)
    actors = [station.supervisor() for station in stations]

    for action, index, key in steps:
        station, actor = stations[index % count], actors[index % count]
        state = onboarding.progress(station.store, actor, oid).states.get(key)
        signed = state is not None and state.signed
        if action == "sync":
            station.sync(share)
        elif action == "mark" and not signed:
            onboarding.mark_item(station.store, actor, oid, key, Mark.WALKED_THROUGH)
        elif action == "sign" and not signed:
            onboarding.mark_item(station.store, actor, oid, key, Mark.PRACTISED)
            signoff.sign_off(station.store, actor, oid, [key], PIN)
        elif action == "revoke" and signed:
            signoff.revoke(station.store, actor, oid, key, f"återkallat på {station.name}", PIN)

    for _round in range(2):
        for station in stations:
            station.sync(share)
    tables = [projections(station.store) for station in stations]
    assert all(table == tables[0] for table in tables[1:])
    stations[0].store.rebuild()
    assert projections(stations[0].store) == tables[0]
    for station in stations:
        station.store.close()


WORKER = """
import sys
from pathlib import Path
from handledare.domain.enums import Role
from handledare.services import people, pins
from handledare.store.eventlog import Store
from handledare.sync.engine import run_round
from handledare.sync.share import Share, machine_fingerprint

root, share, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
store = Store.open(root / name / "handledare.db", timeout=10)
user = people.add_user(store, None, f"Admin {name}", Role.ADMIN, "482916")
cli = pins.sign_in(store, user.id, "482916").actor
for round_number in range(6):
    people.add_unit(store, cli, f"Enhet {name}-{round_number}")
    run_round(store, Share(share), name=name, machine=machine_fingerprint())
print("done", flush=True)
"""


def test_real_processes_publishing_to_one_share_at_once(tmp_path: Path):
    share = tmp_path / "share"
    share.mkdir()
    names = ["p1", "p2", "p3"]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(tmp_path), str(share), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0 and out.strip() == "done", err

    stations = [workstation(tmp_path, name) for name in names]
    for station in stations:
        station.sync(share)
    root = json.loads((share / "format.json").read_text())["signed"]["root"]["workstation"]
    [first] = [station for station in stations if station.store.workstation_id == root]
    admin = next(u for u in people.list_users(first.store) if u.role is Role.ADMIN)
    actor = pins.sign_in(first.store, admin.id, ADMIN_PIN).actor
    for station in stations:
        if station is not first:
            workstations.approve(first.store, actor, station.store.workstation_id, ADMIN_PIN)
    # Three rounds: one to be sealed the share key, one to publish what waited, one to read it.
    for _round in range(3):
        reports = [station.sync(share) for station in stations]
    assert all(report.problems == [] for report in reports)
    tables = [projections(station.store) for station in stations]
    assert all(table == tables[0] for table in tables[1:])
    assert len(tables[0]["units"]) == 18
    leftovers = [p.name for p in share.rglob("*.tmp")]
    assert leftovers == []
