"""The demo: a believable municipality, made once, kept apart from real data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from handledare.cli import main
from handledare.config import demo_data_dir
from handledare.store.eventlog import Store

from conftest import first_admin


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_demo_fills_once_and_reset_starts_over(tmp_path: Path, capsys):
    demo_dir = tmp_path / "demo"
    db = demo_dir / "handledare.db"
    assert main(["--data-dir", str(demo_dir), "demo", "--no-tui"]) == 0
    out = capsys.readouterr().out
    assert "Karin Berg" in out and "735184" in out
    people, events = _count(db, "people"), _count(db, "events")
    assert 20 <= people <= 40
    with sqlite3.connect(db) as connection:
        statuses = {row[0] for row in connection.execute("SELECT status FROM onboardings")}
    assert statuses == {"not_started", "in_progress", "waiting_for_approval", "approved"}

    assert main(["--data-dir", str(demo_dir), "demo", "--no-tui"]) == 0
    assert "finns redan" in capsys.readouterr().out
    assert (_count(db, "people"), _count(db, "events")) == (people, events)

    assert main(["--data-dir", str(demo_dir), "demo", "--no-tui", "--reset"]) == 0
    assert _count(db, "people") == people


def test_demo_never_touches_a_real_data_folder(tmp_path: Path, capsys):
    real = tmp_path / "real"
    first_admin(Store.open(real / "handledare.db"))
    assert main(["--data-dir", str(real), "demo", "--no-tui", "--reset"]) == 1
    assert "raderar den inte" in capsys.readouterr().err
    assert main(["--data-dir", str(real), "demo", "--no-tui"]) == 1
    assert _count(real / "handledare.db", "users") == 1


def test_demo_help_says_where_the_demo_folder_is(capsys):
    assert main(["demo", "--help"]) == 0
    out = capsys.readouterr().out
    assert str(demo_data_dir()) in " ".join(out.split())


def test_demo_lists_its_users_with_unit_language_and_pin_every_time(tmp_path: Path, capsys):
    demo_dir = tmp_path / "demo"
    assert main(["--data-dir", str(demo_dir), "demo", "--no-tui"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(demo_dir), "demo", "--no-tui"]) == 0
    lines = capsys.readouterr().out.splitlines()
    sara = next(line for line in lines if line.startswith("Sara Nilsson"))
    assert sara.split() == [
        "Sara",
        "Nilsson",
        "kompetenshandledare",
        "Solgårdens",
        "vård-",
        "och",
        "omsorgsboende",
        "engelska",
        "7346",
    ]


def test_demo_never_sends_to_the_configured_share(tmp_path: Path, monkeypatch, capsys):
    share = tmp_path / "share"
    share.mkdir()
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "config.toml").write_text(f'share_path = "{share.as_posix()}"\n', "utf-8")
    monkeypatch.setenv("HANDLEDARE_CONFIG_DIR", str(config))
    assert main(["--data-dir", str(tmp_path / "demo"), "demo", "--no-tui"]) == 0
    assert list(share.iterdir()) == []


async def test_the_app_builds_the_demo_behind_a_progress_bar_then_lists_the_users(
    tmp_path: Path,
):
    from dataclasses import replace

    from textual.widgets import ProgressBar

    from handledare.config import load_settings
    from handledare.tui.app import HandledareApp
    from handledare.tui.screens.demo_build import DemoBuildScreen
    from handledare.tui.screens.gate import SignInScreen
    from handledare.tui.screens.overview import OverviewScreen

    from tui_helpers import eventually, on_screen, settle, sign_in, visible_text, widget_text

    demo_dir = tmp_path / "demo"
    settings = replace(load_settings(demo_dir), share_path=None)
    app = HandledareApp(settings, demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await on_screen(pilot, DemoBuildScreen)
        await pilot.pause()
        assert str(demo_dir) in widget_text(app, "#demo-folder")
        bar = app.screen.query_one(ProgressBar)
        assert await eventually(pilot, lambda: (bar.progress or 0) > 0, timeout=60)
        assert await on_screen(pilot, SignInScreen, timeout=240)
        await settle(pilot)
        text = visible_text(app)
        for line in (
            "Karin Berg      enhetschef           3 enheter",
            "Sara Nilsson    kompetenshandledare  Solgårdens vård…  en",
            "Anna Lindqvist  kompetenshandledare  Hemtjänst Norr",
        ):
            assert line in text, text
        assert "735184" in text and "7346" in text and "4827" in text
        await sign_in(pilot, "Karin", "735184")
        assert await on_screen(pilot, OverviewScreen)
