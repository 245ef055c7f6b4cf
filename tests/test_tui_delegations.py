"""Delegations through the app: the nurse gives and renews, the person answers on the same
workstation, the nurse or a manager revokes; driven through Pilot on a real data folder."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, SelectionList

from handledare.config import load_settings
from handledare.domain.enums import DelegationStatus, Profession, Role
from handledare.services import delegations, onboarding, people, pins, templates
from handledare.services.delegation_views import list_delegations
from handledare.store.eventlog import Store
from handledare.tui.app import HandledareApp
from handledare.tui.screens.delegation_dialogs import (
    AcceptDelegation,
    GiveDelegation,
    RenewDelegation,
    RevokeDelegation,
)
from handledare.tui.screens.delegations import DelegationsScreen
from handledare.tui.screens.dialogs import HelpDialog, TextPrompt
from handledare.tui.screens.overview import OverviewScreen
from handledare.tui.screens.walkthrough import WalkthroughScreen

from conftest import admin_of
from tui_helpers import eventually, on_screen, settle, shows, sign_in, type_into, widget_text

NURSE_PIN, MANAGER_PIN, SUPERVISOR_PIN = "6085", "735184", "4827"
TODAY = date.today()


def _world(data_dir: Path, *, expiring: bool = False) -> None:
    """A unit with a nurse, a manager, a supervisor and Amina, whose checklist is started;
    with `expiring`, Amina also holds a delegation that ends in ten days."""
    store = Store.open(data_dir / "handledare.db")
    admin = admin_of(store)
    unit = people.add_unit(store, admin, "Hemtjänst Norr")
    templates.import_bundled(store, admin)
    delegations.import_tasks(store, admin)
    nurse = people.add_user(store, admin, "Sara Nilsson", Role.NURSE, NURSE_PIN, [unit.id],
                            profession=Profession.NURSE)  # fmt: skip
    people.add_user(store, admin, "Karin Berg", Role.MANAGER, MANAGER_PIN, [unit.id])
    anna = people.add_user(store, admin, "Anna Lindqvist", Role.SUPERVISOR, SUPERVISOR_PIN,
                           [unit.id])  # fmt: skip
    amina = people.add_person(store, admin, "Amina Hassan", unit.id, TODAY - timedelta(days=20))
    supervisor = pins.sign_in(store, anna.id, SUPERVISOR_PIN).actor
    onboarding.start_onboarding(store, supervisor, amina.id, "hemtjanst-omsorg")
    if expiring:
        sara = pins.sign_in(store, nurse.id, NURSE_PIN).actor
        given = delegations.give(store, sara, amina.id, ["stodstrumpor"], TODAY,
                                 TODAY + timedelta(days=10), NURSE_PIN)  # fmt: skip
        delegations.accept(store, sara, given, "Amina Hassan")
    store.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    _world(tmp_path / "data")
    return tmp_path / "data"


def _stored(app: HandledareApp):
    store = app.store
    assert store is not None
    return list_delegations(store, admin_of(store))


def _rows(app: HandledareApp) -> list[str]:
    table = app.screen.query_one("#delegations", DataTable)
    return [" | ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def _give_insulin(pilot, app: HandledareApp) -> None:
    """The nurse gives Amina "Insulin med penna" with the keyboard alone, signing with the PIN."""
    await pilot.press("g")
    assert await on_screen(pilot, GiveDelegation)
    await settle(pilot)
    await pilot.press("enter", "down", "enter")  # the person: the first in the list
    await pilot.press("tab")
    tasks = app.screen.query_one("#tasks", SelectionList)
    assert tasks.has_focus
    insulin = next(i for i in range(tasks.option_count)
                   if tasks.get_option_at_index(i).value == "insulin-penna")  # fmt: skip
    for _ in range(insulin):
        await pilot.press("down")
    await pilot.press("space")
    await type_into(pilot, "#conditions", "Endast morgondos")
    await type_into(pilot, "#pin", NURSE_PIN)
    await pilot.press("enter")
    await settle(pilot)


async def test_the_nurse_gives_a_delegation_and_the_person_accepts_it_by_name(data_dir: Path):
    app = HandledareApp(load_settings(data_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Sara", NURSE_PIN)
        assert await on_screen(pilot, DelegationsScreen)
        assert await shows(pilot, "Mina delegeringar")
        assert await shows(pilot, "Inga delegeringar ännu.")

        await _give_insulin(pilot, app)
        assert await on_screen(pilot, DelegationsScreen)
        [given] = _stored(app)
        assert given.task_keys == ("insulin-penna",) and given.conditions == "Endast morgondos"
        assert given.status is DelegationStatus.AWAITING
        assert given.valid_from == TODAY
        assert given.valid_until == delegations.last_allowed_day(TODAY)
        assert await eventually(pilot, lambda: "? väntar på svar" in _rows(app)[0])

        # Amina answers on the same workstation: a wrong name is refused and nothing changes.
        await pilot.press("a")
        assert await on_screen(pilot, AcceptDelegation)
        assert "Insulin med penna" in widget_text(app, "#decision")
        await type_into(pilot, "#typed-name", "Amina")
        await pilot.press("enter")
        await settle(pilot)
        assert "namnet" in widget_text(app, "#error")
        assert await shows(pilot, "namn som det är registrerat.")  # wrapped in the box, whole
        assert _stored(app)[0].status is DelegationStatus.AWAITING
        app.screen.query_one("#typed-name").value = ""
        await type_into(pilot, "#typed-name", "Amina Hassan")
        await pilot.press("enter")
        await settle(pilot)
        assert await on_screen(pilot, DelegationsScreen)
        assert _stored(app)[0].status is DelegationStatus.ACCEPTED
        assert await eventually(pilot, lambda: "✓ giltig" in _rows(app)[0])
        assert await shows(pilot, "Villkor: Endast morgondos")


async def test_a_wrong_pin_gives_nothing_and_the_dialog_keeps_what_was_typed(data_dir: Path):
    app = HandledareApp(load_settings(data_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Sara", NURSE_PIN)
        await pilot.press("g")
        assert await on_screen(pilot, GiveDelegation)
        await settle(pilot)
        await type_into(pilot, "#pin", NURSE_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "Välj personen" in widget_text(app, "#error")
        await pilot.press("escape")
        assert await on_screen(pilot, DelegationsScreen)
        await _give_insulin(pilot, app)
        assert _stored(app)  # the keyboard path works after a refusal

        await pilot.press("g")
        assert await on_screen(pilot, GiveDelegation)
        await settle(pilot)
        await pilot.press("enter", "down", "enter", "tab", "space")
        await type_into(pilot, "#last", "")
        app.screen.query_one("#last").value = (TODAY + timedelta(days=400)).isoformat()
        await type_into(pilot, "#pin", NURSE_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "högst 12 månader" in widget_text(app, "#error")
        assert isinstance(app.screen, GiveDelegation)
        assert app.screen.query_one("#pin").value == ""
        assert len(_stored(app)) == 1


async def test_the_person_declines_from_the_walkthrough_with_a_reason(data_dir: Path):
    store = Store.open(data_dir / "handledare.db")
    nurse = pins.sign_in(store, people.find_user(store, "Sara Nilsson").id, NURSE_PIN).actor
    amina = people.find_person(store, nurse, "Amina Hassan")
    delegations.give(store, nurse, amina.id, ["insulin-penna"], TODAY, TODAY + timedelta(days=90),
                     NURSE_PIN)  # fmt: skip
    store.close()
    app = HandledareApp(load_settings(data_dir))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", SUPERVISOR_PIN)
        await type_into(pilot, "#filter", "Amina")
        await pilot.press("enter", "enter")
        assert await on_screen(pilot, WalkthroughScreen)
        await settle(pilot)
        await pilot.press("d")
        assert await on_screen(pilot, DelegationsScreen)
        assert await shows(pilot, "Delegeringar för Amina Hassan")
        # A supervisor neither gives nor revokes; the person answers here.
        assert app.screen.check_action("give", ()) is False
        assert app.screen.check_action("revoke", ()) is False
        await pilot.press("d")
        assert await on_screen(pilot, TextPrompt)
        await type_into(pilot, "#text", "Jag vill lära mig mer först")
        await pilot.press("enter")
        await settle(pilot)
        [declined] = _stored(app)
        assert declined.status is DelegationStatus.DECLINED
        assert declined.answer_reason == "Jag vill lära mig mer först"
        assert await eventually(pilot, lambda: "✗ avböjd" in _rows(app)[0])
        await pilot.press("escape")
        assert await on_screen(pilot, WalkthroughScreen)


async def test_the_nurse_sees_what_expires_first_and_renews_it(tmp_path: Path):
    _world(tmp_path / "data", expiring=True)
    app = HandledareApp(load_settings(tmp_path / "data"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Sara", NURSE_PIN)
        assert await on_screen(pilot, DelegationsScreen)
        assert await shows(pilot, "1 delegering går ut inom 30 dagar")
        assert await eventually(pilot, lambda: _rows(app)[0].startswith("! går ut"))
        await pilot.press("n")
        assert await on_screen(pilot, RenewDelegation)
        first = TODAY + timedelta(days=11)
        assert app.screen.query_one("#first").value == first.isoformat()
        await type_into(pilot, "#pin", NURSE_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert await on_screen(pilot, DelegationsScreen)
        found = {d.status: d for d in _stored(app)}
        renewal = found[DelegationStatus.AWAITING]
        assert renewal.renews == found[DelegationStatus.ACCEPTED].id
        assert renewal.valid_from == first
        # Renewed: the old one no longer asks to be acted on.
        assert await shows(pilot, "Inget går ut inom 30 dagar.")


async def test_a_manager_revokes_with_a_reason_and_the_pin(tmp_path: Path):
    _world(tmp_path / "data", expiring=True)
    app = HandledareApp(load_settings(tmp_path / "data"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Karin", MANAGER_PIN)
        assert await on_screen(pilot, OverviewScreen)
        app.screen.onboardings.table.focus()
        await settle(pilot)
        await pilot.press("D")  # shift+d: d is the chart
        assert await on_screen(pilot, DelegationsScreen)
        assert await shows(pilot, "Delegeringar i mina enheter")
        assert app.screen.check_action("give", ()) is False
        await pilot.press("f1")
        assert await on_screen(pilot, HelpDialog)
        keys = widget_rows(app, "#keys")
        assert any("Återkalla" in row for row in keys) and any("Godkänn" in row for row in keys)
        await pilot.press("escape")
        await pilot.press("r")
        assert await on_screen(pilot, RevokeDelegation)
        await type_into(pilot, "#pin", MANAGER_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "Skriv varför" in widget_text(app, "#error")
        await type_into(pilot, "#reason", "Felaktig hantering 3 dec")
        await pilot.press("enter")  # from the reason to the PIN
        await type_into(pilot, "#pin", MANAGER_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert await on_screen(pilot, DelegationsScreen)
        [revoked] = _stored(app)
        assert revoked.status is DelegationStatus.REVOKED
        assert revoked.revoke_reason == "Felaktig hantering 3 dec"
        assert revoked.revoked_by == "Karin Berg"
        assert await shows(pilot, "Återkallad av Karin Berg: Felaktig hantering 3 dec")


def widget_rows(app: HandledareApp, selector: str) -> list[str]:
    table = app.screen.query_one(selector, DataTable)
    return [" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]
