"""A round with nothing new: over SMB every file operation costs milliseconds, so it lists
each workstation folder at most once (none whose time says it is as it was), reads nothing
it has seen, and writes nothing at all."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from handledare.domain.enums import Mark
from handledare.services import onboarding, people
from handledare.sync import share as share_module
from handledare.sync.layout import Listing, batch_name, sealed_name
from handledare.sync.share import (
    LIST_AGAIN_SECONDS,
    MARKER,
    SETTLE_SECONDS,
    WRITES,
    Share,
    ShareFiles,
    ShareUnavailable,
)
from handledare.sync.status import share_status
from sync_helpers import FaultyFiles, Workstation, approve, seed, workstation

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
        # Besides a folder's time and one listing a folder (listed as long as its time is
        # not trusted yet, as here; `test_a_folder_whose_time_has_settled_...` trusts it):
        # whether the share is there, its marker, its list of folders and of templates,
        # the receiving key's time stamp; the same at any size.
        assert files.operations - 2 * len(folders) <= 5, files.kinds()
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


def test_a_listing_knows_each_batch_by_its_number_and_sorts_out_the_other_files():
    """The numbers present, gaps and all, whatever order the folder lists them in."""
    recipient = "0b7c61f2-5a8e-4d7e-9a40-2f0f3c1d9e11"
    names = [
        *(batch_name(number) for number in (3, 1, 12, 2)),
        "workstation.json",
        "stray.txt",
        "desktop.ini",
        sealed_name(recipient),
        ".batch-000000000013.jsonl-0a1b2c3d.tmp",
        "odd\nname",
    ]
    listing = Listing.of(names)
    assert list(listing.numbers) == [1, 2, 3, 12] and listing.count == 4
    assert listing.last() == 12
    assert [number for number in range(15) if listing.has(number)] == [1, 2, 3, 12]
    assert listing.has_card and listing.sealed == {recipient}
    assert listing.temporary == [".batch-000000000013.jsonl-0a1b2c3d.tmp"]
    assert listing.strays == ["odd\nname", "stray.txt"]
    empty = Listing.of([])
    assert empty.last() == 0 and empty.count == 0 and not empty.has(0) and not empty.has(1)


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
    assert grown is not first and grown.last() == 2 and list(grown.numbers) == [1, 2]
    (folder / "stray.txt").write_bytes(b"")
    assert Share(tmp_path / "share").listing("w1").strays == ["stray.txt"]
    (folder / batch_name(2)).unlink()
    (folder / "stray.txt").unlink()
    assert list(Share(tmp_path / "share").listing("w1").numbers) == [1]


class Clock:
    """The share module's monotonic clock, moved on by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr(share_module, "monotonic", moved)
    return moved


def _listed(files: ShareFiles) -> list[str]:
    """The workstation folders listed (the templates folder is listed every round)."""
    return [path.name for kind, path in files.calls if kind == "names" and path.name != "templates"]


def test_a_folder_whose_time_has_settled_is_not_listed_until_it_changes(
    tmp_path: Path, clock: Clock
):
    """Once a listing a while after the first has seen each folder's time unchanged, a
    round with nothing new reads the folders' times and lists none; a workstation that
    publishes changes its folder's time, and only that folder is listed again."""
    (a, b, _c), share = _busy_share(tmp_path)
    clock.now += SETTLE_SECONDS
    a.sync(share)
    clock.now += 1
    files = ShareFiles()
    report = a.sync(share, files=files)
    folders = sorted(path.name for path in (share / "workstations").iterdir())
    assert not report.received_events and not report.problems
    assert _listed(files) == []
    assert sorted(p.name for kind, p in files.calls if kind == "folder_time") == folders
    assert files.writes() == []

    people.add_unit(b.store, admin_of(b.store), "Enhet som kommer efter")
    b.sync(share)
    files = ShareFiles()
    clock.now += 1
    report = a.sync(share, files=files)
    assert report.received_events == 1
    assert _listed(files) == [b.store.workstation_id]
    assert "Enhet som kommer efter" in [unit.name for unit in people.list_units(a.store)]


def _hidden(folder: Path, name: str) -> None:
    """A file added while the folder keeps its time: as one added in the same tick of the
    file system's clock as the time read before a listing would look."""
    before = folder.stat()
    (folder / name).write_bytes(b"")
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert folder.stat().st_mtime_ns == before.st_mtime_ns


