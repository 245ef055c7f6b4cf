"""Attacks by someone who can write to the share folder but holds no workstation's key.

Each test does what such a person would do, with files in the share folder only,
and checks that nothing of it reaches any workstation's records and that the
alert names the file.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from handledare.cli import main
from handledare.services import people, workstations
from handledare.sync.batch import encode, event_from_wire
from handledare.sync.card import Card, card_bytes
from handledare.sync.marker import marker_bytes
from handledare.sync.sealing import ShareKey, new_share_key
from handledare.sync.share import ShareUnavailable
from handledare.sync.signing import Signer
from handledare.sync.trust import TrustState
from sync_helpers import (
    Workstation,
    approve,
    projections,
    read_batch,
    seed,
    share_key,
    workstation,
)

from conftest import ADMIN_PIN, admin_of, signed_in_as

FORGED_UNIT = "Påhittad enhet"


@pytest.fixture
def stations(tmp_path: Path, share: Path) -> tuple[Workstation, Workstation]:
    """A (who set up the share) and B, approved, have each read all there is."""
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    a.sync(share)
    approve(share, a, b)
    people.add_unit(a.store, admin_of(a.store), "Hemtjänst Söder")
    a.sync(share)
    b.sync(share)
    return a, b


def _attacker() -> Signer:
    return Signer.of(Ed25519PrivateKey.generate())


def _made_up_key() -> ShareKey:
    """A share key of the attacker's own: nobody holds it."""
    return new_share_key(1, str(uuid.uuid4()))


def _reader(tmp_path: Path, share: Path, a: Workstation, name: str) -> Workstation:
    """A workstation approved by A that has not read the share yet."""
    reader = workstation(tmp_path, name)
    reader.sync(share)
    a.sync(share)
    workstations.approve(a.store, a.admin(), reader.store.workstation_id, ADMIN_PIN)
    a.sync(share)
    return reader


