"""The share holds the events encrypted: what someone who can read or write the share folder,
or a workstation that is not (or no longer) approved, can get out of it."""

from __future__ import annotations

import base64
import json
import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from earlier_versions import earlier_version, format_1_round, format_2_round
from handledare.services import onboarding, people, workstations
from handledare.sync.card import Card, card_bytes
from handledare.sync.layout import sealed_name
from handledare.sync.sealing import KeyMissing, new_share_key, sealed_bytes
from handledare.sync.signing import Signer
from sync_helpers import (
    ADMIN_PIN,
    Workstation,
    approve,
    files_containing,
    held_keys,
    projections,
    read_batch,
    seed,
    share_key,
    workstation,
)

from conftest import admin_of


def _units(station: Workstation) -> set[str]:
    return {unit.name for unit in people.list_units(station.store)}


def _add_unit(station: Workstation, name: str) -> None:
    people.add_unit(station.store, admin_of(station.store), name)


def _last(share: Path, station: Workstation) -> int:
    folder = share / "workstations" / station.store.workstation_id
    return max(int(path.name[6:18]) for path in folder.glob("batch-*.jsonl"))


def _problem(report, path_end: str) -> str:
    found = [p for p in report.problems if p.path.endswith(path_end)]
    assert found, [p.path for p in report.problems]
    return found[0].reason


def test_a_waiting_workstation_reads_nothing_and_holds_no_key(tmp_path, share):
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    a.sync(share)
    seed(b)
    for _round in range(2):
        report = b.sync(share)
        assert report.received == {} and report.locked_out and report.problems == []
        assert report.sent_events == 0 and report.waiting, "its own events wait too"
    assert held_keys(b) == []
    with pytest.raises(KeyMissing):
        read_batch(share, a, 1, b)
    assert not list((share / "workstations" / b.store.workstation_id).glob("batch-*"))
    assert "Hemtjänst Norr" in _units(b) and len(_units(b)) == 1, "only its own unit"


def test_share_keys_planted_in_a_real_or_a_fake_workstations_place_are_not_used(tmp_path, share):
    a, b, c = (workstation(tmp_path, name) for name in "abc")
    seed(a)
    a.sync(share)
    approve(share, a, c)
    b.sync(share)
    a_folder = share / "workstations" / a.store.workstation_id
    b_card = json.loads(
        (share / "workstations" / b.store.workstation_id / "workstation.json").read_text()
    )
    b_seal = b_card["signed"]["seal"]["public"]
    planted = new_share_key(7, a.store.workstation_id)

    # In A's place, signed with the attacker's own key.
    forger = Signer.of(Ed25519PrivateKey.generate())
    forged = sealed_bytes(forger, a.store.workstation_id, b.store.workstation_id, b_seal, [planted])
    (a_folder / sealed_name(b.store.workstation_id)).write_bytes(forged)
    report = b.sync(share)
    assert "inte signerad med sin arbetsstations nyckel" in _problem(
        report, sealed_name(b.store.workstation_id)
    )
    assert held_keys(b) == [] and report.locked_out

    # A fake workstation of the attacker's, with a signed card and a key sealed to B.
    fake = str(uuid.uuid4())
    folder = share / "workstations" / fake
    folder.mkdir()
    card = Card(fake, "Kontoret Norr", "KOMMUN-PC07|", forger.keyid, forger.public)
    (folder / "workstation.json").write_bytes(card_bytes(forger, card))
    (folder / sealed_name(b.store.workstation_id)).write_bytes(
        sealed_bytes(forger, fake, b.store.workstation_id, b_seal, [planted])
    )
    (a_folder / sealed_name(b.store.workstation_id)).unlink()
    report = b.sync(share)
    assert report.locked_out and report.sent_events == 0, "it does not write with that key"
    assert [key.verified for key in held_keys(b)] == [False]

    # Approved at last: it writes with the real share key, which the planted one is not.
    a.sync(share)
    workstations.approve(a.store, a.admin(), b.store.workstation_id, ADMIN_PIN)
    a.sync(share)
    _add_unit(b, "Från B")
    report = b.sync(share)
    assert report.sent_events and not report.locked_out
    batch = read_batch(share, b, _last(share, b))
    assert batch.share_key == share_key(a).id != planted.id
    assert {key.id for key in held_keys(b) if key.verified} == {share_key(a).id}
    c.sync(share)
    assert "Från B" in _units(c)


def test_a_copy_of_a_genuine_sealed_key_in_another_folder_is_refused(tmp_path, share):
    a, b, c = (workstation(tmp_path, name) for name in "abc")
    seed(a)
    a.sync(share)
    approve(share, a, c)
    b.sync(share)
    genuine = share / "workstations" / a.store.workstation_id / sealed_name(c.store.workstation_id)
    # C's own sealed key, put where B's belongs: sealed to another receiving key.
    shutil.copy(genuine, genuine.with_name(sealed_name(b.store.workstation_id)))
    report = b.sync(share)
    assert held_keys(b) == [] and report.locked_out
    assert report.problems


