"""A mark in the walkthrough shows from what it stored, and the screen still shows what the
store holds: the item's marker, the counts, its history, and what others stored meanwhile."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from textual.widgets import OptionList, Static

from handledare.domain.enums import Mark
from handledare.services import onboarding, people, pins
from handledare.store.eventlog import Store
from handledare.tui.app import HandledareApp
from handledare.tui.widgets.item_list import ItemList
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
        assert widget_text(app, "#bar").endswith("   0 %")

        await pilot.press("g")
        await settle(pilot)
        assert _line_of(app, number).strip().startswith(f"◐ {number}")
        assert "0 signerade, 1 markerade" in widget_text(app, "#counts")
        percent = round(100 / screen.progress.total)  # one item of them all marked
        assert widget_text(app, "#bar").endswith(f" {percent:>3} %")
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


async def test_the_items_detail_keeps_each_part_at_its_own_height_item_after_item(
    tmp_path: Path,
):
    """A part of the detail whose height stays is drawn again without a layout of the whole
    screen; one whose height changes is laid out. Walked item after item at 80x24, where
    titles and guidance wrap to different heights, every shown part is as tall as its text
    and stands below the one before it."""
    parts = ("title", "facts", "flags", "waiting", "state", "proof", "link", "guidance")
    app = _seeded_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _walkthrough(pilot)
        heights = set()
        for _ in range(12):
            shown = [
                widget
                for part in (*parts, "history")
                if (widget := app.screen.query_one(f"#item-{part}", Static)).display
            ]
            for widget in shown:
                size = widget.content_size
                assert size.height == widget.get_content_height(size, app.size, size.width)
                heights.add((widget.id, size.height))
            for above, below in pairwise(shown):
                assert below.region.y >= above.region.bottom, (above.id, below.id)
            await pilot.press("j")
            await settle(pilot)
        # The walk met parts of more than one height: the test saw heights change.
        assert len({height for part, height in heights if part == "item-guidance"}) > 1


async def test_an_item_whose_detail_has_another_height_lays_the_screen_out_once(
    tmp_path: Path,
):
    """A part of the detail that grows or shrinks is laid out, once: Textual would lay the
    whole screen out a second time for each part's new size, and place nothing anew. At
    120x40 the detail fits its pane (its scrollbar, coming and going, is laid out too)."""
    app = _seeded_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await _walkthrough(pilot)
        screen = app.screen
        layouts = []
        lay_out = screen._refresh_layout

        def counted(*args, **kwargs):
            layouts.append(1)
            return lay_out(*args, **kwargs)

        screen._refresh_layout = counted
        resized = 0
        for _ in range(12):
            before = [w.size for w in screen.query("#detail PlacedStatic")]
            layouts.clear()
            await pilot.press("j")
            await settle(pilot)
            if [w.size for w in screen.query("#detail PlacedStatic")] != before:
                resized += 1
                assert not screen.query_one("#detail").show_vertical_scrollbar
                assert len(layouts) == 1
        assert resized > 1  # the walk met details of other heights


async def test_moving_through_the_checklist_leaves_only_the_current_item_highlighted(
    tmp_path: Path,
):
    """Another item highlighted draws again only its own lines and those of the item it
    leaves: what is on screen is what the list shows drawn anew, whole."""
    app = _seeded_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _walkthrough(pilot)
        items = app.screen.query_one("#items", ItemList)
        for key in ("j", "j", "down", "k", "up", "end", "home", "g"):
            await pilot.press(key)
            await settle(pilot)
            drawn = app.export_screenshot()
            items.refresh()
            await pilot.pause()
            assert app.export_screenshot() == drawn, key
