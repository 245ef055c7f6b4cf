"""Ordinary states of a share folder that used to stop rounds: each handled, none fatal."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from handledare.cli import main
from handledare.services import people
from handledare.services.erasure import erase_person
from handledare.sync.layout import batch_name
from sync_helpers import CaseInsensitiveFiles, Workstation, approve, projections, seed, workstation

from conftest import ADMIN_PIN, admin_of, signed_in_as


@pytest.fixture
def pair(tmp_path: Path, share: Path) -> tuple[Workstation, Workstation]:
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    seed(a)
    a.sync(share)
    approve(share, a, b)
    b.sync(share)
    return a, b


def _folder(share: Path, station: Workstation) -> Path:
    return share / "workstations" / station.store.workstation_id


def _next(share: Path, station: Workstation) -> str:
    return batch_name(len(list(_folder(share, station).glob("batch-*.jsonl"))) + 1)


def _cli_sync(station: Workstation, share: Path, monkeypatch) -> int:
    folder = str(station.store.path.parent)
    return main(["--data-dir", folder, "sync", "--share", str(share), *signed_in_as(monkeypatch)])


def test_leftovers_of_an_interrupted_write_are_removed_by_their_owner(share, pair, monkeypatch):
    a, b = pair
    folder = _folder(share, a)
    leftovers = [
        ".batch-000000000009-0a1b2c3d.tmp",
        ".clock-ab12cd34.tmp",
        ".workstation-1234abcd.tmp",
    ]
    for name in leftovers:
        (folder / name).write_text('{"format": 2, "Zlatan Ekdahl"')
    b_report = b.sync(share)
    assert b_report.new_problems == [], "another workstation's temporary files are its own affair"
    assert all((folder / name).exists() for name in leftovers)
    assert _cli_sync(a, share, monkeypatch) == 0
    assert [name for name in leftovers if (folder / name).exists()] == []


def test_erasure_leaves_no_name_in_a_leftover_temporary_file(tmp_path, share, pair):
    a, _b = pair
    unit = people.list_units(a.store)[0]
    person = people.add_person(
        a.store, admin_of(a.store), "Zlatan Ekdahl", unit.id, date(2026, 11, 3)
    )
    a.sync(share)
    leftover = _folder(share, a) / ".batch-000000000007-99aa88bb.tmp"
    leftover.write_bytes(
        next(_folder(share, a).glob("batch-*.jsonl")).read_bytes() + b"Zlatan Ekdahl"
    )
    erase_person(a.store, admin_of(a.store), person.id)
    a.sync(share)
    assert not leftover.exists()
    assert not [p for p in share.rglob("*") if p.is_file() and b"Zlatan Ekdahl" in p.read_bytes()]


@pytest.mark.parametrize(
    "name", ["desktop.ini", "Thumbs.db", ".DS_Store", "._batch-000000000001.jsonl", "~$lista.docx"]
)
def test_files_other_programs_put_in_folders_are_passed_over_in_silence(
    share, pair, name, monkeypatch
):
    a, b = pair
    for folder in (_folder(share, a), _folder(share, b), share / "workstations", share):
        (folder / name).write_bytes(b"[.ShellClassInfo]")
    assert _cli_sync(b, share, monkeypatch) == 0 and _cli_sync(a, share, monkeypatch) == 0
    assert b.sync(share).status.problems == []


def test_a_folder_named_like_a_batch_is_reported_with_its_path_and_stops_no_one(
    tmp_path, share, pair, capsys, monkeypatch
):
    a, b = pair
    c = workstation(tmp_path, "c")
    approve(share, a, c)
    people.add_unit(b.store, admin_of(b.store), "Enhet från B")
    b.sync(share)
    planted = _folder(share, a) / _next(share, a)
    planted.mkdir()
    (planted / "inside.txt").write_text("x")
    [found] = c.sync(share).new_problems
    assert found.path == f"workstations/{a.store.workstation_id}/{planted.name}"
    assert "Enhet från B" in [u.name for u in people.list_units(c.store)], "B's folder was read"
    assert _cli_sync(c, share, monkeypatch) == 0, "reported once"
    people.add_unit(b.store, admin_of(b.store), "Enhet två från B")
    b.sync(share)
    planted_in_b = _folder(share, b) / _next(share, b)
    planted_in_b.mkdir()
    assert _cli_sync(c, share, monkeypatch) == 1
    err = capsys.readouterr().err
    assert f"{b.store.workstation_id}/{planted_in_b.name}" in err and "Traceback" not in err

    people.add_unit(a.store, admin_of(a.store), "Enhet från A")
    report = a.sync(share)
    assert report.sent.last_sequence == int(planted.name[6:18])
    assert report.set_aside and (share / report.set_aside[0] / "inside.txt").exists()
    c.sync(share)
    assert "Enhet från A" in [u.name for u in people.list_units(c.store)]


@pytest.mark.parametrize("content", [b"", b"garbage\n", b'{"format": 1}\n{"sha256": "0"}\n'])
def test_a_file_at_the_owners_next_number_is_moved_aside_not_a_clash(share, pair, content):
    a, b = pair
    target = _folder(share, a) / _next(share, a)
    target.write_bytes(content)
    people.add_unit(a.store, admin_of(a.store), "Ny enhet")
    report = a.sync(share)
    assert report.sent.events == 1 and report.waiting == 0
    [aside] = report.set_aside
    assert (share / aside).read_bytes() == content
    b.sync(share)
    assert projections(b.store) == projections(a.store)


def test_a_case_variant_name_on_a_case_insensitive_share_is_moved_aside(share, pair):
    a, b = pair
    variant = _folder(share, a) / _next(share, a).upper()
    variant.write_bytes(b"")
    people.add_unit(a.store, admin_of(a.store), "Ny enhet")
    report = a.sync(share, files=CaseInsensitiveFiles())
    assert report.sent.events == 1 and len(report.set_aside) == 1
    assert not variant.exists()
    b.sync(share)
    assert projections(b.store) == projections(a.store)


def test_the_cli_gives_a_message_not_a_traceback_when_format_json_is_a_folder(share, pair):
    a, _b = pair
    (share / "format.json").unlink()
    (share / "format.json").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "handledare", "--data-dir", str(a.store.path.parent), "sync",
         "--share", str(share), "--as", "Ingrid Admin", "--pin-stdin"],
        input=f"{ADMIN_PIN}\n", capture_output=True, text=True,
        env={**os.environ, "HANDLEDARE_CONFIG_DIR": str(share)}, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "format.json" in done.stderr and "Traceback" not in done.stderr
