"""The manager's overview and drill-down, driven through Pilot on a real data folder."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Input, Select

from handledare.config import load_settings
from handledare.domain.enums import Role
from handledare.services import onboarding, overview, people, pins, review, templates
from handledare.store.eventlog import Store
from handledare.tui.app import HandledareApp
from handledare.tui.screens.expiring import ExpiringScreen
from handledare.tui.screens.overview import OverviewScreen
from handledare.tui.screens.person_review import ApproveDialog, PersonReviewScreen
from handledare.tui.widgets.onboarding_table import PAGE
from test_snapshots import WHEN, _fixed_world

from conftest import admin_of, sign_items
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

SIZES = [(80, 24), (120, 40)]
YEAR_AGO = WHEN - timedelta(days=360)


def _review_world(data_dir: Path) -> None:
    """The fixed home-care world, plus a manager and a substitute approved a year ago."""
    _fixed_world(data_dir)
    store = Store.open(data_dir / "handledare.db", now=lambda: YEAR_AGO)
    cli = admin_of(store)
    [unit] = people.list_units(store)
    people.add_user(store, cli, "Karin Berg", Role.MANAGER, "735184", [unit.id])
    anna = next(u for u in people.list_users(store) if u.name == "Anna Lindqvist")
    anna = pins.sign_in(store, anna.id, "4827").actor
    greta = people.add_person(store, anna, "Greta Sundberg", unit.id, YEAR_AGO.date())
    oid = onboarding.start_onboarding(store, anna, greta.id, "hemtjanst-omsorg")
    keys = [item.key for item in templates.get_template(store, "hemtjanst-omsorg").items()]
    sign_items(store, anna, oid, keys, "4827", "Greta Sundberg")
    store.close()


@pytest.fixture
def data_dir(review_data: Path) -> Path:
    return review_data


def _app(data_dir: Path) -> HandledareApp:
    return HandledareApp(load_settings(data_dir), clock=lambda: WHEN + timedelta(days=2))


def _rows(app: HandledareApp, selector: str = "#people") -> list[str]:
    table = app.screen.query_one(selector, DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def _as_manager(pilot) -> None:
    await settle(pilot)
    await sign_in(pilot, "Karin", "735184")


async def _open(pilot, name: str) -> None:
    await type_into(pilot, "#filter", name)
    await pilot.press("enter", "enter")
    await settle(pilot)


async def test_manager_overview_counts_filters_and_expiry(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    # The choices are made behind the first page, and filled once they are there.
    choices_at_first_page: list[int] = []
    show_first_page = OverviewScreen.show_first_page

    def shown(screen: OverviewScreen, *loaded) -> None:
        choices_at_first_page.append(len(screen.query(Select)))
        show_first_page(screen, *loaded)

    monkeypatch.setattr(OverviewScreen, "show_first_page", shown)
    store = Store.open(data_dir / "handledare.db")
    [unit] = people.list_units(store)
    store.close()
    app = _app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _as_manager(pilot)
        assert await on_screen(pilot, OverviewScreen)
        assert await eventually(pilot, lambda: len(_rows(app)) == 3)
        assert choices_at_first_page == [0]
        await settle(pilot)
        # Offered once read (a value not offered is refused).
        app.screen.query_one("#unit-filter", Select).value = unit.id
        await settle(pilot)
        assert len(_rows(app)) == 3
        app.screen.query_one("#unit-filter", Select).value = Select.NULL
        # The counts are read behind the first page.
        assert await eventually(
            pilot,
            lambda: (
                "Pågår: 1" in (counts := widget_text(app, "#status-counts"))
                and "Väntar på godkännande: 1" in counts
            ),
        )
        # Greta's yearly items expire 365 days after signing, i.e. within the 30-day warning.
        assert await shows(pilot, "Greta Sundberg ◷")

        app.screen.query_one("#status-filter", Select).value = "in_progress"
        assert await eventually(pilot, lambda: _rows(app) == ["Amina Hassan"])
        app.screen.query_one("#status-filter", Select).value = Select.NULL
        await type_into(pilot, "#filter", "gret")
        assert await eventually(pilot, lambda: _rows(app) == ["Greta Sundberg ◷"])
        # Counted once typing pauses.
        assert await eventually(pilot, lambda: "1 av 3 visas" in widget_text(app, "#count"))

        await pilot.press("escape")
        app.screen.query_one("#people", DataTable).focus()
        await pilot.press("x")
        assert await on_screen(pilot, ExpiringScreen)
        assert await shows(pilot, "Delegering: läkemedelshantering")
        assert await shows(pilot, "25 nov. 2026")


async def test_a_page_read_for_what_was_typed_before_is_not_shown_over_the_newer_one(
    data_dir: Path,
):
    """Pages are read in threads and one can come back after a later key's: it is dropped,
    not shown over the rows of what the field says now."""
    app = _app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _as_manager(pilot)
        assert await on_screen(pilot, OverviewScreen)
        await settle(pilot)
        onboardings = app.screen.onboardings
        before, everyone = onboardings.query_shown, list(onboardings.rows)
        await type_into(pilot, "#filter", "gret")
        assert await eventually(pilot, lambda: _rows(app) == ["Greta Sundberg ◷"])
        assert len(everyone) > 1
        assert not onboardings.show_page(before, 0, everyone), "a late page was shown"
        await settle(pilot)
        assert _rows(app) == ["Greta Sundberg ◷"]
        assert [row.person_name for row in onboardings.rows] == ["Greta Sundberg"]


async def test_a_long_list_shows_its_first_page_reads_on_as_one_scrolls_and_narrows(
    data_dir: Path,
):
    store = Store.open(data_dir / "handledare.db")
    [unit] = people.list_units(store)
    for number in range(PAGE + 5):
        people.add_person(store, admin_of(store), f"Vikarie {number:03d}", unit.id, WHEN.date())
    store.close()
    total = PAGE + 5 + 3
    app = _app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _as_manager(pilot)
        assert await on_screen(pilot, OverviewScreen)
        assert await eventually(pilot, lambda: len(_rows(app)) == PAGE)
        assert _rows(app)[:4] == [
            "[bold]Stina[/] Ek",
            "Amina Hassan",
            "Greta Sundberg ◷",
            "Vikarie 000",
        ]
        assert await eventually(
            pilot,
            lambda: widget_text(app, "#count").startswith(
                f"de första {PAGE} av {total} som matchar ({total} totalt)"
            ),
        )
        # The count line grows to the lines its text needs; as its text shortens below, it
        # keeps them, so the list does not move at each key; at a new width it fits again.
        count = app.screen.query_one("#count")
        assert count.size.height == 2 and "(x listar dem)" in visible_text(app)
        # The cursor near the end of the first page reads the rest.
        app.screen.query_one("#people", DataTable).focus()
        await pilot.press("ctrl+end")
        assert await eventually(pilot, lambda: len(_rows(app)) == total)
        assert _rows(app)[-1] == f"Vikarie {PAGE + 4:03d}"
        assert await eventually(
            pilot, lambda: widget_text(app, "#count").startswith(f"{total} av {total} visas")
        )
        await settle(pilot)
        one_line = cell_len(widget_text(app, "#count")) <= count.content_size.width
        assert one_line and count.size.height == 2
        await pilot.resize_terminal(124, 40)
        await settle(pilot)
        assert count.size.height == 1
        # A text every row matches (the unit's name): the same rows from the first page on,
        # and the table shows every row read for it, no more and no fewer.
        scrolled = _rows(app)
        await type_into(pilot, "#filter", unit.name[:4])
        await settle(pilot)
        listed = app.screen.onboardings
        assert listed.query_shown.text == unit.name[:4]
        assert _rows(app) == scrolled[: len(listed.rows)] and len(listed.rows) >= PAGE
        app.screen.query_one("#filter", Input).value = ""

        await type_into(pilot, "#filter", "vikarie 10")
        expected = [f"Vikarie {n:03d}" for n in range(100, PAGE + 5)]
        assert await eventually(pilot, lambda: _rows(app) == expected)
        assert await eventually(
            pilot,
            lambda: widget_text(app, "#count").startswith(f"{len(expected)} av {total} visas"),
        )


async def test_the_filter_field_is_as_wide_as_its_place_and_scrolls_a_longer_text(
    data_dir: Path,
):
    """Typing does not change the field's content width (that would lay out the screen at
    every key) until the text is longer than the field, which then scrolls to the cursor."""
    app = _app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await _as_manager(pilot)
        assert await on_screen(pilot, OverviewScreen)
        field = app.screen.query_one("#filter", Input)
        room = field.content_region.width
        await type_keys(pilot, "#filter", "gret")
        assert field.virtual_size.width == room and field.scroll_x == 0
        long = "x" * (room + 10)
        await type_keys(pilot, "#filter", long)
        assert field.value == "gret" + long
        assert field.virtual_size.width == len(field.value) + 1
        assert field.scroll_x > 0


async def test_approval_is_refused_with_required_items_open_until_a_reason_is_given(
    data_dir: Path,
):
    app = _app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _as_manager(pilot)
        await _open(pilot, "Amina")
        assert await on_screen(pilot, PersonReviewScreen)
        assert await shows(pilot, "Inte godkänd")
        await pilot.press("g")
        assert await on_screen(pilot, ApproveDialog)
        await type_into(pilot, "#pin", "735184")
        await pilot.press("enter")
        await settle(pilot)
        assert "Godkänn ändå bara med ett skäl" in widget_text(app, "#error")
        assert isinstance(app.screen, ApproveDialog)

        await type_into(pilot, "#reason", "Bemanningsläget i jul")
        await type_into(pilot, "#pin", "735184")
        await pilot.press("enter")
        await settle(pilot)
        assert await on_screen(pilot, PersonReviewScreen)
        assert await eventually(
            pilot, lambda: "Godkänd för eget arbete" in widget_text(app, "#facts")
        )
        assert "Undantag med obligatoriska moment öppna: Bemanningsläget i jul" in widget_text(
            app, "#facts"
        )
        store = app.store
        progress = onboarding.progress(store, admin_of(store), app.screen.onboarding_id)
        assert progress.approval_override == "Bemanningsläget i jul"
        assert progress.approved_by == app.actor.user_id


async def test_revoking_a_sign_off_from_the_drill_down(data_dir: Path):
    app = _app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _as_manager(pilot)
        await _open(pilot, "Amina")
        assert await on_screen(pilot, PersonReviewScreen)
        assert await eventually(pilot, lambda: _rows(app, "#items")[:2] == ["✓", "✓"])
        await pilot.press("r")
        await type_into(pilot, "#text", "Fel person kvitterade")
        await pilot.press("enter")
        await settle(pilot)
        await type_into(pilot, "#pin", "735184")
        await pilot.press("enter")
        await settle(pilot)
        assert await eventually(pilot, lambda: _rows(app, "#items")[0] == "·")
        await pilot.press("h")
        history = app.screen.query_one("#history-table", DataTable)
        last = [str(cell) for cell in history.get_row_at(history.row_count - 1)]
        assert last[1:] == [
            "Karin Berg",
            "1.1 Anställningsavtal och arbetstider",
            "signering återkallad: Fel person kvitterade",
        ]
        state = onboarding.progress(
            app.store, admin_of(app.store), app.screen.onboarding_id
        ).states["anst-avtal"]
        assert not state.signed


async def test_conflicts_appear_for_the_manager_and_can_be_resolved(data_dir: Path):
    store = Store.open(data_dir / "handledare.db")
    admin = admin_of(store)
    [amina] = [p for p in people.list_people(store, admin) if p.name.startswith("Am")]
    [oid] = onboarding.onboardings_of_person(store, admin, amina.id)
    with store.write(admin.user_id) as tx:
        tx.emit("item.marked", oid, {"item_key": "anst-lon", "mark": "practised", "basis": None})
    store.close()
    app = _app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _as_manager(pilot)
        assert await shows(pilot, "Konflikter från synk: 1")
        await _open(pilot, "Amina")
        assert await shows(pilot, "1 konflikt från synk")
        await pilot.press("c")
        assert await shows(pilot, "Lön och tidrapportering")
        await pilot.press("k")
        await type_into(pilot, "#text", "Övat, ej aktuellt stryks")
        await pilot.press("enter")
        await settle(pilot)
        assert await shows(pilot, "Konflikter (0)")
        assert review.list_conflicts(app.store, admin_of(app.store)) == []


async def test_supervisor_home_marks_expiry_and_lists_it(data_dir: Path):
    app = _app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "Anna", "4827")
        assert await shows(pilot, "Greta Sundberg ◷")
        assert await shows(pilot, "ett moment går ut inom 30 dagar")
        await to_list(pilot)
        await pilot.press("x")
        assert await on_screen(pilot, ExpiringScreen)
        assert await shows(pilot, "Personlyft och lyftsele")
        await pilot.press("enter")  # as the footer says: the row's onboarding opens
        assert await on_screen(pilot, PersonReviewScreen)
        assert await shows(pilot, "Greta Sundberg")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_overview_snapshot(snap_compare, data_dir: Path, size):
    assert snap_compare(_app(data_dir), terminal_size=size, run_before=_as_manager)


def test_yearly_items_really_are_due_within_the_warning(data_dir: Path):
    """The fixture's premise: the yearly items signed a year ago expire within 30 days."""
    store = Store.open(data_dir / "handledare.db")
    today = (WHEN + timedelta(days=2)).date()
    soon = overview.expiring_items(store, admin_of(store), today)
    store.close()
    assert {item.expires_on for item in soon} == {date(2026, 11, 25)}
    assert not any(item.expired(today) for item in soon)