def test_a_batch_whose_ciphertext_is_flipped_is_refused_and_named(tmp_path, share):
    """Flipped and signed again with its owner's key (as someone holding only the signing key
    could): the signature holds, the encryption does not open."""
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    a.sync(share)
    b.sync(share)
    a.sync(share)
    workstations.approve(a.store, a.admin(), b.store.workstation_id, ADMIN_PIN)
    _add_unit(a, "Äkta enhet")
    a.sync(share)
    path = share / "workstations" / a.store.workstation_id / f"batch-{_last(share, a):012d}.jsonl"
    header, sealed, _signatures = path.read_bytes().split(b"\n")[:-1]
    ciphertext = bytearray(base64.b64decode(json.loads(sealed)["events"]))
    ciphertext[10] ^= 0x01
    line = json.dumps({"events": base64.b64encode(bytes(ciphertext)).decode()}).encode()
    body = header + b"\n" + line + b"\n"
    signer = Signer.load(a.store.path.parent)
    path.write_bytes(body + json.dumps({"signatures": [signer.sign(body)]}).encode() + b"\n")

    report = b.sync(share)
    assert "går inte att öppna" in _problem(report, path.name)
    assert "Äkta enhet" not in _units(b) and "Hemtjänst Norr" in _units(b)


def test_a_revoked_workstation_cannot_read_what_is_written_after_the_revocation(tmp_path, share):
    a, b, c = (workstation(tmp_path, name) for name in "abc")
    seed(a)
    a.sync(share)
    approve(share, a, b, c)
    before = share_key(a)
    workstations.revoke(a.store, a.admin(), b.store.workstation_id, ADMIN_PIN, "Stulen dator")
    _add_unit(a, "Efter stölden från A")
    a.sync(share)
    after = share_key(a)
    assert after.generation == before.generation + 1
    c.sync(share)
    _add_unit(c, "Efter stölden från C")
    c.sync(share)
    assert share_key(c).id == after.id, "the others are given the new key"

    thief = b.sync(share)
    assert not thief.received_events
    assert not {"Efter stölden från A", "Efter stölden från C"} & _units(b)
    for owner in (a, c):
        batch = read_batch(share, owner, _last(share, owner))
        assert batch.share_key == after.id
        with pytest.raises(KeyMissing):
            read_batch(share, owner, _last(share, owner), b)
    sealed = share / "workstations" / a.store.workstation_id / sealed_name(b.store.workstation_id)
    assert after.id not in json.loads(sealed.read_text())["signed"]["keys"]
    # What was written before stays readable by the key it was written with.
    assert read_batch(share, a, 1, b).share_key == before.id


SECRETS = [
    "Amina Hassan",
    "Zlatan Ekdahl",
    "V55555",
    "Anna Lindqvist",
    "Ingrid",
    "hemlig anteckning",
    "pin_hash",
    "$argon2",
    "$scrypt",
]


def test_after_two_rounds_each_the_share_read_offline_gives_no_name_and_no_pin_verifier(
    tmp_path: Path,
):
    """A share in use by the two versions before: format 1 history and format 2 batches, the
    events in plain text. Once every workstation has synced twice, no file on the share holds
    a name, an employee number, a note or a PIN verifier."""
    share = tmp_path / "share"
    share.mkdir()
    a, b = earlier_version(tmp_path, "a"), earlier_version(tmp_path, "b")
    oid = seed(a)
    format_1_round(a, share)
    format_1_round(b, share)
    cli = admin_of(b.store)
    unit = people.list_units(b.store)[0]
    people.add_person(
        b.store, cli, "Zlatan Ekdahl", unit.id, date(2026, 11, 3), employee_number="V55555"
    )
    onboarding.add_note(a.store, a.supervisor(), oid, "hemlig anteckning")
    for station in (a, b, a):
        format_2_round(station, share)
    assert set(SECRETS) - {"$scrypt"} <= {
        n for hits in files_containing(share, SECRETS).values() for n in hits
    }, "the share held them in plain text"

    a.sync(share)
    b.sync(share)
    a.sync(share)
    workstations.approve(a.store, a.admin(), b.store.workstation_id, ADMIN_PIN)
    c = workstation(tmp_path, "c")
    approve(share, a, c)
    for _round in range(2):
        for station in (a, b, c):
            station.sync(share)

    assert files_containing(share, SECRETS) == {}
    assert projections(a.store) == projections(b.store) == projections(c.store)
    names = {p.name for p in people.list_people(c.store, admin_of(c.store))}
    assert {"Amina Hassan", "Zlatan Ekdahl"} <= names, "every workstation still reads them"
