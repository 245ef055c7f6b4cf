"""Who is trusted: the share's root, approvals and rejections with a PIN, revoked keys,
and a batch changed after it was applied."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest

from handledare.errors import PermissionRefused, WrongPinError
from handledare.services import onboarding, people, workstations
from handledare.store import identity, journal
from handledare.sync.batch import encode
from handledare.sync.signing import Signer
from handledare.sync.trust import TrustState
from sync_helpers import (
    ADMIN_PIN,
    PIN,
    Workstation,
    approve,
    projections,
    seed,
    share_key,
    workstation,
)

from conftest import admin_of, sign_items


def _state(station: Workstation, other: Workstation) -> TrustState:
    status = workstations.find(station.store, other.store.workstation_id)
    return status.state


def _units(station: Workstation) -> set[str]:
    return {unit.name for unit in people.list_units(station.store)}


def _add_unit(station: Workstation, name: str) -> None:
    people.add_unit(station.store, admin_of(station.store), name)


def test_the_key_is_made_with_the_database_and_readable_by_its_owner_only(tmp_path):
    station = workstation(tmp_path, "a")
    key = identity.key_path(station.store.path.parent)
    assert key.is_file()
    if os.name == "posix":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        key.chmod(0o644)
        Signer.load(key.parent)
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, "a loosened key is tightened"


def test_the_workstation_that_sets_up_a_share_is_its_root_and_approved(tmp_path, share):
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    a.sync(share)
    first = b.sync(share)
    assert _state(b, a) is TrustState.ROOT
    assert _units(b) == set() and first.locked_out, "nothing is read before it is approved"
    a.sync(share)
    assert _state(a, b) is TrustState.WAITING
    waiting = workstations.find(a.store, "b")
    assert waiting.waiting and waiting.name == "b" and waiting.first_seen and waiting.key
    approve(share, a, b)
    assert _units(b) == _units(a)


def test_an_approval_needs_an_admin_and_their_pin_and_travels(tmp_path, share):
    a, b, c = (workstation(tmp_path, name) for name in "abc")
    seed(a)
    a.sync(share)
    approve(share, a, c)
    b.sync(share)
    _add_unit(b, "Från B")
    before = b.sync(share)
    assert before.sent_events == 0 and before.waiting, "a waiting workstation keeps its events"
    a.sync(share)
    with pytest.raises(WrongPinError):
        workstations.approve(a.store, a.admin(), b.store.workstation_id, "0000")
    with pytest.raises(PermissionRefused):
        workstations.approve(a.store, a.supervisor(), b.store.workstation_id, "4827")
    c.sync(share)
    assert "Från B" not in _units(c)
    workstations.approve(a.store, a.admin(), b.store.workstation_id, ADMIN_PIN)
    a.sync(share)
    assert b.sync(share).sent_events, "once approved it is given the share key and publishes"
    report = c.sync(share)
    assert report.received.get(b.store.workstation_id), (
        "c applies b's folder with no one asked there"
    )
    assert "Från B" in _units(c) and _state(c, b) is TrustState.APPROVED
    assert report.name_of(b.store.workstation_id) == "b"


def test_a_rejected_workstation_is_never_applied_and_no_longer_waiting(tmp_path, share):
    a, b, c = (workstation(tmp_path, name) for name in "abc")
    seed(a)
    a.sync(share)
    approve(share, a, c)
    _add_unit(b, "Från B")
    for station in (b, c, a):
        station.sync(share)
    workstations.reject(a.store, a.admin(), b.store.workstation_id, ADMIN_PIN)
    a.sync(share)
    for station in (a, c):
        report = station.sync(share)
        assert _state(station, b) is TrustState.REJECTED
        assert b.store.workstation_id not in [w.workstation_id for w in report.status.waiting]
        assert "Från B" not in _units(station)


def test_a_stolen_workstation_is_revoked_and_what_it_signs_later_is_refused(tmp_path, share):
    """What b signed up to the last batch a had applied stays; nothing later, anywhere, even
    where it had been applied before the revocation arrived, and no backdating."""
    a, b, c = (workstation(tmp_path, name) for name in "abc")
    seed(a)
    a.sync(share)
    approve(share, a, b, c)
    _add_unit(b, "Före stölden")
    b.sync(share)
    a.sync(share)
    _add_unit(b, "Efter sista avläsningen")
    b.sync(share)
    c.sync(share)
    assert "Efter sista avläsningen" in _units(c)
    workstations.revoke(a.store, a.admin(), b.store.workstation_id, ADMIN_PIN, "Stulen dator")
    a.sync(share)
    _add_unit(b, "Tjuvens enhet")
    thief = b.sync(share)
    assert thief.sent.events

    for station in (c, a):
        report = station.sync(share)
        assert _state(station, b) is TrustState.REVOKED
        assert "Före stölden" in _units(station)
        assert not {"Efter sista avläsningen", "Tjuvens enhet"} & _units(station)
        assert any("återkallades" in p.reason for p in report.problems)
    assert projections(a.store) == projections(c.store)

    late = workstation(tmp_path, "d")
    approve(share, a, late)
    assert "Före stölden" in _units(late) and "Tjuvens enhet" not in _units(late)

    # The thief rewrites b's batches before the cut with other content, signed with b's key.
    signer, key = Signer.load(b.store.path.parent), share_key(b)
    folder = share / "workstations" / b.store.workstation_id
    batches = journal.published(b.store)
    previous = None
    for recorded in batches:
        events = journal.events_of(b.store, recorded.sequence)
        events = [
            e._replace(payload=e.payload.replace("Före stölden", "Bakdaterad")) for e in events
        ]
        batch, data = encode(
            signer, b.store.workstation_id, recorded.sequence, previous, events, key
        )
        (folder / f"batch-{recorded.sequence:012d}.jsonl").write_bytes(data)
        previous = batch.sha256
    newcomer = workstation(tmp_path, "e")
    newcomer.sync(share)
    a.sync(share)
    workstations.approve(a.store, a.admin(), newcomer.store.workstation_id, ADMIN_PIN)
    a.sync(share)
    report = newcomer.sync(share)
    assert "Bakdaterad" not in _units(newcomer) and "Före stölden" not in _units(newcomer)
    assert any(p.workstation_id == b.store.workstation_id for p in report.problems)


def test_a_batch_changed_and_signed_again_by_its_owner_is_named_not_the_next_one(tmp_path, share):
    """An approved workstation's key holder rewrites an applied batch with other content and
    goes on: the reader names the changed batch, keeps its data, stops applying that folder."""
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    a.sync(share)
    approve(share, a, b)
    _add_unit(a, "Äkta enhet")
    a.sync(share)
    b.sync(share)
    signer = Signer.load(a.store.path.parent)
    folder = share / "workstations" / a.store.workstation_id
    recorded = journal.published(a.store)[-1]
    events = journal.events_of(a.store, recorded.sequence)
    changed = [e._replace(payload=e.payload.replace("Äkta enhet", "Ändrad enhet")) for e in events]
    batch, data = encode(
        signer, a.store.workstation_id, recorded.sequence, recorded.previous, changed, share_key(a)
    )
    (folder / f"batch-{recorded.sequence:012d}.jsonl").write_bytes(data)
    with sqlite3.connect(a.store.path) as connection:
        connection.execute(
            "UPDATE batches SET sha256 = ? WHERE workstation_id = ? AND sequence = ?",
            (batch.sha256, a.store.workstation_id, recorded.sequence),
        )
    _add_unit(a, "Nästa enhet")
    a.sync(share)

    report = b.sync(share)
    [tamper] = [p for p in report.problems if p.kind == "tamper"]
    assert tamper.path.endswith(f"batch-{recorded.sequence:012d}.jsonl")
    assert "Äkta enhet" in _units(b) and not {"Ändrad enhet", "Nästa enhet"} & _units(b)
    status = b.sync(share).status
    assert [p.kind for p in status.problems] == ["tamper"], "still shown the next round"


@pytest.mark.parametrize(
    ("change", "accepted"),
    [
        # An erasure's rewrite blanks the free text in a proof: the certificate's number.
        (lambda proof: proof.update(number="—") if proof["kind"] == "certificate" else None, True),
        # The same rewrite used as cover to change a score or lower the pass mark.
        (
            lambda proof: (
                proof.update(score=proof["score"] - 5) if proof["kind"] == "test" else None
            ),
            False,
        ),
        (lambda proof: proof.update(pass_mark=1) if proof["kind"] == "test" else None, False),
    ],
    ids=["number-blanked", "score-changed", "pass-mark-lowered"],
)
def test_a_rewrite_may_blank_a_proof_s_free_text_but_change_nothing_else(
    tmp_path, share, change, accepted
):
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    oid = seed(a)
    a.sync(share)
    approve(share, a, b)
    sign_items(a.store, a.supervisor(), oid, ["webb-hygien", "hyg-test"], PIN)
    a.sync(share)
    b.sync(share)
    signer = Signer.load(a.store.path.parent)
    recorded = journal.published(a.store)[-1]
    events = journal.events_of(a.store, recorded.sequence)

    def forged(event):
        payload = json.loads(event.payload)
        if payload.get("evidence"):
            change(payload["evidence"])
        return event._replace(payload=json.dumps(payload, ensure_ascii=False))

    batch, data = encode(
        signer,
        a.store.workstation_id,
        recorded.sequence,
        recorded.previous,
        [forged(event) for event in events],
        share_key(a),
    )
    # The owner's key goes on from the changed batch, as a rewrite after an erasure does.
    with sqlite3.connect(a.store.path) as connection:
        connection.execute(
            "UPDATE batches SET sha256 = ? WHERE workstation_id = ? AND sequence = ?",
            (batch.sha256, a.store.workstation_id, recorded.sequence),
        )
    assert (
        data
        != (share / "workstations" / a.store.workstation_id)
        .joinpath(f"batch-{recorded.sequence:012d}.jsonl")
        .read_bytes()
    )
    folder = share / "workstations" / a.store.workstation_id
    (folder / f"batch-{recorded.sequence:012d}.jsonl").write_bytes(data)
    _add_unit(a, "Nästa enhet")
    a.sync(share)

    report = b.sync(share)
    tampered = [p for p in report.problems if p.kind == "tamper"]
    assert (tampered == []) is accepted, tampered
    assert ("Nästa enhet" in _units(b)) is accepted, "a changed folder is not applied further"
    signed = onboarding.progress(a.store, a.supervisor(), oid).states["hyg-test"].evidence
    applied = onboarding.progress(b.store, b.supervisor(), oid).states["hyg-test"].evidence
    assert applied == signed, "nothing forged is applied"
