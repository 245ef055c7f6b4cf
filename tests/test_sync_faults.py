"""Each way a share goes wrong, as its own test: reported, skipped, nothing lost or deleted."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from handledare.cli import main
from handledare.services import people, workstations
from handledare.sync.share import Share, ShareFiles, ShareUnavailable, WorkstationClash
from sync_helpers import ADMIN_PIN, Workstation, approve, projections, seed, workstation

from conftest import admin_of, signed_in_as


@pytest.fixture
def published(tmp_path: Path, share: Path) -> tuple[Workstation, Path]:
    """Workstation A has published two batches, the second with its approval of B (which has
    read nothing yet); returns A and its folder on the share."""
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    a.sync(share)
    b.sync(share)
    a.sync(share)
    workstations.approve(a.store, a.admin(), b.store.workstation_id, ADMIN_PIN)
    people.add_unit(a.store, admin_of(a.store), "Hemtjänst Söder")
    a.sync(share)
    return a, share / "workstations" / a.store.workstation_id


def _files(share: Path) -> dict[str, bytes]:
    return {
        p.relative_to(share).as_posix(): p.read_bytes() for p in share.rglob("*") if p.is_file()
    }


def _reader(tmp_path: Path, share: Path):
    """B, approved by A in `published`, reads the share for the first time."""
    b = workstation(tmp_path, "b")
    return b, b.sync(share)


def _approved_reader(tmp_path: Path, share: Path, a: Workstation):
    b = workstation(tmp_path, "b")
    [report] = approve(share, a, b)
    return b, report


def _only_reason(report, name: str) -> str:
    [found] = [s for s in report.problems if s.path.endswith(name)]
    return found.reason


def test_truncated_batch_is_skipped_and_nothing_of_it_applied(tmp_path, share, published):
    a, folder = published
    batch = folder / "batch-000000000001.jsonl"
    whole = batch.read_bytes()
    batch.write_bytes(whole[: len(whole) // 2])
    b, report = _reader(tmp_path, share)
    assert "ofullständig" in _only_reason(report, "batch-000000000001.jsonl")
    assert report.received_events == 0 and people.list_units(b.store) == []
    assert batch.exists()

    batch.write_bytes(whole)
    again = b.sync(share)
    assert again.problems == [] and projections(b.store) == projections(a.store)


def test_flipped_byte_breaks_the_signature(tmp_path, share, published):
    _a, folder = published
    batch = folder / "batch-000000000001.jsonl"
    data = bytearray(batch.read_bytes())
    data[200] ^= 0x01
    batch.write_bytes(bytes(data))
    b, report = _reader(tmp_path, share)
    reason = _only_reason(report, "batch-000000000001.jsonl")
    assert "signaturen" in reason or "skadad" in reason
    assert people.list_units(b.store) == []


def test_missing_batch_holds_back_the_later_ones(tmp_path, share, published):
    a, folder = published
    first = folder / "batch-000000000001.jsonl"
    first.rename(tmp_path / "away.jsonl")
    b, report = _reader(tmp_path, share)
    assert "saknas" in _only_reason(report, "batch-000000000001.jsonl")
    assert report.received_events == 0
    (tmp_path / "away.jsonl").rename(first)
    b.sync(share)
    assert projections(b.store) == projections(a.store)


def test_copies_and_foreign_files_are_reported_once_and_left_alone(
    tmp_path, share, published, monkeypatch
):
    _a, folder = published
    strays = {
        "batch-000000000002 (1).jsonl": (folder / "batch-000000000002.jsonl").read_bytes(),
        "batch-000000000002.sync-conflict-20261122-101010-ABCDEF.jsonl": b"x",
        "anteckningar.txt": b"hej",
    }
    silent = {
        "desktop.ini": b"[.ShellClassInfo]",
        "Thumbs.db": b"\0\0",
        ".DS_Store": b"\0",
        "._batch-000000000001.jsonl": b"\0",
        "~$lista.xlsx": b"\0",
        ".batch-000000000003-1a2b3c4d.tmp": b'{"format": 2',
    }
    for name, data in {**strays, **silent}.items():
        (folder / name).write_bytes(data)
    before = _files(share)
    b, report = _reader(tmp_path, share)
    assert {s.path.rsplit("/", 1)[-1] for s in report.new_problems} == set(strays)
    assert report.received_events > 0
    after = _files(share)
    assert all(after.get(path) == data for path, data in before.items()), "nothing is touched"
    again = b.sync(share)
    assert again.new_problems == [] and len(again.status.problems) == len(strays)
    folder_b = str(b.store.path.parent)
    code = main(["--data-dir", folder_b, "sync", "--share", str(share), *signed_in_as(monkeypatch)])
    assert code == 0


def test_unknown_format_version_in_a_batch_is_skipped(tmp_path, share, published):
    _a, folder = published
    batch = folder / "batch-000000000001.jsonl"
    batch.write_text(batch.read_text("utf-8").replace('"format": 3', '"format": 4', 1), "utf-8")
    _b, report = _reader(tmp_path, share)
    assert "format 4" in _only_reason(report, "batch-000000000001.jsonl")


def test_share_of_a_newer_format_is_not_touched(tmp_path, share):
    (share / "format.json").write_text('{"format": 9}')
    a = workstation(tmp_path, "a")
    seed(a)
    with pytest.raises(ShareUnavailable, match="format 9"):
        a.sync(share)
    assert sorted(p.name for p in share.iterdir()) == ["format.json"]


def test_unreachable_share_keeps_the_work_waiting(tmp_path, monkeypatch):
    a = workstation(tmp_path, "a")
    seed(a)
    with pytest.raises(ShareUnavailable, match="inte nåbar"):
        a.sync(tmp_path / "no-such-share")
    code = main(
        [
            "--data-dir",
            str(a.store.path.parent),
            "sync",
            "--share",
            str(tmp_path / "x"),
            *signed_in_as(monkeypatch),
        ]
    )
    assert code == 2


def test_read_only_share_fails_cleanly_and_sends_later(tmp_path, share, monkeypatch):
    a = workstation(tmp_path, "a")
    seed(a)
    a.sync(share)
    people.add_unit(a.store, admin_of(a.store), "Väntande enhet")

    def read_only(self, folder, stem, data):
        raise OSError(errno.EROFS, "Read-only file system", str(folder / stem))

    with monkeypatch.context() as patch:
        patch.setattr(ShareFiles, "write_temporary", read_only)
        with pytest.raises(ShareUnavailable, match="kan inte användas"):
            a.sync(share)
    assert a.sync(share).sent_events == 1
    b, _report = _approved_reader(tmp_path, share, a)
    assert "Väntande enhet" in [u.name for u in people.list_units(b.store)]


def test_share_removed_in_the_middle_of_a_round(tmp_path, share, published, monkeypatch):
    a, _folder = published
    b = workstation(tmp_path, "b2")
    seed(b)
    approve(share, a, b)
    people.add_unit(b.store, admin_of(b.store), "Från B")
    original = Share.workstation_ids

    def vanish(self):
        shutil.rmtree(self.root)
        return original(self)

    monkeypatch.setattr(Share, "workstation_ids", vanish)
    with pytest.raises(ShareUnavailable):
        b.sync(share)
    monkeypatch.undo()
    share.mkdir()
    b.sync(share)
    a.sync(share)
    b.sync(share)
    assert projections(a.store) == projections(b.store)


def test_same_workstation_id_on_two_computers_is_refused(tmp_path, share, published):
    a, _folder = published
    shutil.copytree(a.store.path.parent, tmp_path / "clone")
    clone = Workstation("clone", workstation(tmp_path, "clone").store, machine="other-pc|")
    assert clone.store.workstation_id == a.store.workstation_id
    with pytest.raises(WorkstationClash, match="disk"):
        clone.sync(share)


def test_clone_with_the_same_machine_name_is_caught_by_its_batches(tmp_path, share, published):
    a, _folder = published
    shutil.copytree(a.store.path.parent, tmp_path / "twin")
    twin = Workstation("a", workstation(tmp_path, "twin").store, machine=a.machine)
    people.add_unit(a.store, admin_of(a.store), "Från originalet")
    people.add_unit(twin.store, admin_of(twin.store), "Från kopian")
    a.sync(share)
    with pytest.raises(WorkstationClash):
        twin.sync(share)


def test_sharing_violations_are_retried_then_reported():
    from handledare.sync.share import with_retries

    attempts = []

    def held_by_antivirus():
        attempts.append(1)
        if len(attempts) < 3:
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        return "written"

    assert with_retries(held_by_antivirus, delays=(0, 0, 0)) == "written"
    assert len(attempts) == 3

    def always_held():
        raise PermissionError(errno.EACCES, "still held")

    with pytest.raises(PermissionError):
        with_retries(always_held, delays=(0, 0))


def test_a_long_offline_workstation_publishes_in_bounded_batches(tmp_path, share, monkeypatch):
    monkeypatch.setattr("handledare.sync.publish.MAX_BATCH_EVENTS", 4)
    a = workstation(tmp_path, "a")
    seed(a)
    report = a.sync(share)
    folder = share / "workstations" / a.store.workstation_id
    batches = sorted(p.name for p in folder.glob("batch-*.jsonl"))
    expected = -(-report.sent_events // 4)
    assert len(batches) == report.sent.last_sequence == expected >= 2 and report.waiting == 0
    b, _report = _approved_reader(tmp_path, share, a)
    assert projections(b.store) == projections(a.store)
