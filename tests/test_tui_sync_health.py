"""The sync status screen, the approval dialog and the status line, driven as people would."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from handledare.config import load_settings
from handledare.domain.clock import utc_now
from handledare.domain.enums import Role
from handledare.services import people, workstations
from handledare.store.eventlog import Store
from handledare.tui.app import HandledareApp
from handledare.tui.screens.sync_health import SyncHealthScreen
from handledare.tui.screens.workstation_decision import WorkstationDecision
from sync_helpers import Workstation, approve, seed, workstation

from conftest import ADMIN_PIN, MANAGER_PIN, SUPERVISOR_PIN, admin_of
from tui_helpers import (
    eventually,
    on_screen,
    settle,
    shows,
    sign_in,
    type_into,
    visible_text,
    widget_text,
)

SIZES = [(80, 24), (120, 40)]


def _world(tmp_path: Path) -> tuple[Path, Path, Workstation]:
    """A (set up the share, an admin, a manager) and B, whose folder waits for approval."""
    share = tmp_path / "share"
    share.mkdir()
    a, b = workstation(tmp_path, "data"), workstation(tmp_path, "b")
    seed(a)
    unit = people.list_units(a.store)[0]
    people.add_user(a.store, admin_of(a.store), "Karin Berg", Role.MANAGER, MANAGER_PIN, [unit.id])
    a.sync(share)
    b.sync(share)
    a.store.close()
    return tmp_path / "data", share, b


def _app(data_dir: Path, share: Path) -> HandledareApp:
    settings = replace(load_settings(data_dir), share_path=share, workstation_name="Kontoret")
    return HandledareApp(settings)


@pytest.mark.parametrize("size", SIZES)
async def test_an_admin_approves_a_waiting_workstation_with_their_pin(tmp_path, size):
    data_dir, share, b = _world(tmp_path)
    app = _app(data_dir, share)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Ingrid", ADMIN_PIN)
        assert await eventually(
            pilot, lambda: "väntar på godkännande" in widget_text(app, "StatusLine")
        )
        await pilot.press("f6")
        assert await on_screen(pilot, SyncHealthScreen)
        assert await shows(pilot, "väntar på godkännande")
        await pilot.press("down", "g")
        assert await on_screen(pilot, WorkstationDecision)
        assert await shows(pilot, "Godkänn arbetsstationen b")
        await type_into(pilot, "#pin", "1234")
        await pilot.press("enter")
        assert await shows(pilot, "Fel PIN-kod. Inget ändrades.")
        assert isinstance(app.screen, WorkstationDecision), "the dialog stays for another try"
        await type_into(pilot, "#pin", ADMIN_PIN)
        await pilot.press("enter")
        assert await on_screen(pilot, SyncHealthScreen)
        assert await shows(pilot, "godkänd")
    store = Store.open(data_dir / "handledare.db")
    assert workstations.find(store, b.store.workstation_id).state.value == "approved"


async def test_a_manager_sees_the_status_but_decides_nothing(tmp_path):
    data_dir, share, _b = _world(tmp_path)
    app = _app(data_dir, share)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Karin", MANAGER_PIN)
        await pilot.press("f6")
        assert await on_screen(pilot, SyncHealthScreen)
        assert await shows(pilot, "väntar på godkännande")
        await pilot.press("down", "g")
        await settle(pilot)
        assert isinstance(app.screen, SyncHealthScreen)
        assert "Godkänn" not in visible_text(app), "no approve key is offered"
        assert not app.screen.check_action("decide", ("approve",))


async def test_a_supervisor_has_no_sync_status_screen(tmp_path):
    data_dir, share, _b = _world(tmp_path)
    app = _app(data_dir, share)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", SUPERVISOR_PIN)
        await pilot.press("f6")
        await settle(pilot)
        assert not isinstance(app.screen, SyncHealthScreen)


async def test_a_skewed_clock_and_problem_files_are_named_in_every_status_line(tmp_path):
    data_dir, share, _b = _world(tmp_path)
    a = Workstation("data", Store.open(data_dir / "handledare.db"))
    ahead = Workstation(
        "Dagrummet",
        Store.open(tmp_path / "c" / "handledare.db", now=lambda: utc_now() + timedelta(hours=2)),
    )
    approve(share, a, ahead)
    people.add_unit(ahead.store, ahead.admin(), "Enhet från C")
    ahead.sync(share)
    (share / "workstations" / ahead.store.workstation_id / "kopia (1).jsonl").write_text("x")
    a.store.close()
    app = _app(data_dir, share)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", SUPERVISOR_PIN)
        assert await eventually(
            pilot, lambda: "klockan på Dagrummet går 2 h före" in widget_text(app, "StatusLine")
        )
        assert "1 fil i den delade mappen har problem" in widget_text(app, "StatusLine")
