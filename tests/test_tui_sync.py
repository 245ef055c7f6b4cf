"""The app syncs in the background and says how it went, offline included."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from handledare.config import load_settings
from handledare.services import people, workstations
from handledare.tui.app import HandledareApp
from handledare.tui.screens.dialogs import MessageDialog
from handledare.tui.screens.first_run import FirstRunScreen
from handledare.tui.screens.gate import SignInScreen
from sync_helpers import seed, workstation

from conftest import ADMIN_PIN, admin_of
from tui_helpers import eventually, on_screen, settle, sign_in, to_list, type_into, widget_text

SIZE = (120, 40)


def _prepared(tmp_path: Path) -> Path:
    station = workstation(tmp_path, "data")
    seed(station)
    station.store.close()
    return tmp_path / "data"


async def test_sync_on_start_after_sign_off_and_on_f5(tmp_path: Path):
    data_dir, share = _prepared(tmp_path), tmp_path / "share"
    share.mkdir()
    app = HandledareApp(replace(load_settings(data_dir), share_path=share))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        assert await eventually(pilot, lambda: "Synkat" in widget_text(app, "StatusLine"))

        def batches() -> list[str]:
            return sorted(path.name for path in share.rglob("batch-*.jsonl"))

        assert batches() == ["batch-000000000001.jsonl"]

        await to_list(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("g", "s")
        await settle(pilot)
        await type_into(pilot, "#acknowledgement", "Amina Hassan")
        await type_into(pilot, "#pin", "4827")
        await pilot.press("enter")
        assert await eventually(pilot, lambda: len(batches()) == 2)

        (share / "format.json").rename(tmp_path / "format.json")
        (share / "workstations").rename(tmp_path / "workstations")
        share.rmdir()
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("escape", "f5")
        assert await eventually(pilot, lambda: "arbetar offline" in widget_text(app, "StatusLine"))


async def test_unreachable_share_is_a_quiet_status_not_an_error(tmp_path: Path):
    data_dir = _prepared(tmp_path)
    app = HandledareApp(replace(load_settings(data_dir), share_path=tmp_path / "missing"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        assert await eventually(
            pilot, lambda: "Delade mappen nås inte" in widget_text(app, "StatusLine")
        )
        text = widget_text(app, "StatusLine")
        assert "ändringar väntar" in text
        assert app.screen.__class__.__name__ == "HomeScreen"


async def test_a_copied_data_folder_stops_sync_and_says_why(tmp_path: Path):
    """Two computers with one workstation id: the copy's round stops, says why, sends nothing."""
    share = tmp_path / "share"
    share.mkdir()
    original = workstation(tmp_path, "data")
    seed(original)
    original.sync(share)
    original.store.close()
    shutil.copytree(tmp_path / "data", tmp_path / "copy")
    original = workstation(tmp_path, "data")
    people.add_unit(original.store, admin_of(original.store), "Från originalet")
    original.sync(share)
    original.store.close()
    copy = workstation(tmp_path, "copy")
    people.add_unit(copy.store, admin_of(copy.store), "Från kopian")
    copy.store.close()
    published = sorted(path.name for path in share.rglob("batch-*.jsonl"))

    app = HandledareApp(replace(load_settings(tmp_path / "copy"), share_path=share))
    async with app.run_test(size=SIZE) as pilot:
        assert await on_screen(pilot, MessageDialog)
        await settle(pilot)  # the dialog is on screen before its message is mounted
        assert "en kopia av dess datamapp körs på en annan dator" in widget_text(app, "#message")
        await pilot.press("enter")
        await sign_in(pilot, "Anna", "4827")
        assert "Synken är stoppad" in widget_text(app, "StatusLine")
        await pilot.press("f5")
        await settle(pilot)
        assert "Synken är stoppad" in widget_text(app, "StatusLine")
    assert sorted(path.name for path in share.rglob("batch-*.jsonl")) == published


async def test_a_new_computer_on_a_share_says_so_on_first_run(tmp_path: Path):
    share = tmp_path / "share"
    share.mkdir()
    app = HandledareApp(replace(load_settings(tmp_path / "new"), share_path=share))
    async with app.run_test(size=SIZE) as pilot:
        assert await on_screen(pilot, FirstRunScreen)
        await settle(pilot)
        assert "godkänna den här datorn" in widget_text(app, "#joining")


async def test_a_new_computer_on_a_share_signs_in_once_its_users_arrive(tmp_path: Path):
    """Once an administrator has approved it: before that it reads nothing of the share."""
    share = tmp_path / "share"
    share.mkdir()
    existing = workstation(tmp_path, "office")
    seed(existing)
    existing.sync(share)
    folders = share / "workstations"
    app = HandledareApp(replace(load_settings(tmp_path / "new"), share_path=share))
    async with app.run_test(size=SIZE) as pilot:
        assert await on_screen(pilot, FirstRunScreen)
        assert await eventually(pilot, lambda: len(list(folders.iterdir())) == 2), "its card"
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen), "no users arrive before the approval"
        [new] = [p.name for p in folders.iterdir() if p.name != existing.store.workstation_id]
        existing.sync(share)
        workstations.approve(existing.store, existing.admin(), new, ADMIN_PIN)
        existing.sync(share)
        assert await eventually(pilot, lambda: not app.sync.running, timeout=30)
        app.sync.request()  # its next timed round (F5 needs someone signed in)
        assert await eventually(pilot, lambda: isinstance(app.screen, SignInScreen), timeout=30)
        assert await eventually(pilot, lambda: bool(app.screen.query("#filter")))  # mounted
        await sign_in(pilot, "Anna", "4827")
        assert await eventually(pilot, lambda: app.screen.__class__.__name__ == "HomeScreen")
    assert [u.name for u in people.list_users(app.store)] == ["Anna Lindqvist", "Ingrid Admin"]
