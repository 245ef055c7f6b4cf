"""Every file operation of a round fails in turn: a clean message with a path, never a
traceback, nothing lost, and the next round after the fault converges."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from handledare.config import Settings
from handledare.errors import HandledareError
from handledare.services import people, sync
from handledare.store.eventlog import Store
from handledare.sync.share import ShareUnavailable
from sync_helpers import FaultyFiles, Workstation, approve, projections, seed, workstation

from conftest import admin_of

# More than the operations of the round below (checked by the first test).
OPERATIONS = 24


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    """A and B, approved; each has work the other has not seen (A a template version it
    published), and a stray file sits in A's folder: B's next round lists, reads, verifies,
    applies, publishes and writes its card."""
    root = tmp_path_factory.mktemp("faults")
    share = root / "share"
    share.mkdir()
    a, b = workstation(root, "a"), workstation(root, "b")
    seed(a)
    a.sync(share)
    approve(share, a, b)
    b.sync(share)
    people.add_unit(a.store, admin_of(a.store), "Från A")
    source = Path(__file__).resolve().parents[1] / "src/handledare/checklists/bundled"
    text = (source / "hemtjanst-omsorg.toml").read_text("utf-8")
    version_3 = root / "hemtjanst-omsorg-v3.toml"
    version_3.write_text(text.replace("version = 2", "version = 3", 1), "utf-8")
    settings = Settings(data_dir=a.store.path.parent, share_path=share)
    sync.publish_template(a.store, admin_of(a.store), settings, version_3)
    a.sync(share)
    people.add_unit(b.store, admin_of(b.store), "Från B")
    (share / "workstations" / a.store.workstation_id / "kopia.txt").write_text("x")
    for station in (a, b):
        station.store.close()
    return root


def _copy(prepared: Path, target: Path) -> tuple[Workstation, Workstation, Path]:
    shutil.copytree(prepared, target)
    a, b = (Workstation(name, Store.open(target / name / "handledare.db")) for name in "ab")
    return a, b, target / "share"


def test_the_round_makes_fewer_operations_than_are_tried(prepared, tmp_path):
    _a, b, share = _copy(prepared, tmp_path / "count")
    files = FaultyFiles()
    report = b.sync(share, files=files)
    assert report.received_events and report.sent.events and report.templates
    assert 10 < files.operations < OPERATIONS, files.calls


@pytest.mark.parametrize("fail_at", range(OPERATIONS))
def test_a_fault_at_any_operation_is_a_clean_message_and_heals(prepared, tmp_path, fail_at):
    a, b, share = _copy(prepared, tmp_path / "run")
    files = FaultyFiles(fail_at)
    try:
        b.sync(share, files=files)
    except HandledareError as error:
        assert isinstance(error, ShareUnavailable), error.message
        assert "share-op-" in error.message or str(share) in error.message
    if fail_at >= files.operations:
        pytest.skip("the round is shorter")
    for station in (b, a, b):
        station.sync(share)
    assert sync.waiting_changes(b.store) == 0, "nothing lost"
    assert "Från B" in [u.name for u in people.list_units(a.store)]
    assert projections(a.store) == projections(b.store)
    assert not list(share.rglob("*.tmp")), "no temporary file is left behind"
    assert [p.kind for p in sync.share_status(b.store).problems] == ["stray"]


@pytest.mark.parametrize(
    "error", [errno.ENOSPC, errno.EROFS, errno.ENAMETOOLONG, errno.EIO, errno.ENOENT]
)
def test_every_kind_of_write_error_is_the_same_clean_message(prepared, tmp_path, error):
    _a, b, share = _copy(prepared, tmp_path / "kinds")
    counting = FaultyFiles()
    b.sync(share, files=counting)
    writes = [n for n, (kind, _path) in enumerate(counting.calls) if kind == "write_temporary"]
    _a, b, share = _copy(prepared, tmp_path / "again")
    with pytest.raises(ShareUnavailable, match="kan inte användas"):
        b.sync(share, files=FaultyFiles(writes[0], error))
    again = b.sync(share)
    assert again.sent.events == 1 and again.waiting == 0


def test_a_sharing_violation_that_passes_is_retried_without_a_word(prepared, tmp_path):
    a, b, share = _copy(prepared, tmp_path / "held")
    report = b.sync(share, files=FaultyFiles(5, errno.EACCES, times=2))
    assert report.sent.events == 1 and report.received_events
    a.sync(share)
    assert projections(a.store) == projections(b.store)
