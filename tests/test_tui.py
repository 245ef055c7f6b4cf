"""The supervisor's app, driven through Pilot on a real data folder."""

from __future__ import annotations

import gc
import sqlite3
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from textual import events
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widgets import DataTable, Input

from handledare.config import load_settings
from handledare.domain.enums import Role
from handledare.i18n import format_date
from handledare.services import onboarding, overview, people, templates
from handledare.store.eventlog import Store
from handledare.tui import collect_at_rest
from handledare.tui.app import HandledareApp
from handledare.tui.screens.forms import PersonForm, UserForm
from handledare.tui.screens.gate import LockScreen, SignInScreen
from handledare.tui.screens.home import HomeScreen
from handledare.tui.screens.sign_off import SignOffScreen
from handledare.tui.screens.walkthrough import WalkthroughScreen

from conftest import admin_of, first_admin
from tui_helpers import (
    eventually,
    on_screen,
    settle,
    shows,
    sign_in,
    to_list,
    type_into,
    type_keys,
    visible_text,
    widget_text,
)

SIZE = (120, 40)


def _app(data_dir: Path, **overrides) -> HandledareApp:
    return HandledareApp(replace(load_settings(data_dir), **overrides))


def _seed(data_dir: Path) -> None:
    """A unit, a supervisor (PIN 4827), a manager (735184) and one substitute on a checklist."""
    store = Store.open(data_dir / "handledare.db")
    cli = first_admin(store)
    unit = people.add_unit(store, cli, "Hemtjänst Norr")
    templates.import_bundled(store, cli)
    people.add_user(store, cli, "Anna Lindqvist", Role.SUPERVISOR, "4827", [unit.id])
    people.add_user(store, cli, "Bo Ek", Role.SUPERVISOR, "5931", [unit.id], language="en")
    person = people.add_person(store, cli, "Amina Hassan", unit.id, date(2026, 11, 2))
    onboarding.start_onboarding(store, cli, person.id, "hemtjanst-omsorg")
    store.close()


def _progress(app: HandledareApp):
    """The progress cell of the home list's first row."""
    return app.screen.query_one("#people", DataTable).get_row_at(0)[1]


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    _seed(data_dir)
    return data_dir