def test_a_fault_in_a_round_that_trusts_the_folders_times_is_a_clean_message_and_heals(
    tmp_path: Path, clock: Clock
):
    """Each file operation of a round that reads the folders' times and lists none, made
    to fail in turn: a clean message each time, and the next round finds everything."""
    (a, b, _c), share = _busy_share(tmp_path)
    clock.now += SETTLE_SECONDS
    a.sync(share)
    counting = ShareFiles()
    a.sync(share, files=counting)
    assert _listed(counting) == [] and counting.operations > 5
    for fail_at in range(counting.operations):
        with pytest.raises(ShareUnavailable, match="share-op-"):
            a.sync(share, files=FaultyFiles(fail_at))
        again = ShareFiles()
        report = a.sync(share, files=again)
        assert not report.problems and not report.received_events
        assert _listed(again) == [], "a failed round leaves the trusted times as they were"
    people.add_unit(b.store, admin_of(b.store), "Efter felen")
    b.sync(share)
    assert a.sync(share).received_events == 1


class OneFolder:
    """A workstation folder on a share, listed as a round lists it, the listings counted."""

    def __init__(self, tmp_path: Path, clock: Clock):
        self.folder = tmp_path / "share" / "workstations" / "w1"
        self.folder.mkdir(parents=True)
        (self.folder / batch_name(1)).write_bytes(b"")
        self.files = ShareFiles()
        self.share = Share(tmp_path / "share", self.files)
        self.clock = clock

    def last_at(self, seconds: float) -> int:
        """The last batch the folder's listing shows, `seconds` after the clock's start."""
        self.clock.now = 1000.0 + seconds
        return self.share.listing("w1").last()

    def listed(self) -> int:
        return len(_listed(self.files))

    def settle(self) -> float:
        """Listed at 0 and again once the time may be trusted; when that was."""
        assert self.last_at(0) == 1 and self.last_at(SETTLE_SECONDS) == 1
        assert self.listed() == 2
        return SETTLE_SECONDS


def test_a_file_that_left_the_folder_time_as_it_was_is_found_until_the_time_is_trusted(
    tmp_path: Path, clock: Clock
):
    """Every listing until one made SETTLE_SECONDS after the time was first read finds
    what was added in the same tick (a file that left the time as it was)."""
    one = OneFolder(tmp_path, clock)
    assert one.last_at(0) == 1
    _hidden(one.folder, batch_name(2))
    assert one.last_at(1) == 2
    _hidden(one.folder, batch_name(3))
    assert one.last_at(SETTLE_SECONDS - 1) == 3, "not trusted yet: listed again"
    _hidden(one.folder, batch_name(4))
    assert one.last_at(SETTLE_SECONDS - 0.5) == 4, "nor after a listing just short of it"
    assert one.listed() == 4


def test_a_trusted_time_spares_the_listing_and_a_changed_one_is_trusted_anew(
    tmp_path: Path, clock: Clock
):
    one = OneFolder(tmp_path, clock)
    settled = one.settle()
    assert one.last_at(settled + 1) == 1 and one.listed() == 2, "the time alone is read"
    (one.folder / batch_name(2)).write_bytes(b"")
    assert one.last_at(settled + 2) == 2, "a file that changes the time is seen at once"
    _hidden(one.folder, batch_name(3))
    assert one.last_at(settled + 3) == 3, "the new time is not trusted yet"


def test_every_folder_is_listed_again_a_while_after_its_last_listing(tmp_path: Path, clock: Clock):
    """Counted from the last listing, not from the last look at the time; and once listed
    again and found as it was, its time is trusted as before."""
    one = OneFolder(tmp_path, clock)
    settled = one.settle()
    assert one.last_at(settled + 1) == 1
    assert one.last_at(settled + LIST_AGAIN_SECONDS - 1) == 1
    assert one.listed() == 2
    assert one.last_at(settled + LIST_AGAIN_SECONDS) == 1
    assert one.listed() == 3
    assert one.last_at(settled + LIST_AGAIN_SECONDS + 1) == 1
    assert one.listed() == 3


def test_a_folder_whose_names_changed_behind_a_trusted_time_is_listed_every_round(
    tmp_path: Path, clock: Clock
):
    """A file system that does not keep folders' times: what it hid is found at the next
    listing made in any case, and from then on the folder is listed at every round."""
    one = OneFolder(tmp_path, clock)
    settled = one.settle()
    _hidden(one.folder, batch_name(2))
    assert one.last_at(settled + 1) == 1, "trusted: the time alone is read"
    assert one.last_at(settled + LIST_AGAIN_SECONDS) == 2
    later = settled + LIST_AGAIN_SECONDS + 2 * SETTLE_SECONDS
    assert one.last_at(later) == 2
    _hidden(one.folder, batch_name(3))
    assert one.last_at(later + 1) == 3
    assert one.listed() == 5


def test_a_folder_whose_time_cannot_be_read_makes_the_share_unavailable(tmp_path: Path):
    class NoTimes(ShareFiles):
        def folder_time(self, folder: Path) -> int:
            raise PermissionError(13, "Permission denied", str(folder))

    folder = tmp_path / "share" / "workstations" / "w1"
    folder.mkdir(parents=True)
    with pytest.raises(ShareUnavailable, match="w1"):
        Share(tmp_path / "share", NoTimes()).listing("w1")
