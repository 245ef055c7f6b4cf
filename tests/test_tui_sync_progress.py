"""A computer joining a share that holds much: a bar says how far the first pull is, and
the users can sign in and work while it runs."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import ProgressBar

from handledare.config import load_settings
from handledare.services import people, workstations
from handledare.sync import engine
from handledare.tui import sync_status
from handledare.tui.app import HandledareApp
from handledare.tui.screens.first_run import FirstRunScreen
from handledare.tui.screens.gate import SignInScreen
from handledare.tui.widgets.sync_progress import SyncProgress
from sync_helpers import seed, workstation

from conftest import ADMIN_PIN, admin_of
from tui_helpers import eventually, on_screen, settle, type_into, visible_text, widget_text

SIZE = (120, 40)
UNITS = 12


async def test_the_first_pull_shows_its_progress_and_the_app_is_usable_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    share = tmp_path / "share"
    share.mkdir()
    office = workstation(tmp_path, "office")
    seed(office)
    office.sync(share)
    for number in range(UNITS):  # a batch file each
        people.add_unit(office.store, admin_of(office.store), f"Enhet {number}")
        office.sync(share)
    # Every batch a part of its own, every part shown; the third part waits for the test.
    monkeypatch.setattr(engine, "FIRST_PART_EVENTS", 1)
    monkeypatch.setattr(sync_status, "SHOW_PROGRESS_FROM", 2)
    monkeypatch.setattr(sync_status, "PROGRESS_EVERY_SECONDS", 0)
    release, parts = threading.Event(), []
    original = engine._ingest

    def held_ingest(store, chunk, report, kept):
        if store is office.store or not chunk:
            return original(store, chunk, report, kept)
        parts.append(len(chunk))
        if len(parts) == 3:
            release.wait(30)
        return original(store, chunk, report, kept)

    monkeypatch.setattr(engine, "_ingest", held_ingest)
    folders = share / "workstations"
    app = HandledareApp(replace(load_settings(tmp_path / "new"), share_path=share))
    async with app.run_test(size=SIZE) as pilot:
        assert await on_screen(pilot, FirstRunScreen)
        assert await eventually(pilot, lambda: len(list(folders.iterdir())) == 2), "its card"
        assert await eventually(pilot, lambda: not app.sync.running, timeout=30)
        # The round can end before the screen has composed its parts.
        assert await eventually(pilot, lambda: bool(app.screen.query(SyncProgress)))
        bar = app.screen.query_one(SyncProgress)
        assert not bar.has_class("pulling"), "no bar while nothing is pulled"
        assert not bar.query(ProgressBar), "made at the first pull shown, not before"
        [new] = [p.name for p in folders.iterdir() if p.name != office.store.workstation_id]
        office.sync(share)
        workstations.approve(office.store, office.admin(), new, ADMIN_PIN)
        office.sync(share)
        app.sync.request()

        # The users came with the first parts: the sign-in shows while the pull waits.
        assert await eventually(pilot, lambda: isinstance(app.screen, SignInScreen), timeout=30)
        assert await eventually(pilot, lambda: app.sync_progress is not None)
        assert await eventually(pilot, lambda: bool(app.screen.query(".pulling")))
        assert app.sync.running
        applied, total = app.sync_progress
        assert 0 < applied < total and total >= UNITS
        bar = app.screen.query_one(SyncProgress)
        assert f"Hämtar från den delade mappen: {applied} av {total} filer" in widget_text(
            app, "#pull-words"
        )
        progress_bar = bar.query_one(ProgressBar)
        assert (progress_bar.progress, progress_bar.total) == (applied, total)
        # As a person would, not waiting for the app to be idle (the pull keeps it busy).
        assert await eventually(pilot, lambda: bool(app.screen.query("#users")))
        await type_into(pilot, "#filter", "Anna")
        await pilot.press("enter")
        await type_into(pilot, "#pin", "4827")
        await pilot.press("enter")
        assert await eventually(pilot, lambda: app.screen.__class__.__name__ == "HomeScreen")
        assert await eventually(pilot, lambda: "Amina Hassan" in visible_text(app))
        assert app.sync.running, "signed in while the first pull still runs"
        assert app.screen.query_one(SyncProgress).has_class("pulling")

        release.set()
        assert await eventually(pilot, lambda: not app.sync.running, timeout=30)
        await settle(pilot)
        assert app.sync_progress is None
        assert not app.screen.query_one(SyncProgress).has_class("pulling")
    names = {unit.name for unit in people.list_units(app.store)}
    assert {f"Enhet {number}" for number in range(UNITS)} <= names
