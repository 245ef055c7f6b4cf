"""A round with nothing new: over SMB every file operation costs milliseconds, so it lists
each workstation folder once, reads nothing it has seen, and writes nothing at all."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from handledare.domain.enums import Mark
from handledare.services import onboarding, people
from handledare.sync.layout import batch_name
from handledare.sync.share import MARKER, WRITES, Share, ShareFiles
from handledare.sync.status import share_status
from sync_helpers import Workstation, approve, seed, workstation

from conftest import admin_of


def _busy_share(tmp_path: Path) -> tuple[list[Workstation], Path]:
    """Three approved workstations that have each published work, all synced up."""
    share = tmp_path / "share"
    share.mkdir()
    a, b, c = (workstation(tmp_path, name) for name in "abc")
    oid = seed(a)
    a.sync(share)
    approve(share, a, b, c)
    for station in (a, b, c):
        people.add_unit(station.store, admin_of(station.store), f"Enhet {station.name}")
        station.sync(share)
    onboarding.mark_item(b.store, b.supervisor(), oid, "anst-avtal", Mark.PRACTISED)
    for station in (b, a, c, a, b, c):
        station.sync(share)
    return [a, b, c], share


def test_a_round_with_nothing_new_lists_each_folder_once_and_writes_nothing(
    tmp_path: Path, monkeypatch
):
    stations, share = _busy_share(tmp_path)
    folders = sorted(path for path in (share / "workstations").iterdir() if path.is_dir())
    assert len(folders) == 3
    before = {path: path.stat().st_mtime_ns for path in share.rglob("*")}
    for station in stations:
        files = ShareFiles()
        turns: list[object] = []
        real_write = station.store.write
        monkeypatch.setattr(
            station.store,
            "write",
            lambda *args, turns=turns, real=real_write: turns.append(args) or real(*args),
        )
        report = station.sync(share, files=files)
        assert turns == [], "nothing to store, nothing due: the store's write lock not taken"
        assert not report.received_events and not report.sent.events and not report.problems
        assert files.writes() == []
        listed = Counter(path for kind, path in files.calls if kind == "names")
        assert all(listed[folder] == 1 for folder in folders), listed
        read = [path.name for kind, path in files.calls if kind == "read"]
        assert read == [MARKER], "nothing is read again but the share's format.json"
        # Besides one listing a folder: whether the share is there, its marker, its list of
        # folders and of templates, the receiving key's time stamp; the same at any size.
        assert files.operations - len(folders) <= 5, files.kinds()
    after = {path: path.stat().st_mtime_ns for path in share.rglob("*")}
    assert after == before, "no file on the share was written, made or removed"


def test_a_round_shows_the_status_a_fresh_read_gives_whether_it_stored_anything_or_not(
    tmp_path: Path,
):
    """A round that stored nothing shows the status it read as it began; one that learnt
    something (here, that b published a batch) shows what it stored."""
    (a, b, _c), share = _busy_share(tmp_path)
    quiet = a.sync(share)
    assert not quiet.received_events and quiet.status == share_status(a.store)
    people.add_unit(b.store, admin_of(b.store), "Ny enhet")
    b.sync(share)
    learnt = a.sync(share)
    assert learnt.received_events == 1
    assert learnt.status == share_status(a.store)
    [before] = [w for w in quiet.status.workstations if w.workstation_id == b.store.workstation_id]
    [after] = [w for w in learnt.status.workstations if w.workstation_id == b.store.workstation_id]
    assert after.last_batch == before.last_batch + 1


def test_a_round_with_something_new_is_counted_as_writes(tmp_path: Path):
    """The counting itself: a round that publishes shows its writes (so the test above
    would see one)."""
    stations, share = _busy_share(tmp_path)
    a = stations[0]
    people.add_unit(a.store, admin_of(a.store), "Ny enhet")
    files = ShareFiles()
    report = a.sync(share, files=files)
    assert report.sent.events == 1
    kinds = Counter(kind for kind, _path in files.writes())
    assert kinds["write_temporary"] >= 1 and kinds["rename_new"] >= 1
    assert set(kinds) <= WRITES


def test_a_folder_listed_as_before_is_not_sorted_out_again(tmp_path: Path):
    """A listing depends on the names alone: the same names give the same listing, at once;
    a name added or gone gives a new one."""
    folder = tmp_path / "share" / "workstations" / "w1"
    folder.mkdir(parents=True)
    (folder / batch_name(1)).write_bytes(b"1")
    first = Share(tmp_path / "share").listing("w1")
    assert first.last() == 1
    again = Share(tmp_path / "share").listing("w1")  # the next round's share
    assert again is first
    (folder / batch_name(2)).write_bytes(b"2")
    grown = Share(tmp_path / "share").listing("w1")
    assert (
        grown is not first
        and grown.last() == 2
        and grown.batches
        == {
            batch_name(1),
            batch_name(2),
        }
    )
    (folder / "stray.txt").write_bytes(b"")
    assert Share(tmp_path / "share").listing("w1").strays == ["stray.txt"]
    (folder / batch_name(2)).unlink()
    (folder / "stray.txt").unlink()
    assert Share(tmp_path / "share").listing("w1").batches == {batch_name(1)}
