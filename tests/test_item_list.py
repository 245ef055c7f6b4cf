"""The checklist's list redraws one item in place and shows exactly what OptionList's own
replacement (which measures and draws the whole list again) shows."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.geometry import Region
from textual.widgets import OptionList, Static
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


class ListAndNote(App):
    """The list beside a note whose height changes, as the walkthrough's item detail does."""

    CSS = "ItemList { width: 1fr; height: 12; } #note { width: 20; }"

    def compose(self) -> ComposeResult:
        with Horizontal():
            items = ItemList(id="in-place")
            items.add_options(
                Option(_prompt("·", n, title), id=f"i{n}") for n, title in enumerate(TITLES)
            )
            yield items
            yield Static("En rad", id="note")


def _top(app: App) -> int:
    return round(app.query_one(ItemList).scroll_offset.y)


async def test_a_jump_out_of_sight_puts_the_item_in_the_middle_and_one_in_sight_moves_nothing():
    """Marking item after item walks down the list: each jump that leaves the window
    scrolls the item to the middle, so the next marks move nothing; the arrow keys still
    scroll only as far as the highlight."""
    app = ListAndNote()
    async with app.run_test(size=(70, 14)) as pilot:
        items = app.query_one(ItemList)
        items.jump_to(0)
        await pilot.pause()
        assert _top(app) == 0
        items.jump_to(5)
        await pilot.pause()
        assert _top(app) == 0, "in sight: the list stays where it is"
        items.jump_to(20)
        await pilot.pause()
        shown = _lines(app, "#in-place")
        middle = next(row for row, line in enumerate(shown) if "20 Moment 20" in line)
        assert abs(middle - len(shown) // 2) <= 1, shown
        top = _top(app)
        items.jump_to(21)
        await pilot.pause()
        assert _top(app) == top and items.highlighted == 21

        items.focus()
        bottom = top + items.scrollable_content_region.height - 1
        items.jump_to(next(i for i in range(21, 40) if i + 3 >= bottom))
        await pilot.pause()
        before = _top(app)
        await pilot.press("down")
        assert _top(app) in (before, before + 1), "an arrow key scrolls a line at most"


async def test_a_layout_that_leaves_the_list_as_it_was_does_not_draw_its_scrollbar_again(
    monkeypatch,
):
    """The detail beside the list grows and shrinks after marks; each time the screen is
    laid out, but the list keeps its size and lines: nothing of it is updated."""
    app = ListAndNote()
    async with app.run_test(size=(70, 14)) as pilot:
        items = app.query_one(ItemList)
        await pilot.pause()
        updates: list[object] = []
        real = items._scroll_update
        monkeypatch.setattr(
            items, "_scroll_update", lambda size: updates.append(size) or real(size)
        )
        note = app.query_one("#note", Static)
        for text in ("Två\nrader", "En rad", "Tre\nrader\nnu"):
            note.update(text)
            await pilot.pause()
            assert note.size.height == text.count("\n") + 1
        assert updates == []
        await pilot.resize_terminal(60, 14)
        await pilot.pause()
        assert updates, "a list that changes size is updated"
