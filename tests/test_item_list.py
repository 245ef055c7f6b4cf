"""The checklist's list redraws one item in place and shows exactly what OptionList's own
replacement (which measures and draws the whole list again) shows."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.geometry import Region
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from handledare.tui.widgets.item_list import ItemList

TITLES = [
    "Anställningsavtal, arbetstider och lön: var schemat finns och vem man ringer",
    "Nyckelhantering",
    "Larm och trygghetslarm i hemmet, med kvittens i appen och vad som händer sedan",
    "Handhygien",
    *(f"Moment {number}" for number in range(4, 40)),
]


def _prompt(marker: str, number: int, title: str) -> str:
    return f"{marker} {number} {title}"


class Twins(App):
    """The same options in the list under test and in a plain OptionList beside it."""

    CSS = "OptionList { width: 1fr; height: 12; }"

    def compose(self) -> ComposeResult:
        with Horizontal():
            for widget in (ItemList(id="in-place"), OptionList(id="plain")):
                widget.add_options(
                    Option(_prompt("·", n, title), id=f"i{n}") for n, title in enumerate(TITLES)
                )
                yield widget


def _lines(app: Twins, selector: str) -> list[str]:
    """The lines as the screen draws them: redrawn where the list said they changed."""
    widget = app.query_one(selector, OptionList)
    return [strip.text for strip in widget.render_lines(Region(0, 0, *widget.outer_size))]


async def _replace(pilot, option_id: str, prompt: str) -> None:
    app = pilot.app
    app.query_one("#in-place", ItemList).replace_prompt_in_place(option_id, prompt)
    app.query_one("#plain", OptionList).replace_option_prompt(option_id, prompt)
    await pilot.pause()


async def test_a_new_marker_shows_as_the_whole_list_redrawn_would_show_it():
    app = Twins()
    async with app.run_test(size=(70, 14)) as pilot:
        await pilot.pause()
        assert _lines(app, "#in-place") == _lines(app, "#plain")
        # The first title wraps: both its lines and the items after it stay in place.
        await _replace(pilot, "i0", _prompt("◐", 0, TITLES[0]))
        await _replace(pilot, "i2", _prompt("●", 2, TITLES[2]))
        shown = _lines(app, "#in-place")
        assert shown == _lines(app, "#plain")
        assert "◐ 0 Anställningsavtal" in shown[1] and "● 2 Larm" in "".join(shown)

        # Scrolled down, a marker on an item out of sight and one in sight.
        for selector in ("#in-place", "#plain"):
            app.query_one(selector, OptionList).highlighted = 30
        await pilot.pause()
        await _replace(pilot, "i1", _prompt("✓", 1, TITLES[1]))
        await _replace(pilot, "i30", _prompt("–", 30, TITLES[30]))
        assert _lines(app, "#in-place") == _lines(app, "#plain")
        assert any("– 30 Moment 30 " in line for line in _lines(app, "#in-place"))


async def test_a_prompt_that_needs_more_lines_moves_the_items_below_it():
    app = Twins()
    async with app.run_test(size=(70, 14)) as pilot:
        await pilot.pause()
        longer = _prompt("◐", 1, "Nyckelhantering, " + "och var nycklarna finns " * 4)
        await _replace(pilot, "i1", longer)
        shown = _lines(app, "#in-place")
        assert shown == _lines(app, "#plain")
        # Then one line again: back where it was.
        await _replace(pilot, "i1", _prompt("◐", 1, TITLES[1]))
        assert _lines(app, "#in-place") == _lines(app, "#plain")
        assert _lines(app, "#in-place") != shown
