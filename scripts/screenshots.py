"""The README's screenshots: the demo's walkthrough and overview at 120x40, as SVG.

    python scripts/screenshots.py [OUT_DIR]     # default docs/screenshots

Builds the demo in a temporary folder (a minute or so), signs in as the demo's
supervisor and manager the way a person would, and saves each screen with Textual's
`save_screenshot`.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from handledare.config import load_settings
from handledare.domain.enums import Role
from handledare.services import demo
from handledare.store.eventlog import Store
from handledare.tui.app import HandledareApp

SIZE = (120, 40)


async def _quiet(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.3)


async def _sign_in(pilot, name: str, pin: str) -> None:
    await pilot.press(*name, "enter")
    await _quiet(pilot)
    await pilot.press(*pin, "enter")
    await _quiet(pilot)


async def _shoot(data_dir: Path, out: Path, name: str, pin: str, keys: list[str]) -> None:
    settings = replace(load_settings(data_dir), share_path=None)
    app = HandledareApp(settings, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await _quiet(pilot)
        await _sign_in(pilot, name, pin)
        for key in keys:
            await pilot.press(key)
            await _quiet(pilot)
        app.save_screenshot(filename=out.name, path=str(out.parent))


def main() -> None:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        store = Store.open(data_dir / "handledare.db")
        demo.fill_demo(store)
        store.close()
        logins = demo.demo_logins()
        anna = next(login for login in logins if login.role is Role.SUPERVISOR)
        karin = next(login for login in logins if login.role is Role.MANAGER)
        # Into the home list, the first substitute (part way through), the next open item.
        walk = ["down", "enter", "n"]
        asyncio.run(_shoot(data_dir, out_dir / "walkthrough.svg", anna.name, anna.pin, walk))
        asyncio.run(_shoot(data_dir, out_dir / "overview.svg", karin.name, karin.pin, []))
    print(f"Wrote walkthrough.svg and overview.svg to {out_dir}")


if __name__ == "__main__":
    main()
