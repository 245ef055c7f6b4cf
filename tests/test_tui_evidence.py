"""Format 2 in the app: prerequisites, each kind of proof, the plan, not applicable."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from textual.widgets import DataTable, Input, Select
from textual.widgets.select import InvalidSelectValueError

from handledare.config import load_settings
from handledare.domain.enums import Role
from handledare.services import people
from handledare.services.certificate import write_certificate
from handledare.services.exports import export_signoffs
from handledare.store.eventlog import Store
from handledare.tui.app import HandledareApp
from handledare.tui.screens.dialogs import TextPrompt
from handledare.tui.screens.evidence import ProofForm
from handledare.tui.screens.forms import PersonForm, PersonLanguageForm
from handledare.tui.screens.home import HomeScreen
from handledare.tui.screens.person_review import PersonReviewScreen
from handledare.tui.screens.plan import PlanScreen
from handledare.tui.screens.sign_off import SignOffScreen
from handledare.tui.screens.walkthrough import WalkthroughScreen
from test_tui import _seed

from conftest import admin_of
from tui_helpers import (
    eventually,
    on_screen,
    settle,
    shows,
    sign_in,
    to_list,
    type_into,
    visible_text,
    widget_text,
)

SIZE = (120, 40)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The supervisor's world of test_tui, a manager (3333), and Amina reads English best."""
    data_dir = tmp_path / "data"
    _seed(data_dir)
    store = Store.open(data_dir / "handledare.db")
    cli = admin_of(store)
    [unit] = people.list_units(store)
    people.add_user(store, cli, "Karin Berg", Role.MANAGER, "735184", [unit.id])
    amina = people.find_person(store, cli, "Amina Hassan")
    people.set_person_language(store, cli, amina.id, "en")
    store.close()
    return data_dir


def _app(data_dir: Path) -> HandledareApp:
    return HandledareApp(load_settings(data_dir))


def _marks(data_dir: Path, key: str) -> int:
    with sqlite3.connect(data_dir / "handledare.db") as connection:
        return connection.execute(
            "SELECT count(*) FROM events WHERE type = 'item.marked' "
            "AND json_extract(payload, '$.item_key') = ?",
            (key,),
        ).fetchone()[0]


async def _walkthrough(pilot) -> None:
    await settle(pilot)
    await sign_in(pilot, "Anna", "4827")
    await to_list(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert await on_screen(pilot, WalkthroughScreen)


async def go_to_item(pilot, key: str) -> None:
    """Up or down the list, as a person would, to the item (a mark moves on to the next
    open item, so the one just marked is above)."""
    keys = [item.key for item in pilot.app.screen.progress.template.items()]
    for _ in range(120):
        here = pilot.app.screen.current_item().key
        if here == key:
            return
        await pilot.press("down" if keys.index(key) > keys.index(here) else "up")
    raise AssertionError(f"no item {key}")


async def _sign(pilot, name: str = "Amina Hassan") -> None:
    await pilot.press("s")
    assert await on_screen(pilot, SignOffScreen)
    await type_into(pilot, "#acknowledgement", name)
    await type_into(pilot, "#pin", "4827")
    await pilot.press("enter")
    await settle(pilot)
    assert await on_screen(pilot, WalkthroughScreen)


async def _fill(pilot, values: dict[str, str]) -> None:
    for field, text in values.items():
        pilot.app.screen.query_one(f"#{field}", Input).value = ""
        await type_into(pilot, f"#{field}", text)


async def test_a_waiting_item_cannot_be_marked_or_signed(data_dir: Path):
    app = _app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _walkthrough(pilot)
        await go_to_item(pilot, "hyg-test")
        assert await shows(pilot, "◌ 5.2 Kunskapstest: basala")
        assert widget_text(app, "#item-waiting") == (
            "◌ Väntar på: 2.2 Webbutbildningen Basala hygienrutiner"
        )
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, WalkthroughScreen), "no form for a waiting item"
        await pilot.press("p", "s")
        await settle(pilot)
        assert isinstance(app.screen, WalkthroughScreen), "nothing marked, nothing to sign"
        assert widget_text(app, "#item-state") == "◌ Inte genomgånget ännu."
    assert _marks(data_dir, "hyg-test") == 0


