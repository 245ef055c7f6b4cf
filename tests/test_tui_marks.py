"""A mark in the walkthrough shows from what it stored, and the screen still shows what the
store holds: the item's marker, the counts, its history, and what others stored meanwhile."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from handledare.domain.enums import Mark
from handledare.services import onboarding, people, pins
from handledare.store.eventlog import Store
from handledare.tui.app import HandledareApp
from test_tui import SIZE, _app, _seed
from test_tui_evidence import _walkthrough

from tui_helpers import settle, shows, widget_text


def _seeded_app(tmp_path: Path) -> HandledareApp:
    _seed(tmp_path / "data")
    return _app(tmp_path / "data")


def _line_of(app, number: str) -> str:
    """The line of the checklist that shows the item numbered `number`, as drawn."""
    items = app.screen.query_one("#items", OptionList)
    lines = [items.render_line(y).text for y in range(items.size.height)]
    return next(line for line in lines if f" {number} " in line)


async def test_a_mark_shows_on_its_line_in_the_counts_and_in_its_history(tmp_path: Path):
    app = _seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _walkthrough(pilot)
        screen = app.screen
        first = screen.current_item()
        number = screen.progress.numbers[first.key]
        assert _line_of(app, number).strip().startswith(f"· {number}")

        await pilot.press("g")
        await settle(pilot)
        assert _line_of(app, number).strip().startswith(f"◐ {number}")
        assert "0 signerade, 1 markerade" in widget_text(app, "#counts")
        assert "pågår" in widget_text(app, "#counts")
        store, actor = app.session
        stored = onboarding.progress(store, actor, screen.onboarding_id)
        assert stored.states[first.key].mark is Mark.WALKED_THROUGH
        assert screen.progress == stored

        await pilot.press("k")  # back to the item marked: its history has the mark
        await settle(pilot)
        assert screen.current_item().key == first.key
        assert "Anna Lindqvist: genomgånget" in widget_text(app, "#item-history")
        assert await shows(pilot, "Genomgånget · inte signerat än")


async def test_what_another_program_stored_meanwhile_shows_with_the_mark(tmp_path: Path):
    app = _seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _walkthrough(pilot)
        screen = app.screen
        keys = [item.key for item in screen.progress.template.items()]
        # The command line, say, marks the third item while the walkthrough is open.
        other = Store.open(tmp_path / "data" / "handledare.db")
        bo = pins.sign_in(other, people.find_user(other, "Bo Ek").id, "5931").actor
        onboarding.mark_item(other, bo, screen.onboarding_id, keys[2], Mark.PRACTISED)
        other.close()

        await pilot.press("g")
        await settle(pilot)
        numbers = screen.progress.numbers
        assert _line_of(app, numbers[keys[0]]).strip().startswith(f"◐ {numbers[keys[0]]}")
        assert _line_of(app, numbers[keys[2]]).strip().startswith(f"● {numbers[keys[2]]}")
        assert "2 markerade" in widget_text(app, "#counts")
        store, actor = app.session
        assert screen.progress == onboarding.progress(store, actor, screen.onboarding_id)
        # On to the next open item: past the third, which Bo Ek marked.
        assert screen.current_item().key == keys[1]
