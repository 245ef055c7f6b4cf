"""Every other screen and dialog, at 80x24 and 120x40, on fixed data and a fixed clock.

test_snapshots.py holds the sign-in, home, walkthrough and sign-off; test_tui_review.py
the overview. Left out, and checked on screen instead: the demo's build screen, whose
progress bar moves while it is taken (test_demo.py), and the sync status screen with a
share and the dialog that approves a workstation, which show keys, times and clock
offsets that differ every run (test_tui_sync_health.py drives them at both sizes).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from handledare.config import load_settings
from handledare.tui.app import HandledareApp
from test_snapshots import WHEN
from test_tui_evidence import go_to_item

from conftest import ADMIN_PIN
from tui_helpers import settle, sign_in, to_list, type_into, visible_text

SIZES = [(80, 24), (120, 40)]


async def _anna(pilot) -> None:
    await settle(pilot)
    await sign_in(pilot, "Anna", "4827")


async def _karin(pilot) -> None:
    await settle(pilot)
    await sign_in(pilot, "Karin", "735184")


async def _open(pilot, name: str) -> None:
    await type_into(pilot, "#filter", name)
    await pilot.press("enter", "enter")
    await settle(pilot)


async def _press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def lock(pilot) -> None:
    await _anna(pilot)
    await _press(pilot, "ctrl+l")


async def help_keys(pilot) -> None:
    await _anna(pilot)
    await _open(pilot, "Amina")
    await _press(pilot, "f1")


async def person_form(pilot) -> None:
    await _anna(pilot)
    await to_list(pilot)
    await _press(pilot, "a")


async def start_checklist(pilot) -> None:
    await _anna(pilot)
    await type_into(pilot, "#filter", "Stina")
    await to_list(pilot)
    await _press(pilot, "o")


async def note_prompt(pilot) -> None:
    await _anna(pilot)
    await _open(pilot, "Amina")
    await _press(pilot, "a")


async def pin_prompt(pilot) -> None:
    """Revoking a sign-off: the reason, then the PIN."""
    await _anna(pilot)
    await _open(pilot, "Amina")
    await _press(pilot, "r")
    await type_into(pilot, "#text", "Fel avtal")
    await _press(pilot, "enter")


async def overview_chart_key(pilot) -> None:
    await _karin(pilot)
    await to_list(pilot)
    await _press(pilot, "d")


async def expiring(pilot) -> None:
    await _karin(pilot)
    await to_list(pilot)
    await _press(pilot, "x")


async def review(pilot) -> None:
    await _karin(pilot)
    await _open(pilot, "Amina")


async def approve(pilot) -> None:
    await review(pilot)
    await _press(pilot, "g")


async def plan(pilot) -> None:
    """The substitute's own plan, from the walkthrough."""
    await _anna(pilot)
    await _open(pilot, "Amina")
    await _press(pilot, "m")


async def proof_form(pilot) -> None:
    """A web course's certificate asked for when it is marked."""
    await _anna(pilot)
    await _open(pilot, "Amina")
    await go_to_item(pilot, "webb-hygien")
    await _press(pilot, "g")


async def sync_health(pilot) -> None:
    """F6 on a workstation that has no share yet."""
    await _karin(pilot)
    await _press(pilot, "f6")


async def user_form(pilot) -> None:
    await settle(pilot)
    await sign_in(pilot, "Ingrid", ADMIN_PIN)
    await to_list(pilot)
    await _press(pilot, "u")


SCREENS = {
    "lock": lock,
    "help": help_keys,
    "person-form": person_form,
    "start-checklist": start_checklist,
    "note": note_prompt,
    "pin-prompt": pin_prompt,
    "overview-chart-key": overview_chart_key,
    "expiring": expiring,
    "review": review,
    "approve": approve,
    "user-form": user_form,
    "plan": plan,
    "proof-form": proof_form,
    "sync-health": sync_health,
}


@pytest.fixture
def data_dir(review_data: Path) -> Path:
    return review_data


def _app(data_dir: Path, *, demo: bool = False) -> HandledareApp:
    settings = replace(load_settings(data_dir), share_path=None)
    return HandledareApp(settings, clock=lambda: WHEN + timedelta(days=2), demo=demo)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(snap_compare, data_dir: Path, size, name: str):
    assert snap_compare(_app(data_dir), terminal_size=size, run_before=SCREENS[name])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_demo_sign_in(snap_compare, data_dir: Path, monkeypatch, size):
    """The demo's sign-in names its folder and lists its users with role, unit, language
    and PIN. The folder is given relative, so that the picture does not hold tmp_path."""
    monkeypatch.chdir(data_dir.parent)
    app = _app(Path(data_dir.name), demo=True)
    assert snap_compare(app, terminal_size=size, run_before=settle)


async def test_demo_lines_fit_the_list_again_when_only_its_box_changes_width(data_dir: Path):
    """The list may get its width after its lines were made, with no resize of the
    terminal: its lines are made again to the width it has."""
    app = _app(data_dir, demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Hemtjänst Norr" in visible_text(app)
        app.screen.query_one("#sign-in-box").styles.width = 70
        await settle(pilot)
        text = visible_text(app)
        assert "Anna Lindqvist  kompetenshandledare  Hemtjän…  sv     4827" in text, text


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_run(snap_compare, tmp_path: Path, size):
    assert snap_compare(_app(tmp_path / "empty"), terminal_size=size, run_before=settle)