async def test_a_course_shows_its_hours_and_its_link_is_copied_never_opened(data_dir: Path):
    app = _app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _walkthrough(pilot)
        await go_to_item(pilot, "webb-introduktion")  # 360 minutes, a web course
        facts = widget_text(app, "#item-facts")
        assert "Cirka 6 tim ·" in facts and "360" not in facts
        assert "Webbutbildning" in facts and "Underlag: kursintyg" in facts
        assert widget_text(app, "#item-link") == (
            "Länk: https://kunskapsguiden.se/ (y kopierar den)"
        )
        await pilot.press("y")
        assert app.clipboard == "https://kunskapsguiden.se/"
        assert isinstance(app.screen, WalkthroughScreen), "nothing was opened"
        await go_to_item(pilot, "anst-lon")
        assert widget_text(app, "#item-link") == ""
        await pilot.press("y")
        assert app.clipboard == "https://kunskapsguiden.se/", "an item without a link copies none"


async def test_each_kind_of_proof_through_the_app_reaches_the_certificate_and_the_csv(
    data_dir: Path, tmp_path: Path
):
    app = _app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _walkthrough(pilot)
        # A certificate: issuer, date, number.
        await go_to_item(pilot, "webb-hygien")
        await pilot.press("g")
        assert await on_screen(pilot, ProofForm)
        await _fill(
            pilot, {"issuer": "Socialstyrelsen", "issued": "2026-10-03", "number": "K-1234"}
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert await on_screen(pilot, WalkthroughScreen)
        await go_to_item(pilot, "webb-hygien")
        assert widget_text(app, "#item-proof") == "Intyg: Socialstyrelsen, 3 okt. 2026, nr K-1234"
        # A certificate seen, without a number.
        await go_to_item(pilot, "webb-introduktion")
        await pilot.press("g")
        assert await on_screen(pilot, ProofForm)
        await _fill(pilot, {"issuer": "Socialstyrelsen", "seen": "Visat i mobilen"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        # A document and its version.
        await go_to_item(pilot, "sekr-tystnadsplikt")
        await pilot.press("g")
        assert await on_screen(pilot, ProofForm)
        await _fill(pilot, {"document": "Sekretessförbindelse", "version": "2025:1"})
        await pilot.press("enter")  # Enter in the last field saves
        await settle(pilot)
        assert await on_screen(pilot, WalkthroughScreen)
        # The practical part, vouched for by a colleague; the supervisor still signs.
        await go_to_item(pilot, "sak-trafik")
        await pilot.press("p")
        assert await on_screen(pilot, ProofForm)
        await _fill(pilot, {"observer_name": "Lena Holm", "observer_role": "undersköterska"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        await _sign(pilot)
        assert await shows(pilot, "4 signerade")

        # A knowledge test, now that the web course it waits for is signed off.
        await go_to_item(pilot, "hyg-test")
        await pilot.press("g")
        assert await on_screen(pilot, ProofForm)
        assert app.screen.query_one("#pass_mark", Input).disabled  # the checklist's own
        await _fill(pilot, {"score": "7"})
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProofForm), "a failed test is not recorded"
        assert "7 av 10 är under gränsen för godkänt 8" in widget_text(app, "#form-error")
        await _fill(pilot, {"score": "9"})
        await pilot.press("enter")
        await settle(pilot)
        assert await on_screen(pilot, WalkthroughScreen)
        await _sign(pilot)
        assert await shows(pilot, "5 signerade")
    assert _marks(data_dir, "hyg-test") == 1

    store = Store.open(data_dir / "handledare.db")
    cli = admin_of(store)
    amina = people.find_person(store, cli, "Amina Hassan")
    pdf = tmp_path / "intyg.pdf"
    write_certificate(store, cli, amina.id, pdf, date(2026, 11, 22))
    csv_path = tmp_path / "signoffs.csv"
    export_signoffs(store, cli, csv_path)
    store.close()
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    expected = {
        "webb-hygien": "Intyg: Socialstyrelsen, 3 okt. 2026, nr K-1234",
        "webb-introduktion": "sett: Visat i mobilen",
        "sekr-tystnadsplikt": "Dokument: Sekretessförbindelse, version 2025:1",
        "sak-trafik": "Observerat av Lena Holm (undersköterska); handledaren signerar",
        "hyg-test": "Kunskapstest: 9 av 10 (godkänt från 8)",
    }
    for proof in expected.values():
        assert proof in text
    assert "✓ 2.2 Webbutbildningen Basala hygienrutiner" in text
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    signed = {row["item_key"]: row for row in rows if row["event"] == "signed_off"}
    for key, proof in expected.items():
        assert proof in signed[key]["evidence_detail"], key
    assert (signed["hyg-test"]["evidence"], signed["hyg-test"]["item_number"]) == ("test", "5.2")
    assert signed["sak-trafik"]["evidence"] == "observed"


async def test_not_applicable_reads_as_such_for_the_manager(data_dir: Path):
    app = _app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _walkthrough(pilot)
        await go_to_item(pilot, "anst-lon")
        await pilot.press("x")
        await type_into(pilot, "#text", "Lön via bemanningsföretaget")
        await pilot.press("enter")
        await settle(pilot)
        await _sign(pilot)
        assert await shows(pilot, "– 1.3 Lön och tidrapportering")
        assert "✓ 1.3" not in widget_text(app, "#item-state")
        await pilot.press("escape")
        assert await on_screen(pilot, HomeScreen)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await sign_in(pilot, "Karin", "735184")
        await type_into(pilot, "#filter", "Amina")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert await on_screen(pilot, PersonReviewScreen)
        table = app.screen.query_one("#items", DataTable)
        assert await eventually(pilot, lambda: table.row_count == 71)
        row = [str(cell) for cell in table.get_row_at(2)]
        assert row[:2] == ["–", "1.3 Lön och tidrapportering"]
        # A long reason is cut in the table (to keep who signed and when); never ✓.
        assert row[2].startswith("ej aktuellt: Lön v")


async def test_the_plan_in_the_substitute_s_language_beside_swedish_and_printed(
    data_dir: Path, tmp_path: Path
):
    app = _app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await _walkthrough(pilot)
        await pilot.press("m")
        assert await on_screen(pilot, PlanScreen)
        assert await shows(pilot, "My introduction · Min introduktion · Amina Hassan")
        assert await shows(pilot, "0 of 71 done · 0 av 71 klara")
        for _ in range(6):  # down to the first step's hygiene test
            if "väntar på 2.2" in visible_text(app):
                break
            await pilot.press("pagedown")
        assert await shows(pilot, "waits for 2.2 Web course:")
        assert await shows(pilot, "väntar på 2.2 Webbutbildningen")
        await pilot.press("p")
        assert await on_screen(pilot, TextPrompt)
        suggested = app.screen.query_one("#text", Input).value
        assert suggested.endswith("Min introduktion Amina Hassan.pdf")
        out = tmp_path / "plan.pdf"
        app.screen.query_one("#text", Input).value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert await eventually(pilot, out.exists)
        assert "My introduction · Min introduktion" in PdfReader(out).pages[0].extract_text()

        await pilot.press("e")
        assert await on_screen(pilot, PersonLanguageForm)
        app.screen.query_one("#language", Select).value = "sv"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert await on_screen(pilot, PlanScreen)
        assert await shows(pilot, "Min introduktion · Amina Hassan")
        assert "My introduction" not in widget_text(app, "#plan-title")


async def test_a_new_substitute_s_language_is_chosen_when_they_are_added(data_dir: Path):
    app = _app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        await to_list(pilot)
        await pilot.press("a")
        assert await on_screen(pilot, PersonForm)
        await settle(pilot)
        await type_into(pilot, "#name", "Dawit Tesfaye")
        language = app.screen.query_one("#language", Select)

        def english_offered() -> bool:
            try:
                language.value = "en"
            except InvalidSelectValueError:  # the languages are still being read
                return False
            return True

        assert await eventually(pilot, english_offered)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert await on_screen(pilot, HomeScreen)
    store = Store.open(data_dir / "handledare.db")
    dawit = people.find_person(store, admin_of(store), "Dawit Tesfaye")
    store.close()
    assert dawit.language == "en"
