"""What runs out, through the app: the home's line and list of what expires, an expired
sign-off renewed in the walkthrough, a lapsed approval and an item that waits for a
delegation in the manager's review. Pilot on a real data folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import DataTable

from handledare.checklists.parser import parse_template
from handledare.config import load_settings
from handledare.domain.enums import Profession, Role
from handledare.services import delegations, onboarding, people, pins, review, templates
from handledare.store.eventlog import Store
from handledare.tui.app import HandledareApp
from handledare.tui.screens.expiring import ExpiringScreen
from handledare.tui.screens.home import HomeScreen
from handledare.tui.screens.person_review import PersonReviewScreen
from handledare.tui.screens.sign_off_renewal import RenewSignOff
from handledare.tui.screens.walkthrough import WalkthroughScreen
from test_delegation_needs import NEEDS_DELEGATION

from conftest import admin_of, sign_items
from tui_helpers import eventually, on_screen, settle, shows, sign_in, type_into, widget_text

SUPERVISOR_PIN, MANAGER_PIN, NURSE_PIN = "4827", "735184", "6085"
YEAR_AND_MORE = datetime.now(UTC) - timedelta(days=400)


def _world(data_dir: Path) -> None:
    """Amina was approved to work alone 400 days ago: her yearly required items have expired.
    Omar's checklist needs a delegation for insulin, signed off but not delegated."""
    store = Store.open(data_dir / "handledare.db", now=lambda: YEAR_AND_MORE)
    admin = admin_of(store)
    unit = people.add_unit(store, admin, "Hemtjänst Norr")
    templates.import_bundled(store, admin)
    delegations.import_tasks(store, admin)
    templates.import_template(store, admin, parse_template(
        NEEDS_DELEGATION.format(task="insulin-penna"), "mall.toml"))  # fmt: skip
    anna = people.add_user(store, admin, "Anna Lindqvist", Role.SUPERVISOR, SUPERVISOR_PIN,
                           [unit.id])  # fmt: skip
    karin = people.add_user(store, admin, "Karin Berg", Role.MANAGER, MANAGER_PIN, [unit.id])
    people.add_user(store, admin, "Sara Nilsson", Role.NURSE, NURSE_PIN, [unit.id],
                    profession=Profession.NURSE)  # fmt: skip
    supervisor = pins.sign_in(store, anna.id, SUPERVISOR_PIN).actor
    manager = pins.sign_in(store, karin.id, MANAGER_PIN).actor
    amina = people.add_person(store, admin, "Amina Hassan", unit.id, YEAR_AND_MORE.date())
    started = onboarding.start_onboarding(store, supervisor, amina.id, "hemtjanst-omsorg")
    template = templates.get_template(store, "hemtjanst-omsorg")
    sign_items(store, supervisor, started,
               [i.key for i in template.items() if i.required_before_alone])  # fmt: skip
    review.approve(store, manager, started, MANAGER_PIN)
    omar = people.add_person(store, admin, "Omar Said", unit.id, YEAR_AND_MORE.date())
    insulin = onboarding.start_onboarding(store, supervisor, omar.id, "insulin-mall")
    sign_items(store, supervisor, insulin, ["insulin", "hygien"], name="Omar Said")
    store.close()


async def _go_to(pilot, key: str) -> None:
    for _ in range(120):
        if pilot.app.screen.current_item().key == key:
            return
        await pilot.press("down")
    raise AssertionError(f"no item {key}")


async def test_the_supervisor_sees_what_expired_and_renews_it_in_the_walkthrough(tmp_path: Path):
    _world(tmp_path / "data")
    app = HandledareApp(load_settings(tmp_path / "data"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", SUPERVISOR_PIN)
        assert await on_screen(pilot, HomeScreen)
        assert await eventually(
            pilot, lambda: "✗ 4 har gått ut" in widget_text(app, "#expiring-summary")
        )
        await pilot.press("down", "x")  # from the filter down to the list, then its key
        assert await on_screen(pilot, ExpiringScreen)
        assert await shows(pilot, "✗ utgången")
        table = app.screen.query_one("#expiring", DataTable)
        assert await eventually(pilot, lambda: table.row_count == 4)
        await pilot.press("escape")

        await type_into(pilot, "#filter", "Amina")
        await pilot.press("enter", "enter")
        assert await on_screen(pilot, WalkthroughScreen)
        await settle(pilot)
        await _go_to(pilot, "sak-brand")
        await pilot.press("e")
        assert await on_screen(pilot, RenewSignOff)
        await type_into(pilot, "#pin", SUPERVISOR_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "Skriv vad du kontrollerade" in widget_text(app, "#error")
        await type_into(pilot, "#checked", "Gick igenom utrymningsvägarna igen")
        await pilot.press("enter")
        await type_into(pilot, "#pin", SUPERVISOR_PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert await on_screen(pilot, WalkthroughScreen)
        assert await shows(pilot, "signering förnyad efter ny")
        store = app.store
        assert store is not None
        [amina] = [p for p in people.list_people(store, admin_of(store)) if p.name[0] == "A"]
        [oid] = onboarding.onboardings_of_person(store, admin_of(store), amina.id)
        renewed = onboarding.progress(store, admin_of(store), oid).states["sak-brand"]
        assert renewed.signed_at is not None and renewed.signed_at.date() == datetime.now().date()


async def test_the_manager_sees_a_lapsed_approval_and_an_item_waiting_for_delegation(
    tmp_path: Path,
):
    _world(tmp_path / "data")
    app = HandledareApp(load_settings(tmp_path / "data"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Karin", MANAGER_PIN)
        await type_into(pilot, "#filter", "Amina")
        await pilot.press("enter", "enter")
        assert await on_screen(pilot, PersonReviewScreen)
        assert await eventually(
            pilot, lambda: "Godkännandet gäller inte längre" in widget_text(app, "#facts")
        )
        await pilot.press("h")
        history = app.screen.query_one("#history-table", DataTable)
        rows = [" ".join(str(c) for c in history.get_row_at(i)) for i in range(history.row_count)]
        lapsed = [row for row in rows if "godkännandet för eget arbete gäller inte längre" in row]
        assert len(lapsed) == 4 and "8.1 Brandskydd och utrymning" in " ".join(lapsed)
        assert rows[-len(lapsed) :] == lapsed  # after the approval, on the days they lapsed
        await pilot.press("escape")
        app.screen.query_one("#filter").value = ""
        await type_into(pilot, "#filter", "Omar")
        await pilot.press("enter", "enter")
        assert await on_screen(pilot, PersonReviewScreen)
        assert await shows(pilot, "⊘ signerat, räknas inte")
        assert await shows(pilot, "1 av 2 signerade")