async def test_overview_chart_has_month_names_and_figures_and_d_shows_it_at_80x24(
    data_dir: Path,
):
    app = _app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _as_manager(pilot)
        assert await on_screen(pilot, OverviewScreen)
        assert await shows(pilot, "dec. 2025 – nov. 2026")
        lines = visible_text(app).splitlines()
        months = next(
            line for line in lines if "dec." in line and "nov." in line and "jan." in line
        )
        assert months.split() == [
            "dec.", "jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.",
            "nov.",
        ]  # fmt: skip
        started = next(line for line in lines if line.strip().startswith("S "))
        assert started.split() == ["S", *["0"] * 11, "1"], "Amina's checklist started in November"
        approved = next(line for line in lines if line.strip().startswith("G "))
        assert approved.split() == ["G", *["0"] * 12]

    app = _app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await _as_manager(pilot)
        assert await on_screen(pilot, OverviewScreen)
        assert "dec. 2025" not in visible_text(app), "at 80x24 the list comes first"
        await to_list(pilot)
        await pilot.press("d")
        assert await shows(pilot, "dec. 2025 – nov. 2026")
        assert (
            not app.screen.query_one("#people").display
            or not app.screen.query_one("#onboardings").display
        )
        await pilot.press("d")
        assert await shows(pilot, "Amina Hassan")
