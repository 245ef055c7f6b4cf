"""Keys: every key of a screen in F1 help and in the palette, once each with its own label;
a footer that shows what matters and Ctrl+Q whole; a filter field that filters what is typed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.actions import parse
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from handledare.config import load_settings
from handledare.tui.app import HandledareApp
from handledare.tui.screens.dialogs import HelpDialog
from handledare.tui.screens.forms import PersonForm
from handledare.tui.screens.home import HomeScreen
from handledare.tui.screens.person_review import PersonReviewScreen
from handledare.tui.screens.walkthrough import WalkthroughScreen
from test_snapshots import WHEN

from tui_helpers import on_screen, settle, shows, sign_in, to_list, type_into, visible_text


@pytest.fixture
def app(review_data: Path) -> HandledareApp:
    return HandledareApp(load_settings(review_data), clock=lambda: WHEN + timedelta(days=2))


def _expected_actions(app: HandledareApp) -> set[str]:
    """Straight from the bindings: every described action that may be used here now."""
    screen, found = app.screen, set()
    for node in (screen, app):
        for _key, binding in node._bindings:
            namespace, name, parameters = parse(binding.action)
            target = app if namespace == "app" else node
            described = binding.description and name != "command_palette"
            if described and target.check_action(name, parameters) is True:
                found.add(binding.action.removeprefix("app."))
    return found


async def _help_rows(pilot) -> list[tuple[str, str]]:
    app = pilot.app
    await pilot.press("f1")
    assert await on_screen(pilot, HelpDialog)
    table = app.screen.query_one("#keys", DataTable)
    cells = [list(map(str, table.get_row_at(i))) for i in range(table.row_count)]
    rows = [(row[i], row[i + 1]) for row in cells for i in range(0, len(row), 2) if row[i]]
    await pilot.press("escape")
    await settle(pilot)
    return rows


async def _check_keys_listed_once(pilot, must_have: dict[str, str]) -> None:
    app = pilot.app
    screen = app.screen
    expected = _expected_actions(app)
    palette = [command.title for command in app.get_system_commands(screen)]
    rows = await _help_rows(pilot)
    labels = [label for _keys, label in rows]
    assert len(rows) == len(expected), "\n".join([*labels, "--", *sorted(expected)])
    assert len(set(labels)) == len(labels), f"a label is used twice: {labels}"
    assert sorted(palette) == sorted(labels)
    for key, label in must_have.items():
        assert any(key in keys.split(" / ") and text == label for keys, text in rows), (key, rows)


async def test_walkthrough_lists_every_key_once_in_help_and_palette(app: HandledareApp):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        await type_into(pilot, "#filter", "Amina")
        await pilot.press("enter", "enter")
        assert await on_screen(pilot, WalkthroughScreen)
        await settle(pilot)
        await _check_keys_listed_once(
            pilot,
            {
                "g": "Genomgånget",
                "p": "Visat och övat",
                "j": "Ned",
                "k": "Upp",
                "f1": "Hjälp",
                "?": "Hjälp",
                "^q": "Avsluta",
            },
        )


async def test_review_lists_its_tab_keys_and_home_its_list_keys(app: HandledareApp):
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Karin", "735184")
        await _check_keys_listed_once(pilot, {"s": "Sortera", "/": "Sök", "x": "Går ut snart"})
        await type_into(pilot, "#filter", "Amina")
        await pilot.press("enter", "enter")
        assert await on_screen(pilot, PersonReviewScreen)
        await settle(pilot)
        await _check_keys_listed_once(
            pilot,
            {"i": "Moment", "h": "Historik", "c": "Konflikter", "g": "Godkänn för eget arbete"},
        )


async def test_help_fits_at_80x24_without_scrolling(app: HandledareApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        await type_into(pilot, "#filter", "Amina")
        await pilot.press("enter", "enter")
        assert await on_screen(pilot, WalkthroughScreen)
        await settle(pilot)
        await pilot.press("f1")
        assert await on_screen(pilot, HelpDialog)
        await settle(pilot)
        table = app.screen.query_one("#keys", DataTable)
        assert table.max_scroll_y == 0 and table.max_scroll_x == 0
        text = visible_text(app)
        for label in ("Visat och övat", "Upp", "Ned", "Avsluta", "Esc stänger listan."):
            assert label in text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_footer_keys_are_whole_and_quit_is_always_there(app: HandledareApp, size):
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        for step in ("home", "list", "walkthrough"):
            if step == "list":
                await to_list(pilot)
            if step == "walkthrough":
                await type_into(pilot, "#filter", "Amina")
                await pilot.press("enter", "enter")
                assert await on_screen(pilot, WalkthroughScreen)
            await settle(pilot)
            footer_line = visible_text(app).rstrip().split("\n")[-1]
            keys = list(app.screen.query(FooterKey))
            assert keys, step
            for key in keys:
                assert key.description in footer_line, (step, key.description, footer_line)
            assert "^q Avsluta" in footer_line and "f1 Hjälp" in footer_line, footer_line
            assert sum(key.region.width for key in keys) <= size[0]


async def test_typing_on_the_home_screen_filters_and_never_runs_a_command(app: HandledareApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        assert await on_screen(pilot, HomeScreen)
        for char in "Amina":
            await pilot.press(char)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), "a letter opened another screen"
        table = app.screen.query_one("#people", DataTable)
        assert table.row_count == 1 and "Amina Hassan" in str(table.get_row_at(0)[0])
        footer = visible_text(app).rstrip().split("\n")[-1]
        assert "Lägg till vikarie" not in footer, "a letter key is shown while it types"

        await to_list(pilot)
        assert await shows(pilot, "a Lägg till vikarie")
        await pilot.press("a")
        assert await on_screen(pilot, PersonForm)


async def test_the_footer_mounts_its_keys_again_only_when_they_change(app: HandledareApp):
    """Every change of focus or of what a key may do asks the footer to recompose; when the
    keys it would show are the ones it shows, they stay as they are (mounting them anew
    costs some 25 ms each time), and when they differ, the new ones are shown."""
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        assert await on_screen(pilot, HomeScreen)
        await settle(pilot)
        typing = list(app.screen.query(FooterKey))
        app.screen.refresh_bindings()
        await settle(pilot)
        assert list(app.screen.query(FooterKey)) == typing
        assert all(key.has_class("-compact") for key in typing)

        await to_list(pilot)
        await settle(pilot)
        in_list = list(app.screen.query(FooterKey))
        assert not set(in_list) & set(typing)
        assert "Lägg till vikarie" in [key.description for key in in_list]
