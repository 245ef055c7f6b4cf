"""The training matrix, "who was allowed on a day" and the inspection pack, through the app."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Select

from handledare.config import load_settings
from handledare.domain.enums import Profession, Role
from handledare.services import delegations, onboarding, people, pins, templates
from handledare.store.eventlog import Store
from handledare.tui.app import HandledareApp
from handledare.tui.screens.allowed import AllowedScreen
from handledare.tui.screens.dialogs import HelpDialog, TextPrompt
from handledare.tui.screens.inspection_pack import InspectionPackForm
from handledare.tui.screens.overview import OverviewScreen
from handledare.tui.screens.training_matrix import TrainingMatrixScreen

from conftest import MANAGER_PIN, SUPERVISOR_PIN, first_admin, sign_items
from tui_helpers import eventually, on_screen, settle, shows, sign_in, visible_text, widget_text

SIZE = (120, 40)
NURSE_PIN = "6085"
TODAY = date.today()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A unit with a manager, a supervisor, a nurse; Amina holds a sign-off that runs out and
    an insulin delegation ending in 20 days; Bo Ek holds nothing."""
    folder = tmp_path / "data"
    store = Store.open(folder / "handledare.db")
    admin = first_admin(store)
    unit = people.add_unit(store, admin, "Hemtjänst Norr")
    templates.import_bundled(store, admin)
    delegations.import_tasks(store, admin)
    people.add_user(store, admin, "Karin Berg", Role.MANAGER, MANAGER_PIN, [unit.id])
    anna = people.add_user(store, admin, "Anna Lindqvist", Role.SUPERVISOR, SUPERVISOR_PIN,
                           [unit.id])  # fmt: skip
    eva = people.add_user(store, admin, "Eva Sjöberg", Role.NURSE, NURSE_PIN, [unit.id],
                          profession=Profession.NURSE)  # fmt: skip
    amina = people.add_person(store, admin, "Amina Hassan", unit.id, TODAY)
    people.add_person(store, admin, "Bo Ek", unit.id, TODAY)
    supervisor = pins.sign_in(store, anna.id, SUPERVISOR_PIN).actor
    oid = onboarding.start_onboarding(store, supervisor, amina.id, "hemtjanst-omsorg")
    sign_items(store, supervisor, oid, ["hyg-sosfs"])
    nurse = pins.sign_in(store, eva.id, NURSE_PIN).actor
    given = delegations.give(store, nurse, amina.id, ["insulin-penna"], TODAY,
                             TODAY + timedelta(days=20), NURSE_PIN)  # fmt: skip
    delegations.accept(store, nurse, given, "Amina Hassan")
    store.close()
    return folder


async def _manager_presses(pilot, key: str, opens: type) -> None:
    """The manager signs in, lands on the overview, goes from its filter field down to the
    list (a letter in the field is typed there) and presses `key`."""
    await settle(pilot)
    await sign_in(pilot, "Karin", MANAGER_PIN)
    assert await on_screen(pilot, OverviewScreen)
    await pilot.press("down", key)
    assert await on_screen(pilot, opens)


