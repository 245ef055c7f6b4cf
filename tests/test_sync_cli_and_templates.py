"""Templates published on the share, the sync command's report and exit codes, clock skew."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from handledare.checklists import bundled_template_files
from handledare.cli import main
from handledare.domain.clock import utc_now
from handledare.services import onboarding, people, templates
from handledare.store.eventlog import Store
from sync_helpers import Workstation, approve, projections, seed, workstation

from conftest import signed_in_as


def _version_3(tmp_path: Path) -> Path:
    source = next(p for p in bundled_template_files() if p.stem == "hemtjanst-omsorg")
    text = source.read_text("utf-8").replace("version = 2", "version = 3", 1)
    text = text.replace(
        "Anställningsavtal och arbetstider", "Anställningsavtal, arbetstider och lön"
    )
    path = tmp_path / "hemtjanst-v3.toml"
    path.write_text(text, "utf-8")
    return path


def test_published_template_reaches_every_workstation_and_onboardings_keep_their_version(
    tmp_path: Path, share: Path, capsys, monkeypatch
):
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    oid = seed(a)
    a.sync(share)
    approve(share, a, b)
    a_dir = str(a.store.path.parent)
    code = main(
        [
            "--data-dir",
            a_dir,
            "template",
            "publish",
            str(_version_3(tmp_path)),
            "--share",
            str(share),
            *signed_in_as(monkeypatch),
        ]
    )
    assert code == 0 and "hemtjanst-omsorg version 3" in capsys.readouterr().out
    assert (share / "templates" / "hemtjanst-omsorg-v3.toml").is_file()

    # The template travels as the publishing administrator's event, in their next batch.
    b.sync(share)
    assert templates.get_template(b.store, "hemtjanst-omsorg").version == 2
    a.sync(share)
    b.sync(share)
    assert templates.get_template(b.store, "hemtjanst-omsorg").version == 3
    kept = onboarding.progress(b.store, b.supervisor(), oid).template
    assert (kept.version, kept.item("anst-avtal").title.get("sv")) == (
        2,
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
    [found] = report.problems
    assert found.path == "templates/trasig-v1.toml" and "inte giltig TOML" in found.reason
    assert report.new_problems == [found] and a.sync(share).new_problems == []


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
    # The administrator, the unit, three templates, the supervisor, the person, the checklist.
    assert "Provkörning" in out and "Skulle skicka: 8 ändringar" in out and "Skickat" not in out
    assert list(share.iterdir()) == [], "a dry run writes nothing"

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
    assert (
        "1 fil i den delade mappen kunde inte användas" in err
        and "batch-000000000001 (1).jsonl" in err
    )


def test_sync_without_a_configured_share_exits_2(tmp_path: Path, capsys, monkeypatch):
    a = workstation(tmp_path, "a")
    seed(a)
    assert main(["--data-dir", str(a.store.path.parent), "sync", *signed_in_as(monkeypatch)]) == 2
    assert "Ingen delad mapp" in capsys.readouterr().err


def test_a_clock_far_from_the_others_is_named_on_every_workstation(
    tmp_path, share, capsys, monkeypatch
):
    """A workstation whose clock is a day ahead: its peers name it, and so does it."""
    a = workstation(tmp_path, "a")
    seed(a)
    a.sync(share)
    ahead = Workstation(
        "b", Store.open(tmp_path / "b" / "handledare.db", now=lambda: utc_now() + timedelta(days=1))
    )
    approve(share, a, ahead)
    people.add_unit(ahead.store, ahead.admin(), "Enhet från B")
    ahead.sync(share)
    report = a.sync(share)
    [(skewed, offset)] = report.status.skewed_clocks
    assert skewed.name == "b" and 86_000 < offset < 86_500 and offset == skewed.clock_offset
    assert abs(skewed.offset_here - 86_400) < 100
    assert [w.name for w, _offset in ahead.sync(share).status.skewed_clocks] == ["b"]
    folder_a = str(a.store.path.parent)
    args = ["--data-dir", folder_a, "sync", "--share", str(share), *signed_in_as(monkeypatch)]
    assert main(args) == 0
    assert "Klockan på b går 24 h före den delade mappens" in capsys.readouterr().out


def test_a_template_put_on_the_share_by_hand_is_not_imported(tmp_path: Path, share: Path):
    """Anyone with write access to the share could otherwise change every checklist."""
    a = workstation(tmp_path, "a")
    seed(a)
    planted = _version_3(tmp_path).read_text("utf-8").replace("Anställningsavtal", "Förfalskat")
    (share / "templates").mkdir()
    (share / "templates" / "hemtjanst-omsorg-v3.toml").write_text(planted, "utf-8")
    report = a.sync(share)
    assert report.problems == []
    assert templates.get_template(a.store, "hemtjanst-omsorg").version == 2
