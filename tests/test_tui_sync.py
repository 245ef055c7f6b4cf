"""The app syncs in the background and says how it went, offline included."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from handledare.config import load_settings
from handledare.tui.app import HandledareApp
from sync_helpers import seed, workstation

from tui_helpers import eventually, settle, sign_in, type_into, widget_text

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