def _rows(app: HandledareApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_manager_reads_the_matrix_filters_it_and_saves_it_as_csv(
    data_dir: Path, tmp_path: Path
):
    app = HandledareApp(load_settings(data_dir))
    async with app.run_test(size=SIZE) as pilot:
        await _manager_presses(pilot, "m", TrainingMatrixScreen)
        assert await eventually(pilot, lambda: len(_rows(app, "#matrix")) == 2)
        amina = next(r for r in _rows(app, "#matrix") if r[0] == "Amina Hassan")
        assert "! går ut" in amina and "✓ giltig" in amina and "· ej utbildad" in amina
        assert set(next(r for r in _rows(app, "#matrix") if r[0] == "Bo Ek")[1:]) == {
            "· ej utbildad"
        }

        table = app.screen.query_one("#matrix", DataTable)
        insulin = next(
            i for i, column in enumerate(table.ordered_columns) if column.key == "insulin-penna"
        )
        table.cursor_coordinate = Coordinate(0, insulin)  # Amina's row: the rows go by name
        await settle(pilot)
        described = widget_text(app, "#cell")
        assert "Amina Hassan" in described and "Insulin med penna" in described
        assert "Eva Sjöberg" in described and "! går ut" in described

        app.screen.query_one("#state-filter", Select).value = "expiring"
        assert await eventually(pilot, lambda: [r[0] for r in _rows(app, "#matrix")] == [
            "Amina Hassan"])  # fmt: skip
        app.screen.query_one("#state-filter", Select).value = "expired"
        assert await shows(pilot, "Ingen här passar urvalet.")
        app.screen.query_one("#state-filter", Select).value = Select.NULL
        assert await eventually(pilot, lambda: len(_rows(app, "#matrix")) == 2)

        table.focus()
        await pilot.press("e")
        assert await on_screen(pilot, TextPrompt)
        out = tmp_path / "matris.csv"
        app.screen.query_one("#text", Input).value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert await eventually(pilot, out.exists)
        rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
        assert [r[0] for r in rows] == ["person", "Amina Hassan", "Bo Ek"]
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")


async def test_the_nurse_asks_who_was_allowed_and_what_one_person_was_allowed(data_dir: Path):
    app = HandledareApp(load_settings(data_dir))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Eva", NURSE_PIN)
        await pilot.press("f1")
        assert await on_screen(pilot, HelpDialog)
        text = visible_text(app)
        assert "Vem fick utföra på en dag" in text
        assert "Utbildningsmatris" not in text and "Inspektionsunderlag" not in text
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("m")  # not the nurse's: nothing opens
        await settle(pilot)
        assert not isinstance(app.screen, TrainingMatrixScreen)

        await pilot.press("w")
        assert await on_screen(pilot, AllowedScreen)
        await settle(pilot)
        app.screen.query_one("#task", Select).value = "insulin-penna"
        assert await eventually(pilot, lambda: len(_rows(app, "#allowed")) == 1)
        [row] = _rows(app, "#allowed")
        assert row[:4] == ["Amina Hassan", "Insulin med penna", "delegering", "Eva Sjöberg"]
        assert "1 grund gällde" in widget_text(app, "#count")

        day = app.screen.query_one("#day", Input)
        day.value = (TODAY + timedelta(days=21)).isoformat()
        await pilot.press("d", "enter")
        assert await shows(pilot, "Ingen hade en giltig delegering eller signering")
        day.value = "21 juli"
        await pilot.press("enter")
        assert await shows(pilot, "Skriv dagen som ÅÅÅÅ-MM-DD")

        day.value = TODAY.isoformat()
        persons = app.screen.query_one("#person", Select)
        amina = next(value for label, value in persons._options if str(label) == "Amina Hassan")
        persons.value = amina
        assert await eventually(
            pilot, lambda: {r[1] for r in _rows(app, "#allowed")} >= {"Insulin med penna"}
        )
        assert app.screen.query_one("#task", Select).value == Select.NULL
        assert any(r[2] == "signering" for r in _rows(app, "#allowed"))
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AllowedScreen)


async def test_the_manager_makes_an_inspection_pack_and_it_is_recorded(
    data_dir: Path, tmp_path: Path
):
    app = HandledareApp(load_settings(data_dir))
    async with app.run_test(size=SIZE) as pilot:
        await _manager_presses(pilot, "i", InspectionPackForm)
        await settle(pilot)
        form = app.screen
        await pilot.press("ctrl+s")
        assert await shows(pilot, "Välj en enhet eller en person.")
        scope = form.query_one("#scope", Select)
        scope.value = next(value for label, value in scope._options if "Amina" in str(label))
        await settle(pilot)
        assert "Amina Hassan" in form.query_one("#path", Input).value
        pdf = tmp_path / "paket.pdf"
        form.query_one("#path", Input).value = str(pdf)
        form.query_one("#first", Input).value = "igår"
        await pilot.press("ctrl+s")
        assert await shows(pilot, "Skriv dagen som ÅÅÅÅ-MM-DD")
        form.query_one("#first", Input).value = (TODAY - timedelta(days=7)).isoformat()
        await pilot.press("ctrl+s")
        assert await on_screen(pilot, OverviewScreen)
        assert pdf.exists() and pdf.with_suffix(".csv").exists()
        text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
        assert "Inspektionsunderlag" in text and "Eva Sjöberg" in text
    with sqlite3.connect(data_dir / "handledare.db") as connection:
        made = connection.execute(
            "SELECT count(*) FROM events WHERE type = 'inspection_pack.made'"
        ).fetchone()
    assert made == (1,)


async def test_a_supervisor_is_offered_none_of_them(data_dir: Path):
    app = HandledareApp(load_settings(data_dir))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", SUPERVISOR_PIN)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for refused in ("Utbildningsmatris", "Vem fick utföra på en dag", "Inspektionsunderlag"):
            assert refused not in titles
        await pilot.press("i")
        await settle(pilot)
        assert not isinstance(app.screen, InspectionPackForm)