async def test_whole_path_from_first_run_to_signed_items(tmp_path: Path):
    data_dir = tmp_path / "data"
    app = _app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await shows(pilot, "Välkommen till handledare")
        # The first form typed key by key, as a person would; later ones are pasted.
        await type_keys(pilot, "#name", "Ingrid Admin")
        await type_keys(pilot, "#pin", "482916")
        await type_keys(pilot, "#pin2", "482916")
        await type_keys(pilot, "#unit", "Hemtjänst Norr")
        await pilot.press("enter")
        await settle(pilot)
        assert await on_screen(pilot, SignInScreen)

        await sign_in(pilot, "Ingrid", "482916")
        assert await on_screen(pilot, HomeScreen)
        await to_list(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert await on_screen(pilot, UserForm)
        await type_into(pilot, "#name", "Anna Lindqvist")
        app.screen.query_one("#units").select_all()
        await type_into(pilot, "#pin", "4827")
        await type_into(pilot, "#pin2", "4827")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert await on_screen(pilot, HomeScreen)
        await pilot.press("ctrl+o")
        await settle(pilot)

        await sign_in(pilot, "Anna", "4827")
        assert await shows(pilot, "Anna Lindqvist")
        await to_list(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert await on_screen(pilot, PersonForm)
        await type_into(pilot, "#name", "Amina Hassan")
        app.screen.query_one("#template").value = "hemtjanst-omsorg"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert await on_screen(pilot, HomeScreen)
        assert await shows(pilot, "Amina Hassan")
        assert str(_progress(app)).endswith("  0 %")

        await pilot.press("enter")
        await settle(pilot)
        assert await on_screen(pilot, WalkthroughScreen)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert await shows(pilot, "2 markerade")
        await pilot.press("s")
        await settle(pilot)
        assert await on_screen(pilot, SignOffScreen)
        await type_into(pilot, "#acknowledgement", "Amina Hassan")
        await type_into(pilot, "#pin", "4827")
        await pilot.press("enter")
        await settle(pilot)
        assert await on_screen(pilot, WalkthroughScreen)
        assert await shows(pilot, "2 signerade")
        await pilot.press("escape")
        assert await on_screen(pilot, HomeScreen)
        assert await eventually(pilot, lambda: not str(_progress(app)).endswith("  0 %"))
        await pilot.press("ctrl+q")

    again = _app(data_dir)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        await to_list(pilot)
        await pilot.press("enter")
        assert await shows(pilot, "✓ 1.1 Anställningsavtal och arbetstider")
        text = visible_text(again)
        assert "✓ 1.2 Schema, passbokning" in text
        assert widget_text(again, "#item-state").startswith(
            f"✓ Signerat av Anna Lindqvist, {format_date(date.today())}"
        )


async def test_names_show_before_the_store_opens_and_an_early_pin_waits_for_it(seeded: Path):
    """Names are read without the store; a PIN typed meanwhile is checked once it is open."""
    writer = sqlite3.connect(seeded / "handledare.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # the store cannot open while another program writes
    try:
        app = _app(seeded)
        async with app.run_test(size=SIZE) as pilot:
            assert await on_screen(pilot, SignInScreen)
            assert await shows(pilot, "Anna Lindqvist")
            await type_into(pilot, "#filter", "Anna")
            await pilot.press("enter")
            await type_into(pilot, "#pin", "4827")
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert app.store is None
            assert isinstance(app.screen, SignInScreen)
            writer.execute("ROLLBACK")
            assert await on_screen(pilot, HomeScreen)
            assert await shows(pilot, "Amina Hassan")
    finally:
        writer.close()


async def test_wrong_pin_then_a_lockout_that_outlasts_a_restart(seeded: Path):
    app = _app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Amina" not in visible_text(app)
        await sign_in(pilot, "Anna", "0000")
        assert widget_text(app, "#message") == "Fel PIN-kod. 4 försök kvar."
        for _ in range(4):
            await sign_in(pilot, "Anna", "0000")
        assert "Försök igen om 1 minut" in widget_text(app, "#message")
        assert await on_screen(pilot, SignInScreen)
        await sign_in(pilot, "Anna", "4827")
        assert isinstance(app.screen, SignInScreen), "the right PIN must wait out the lockout"
        assert "Försök igen om 1 minut" in widget_text(app, "#message")

    restarted = _app(seeded)
    async with restarted.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        assert isinstance(restarted.screen, SignInScreen), "a restart does not end the lockout"
        assert "Försök igen om 1 minut" in widget_text(restarted, "#message")


async def test_idle_lock_hides_personal_data_and_returns_to_the_same_place(seeded: Path):
    app = _app(seeded, idle_lock_minutes=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        await to_list(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("down", "down")
        where = app.screen.current_item().key
        assert where == "anst-lon" and "Amina Hassan" in visible_text(app)
        app.last_input -= 61  # a minute without a key, without waiting for one
        assert await on_screen(pilot, LockScreen)
        assert await shows(pilot, "Anna Lindqvist har låst skärmen")
        text = visible_text(app)
        assert "Amina" not in text and "Anna Lindqvist har låst skärmen" in text
        await type_into(pilot, "#pin", "4827")
        await pilot.press("enter")
        await settle(pilot)
        assert await on_screen(pilot, WalkthroughScreen)
        assert app.screen.current_item().key == where


async def test_a_paste_or_a_scroll_up_counts_as_someone_at_the_keyboard(seeded: Path):
    """For the idle lock and the garbage collector's rest, as a key or a click does."""
    app = _app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Anna", "4827")
        assert await on_screen(pilot, HomeScreen)
        scroll_up = events.MouseScrollUp(None, 10, 10, 0, -1, 0, False, False, False)
        for event in (events.Paste("Amina"), scroll_up):
            app.last_input = 0.0
            app.post_message(event)
            await pilot.pause()
            assert app.last_input > 0.0, type(event).__name__


async def test_marking_an_item_moves_on_to_the_next_open_one(seeded: Path):
    app = _app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        await to_list(pilot)
        await pilot.press("enter")
        await settle(pilot)
        keys = [item.key for item in app.screen.progress.template.items()]
        assert app.screen.current_item().key == keys[0]
        await pilot.press("g")
        await settle(pilot)
        assert app.screen.current_item().key == keys[1]
        await pilot.press("x")
        await settle(pilot)
        await type_into(pilot, "#text", "Lön via bemanningen")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.current_item().key == keys[2]
        # Back on the first item, marked again: past the marked second, to the third.
        await pilot.press("k", "k")
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.current_item().key == keys[2]
        assert await shows(pilot, "2 markerade")


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=["100x30", "80x24"])
async def test_the_first_item_is_whole_when_the_walkthrough_opens(seeded: Path, size):
    """The first item's title wraps onto a second line at these widths, at once."""
    app = _app(seeded)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        await to_list(pilot)
        await pilot.press("enter")
        await settle(pilot)
        items = app.screen.query_one("#items")
        lines = [items.render_line(y).text for y in range(items.size.height)]
        first = next(i for i, line in enumerate(lines) if "Anställningsavtal" in line)
        assert "arbetstider" in lines[first] + lines[first + 1]


async def test_another_user_never_sees_the_first_users_draft(seeded: Path):
    app = _app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        await to_list(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_into(pilot, "#name", "Hemlig Utkastsson")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "Hemlig" not in visible_text(app)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await sign_in(pilot, "Bo Ek", "5931")
        assert await on_screen(pilot, HomeScreen)
        assert await shows(pilot, "My substitutes")
        text = visible_text(app)
        assert "Hemlig" not in text
        assert all("Hemlig" not in getattr(w, "value", "") for w in app.screen.query(Input))
        await pilot.press("ctrl+o")
        await settle(pilot)

        await sign_in(pilot, "Anna", "4827")
        assert await on_screen(pilot, PersonForm)
        assert app.screen.query_one("#name", Input).value == "Hemlig Utkastsson"


async def test_revocation_with_reason_shows_in_the_history(seeded: Path):
    app = _app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        await to_list(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await type_into(pilot, "#acknowledgement", "amina hassan")
        await type_into(pilot, "#pin", "4827")
        await pilot.press("enter")
        await settle(pilot)
        assert await shows(pilot, "✓ 1.1 Anställningsavtal")

        await pilot.press("k", "r")
        await settle(pilot)
        await type_into(pilot, "#text", "Fel avtal visades")
        await pilot.press("enter")
        await settle(pilot)
        await type_into(pilot, "#pin", "0000")
        await pilot.press("enter")
        await settle(pilot)
        assert "Fel PIN-kod. Inget återkallades. 4 försök kvar." in widget_text(app, "#error")
        await type_into(pilot, "#pin", "4827")
        await pilot.press("enter")
        await settle(pilot)
        assert "signering återkallad: Fel avtal visades" in widget_text(app, "#item-history")
        assert await shows(pilot, "· 1.1 Anställningsavtal")


async def test_names_with_markup_and_control_characters_are_shown_literally(seeded: Path):
    store = Store.open(seeded / "handledare.db")
    unit = people.list_units(store)[0]
    for name in ("[bold]Stina[/] Ek", "[link=https://x.example]Klicka[/link]", "Evil\x1b[2J"):
        people.add_person(store, admin_of(store), name, unit.id, date(2026, 11, 1))
    store.close()
    app = _app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        assert await shows(pilot, "[bold]Stina[/] Ek")
        text = visible_text(app)
        assert "[link=https://x.example]Klicka[/link]" in text
        assert "Evil\\x1b[2J" in text


async def test_while_the_pin_is_typed_the_app_readies_the_next_screen_and_gives_it_back_at_the_end(
    seeded: Path,
):
    """What the start made is set aside from the garbage collector's full passes once the
    sign-in screen is up (the warm-up), and given back to it when the app ends."""
    gc.unfreeze()
    app = _app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        assert await on_screen(pilot, SignInScreen)
        assert await eventually(pilot, lambda: gc.get_freeze_count() > 0)
        assert await shows(pilot, "Anna Lindqvist")
        await sign_in(pilot, "Anna Lindqvist", "4827")
        assert await on_screen(pilot, HomeScreen)
        assert await shows(pilot, "Amina Hassan")
    assert gc.get_freeze_count() == 0


@pytest.mark.skipif(not collect_at_rest.IN_USE, reason="Python 3.14 collects a little at a time")
async def test_the_app_makes_the_full_garbage_passes_at_rest_and_gives_them_back_at_the_end(
    seeded: Path, full_gc_passes: list[int]
):
    """While the app runs, Python makes a full pass of its own (one could land in a key)
    only after a long time without a rest; the app makes a due one once the keyboard has
    rested a second (collect_at_rest.py)."""
    thresholds = gc.get_threshold()
    app = _app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Anna Lindqvist", "4827")
        assert await on_screen(pilot, HomeScreen)
        assert gc.get_threshold()[2] == collect_at_rest.PASSES_DUE_ANYWAY
        full_gc_passes.clear()
        for _ in range(collect_at_rest.PASSES_DUE_AT_REST):
            gc.collect(1)  # as typing makes them: a full pass is due
        app.last_input = time.monotonic() + 3600  # someone typing, all along
        await pilot.pause(2.5)  # two of the app's one-second checks
        assert full_gc_passes == [], "a pass made while someone types"
        app.last_input = time.monotonic() - 2 * collect_at_rest.REST
        assert await eventually(pilot, lambda: full_gc_passes != [])
    assert gc.get_threshold() == thresholds


def _pages_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The offset of each page of the onboarding list read from now on."""
    pages: list[int] = []
    list_page = overview.list_page

    def counted(store, actor, query, today, offset, limit):
        pages.append(offset)
        return list_page(store, actor, query, today, offset, limit)

    monkeypatch.setattr(overview, "list_page", counted)
    return pages


async def test_a_sign_in_after_the_warm_up_parses_no_styles_and_reads_the_first_page_once(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
):
    """While the PIN is typed the home screens' widget styles are readied, and the user's
    home screen is made current with the app's styles: from Enter to the first page no
    stylesheet is parsed again (each full parse is some 50 ms). The first page is read once,
    at the sign-in, and not once more when the screen mounts."""
    parses: list[Stylesheet] = []
    parse = Stylesheet.parse
    monkeypatch.setattr(Stylesheet, "parse", lambda sheet: parses.append(sheet) or parse(sheet))
    pages = _pages_read(monkeypatch)
    app = _app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        assert await shows(pilot, "Anna Lindqvist")
        await settle(pilot)  # the warm-up is done, as it is once a person has typed
        parses.clear()
        await sign_in(pilot, "Anna Lindqvist", "4827")
        assert await on_screen(pilot, HomeScreen)
        assert await shows(pilot, "Amina Hassan")
        assert parses == []
        assert pages == [0]


async def test_the_first_page_is_read_once_the_pin_is_right_and_is_in_the_first_frame(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
):
    """The sign-in reads the home screen's first page as soon as the PIN is right, and not
    before: a wrong PIN reads nothing of the list. The screen made then shows the page in
    its first frame, not an empty list that fills a frame later."""
    pages = _pages_read(monkeypatch)
    first_frame: list[int] = []
    compositor_refresh = HomeScreen._compositor_refresh

    def framed(screen: HomeScreen) -> None:
        compositor_refresh(screen)
        if not first_frame:
            first_frame.append(screen.onboardings.table.row_count)

    monkeypatch.setattr(HomeScreen, "_compositor_refresh", framed)
    app = _app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        assert await shows(pilot, "Anna Lindqvist")
        await sign_in(pilot, "Anna Lindqvist", "9999")
        assert await shows(pilot, "Fel PIN-kod.")
        assert isinstance(app.screen, SignInScreen) and pages == [] and first_frame == []
        await type_into(pilot, "#pin", "4827")
        await pilot.press("enter")
        assert await on_screen(pilot, HomeScreen)
        assert await shows(pilot, "Amina Hassan")
        assert pages == [0]
        assert first_frame and first_frame[0] > 0


async def test_a_new_home_screen_is_styled_once_and_again_after_it_was_hidden(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
):
    """A screen just made was styled as its widgets mounted: Textual's restyling of every
    widget as a screen resumes is left out until the screen has been hidden (here by Ctrl+L,
    the lock), when something may have changed behind it."""
    restyled: list[object] = []
    update_node_styles = DOMNode.update_node_styles

    def counted(node: DOMNode, animate: bool = True) -> None:
        restyled.append(node)
        update_node_styles(node, animate)

    monkeypatch.setattr(DOMNode, "update_node_styles", counted)
    app = _app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        assert await shows(pilot, "Anna Lindqvist")  # the sign-in is up
        await sign_in(pilot, "Anna Lindqvist", "4827")
        assert await on_screen(pilot, HomeScreen)
        home = app.screen
        assert await shows(pilot, "Amina Hassan")
        assert home not in restyled
        await pilot.press("ctrl+l")
        assert await on_screen(pilot, LockScreen)
        await type_into(pilot, "#pin", "4827")
        await pilot.press("enter")
        assert await on_screen(pilot, HomeScreen)
        await settle(pilot)
        assert app.screen is home and home in restyled
