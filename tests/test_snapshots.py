"""What the main screens look like, at 80x24 and 120x40, on fixed data and a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from handledare.config import load_settings
from handledare.domain.enums import Mark, Role
from handledare.services import onboarding, people, pins, signoff, templates
from handledare.store.eventlog import Store
from handledare.tui.app import HandledareApp

from conftest import first_admin
from tui_helpers import settle, sign_in, type_into

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
SIZES = [(80, 24), (120, 40)]


def _fixed_world(data_dir: Path) -> None:
    store = Store.open(data_dir / "handledare.db", now=lambda: WHEN)
    cli = first_admin(store)
    unit = people.add_unit(store, cli, "Hemtjänst Norr")
    templates.import_bundled(store, cli)
    user = people.add_user(store, cli, "Anna Lindqvist", Role.SUPERVISOR, "4827", [unit.id])
    anna = pins.sign_in(store, user.id, "4827").actor
    amina = people.add_person(store, anna, "Amina Hassan", unit.id, date(2026, 11, 2))
    oid = onboarding.start_onboarding(store, anna, amina.id, "hemtjanst-omsorg")
    for key in ("anst-avtal", "anst-schema", "anst-kontakter"):
        onboarding.mark_item(store, anna, oid, key, Mark.WALKED_THROUGH)
    signoff.sign_off(store, anna, oid, ["anst-avtal", "anst-schema"], "4827", "Amina Hassan")
    onboarding.mark_item(store, anna, oid, "anst-lon", Mark.NOT_APPLICABLE, "Lön via bemanningen")
    people.add_person(store, anna, "[bold]Stina[/] Ek", unit.id, date(2026, 11, 19))
    store.close()


@pytest.fixture
def app(tmp_path: Path) -> HandledareApp:
    _fixed_world(tmp_path / "data")
    return HandledareApp(load_settings(tmp_path / "data"), clock=lambda: WHEN + timedelta(days=2))


async def _signed_in(pilot) -> None:
    await settle(pilot)
    await sign_in(pilot, "Anna", "4827")


async def _walkthrough(pilot) -> None:
    await _signed_in(pilot)
    await type_into(pilot, "#filter", "Amina")
    await pilot.press("enter", "enter")
    await settle(pilot)


async def _sign_off(pilot) -> None:
    await _walkthrough(pilot)
    await pilot.press("s")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    "run_before",
    [settle, _signed_in, _walkthrough, _sign_off],
    ids=["sign-in", "home", "walkthrough", "sign-off"],
)
def test_screen(snap_compare, app: HandledareApp, size, run_before):
    assert snap_compare(app, terminal_size=size, run_before=run_before)
