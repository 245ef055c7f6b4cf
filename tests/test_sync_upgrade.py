"""A share in use by an earlier version (format 1, unsigned) is upgraded in place."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from handledare.errors import InputError
from handledare.services import people, workstations
from handledare.store import identity, ingest, journal
from handledare.sync.batch import event_from_wire, event_to_wire
from handledare.sync.trust import TrustState
from sync_helpers import ADMIN_PIN, Workstation, projections, seed, workstation

from conftest import admin_of


def _line(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def _format_1_round(station: Workstation, share: Path) -> None:
    """What an earlier version did: an unsigned batch of its new events, a card without a
    key, and the other workstations' batches applied as they came."""
    own = station.store.workstation_id
    folder = share / "workstations" / own
    folder.mkdir(parents=True, exist_ok=True)
    (share / "format.json").write_text('{"format": 1}')
    card = {"id": own, "name": station.name, "machine": station.machine}
    (folder / "workstation.json").write_text(json.dumps(card))
    events = journal.unpublished(station.store)
    if events:
        published = journal.published(station.store)
        sequence = len(published) + 1
        header = {
            "format": 1,
            "workstation": own,
            "sequence": sequence,
            "previous": published[-1].sha256 if published else None,
            "count": len(events),
        }
        body = _line(header) + b"".join(_line(event_to_wire(e)) for e in events)
        digest = hashlib.sha256(body).hexdigest()
        (folder / f"batch-{sequence:012d}.jsonl").write_bytes(body + _line({"sha256": digest}))
        journal.mark_published(station.store, sequence, digest, events, None)
    for other in (share / "workstations").iterdir():
        if other.name == own:
            continue
        done = ingest.applied_up_to(station.store, [other.name]).get(other.name, (0, None))[0]
        for path in sorted(other.glob("batch-*.jsonl"))[done:]:
            lines = path.read_bytes().split(b"\n")[:-1]
            sequence = int(path.name[6:18])
            batch = ingest.IncomingBatch(
                other.name,
                sequence,
                json.loads(lines[-1])["sha256"],
                [event_from_wire(json.loads(line), sequence) for line in lines[1:-1]],
            )
            ingest.ingest(station.store, [batch])


def _earlier_version(root: Path, name: str) -> Workstation:
    """A workstation set up before signing: no key file, nothing of format 2 recorded."""
    station = workstation(root, name)
    identity.key_path(station.store.path.parent).unlink()
    return station


def test_a_format_1_share_is_upgraded_in_place_and_its_history_kept(tmp_path: Path):
    share = tmp_path / "share"
    share.mkdir()
    a, b = _earlier_version(tmp_path, "a"), _earlier_version(tmp_path, "b")
    seed(a)
    _format_1_round(a, share)
    people.add_unit(b.store, admin_of(b.store), "Från B förr")
    _format_1_round(b, share)
    _format_1_round(a, share)
    history = {p: p.read_bytes() for p in share.rglob("batch-*.jsonl")}
    assert len(history) == 2

    people.add_unit(a.store, admin_of(a.store), "Från A nu")
    report = a.sync(share)
    assert json.loads((share / "format.json").read_text())["format"] == 2
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
    assert all(path.read_bytes() == data for path, data in history.items()), "history stays"
    newer = [p for p in share.rglob("batch-*.jsonl") if p not in history]
    assert newer and all(b'"format": 2' in p.read_bytes().split(b"\n")[0] for p in newer)

    c = workstation(tmp_path, "c")
    report = c.sync(share)
    assert report.problems == []
    assert projections(c.store) == projections(a.store) == projections(b.store)


def test_an_unsigned_batch_added_after_the_upgrade_is_refused(tmp_path: Path):
    share = tmp_path / "share"
    share.mkdir()
    a = _earlier_version(tmp_path, "a")
    seed(a)
    _format_1_round(a, share)
    a.sync(share)
    folder = share / "workstations" / a.store.workstation_id
    old = (folder / "batch-000000000001.jsonl").read_bytes()
    count = len(list(folder.glob("batch-*.jsonl")))
    header, *rest = old.split(b"\n")
    forged_header = json.loads(header) | {"sequence": count + 1, "previous": None}
    body = _line(forged_header) + b"\n".join(rest[:-2]) + b"\n"
    body = body.replace(b"Hemtj\xc3\xa4nst Norr", "Påhittad".encode())
    forged = body + _line({"sha256": hashlib.sha256(body).hexdigest()})
    (folder / f"batch-{count + 1:012d}.jsonl").write_bytes(forged)
    c = workstation(tmp_path, "c")
    report = c.sync(share)
    assert any("inte signerad" in p.reason for p in report.problems)
    assert "Påhittad" not in {u.name for u in people.list_units(c.store)}
