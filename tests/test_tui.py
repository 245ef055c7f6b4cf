"""The app opens on a real data folder and shows what the store holds."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from handledare.cli import main
from handledare.config import load_settings
from handledare.tui.app import HandledareApp


async def test_app_starts_and_shows_the_store_summary(tmp_path: Path):
    data_dir = tmp_path / "data"
    assert main(["--data-dir", str(data_dir), "unit", "add", "Norr"]) == 0
    app = HandledareApp(load_settings(data_dir))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = str(app.query_one("#summary", Static).render())
        assert "1 enheter" in summary
        await pilot.press("q")
    assert app.return_code == 0
