"""A share in use by an earlier version (format 1, unsigned) is upgraded in place."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from earlier_versions import earlier_version, format_1_round, line
from handledare.errors import InputError
from handledare.services import people, workstations
from handledare.store import journal
from handledare.sync.batch import event_to_wire
from handledare.sync.trust import TrustState
from sync_helpers import ADMIN_PIN, approve, projections, seed, workstation

from conftest import admin_of


def test_a_format_1_share_is_upgraded_in_place_and_its_history_kept(tmp_path: Path):
    share = tmp_path / "share"
    share.mkdir()
    a, b = earlier_version(tmp_path, "a"), earlier_version(tmp_path, "b")
    seed(a)
    format_1_round(a, share)
    people.add_unit(b.store, admin_of(b.store), "Från B förr")
    format_1_round(b, share)
    format_1_round(a, share)
    history = {p: p.read_bytes() for p in share.rglob("batch-*.jsonl")}
    assert len(history) == 2

    people.add_unit(a.store, admin_of(a.store), "Från A nu")
    report = a.sync(share)
    assert json.loads((share / "format.json").read_text())["format"] == 3
    [shown] = report.status.workstations[1:]
    assert (shown.name, shown.batches, shown.state) == ("b", 1, TrustState.WAITING)
    with pytest.raises(InputError, match="inget signerat kort"):
        workstations.approve(a.store, a.admin(), b.store.workstation_id, ADMIN_PIN)

    people.add_unit(b.store, admin_of(b.store), "Från B nu")
    b.sync(share)
    a.sync(share)
    workstations.approve(a.store, a.admin(), b.store.workstation_id, ADMIN_PIN)
    a.sync(share)
    b.sync(share)
    a.sync(share)
    assert {"Från B förr", "Från B nu", "Från A nu"} <= {u.name for u in people.list_units(a.store)}
    batches = list(share.rglob("batch-*.jsonl"))
    assert set(history) < set(batches), "the history is still there"
    assert all(b'"format": 3' in p.read_bytes().split(b"\n")[0] for p in batches), (
        "and written again, encrypted, by its owners"
    )

    c = workstation(tmp_path, "c")
    [report] = approve(share, a, c)
    assert report.problems == []
    b.sync(share)
    assert projections(c.store) == projections(a.store) == projections(b.store)


def test_an_unsigned_batch_added_after_the_upgrade_is_refused(tmp_path: Path):
    share = tmp_path / "share"
    share.mkdir()
    a = earlier_version(tmp_path, "a")
    seed(a)
    format_1_round(a, share)
    a.sync(share)
    c = workstation(tmp_path, "c")
    approve(share, a, c)
    folder = share / "workstations" / a.store.workstation_id
    count = len(list(folder.glob("batch-*.jsonl")))
    events = [event_to_wire(e) for e in journal.events_of(a.store, 1)]
    header = {
        "format": 1,
        "workstation": a.store.workstation_id,
        "sequence": count + 1,
        "previous": None,
        "count": len(events),
    }
    body = line(header) + b"".join(line(e) for e in events)
    body = body.replace("Hemtjänst Norr".encode(), "Påhittad".encode())
    forged = body + line({"sha256": hashlib.sha256(body).hexdigest()})
    (folder / f"batch-{count + 1:012d}.jsonl").write_bytes(forged)
    report = c.sync(share)
    assert any("inte signerad" in p.reason for p in report.problems)
    assert "Påhittad" not in {u.name for u in people.list_units(c.store)}
