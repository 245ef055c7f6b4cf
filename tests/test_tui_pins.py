"""PINs in the app: a PIN too easy to guess is replaced before work starts; an admin unlocks."""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from pathlib import Path

from textual.widgets import OptionList

from handledare.domain.events import EventType
from handledare.errors import WrongPinError
from handledare.services import people, pins
from handledare.store.eventlog import Store
from handledare.tui.screens.gate import SignInScreen
from handledare.tui.screens.home import HomeScreen
from handledare.tui.screens.pin_prompt import NewPinDialog
from handledare.tui.screens.unlock import UnlockDialog
from test_security import old_scrypt_verifier
from test_tui import _app, _seed

from conftest import ADMIN_PIN, SUPERVISOR_PIN, admin_of
from tui_helpers import on_screen, settle, shows, sign_in, to_list, type_into, widget_text


def _weak_pin_for_anna(data_dir: Path) -> str:
    """Anna's PIN as an earlier version let her choose it: 1111."""
    store = Store.open(data_dir / "handledare.db")
    anna = people.find_user(store, "Anna Lindqvist")
    with store.write(admin_of(store).user_id) as tx:
        tx.emit(EventType.USER_PIN_CHANGED, anna.id, {"pin_hash": old_scrypt_verifier("1111")})
    store.close()
    return anna.id


async def test_a_pin_too_easy_to_guess_is_replaced_before_anything_else(tmp_path: Path):
    data_dir = tmp_path / "data"
    _seed(data_dir)
    _weak_pin_for_anna(data_dir)
    app = _app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "1111")
        assert await on_screen(pilot, NewPinDialog)
        assert "Amina" not in widget_text(app, "#error")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, NewPinDialog), "there is no way round it"
        await type_into(pilot, "#pin", "2222")
        await pilot.press("enter")
        await type_into(pilot, "#pin2", "2222")
        await pilot.press("enter")
        await settle(pilot)
        assert "för lätt att gissa" in widget_text(app, "#error")
        for field in ("#pin", "#pin2"):
            app.screen.query_one(field).value = ""
        await type_into(pilot, "#pin", "6174")
        await pilot.press("enter")
        await type_into(pilot, "#pin2", "6174")
        await pilot.press("enter")
        await settle(pilot)
        assert await on_screen(pilot, HomeScreen)
        assert await shows(pilot, "Amina Hassan")

    store = Store.open(data_dir / "handledare.db")
    anna = people.find_user(store, "Anna Lindqvist")
    assert not pins.sign_in(store, anna.id, "6174").weak_pin
    store.close()


async def test_an_administrator_unlocks_a_user_in_the_app(tmp_path: Path):
    data_dir = tmp_path / "data"
    _seed(data_dir)
    store = Store.open(data_dir / "handledare.db")
    anna = people.find_user(store, "Anna Lindqvist")
    for _attempt in range(5):
        with suppress(WrongPinError, pins.LockedOut):
            pins.sign_in(store, anna.id, "0000")
    store.close()
    app = _app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Ingrid", ADMIN_PIN)
        assert await on_screen(pilot, HomeScreen)
        await settle(pilot)
        await to_list(pilot)
        await pilot.press("l")
        assert await on_screen(pilot, UnlockDialog)
        assert await shows(pilot, "Anna Lindqvist: låst till")
        assert app.screen.query_one("#locked", OptionList).option_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert await shows(pilot, "Ingen har skrivit fel PIN-kod här.")
        await pilot.press("escape")
        await pilot.press("ctrl+o")
        assert await on_screen(pilot, SignInScreen)
        await sign_in(pilot, "Anna", "4827")
        assert await on_screen(pilot, HomeScreen)


async def test_an_enter_on_an_empty_pin_asks_for_it_and_counts_no_wrong_pin(tmp_path: Path):
    """The name typed and Enter moves to the PIN; a second Enter out of habit is not a guess:
    it asks for the PIN and counts no wrong PIN towards a lockout."""
    data_dir = tmp_path / "data"
    _seed(data_dir)
    app = _app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_into(pilot, "#filter", "Anna")
        await pilot.press("enter")
        assert app.screen.focused is app.screen.query_one("#pin")
        await pilot.press("enter")
        await settle(pilot)
        assert widget_text(app, "#message") == "Skriv din PIN-kod."
        assert isinstance(app.screen, SignInScreen)
        with sqlite3.connect(data_dir / "handledare.db") as connection:
            assert connection.execute("SELECT count(*) FROM pin_failures").fetchone() == (0,)
        await type_into(pilot, "#pin", SUPERVISOR_PIN)
        await pilot.press("enter")
        assert await on_screen(pilot, HomeScreen)
