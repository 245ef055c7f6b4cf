"""The start: the names are read while Textual starts, so the gate opens on the sign-in itself;
the styles of the screens behind it load once it is drawn."""

from __future__ import annotations

from pathlib import Path

from textual.css.scalar import Scalar
from textual.geometry import Spacing
from textual.widgets import Input, OptionList, ProgressBar

from handledare.config import load_settings
from handledare.domain.enums import Role
from handledare.services import people
from handledare.store.eventlog import Store
from handledare.tui.app import LATER_CSS, HandledareApp
from handledare.tui.screens.gate import FIRST_NAMES, SignInScreen, StartScreen
from handledare.tui.screens.home import HomeScreen

from conftest import first_admin
from tui_helpers import on_screen, settle, shows, sign_in, type_into, visible_text

SIZE = (120, 40)


def _seeded(data_dir: Path) -> None:
    store = Store.open(data_dir / "handledare.db")
    admin = first_admin(store)
    unit = people.add_unit(store, admin, "Hemtjänst Norr")
    people.add_user(store, admin, "Anna Lindqvist", Role.SUPERVISOR, "4827", [unit.id])
    people.add_user(store, admin, "Åsa Öberg", Role.SUPERVISOR, "5931", [unit.id])
    store.close()


async def test_the_gate_opens_on_the_sign_in_when_the_names_came_first(tmp_path: Path):
    _seeded(tmp_path / "data")
    app = HandledareApp(load_settings(tmp_path / "data"))
    # The names are read from the moment the app is made, while Textual starts.
    names = app._early_names
    assert names is not None
    read = [name.name for name in names.result(timeout=10)]
    assert len(read) == 3 and {"Anna Lindqvist", "Åsa Öberg"} <= set(read)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, SignInScreen), "the first screen is the sign-in"
        assert not any(isinstance(screen, StartScreen) for screen in app.screen_stack)
        assert app.screen.query_one("#users", OptionList).option_count == 3
        # The filter folds each name once: accents and case do not matter.
        await type_into(pilot, "#filter", "asa ob")
        assert app.screen.query_one("#users", OptionList).option_count == 1
        assert app.screen.query_one("#filter", Input).styles.margin == Spacing(0, 1, 0, 1)
        assert not app.screen.query(ProgressBar), "no bar is made while nothing is pulled"
        # The store opened behind the sign-in; a PIN signs in.
        await pilot.press("escape")
        await sign_in(pilot, "Anna", "4827")
        assert await on_screen(pilot, HomeScreen)
        await settle(pilot)
        # The home screen's styles came after the sign-in was drawn, and apply.
        sources = {Path(path).name for path, _var in app.stylesheet.source}
        assert {Path(path).name for path in LATER_CSS} <= sources
        filter_field = app.screen.query_one("#filter", Input)
        assert filter_field.styles.margin == Spacing(0, 1, 0, 1)
        assert app.screen.query_one("#people").styles.height == Scalar.parse("1fr")


async def test_a_file_the_names_cannot_be_read_from_starts_on_the_start_screen(tmp_path: Path):
    """No file yet: nothing to read early; the start screen shows until the store is made."""
    app = HandledareApp(load_settings(tmp_path / "data"))
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, StartScreen)
        await settle(pilot)
        assert await shows(pilot, "handledare")


async def test_a_long_staff_list_shows_eight_names_and_scrolls_and_narrows_to_those_found(
    tmp_path: Path,
):
    """The list is as tall as its names up to eight; the rest scroll, the last one too.
    Past the first names, the rest come once those are drawn, and only for the last text
    typed."""
    store = Store.open(tmp_path / "data" / "handledare.db")
    admin = first_admin(store)
    unit = people.add_unit(store, admin, "Hemtjänst Norr")
    staff = FIRST_NAMES + 4
    for number in range(staff):
        people.add_user(store, admin, f"Vårdare {number:02d}", Role.SUPERVISOR, "4827", [unit.id])
    store.close()
    app = HandledareApp(load_settings(tmp_path / "data"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        names = app.screen.query_one("#users", OptionList)
        assert names.option_count == staff + 1 and names.size.height == 8
        assert names.show_vertical_scrollbar
        names.focus()
        await pilot.press("end")
        await pilot.pause()
        assert f"Vårdare {staff - 1:02d}" in visible_text(app)
        # Two fills before anything is drawn: the first one's rest is not added.
        app.screen._fill("")
        app.screen._fill("vårdare")
        await settle(pilot)
        assert names.option_count == staff
        await type_into(pilot, "#filter", "vårdare 1")
        await pilot.pause()
        assert names.option_count == 10 and names.size.height == 8
        await type_into(pilot, "#filter", "9")
        await pilot.pause()
        assert names.option_count == 1 and names.size.height == 1
        assert not names.show_vertical_scrollbar
