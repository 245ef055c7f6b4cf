"""Templates published on the share, the sync command's report and exit codes, clock skew."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from handledare.checklists import bundled_template_files
from handledare.cli import main
from handledare.services import onboarding, templates
from sync_helpers import projections, seed, workstation

from conftest import signed_in_as


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    return folder


def _version_2(tmp_path: Path) -> Path:
    source = next(p for p in bundled_template_files() if p.stem == "hemtjanst-omsorg")
    text = source.read_text("utf-8").replace("version = 1", "version = 2", 1)
    text = text.replace(
        "Anställningsavtal och arbetstider", "Anställningsavtal, arbetstider och lön"
    )
    path = tmp_path / "hemtjanst-v2.toml"
    path.write_text(text, "utf-8")
    return path


def test_published_template_reaches_every_workstation_and_onboardings_keep_their_version(
    tmp_path: Path, share: Path, capsys, monkeypatch
):
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    oid = seed(a)
    a.sync(share)
    b.sync(share)
    a_dir = str(a.store.path.parent)
    code = main(
        [
            "--data-dir",
            a_dir,
            "template",
            "publish",
            str(_version_2(tmp_path)),
            "--share",
            str(share),
            *signed_in_as(monkeypatch),
        ]
    )
    assert code == 0 and "hemtjanst-omsorg version 2" in capsys.readouterr().out
    assert (share / "templates" / "hemtjanst-omsorg-v2.toml").is_file()

    # The template travels as the publishing administrator's event, in their next batch.
    b.sync(share)
    assert templates.get_template(b.store, "hemtjanst-omsorg").version == 1
    a.sync(share)
    b.sync(share)
    assert templates.get_template(b.store, "hemtjanst-omsorg").version == 2
    kept = onboarding.progress(b.store, b.supervisor(), oid).template
    assert (kept.version, kept.item("anst-avtal").title.get("sv")) == (
        1,
        "Anställningsavtal och arbetstider",
    )
    a.sync(share)
    b.sync(share)
    assert projections(a.store) == projections(b.store)


def test_a_broken_template_on_the_share_is_reported_and_skipped(tmp_path: Path, share: Path):
    a = workstation(tmp_path, "a")
    seed(a)
    (share / "templates").mkdir()
    (share / "templates" / "trasig-v1.toml").write_text('id = "trasig"\nversion = ', "utf-8")
    report = a.sync(share)
    [skipped] = report.skipped
    assert skipped.path == "templates/trasig-v1.toml" and "inte giltig TOML" in skipped.reason


def test_sync_command_reports_and_exits_1_when_files_were_skipped(
    tmp_path: Path, share, capsys, monkeypatch
):
    a = workstation(tmp_path, "a")
    seed(a)
    data_dir = str(a.store.path.parent)
    assert (
        main(
            [
                "--data-dir",
                data_dir,
                "sync",
                "--share",
                str(share),
                "--dry-run",
                *signed_in_as(monkeypatch),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Provkörning" in out and "Skickat:" in out
    assert not list(share.rglob("batch-*.jsonl"))

    assert (
        main(["--data-dir", data_dir, "sync", "--share", str(share), *signed_in_as(monkeypatch)])
        == 0
    )
    assert "Skickat:" in capsys.readouterr().out
    own = share / "workstations" / a.store.workstation_id
    (own / "batch-000000000001 (1).jsonl").write_bytes(b"copy")
    assert (
        main(["--data-dir", data_dir, "sync", "--share", str(share), *signed_in_as(monkeypatch)])
        == 1
    )
    err = capsys.readouterr().err
    assert "Hoppade över 1 fil" in err and "batch-000000000001 (1).jsonl" in err


def test_sync_without_a_configured_share_exits_2(tmp_path: Path, capsys, monkeypatch):
    a = workstation(tmp_path, "a")
    seed(a)
    assert main(["--data-dir", str(a.store.path.parent), "sync", *signed_in_as(monkeypatch)]) == 2
    assert "Ingen delad mapp" in capsys.readouterr().err


def test_a_clock_far_from_the_shares_gets_a_warning(tmp_path, share, capsys, monkeypatch):
    a = workstation(tmp_path, "a")
    seed(a)
    real = time.time
    monkeypatch.setattr("handledare.sync.share.time.time", lambda: real() + 600)
    report = a.sync(share)
    assert report.clock_warning and 590 < report.clock_skew < 610
    assert (
        main(
            [
                "--data-dir",
                str(a.store.path.parent),
                "sync",
                "--share",
                str(share),
                *signed_in_as(monkeypatch),
            ]
        )
        == 0
    )
    assert "skiljer sig från den delade mappens med 600 sekunder" in capsys.readouterr().err


def test_a_template_put_on_the_share_by_hand_is_not_imported(tmp_path: Path, share: Path):
    """Anyone with write access to the share could otherwise change every checklist."""
    a = workstation(tmp_path, "a")
    seed(a)
    planted = _version_2(tmp_path).read_text("utf-8").replace("Anställningsavtal", "Förfalskat")
    (share / "templates").mkdir()
    (share / "templates" / "hemtjanst-omsorg-v2.toml").write_text(planted, "utf-8")
    report = a.sync(share)
    assert report.skipped == []
    assert templates.get_template(a.store, "hemtjanst-omsorg").version == 1
