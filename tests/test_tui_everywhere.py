"""What holds on every screen: help, the command palette, themes and languages per user."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from textual.command import CommandPalette

from handledare import i18n
from handledare.config import load_settings
from handledare.domain.enums import Role
from handledare.services import onboarding, people, templates
from handledare.store.eventlog import Store
from handledare.tui.app import HandledareApp
from handledare.tui.screens.dialogs import HelpDialog
from handledare.tui.screens.forms import PersonForm
from handledare.tui.screens.home import HomeScreen
from handledare.tui.screens.walkthrough import WalkthroughScreen
from handledare.tui.themes import HIGH_CONTRAST

from conftest import admin_of, first_admin
from tui_helpers import on_screen, settle, shows, sign_in, to_list, visible_text, widget_text

SIZE = (120, 40)


def _two_users(data_dir: Path) -> None:
    store = Store.open(data_dir / "handledare.db")
    cli = first_admin(store)
    unit = people.add_unit(store, cli, "Hemtjänst Norr")
    people.add_user(store, cli, "Anna Lindqvist", Role.SUPERVISOR, "4827", [unit.id])
    people.add_user(store, cli, "Bo Ek", Role.SUPERVISOR, "5931", [unit.id], language="en")
    people.add_person(store, cli, "Amina Hassan", unit.id, date(2026, 11, 2))
    store.close()


async def test_help_lists_the_keys_of_the_screen_and_the_app(tmp_path: Path):
    _two_users(tmp_path / "data")
    app = HandledareApp(load_settings(tmp_path / "data"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        await pilot.press("f1")
        await settle(pilot)
        assert await on_screen(pilot, HelpDialog)
        assert await shows(pilot, "Lägg till vikarie")
        text = visible_text(app)
        for description in ("Lägg till vikarie", "Sortera", "Logga ut", "Lås", "Hjälp"):
            assert description in text
        assert "Lägg till användare" not in text, "only admins may add users"
        await pilot.press("escape")
        assert await on_screen(pilot, HomeScreen)


async def test_command_palette_offers_the_screens_actions_in_swedish(tmp_path: Path):
    _two_users(tmp_path / "data")
    app = HandledareApp(load_settings(tmp_path / "data"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Lägg till vikarie" in titles and "Lås" in titles and "Avsluta" in titles
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        assert await shows(pilot, "Sök kommandon")
        for char in "lägg":
            await pilot.press(char)
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert await on_screen(pilot, PersonForm)


async def test_theme_choice_is_remembered_per_user(tmp_path: Path):
    _two_users(tmp_path / "data")
    app = HandledareApp(load_settings(tmp_path / "data"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        await pilot.press("f2")
        await settle(pilot)
        assert app.theme == HIGH_CONTRAST.name
        await pilot.press("ctrl+o")
        await settle(pilot)
        await sign_in(pilot, "Bo Ek", "5931")
        assert app.theme != HIGH_CONTRAST.name
        await pilot.press("ctrl+o")
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        assert app.theme == HIGH_CONTRAST.name


async def test_each_user_gets_their_own_language_at_once(tmp_path: Path):
    _two_users(tmp_path / "data")
    app = HandledareApp(load_settings(tmp_path / "data"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await shows(pilot, "Logga in")
        await sign_in(pilot, "Anna", "4827")
        assert await shows(pilot, "Mina vikarier")
        await to_list(pilot)
        assert "Lägg till vikarie" in visible_text(app)
        await pilot.press("ctrl+o")
        await settle(pilot)

        await sign_in(pilot, "Bo Ek", "5931")
        assert await shows(pilot, "My substitutes")
        await to_list(pilot)
        text = visible_text(app)
        assert "My substitutes" in text and "Add substitute" in text and "Sign out" in text
        assert "Mina vikarier" not in text
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert widget_text(app, "#name-error") == "Write the substitute's full name."
        await pilot.press("escape")
        await pilot.press("f1")
        await settle(pilot)
        assert await shows(pilot, "Add substitute")
        await pilot.press("escape", "ctrl+o")
        await settle(pilot)
        assert await shows(pilot, "Logga in")

        await sign_in(pilot, "Anna", "4827")
        assert await shows(pilot, "Mina vikarier")
        assert "Logga ut" in visible_text(app)


async def test_language_support_shows_swedish_and_a_second_language_side_by_side(tmp_path: Path):
    data_dir = tmp_path / "data"
    _two_users(data_dir)
    store = Store.open(data_dir / "handledare.db")
    cli = admin_of(store)
    templates.import_bundled(store, cli)
    [person] = people.list_people(store, cli)
    onboarding.start_onboarding(store, cli, person.id, "hemtjanst-omsorg")
    store.close()
    app = HandledareApp(load_settings(data_dir))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        await to_list(pilot)
        await pilot.press("enter")
        assert await on_screen(pilot, WalkthroughScreen)
        await settle(pilot)
        assert not app.screen.query_one("#support").display
        await pilot.press("l")
        await pilot.pause()
        assert app.screen.query_one("#support").display
        swedish = widget_text(app, "#support-sv")
        english = widget_text(app, "#support-other")
        assert swedish.startswith("Svenska") and "Anställningsavtal och arbetstider" in swedish
        assert english.startswith("Engelska") and "Employment contract and working hours" in english
        await pilot.press("down")
        await pilot.pause()
        assert "Rota, shift booking" in widget_text(app, "#support-other")
        await pilot.press("l")
        await pilot.pause()
        assert not app.screen.query_one("#support").display


async def test_switching_language_redraws_everything_and_is_kept(tmp_path: Path):
    _two_users(tmp_path / "data")
    i18n.set_language("en")  # as `--lang en` does before the app opens
    settings = replace(load_settings(tmp_path / "data"), language="en")
    app = HandledareApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await shows(pilot, "Sign in")
        await sign_in(pilot, "Anna", "4827")
        assert await shows(pilot, "Mina vikarier")
        assert widget_text(app, "StatusLine") == "Synk: ingen delad mapp är inställd"

        await pilot.press("f3")
        assert await shows(pilot, "My substitutes")
        await settle(pilot)
        assert widget_text(app, "StatusLine") == "Sync: no share is configured"
        text = visible_text(app)
        assert "Type to filter" in text and "Quit" in text and "Avsluta" not in text
        assert people.get_user(app.store, app.actor.user_id).language == "en"

        await pilot.press("f3")
        assert await shows(pilot, "Mina vikarier")
        assert widget_text(app, "StatusLine") == "Synk: ingen delad mapp är inställd"