def _events(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM events").fetchone()[0]


def _forged_unit(workstation_id: str, name: str = FORGED_UNIT) -> dict:
    """An event as a workstation would write it: a new unit, with an admin's authority."""
    return {
        "id": str(uuid.uuid4()),
        "hlc": "001900000000000.000000",
        "workstation_id": workstation_id,
        "actor_id": None,
        "type": "unit.created",
        "entity_id": str(uuid.uuid4()),
        "payload": {"name": name},
        "wall_time": "2030-01-01T00:00:00.000+00:00",
    }


def _holding(share: Path, owner: Workstation, text: str) -> Path:
    """The batch file of a workstation that holds `text` (decrypted as the owner can)."""
    folder = share / "workstations" / owner.store.workstation_id
    [found] = [
        path
        for path in folder.glob("batch-*.jsonl")
        if any(text in e.payload for e in read_batch(share, owner, int(path.name[6:18])).events)
    ]
    return found


def _units(station: Workstation) -> list[str]:
    return [unit.name for unit in people.list_units(station.store)]


def _problem(report, path_end: str) -> str:
    found = [p for p in report.problems if p.path.endswith(path_end)]
    assert found, [p.path for p in report.problems]
    return found[0].reason


def test_a_planted_folder_is_shown_as_waiting_and_nothing_of_it_is_applied(
    tmp_path, share, stations, capsys, monkeypatch
):
    a, b = stations
    forger, planted = _attacker(), str(uuid.uuid4())
    folder = share / "workstations" / planted
    folder.mkdir()
    card = Card(planted, "Kontoret Norr", "KOMMUN-PC07|", forger.keyid, forger.public)
    (folder / "workstation.json").write_bytes(card_bytes(forger, card))
    approval = _forged_unit(planted) | {
        "type": "workstation.approved",
        "entity_id": planted,
        "payload": {
            "key_id": forger.keyid,
            "public_key": forger.public,
            "name": "Kontoret Norr",
            "machine": "KOMMUN-PC07|",
        },
    }
    events = [event_from_wire(e) for e in (approval, _forged_unit(planted))]
    _batch, data = encode(forger, planted, 1, None, events, _made_up_key())
    (folder / "batch-000000000001.jsonl").write_bytes(data)
    before = {station.name: _events(station.store.path) for station in stations}
    newcomer = workstation(tmp_path, "c")

    for station in (a, b, newcomer):
        report = station.sync(share)
        assert planted not in report.received
        [waiting] = [w for w in report.status.workstations if w.workstation_id == planted]
        assert waiting.state is TrustState.WAITING and waiting.waiting
        assert (waiting.name, waiting.machine) == ("Kontoret Norr", "KOMMUN-PC07")
        assert waiting.first_seen
        assert FORGED_UNIT not in _units(station)
    assert {s.name: _events(s.store.path) for s in stations} == before
    folder_a = str(a.store.path.parent)
    args = ["--data-dir", folder_a, "sync", "--share", str(share), *signed_in_as(monkeypatch)]
    assert main(args) == 0
    assert "Kontoret Norr (KOMMUN-PC07)" in capsys.readouterr().out


def test_a_batch_edited_or_turned_into_format_1_is_refused_where_it_is_new(
    tmp_path, share, stations
):
    """Without the share key the events cannot be edited, only the ciphertext; or the batch
    is replaced by a format 1 one with events of the attacker's choosing and a checksum."""
    a, _b = stations
    people.add_unit(a.store, admin_of(a.store), "Tredje enheten")
    a.sync(share)
    third = _holding(share, a, "Tredje enheten")
    readers = [_reader(tmp_path, share, a, name) for name in ("reader-1", "reader-2")]
    header, sealed, signatures = third.read_bytes().split(b"\n")[:-1]
    flipped = bytearray(sealed)
    flipped[40] = ord("B") if flipped[40] != ord("B") else ord("C")
    signature_kept = b"\n".join([header, bytes(flipped), signatures]) + b"\n"
    plain = json.loads(header) | {"format": 1}
    plain.pop("key"), plain.pop("nonce")
    plain["count"] = 1
    body = json.dumps(plain).encode() + b"\n"
    body += json.dumps(_forged_unit(a.store.workstation_id)).encode() + b"\n"
    as_format_1 = body + json.dumps({"sha256": hashlib.sha256(body).hexdigest()}).encode() + b"\n"

    for reader, (forged, reason) in zip(
        readers, ((signature_kept, "signaturen"), (as_format_1, "inte signerad")), strict=True
    ):
        third.write_bytes(forged)
        report = reader.sync(share)
        assert reason in _problem(report, third.name)
        assert FORGED_UNIT not in _units(reader)
        assert "Tredje enheten" not in _units(reader), "nothing of the batch"
        assert "Hemtjänst Söder" in _units(reader), "the batches before it are fine"


def test_a_batch_changed_after_it_was_applied_is_named_and_written_again_by_its_owner(
    tmp_path, share, stations
):
    a, b = stations
    late = _reader(tmp_path, share, a, "late")
    folder = share / "workstations" / a.store.workstation_id
    last = max(folder.glob("batch-*.jsonl"))  # A's approval of "late"
    original = read_batch(share, a, int(last.name[6:18]))
    data = bytearray(last.read_bytes())
    data[len(data) // 2] ^= 0x01
    last.write_bytes(bytes(data))

    report = late.sync(share)
    assert "signaturen" in _problem(report, last.name)
    with sqlite3.connect(late.store.path) as connection:
        ids = {row[0] for row in connection.execute("SELECT id FROM events")}
    assert "Hemtjänst Söder" in _units(late) and not ids & {e.id for e in original.events}

    people.add_unit(a.store, admin_of(a.store), "Fjärde enheten")
    owner = a.sync(share)
    [restored] = [p for p in owner.problems if p.kind == "restored"]
    assert restored.path.endswith(last.name)
    again = read_batch(share, a, original.sequence)
    assert again.events == original.events and again.share_key == share_key(a).id
    report = b.sync(share)
    assert report.problems == [] and "Fjärde enheten" in _units(b)
    late.sync(share)
    assert projections(late.store) == projections(a.store)


def test_a_whole_chain_rewritten_with_another_key_is_refused(tmp_path, share, stations):
    """Every batch of A rewritten from the first, one more added, and a card for the key."""
    a, b = stations
    forger, own = _attacker(), a.store.workstation_id
    folder = share / "workstations" / own
    count = len(list(folder.glob("batch-*.jsonl"))) + 1
    previous = None
    for sequence in range(1, count + 1):
        events = [event_from_wire(_forged_unit(own))]
        batch, data = encode(forger, own, sequence, previous, events, _made_up_key())
        (folder / f"batch-{sequence:012d}.jsonl").write_bytes(data)
        previous = batch.sha256
    card = Card(own, "a", "elsewhere|", forger.keyid, forger.public)
    (folder / "workstation.json").write_bytes(card_bytes(forger, card))

    before = _events(b.store.path)
    report = b.sync(share)
    assert "nyckel som inget godkännande" in _problem(report, f"batch-{count:012d}.jsonl")
    assert "nyckel som inget godkännande" in _problem(report, "workstation.json")
    assert _events(b.store.path) == before and FORGED_UNIT not in _units(b)
    newcomer = workstation(tmp_path, "c")
    report = newcomer.sync(share)
    assert "nyckel som inget godkännande" in _problem(report, "batch-000000000001.jsonl")
    assert _events(newcomer.store.path) == 0


def test_a_replayed_old_batch_is_refused_and_its_owner_moves_it_aside(tmp_path, share, stations):
    a, b = stations
    newcomer = _reader(tmp_path, share, a, "c")
    a_folder = share / "workstations" / a.store.workstation_id
    b_folder = share / "workstations" / b.store.workstation_id
    old = (a_folder / "batch-000000000001.jsonl").read_bytes()
    next_of_a = len(list(a_folder.glob("batch-*.jsonl"))) + 1
    (a_folder / f"batch-{next_of_a:012d}.jsonl").write_bytes(old)
    next_of_b = len(list(b_folder.glob("batch-*.jsonl"))) + 1
    (b_folder / f"batch-{next_of_b:012d}.jsonl").write_bytes(old)

    report = newcomer.sync(share)
    assert "huvudet" in _problem(report, f"batch-{next_of_a:012d}.jsonl")
    assert "nyckel som inget godkännande" in _problem(report, f"batch-{next_of_b:012d}.jsonl")
    assert newcomer.sync(share).received_events == 0

    people.add_unit(b.store, admin_of(b.store), "Enhet från B")
    sent = b.sync(share)
    assert sent.sent.last_sequence == next_of_b
    [aside] = sent.set_aside
    assert aside.startswith(f"workstations/{b.store.workstation_id}/batch-{next_of_b:012d}.jsonl.")
    assert (share / aside).read_bytes() == old, "moved, not removed"
    newcomer.sync(share)
    assert "Enhet från B" in _units(newcomer)


def test_a_key_swapped_in_the_card_signs_nothing_that_is_applied(tmp_path, share, stations):
    a, b = stations
    forger, own = _attacker(), a.store.workstation_id
    folder = share / "workstations" / own
    card = Card(own, "a", a.machine, forger.keyid, forger.public)
    (folder / "workstation.json").write_bytes(card_bytes(forger, card))
    with sqlite3.connect(a.store.path) as connection:
        sequence, last = connection.execute(
            "SELECT sequence, sha256 FROM batches WHERE workstation_id = ? "
            "ORDER BY sequence DESC LIMIT 1",
            (own,),
        ).fetchone()
    forged = f"batch-{sequence + 1:012d}.jsonl"
    events = [event_from_wire(_forged_unit(own))]
    _batch, data = encode(forger, own, sequence + 1, last, events, _made_up_key())
    (folder / forged).write_bytes(data)

    report = b.sync(share)
    assert "nyckel som inget godkännande" in _problem(report, forged)
    assert "nyckel som inget godkännande" in _problem(report, "workstation.json")
    assert FORGED_UNIT not in _units(b)

    people.add_unit(a.store, admin_of(a.store), "Äkta enhet")
    a.sync(share)
    report = b.sync(share)
    assert "Äkta enhet" in _units(b) and FORGED_UNIT not in _units(b)
    [left] = report.status.problems
    assert left.kind == "stray" and f"{forged}.set-aside-" in left.path, "the owner's card is back"


def test_a_replaced_format_json_stops_every_workstation_and_names_it(share, stations):
    a, b = stations
    original = (share / "format.json").read_bytes()
    forger = _attacker()
    (share / "format.json").write_bytes(marker_bytes(forger, str(uuid.uuid4()), 2))
    for station in (a, b):
        with pytest.raises(ShareUnavailable, match=r"format\.json"):
            station.sync(share)
    (share / "format.json").write_text('{"format": 1}')
    with pytest.raises(ShareUnavailable, match=r"format\.json"):
        b.sync(share)
    (share / "format.json").write_bytes(original)
    assert b.sync(share).problems == []


def test_a_copied_folder_of_an_approved_workstation_under_a_new_name_is_waiting(
    tmp_path, share, stations
):
    """Copying B's folder (card and batches, validly signed) to a fresh id gains nothing."""
    a, b = stations
    people.add_unit(b.store, admin_of(b.store), "Enhet från B")
    b.sync(share)
    copy = str(uuid.uuid4())
    shutil.copytree(share / "workstations" / b.store.workstation_id, share / "workstations" / copy)
    assert copy not in a.sync(share).received
    c = workstation(tmp_path, "c")
    report = c.sync(share)
    assert copy not in report.received
    [shown] = [w for w in report.status.workstations if w.workstation_id == copy]
    assert shown.state is TrustState.WAITING
    assert shown.problems, "its card names another folder"
