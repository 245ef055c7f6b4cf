"""What earlier versions of handledare put on the share, made as they made it: format 1
(unsigned batches, a card without a key) and format 2 (signed batches and cards, the events
in plain text). For the tests of upgrading a share in use."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from handledare.store import identity, ingest, journal, share_view
from handledare.sync.batch import event_from_wire, event_to_wire
from handledare.sync.card import Card
from handledare.sync.marker import marker_bytes, read_format
from handledare.sync.signing import Signer
from sync_helpers import Workstation, workstation


def line(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"


def earlier_version(root: Path, name: str) -> Workstation:
    """A workstation set up before signing: no key files, nothing of format 2 recorded."""
    station = workstation(root, name)
    identity.key_path(station.store.path.parent).unlink()
    identity.seal_key_path(station.store.path.parent).unlink()
    return station


def format_1_round(station: Workstation, share: Path) -> None:
    """What the first version did: an unsigned batch of its new events, a card without a
    key, and the other workstations' batches applied as they came."""
    own = station.store.workstation_id
    folder = share / "workstations" / own
    folder.mkdir(parents=True, exist_ok=True)
    (share / "format.json").write_text('{"format": 1}')
    card = {"id": own, "name": station.name, "machine": station.machine}
    (folder / "workstation.json").write_text(json.dumps(card))
    _publish(station, folder, 1, lambda body: line({"sha256": hashlib.sha256(body).hexdigest()}))
    _apply_others(station, share)


def format_2_round(station: Workstation, share: Path) -> None:
    """What the version before encryption did: signed batches with the events in plain text
    (PIN verifiers too), a signed card without a receiving key, format.json as format 2."""
    signer = Signer.load(station.store.path.parent)
    own = station.store.workstation_id
    history = share_view.unsigned_history(station.store)
    folder = share / "workstations" / own
    folder.mkdir(parents=True, exist_ok=True)
    marker = share / "format.json"
    if not marker.exists() or read_format(marker.read_bytes()) != 2:
        marker.write_bytes(marker_bytes(signer, own, 2))
    card = Card(own, station.name, station.machine, signer.keyid, signer.public, history)
    signed = card.signed()
    del signed["seal"]
    document = signer.envelope(signed)
    (folder / "workstation.json").write_text(json.dumps(document, ensure_ascii=False))
    _publish(station, folder, 2, lambda body: line({"signatures": [signer.sign(body)]}), signer)
    _apply_others(station, share)


def _publish(station: Workstation, folder: Path, version: int, trailer, signer=None) -> None:
    events = journal.unpublished(station.store)
    if not events:
        return
    published = journal.published(station.store)
    sequence = len(published) + 1
    header = {
        "format": version,
        "workstation": station.store.workstation_id,
        "sequence": sequence,
        "previous": published[-1].sha256 if published else None,
        "count": len(events),
    }
    body = line(header) + b"".join(line(event_to_wire(e)) for e in events)
    (folder / f"batch-{sequence:012d}.jsonl").write_bytes(body + trailer(body))
    digest = hashlib.sha256(body).hexdigest()
    journal.mark_published(station.store, sequence, digest, events, signer and signer.keyid)


def _apply_others(station: Workstation, share: Path) -> None:
    own = station.store.workstation_id
    for other in (share / "workstations").iterdir():
        if other.name == own:
            continue
        done = ingest.applied_up_to(station.store, [other.name]).get(other.name, (0, None))[0]
        for path in sorted(other.glob("batch-*.jsonl"))[done:]:
            data = path.read_bytes()
            lines = data.split(b"\n")[:-1]
            sequence = int(path.name[6:18])
            body = data[: len(data) - len(lines[-1]) - 1]
            batch = ingest.IncomingBatch(
                other.name,
                sequence,
                hashlib.sha256(body).hexdigest(),
                [event_from_wire(json.loads(entry), sequence) for entry in lines[1:-1]],
            )
            ingest.ingest(station.store, [batch])
