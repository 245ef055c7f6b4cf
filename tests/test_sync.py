"""Sync between workstations through a real share folder: round trips and convergence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from handledare.domain.enums import Mark
from handledare.services import onboarding, review, signoff, workstations
from handledare.sync.signing import Signer
from sync_helpers import (
    ADMIN_PIN,
    PIN,
    Workstation,
    approve,
    projections,
    read_batch,
    seed,
    workstation,
)

from conftest import admin_of


def _sign(ws: Workstation, onboarding_id: str, key: str) -> None:
    actor = ws.supervisor()
    onboarding.mark_item(ws.store, actor, onboarding_id, key, Mark.PRACTISED)
    signoff.sign_off(ws.store, actor, onboarding_id, [key], PIN)


def test_round_trip_gives_identical_tables(tmp_path: Path, share: Path):
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    sent = a.sync(share)
    assert sent.sent.last_sequence == 1 and sent.sent_events > 5 and sent.waiting == 0
    waiting = b.sync(share)
    assert waiting.received == {} and waiting.locked_out and waiting.problems == []
    a.sync(share)
    workstations.approve(a.store, a.admin(), b.store.workstation_id, ADMIN_PIN)
    approval = a.sync(share)
    got = b.sync(share)
    assert not got.locked_out
    assert got.received == {a.store.workstation_id: sent.sent_events + approval.sent_events}
    assert got.problems == []
    assert projections(b.store) == projections(a.store)

    layout = sorted(p.relative_to(share).as_posix() for p in share.rglob("*") if p.is_file())
    own = f"workstations/{a.store.workstation_id}"
    assert f"{own}/batch-000000000001.jsonl" in layout and "format.json" in layout
    assert f"{own}/workstation.json" in layout
    assert json.loads((share / "format.json").read_text())["format"] == 3
    signer = Signer.load(a.store.path.parent)
    batch = read_batch(share, a, 1)
    assert batch.previous is None and len(batch.events) == sent.sent_events
    assert batch.keyid == signer.keyid and batch.format == 3


def test_second_round_sends_and_receives_nothing_new(tmp_path: Path, share: Path):
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    a.sync(share)
    b.sync(share)
    again_a, again_b = a.sync(share), b.sync(share)
    assert (again_a.sent_events, again_a.received_events) == (0, 0)
    assert (again_b.sent_events, again_b.received_events) == (0, 0)


def test_batches_chain_and_changes_flow_both_ways(tmp_path: Path, share: Path):
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    oid = seed(a)
    a.sync(share)
    approve(share, a, b)
    _sign(b, oid, "anst-avtal")
    b.sync(share)
    _sign(a, oid, "anst-schema")
    a.sync(share)
    b.sync(share)
    a.sync(share)
    assert projections(a.store) == projections(b.store)
    signed = onboarding.progress(a.store, a.supervisor(), oid).states
    assert signed["anst-avtal"].signed_workstation == b.store.workstation_id
    assert signed["anst-schema"].signed_workstation == a.store.workstation_id

    first, second = read_batch(share, a, 1, b), read_batch(share, a, 2, b)
    assert second.previous == first.sha256


def _share_with(tmp_path: Path, share: Path, ws: Workstation) -> Path:
    """A copy of the share holding one workstation's folder only."""
    copy = tmp_path / f"share-only-{ws.name}"
    shutil.copytree(
        share / "workstations" / ws.store.workstation_id,
        copy / "workstations" / ws.store.workstation_id,
    )
    shutil.copy(share / "format.json", copy / "format.json")
    return copy


def test_any_order_of_pulling_gives_the_same_tables(tmp_path: Path, share: Path):
    """C and D read A's and B's work in opposite orders, and late, and still agree."""
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    oid = seed(a)
    a.sync(share)
    c, d = workstation(tmp_path, "c"), workstation(tmp_path, "d")
    approve(share, a, b, c, d)
    _sign(a, oid, "anst-avtal")
    _sign(b, oid, "anst-schema")
    signoff.revoke(a.store, a.supervisor(), oid, "anst-avtal", "Fel avtal", PIN)
    a.sync(share)
    b.sync(share)

    only_a, only_b = _share_with(tmp_path, share, a), _share_with(tmp_path, share, b)
    c.sync(only_b)
    c.sync(share)
    d.sync(only_a)
    d.sync(share)
    a.sync(share)
    b.sync(share)
    assert projections(a.store) == projections(b.store) == projections(c.store)
    assert projections(c.store) == projections(d.store)
    before = projections(c.store)
    c.store.rebuild()
    assert projections(c.store) == before


def test_a_share_that_lost_our_batches_gets_them_back(tmp_path: Path, share: Path):
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    a.sync(share)
    batch = share / "workstations" / a.store.workstation_id / "batch-000000000001.jsonl"
    original = [event.id for event in read_batch(share, a, 1).events]
    batch.rename(tmp_path / "moved-away.jsonl")
    a.sync(share)
    assert [event.id for event in read_batch(share, a, 1).events] == original
    approve(share, a, b)
    assert projections(b.store) == projections(a.store)


def test_concurrent_edits_of_one_item_are_flagged_the_same_everywhere(tmp_path, share):
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    oid = seed(a)
    a.sync(share)
    approve(share, a, b)
    _sign(a, oid, "anst-avtal")
    onboarding.mark_item(b.store, b.supervisor(), oid, "anst-avtal", Mark.WALKED_THROUGH)
    _sign(b, oid, "anst-schema")
    for _round in range(2):
        a.sync(share)
        b.sync(share)

    assert projections(a.store) == projections(b.store)
    flagged = review.list_conflicts(a.store, admin_of(a.store))
    assert [(c.person_name, c.item_key) for c in flagged] == [("Amina Hassan", "anst-avtal")]
    assert review.list_conflicts(b.store, admin_of(b.store)) == flagged
    before = projections(a.store)
    a.store.rebuild()
    assert projections(a.store) == before


def test_edits_made_after_seeing_each_other_are_no_conflict(tmp_path, share):
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    oid = seed(a)
    a.sync(share)
    approve(share, a, b)
    _sign(a, oid, "anst-avtal")
    a.sync(share)
    b.sync(share)
    signoff.revoke(b.store, b.supervisor(), oid, "anst-avtal", "Fel avtal", PIN)
    b.sync(share)
    a.sync(share)
    assert review.list_conflicts(a.store, admin_of(a.store)) == []
