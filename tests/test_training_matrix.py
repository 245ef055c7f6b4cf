"""The training matrix: a state per person and task, filters, and its CSV for Excel."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from delegation_helpers import INSULIN, accepted, with_nurse
from handledare.checklists.parser import parse_template
from handledare.domain.validity import Validity
from handledare.errors import PermissionRefused
from handledare.services import onboarding, people, templates
from handledare.services.training_matrix import export_matrix, training_matrix
from test_delegation_needs import NEEDS_DELEGATION

from conftest import World, sign_items

MARCH = date(2027, 3, 1)
TRACKED = "hyg-sosfs"  # valid_for_days = 365 in the bundled home-care checklist


def _cells(matrix, person: str) -> dict[str, Validity]:
    row = next(r for r in matrix.rows if r.person_name == person)
    return {column.key: cell.state for column, cell in zip(matrix.columns, row.cells, strict=True)}


def _world_with_history(world: World) -> None:
    nurse, calendar = with_nurse(world)
    oid = onboarding.start_onboarding(world.store, world.supervisor, world.person.id,
                                      "hemtjanst-omsorg")  # fmt: skip
    template = onboarding.progress(world.store, world.supervisor, oid).template
    needed = [i.key for i in template.items() if i.key == TRACKED]
    sign_items(world.store, world.supervisor, oid, needed)
    accepted(world, nurse, MARCH, date(2027, 3, 20))
    people.add_person(world.store, world.admin, "Bo Ek", world.north.id, date(2027, 1, 1))
    calendar.day = MARCH


def test_each_cell_is_the_state_of_the_person_s_history(world: World):
    _world_with_history(world)
    matrix = training_matrix(world.store, world.manager, MARCH)
    keys = [column.key for column in matrix.columns]
    assert TRACKED in keys and INSULIN in keys
    assert "anst-avtal" not in keys  # an item that does not run out is not tracked
    amina = _cells(matrix, "Amina Hassan")
    assert amina[TRACKED] is Validity.CURRENT
    assert amina[INSULIN] is Validity.EXPIRING  # ends 20 March, within 30 days
    assert amina["stodstrumpor"] is Validity.NONE
    assert set(_cells(matrix, "Bo Ek").values()) == {Validity.NONE}
    row = next(r for r in matrix.rows if r.person_name == "Amina Hassan")
    insulin = row.cells[keys.index(INSULIN)]
    assert insulin.last == date(2027, 3, 20) and insulin.ground.by == "Sara Nilsson"
    assert insulin.shown().startswith("! ")

    later = training_matrix(world.store, world.manager, date(2027, 3, 21))
    assert _cells(later, "Amina Hassan")[INSULIN] is Validity.EXPIRED
    assert _cells(training_matrix(world.store, world.manager, MARCH, warning_days=5),
                  "Amina Hassan")[INSULIN] is Validity.CURRENT  # fmt: skip


def test_filters_keep_the_people_with_a_cell_in_the_state_and_the_unit(world: World):
    _world_with_history(world)
    expiring = training_matrix(world.store, world.manager, MARCH, state=Validity.EXPIRING)
    assert [r.person_name for r in expiring.rows] == ["Amina Hassan"]
    south = training_matrix(world.store, world.admin, MARCH, unit_id=world.south.id)
    assert south.rows == ()
    with pytest.raises(PermissionRefused):
        training_matrix(world.store, world.manager, MARCH, unit_id=world.south.id)
    with pytest.raises(PermissionRefused):
        training_matrix(world.store, world.supervisor, MARCH)


def test_someone_who_has_left_is_not_a_row(world: World):
    _world_with_history(world)
    people.person_left(world.store, world.manager, world.person.id, date(2027, 2, 28))
    matrix = training_matrix(world.store, world.manager, MARCH)
    assert [r.person_name for r in matrix.rows] == ["Bo Ek"]


def test_the_csv_opens_in_swedish_excel_with_a_word_in_every_cell(world: World, tmp_path: Path):
    _world_with_history(world)
    people.add_person(world.store, world.admin, "=HYPERLINK(1)", world.north.id, MARCH)
    out = tmp_path / "matris.csv"
    assert export_matrix(world.store, world.manager, out, MARCH) == 3
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    header = rows[0]
    assert header[:3] == ["person", "employee_number", "unit"]
    assert any(h.endswith(f"[{INSULIN}]") for h in header)
    amina = next(r for r in rows if r[0] == "Amina Hassan")
    assert amina[header.index(next(h for h in header if h.endswith(f"[{INSULIN}]")))] == (
        "! går ut 2027-03-20"
    )
    assert "· ej utbildad" in amina
    assert any(r[0] == "'=HYPERLINK(1)" for r in rows)  # neutralised, never a formula


def test_an_item_that_needs_a_delegation_is_a_column_beside_its_task(world: World):
    nurse, _calendar = with_nurse(world)
    template = parse_template(NEEDS_DELEGATION.format(task=INSULIN), "mall.toml")
    templates.import_template(world.store, world.admin, template)
    onboarding.start_onboarding(world.store, world.supervisor, world.person.id, "insulin-mall")
    accepted(world, nurse, MARCH, date(2027, 8, 31))
    matrix = training_matrix(world.store, world.manager, MARCH)
    keys = [column.key for column in matrix.columns]
    assert keys.index("insulin") < keys.index(INSULIN)  # the checklist's items come first
    assert "hygien" not in keys  # neither runs out nor needs a delegation
    amina = _cells(matrix, "Amina Hassan")
    assert amina["insulin"] is Validity.NONE and amina[INSULIN] is Validity.CURRENT
