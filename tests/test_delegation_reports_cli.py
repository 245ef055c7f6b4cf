"""`handledare export matrix` and `handledare inspection` as a script runs them."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader

from handledare.domain.enums import Role
from handledare.services import people
from handledare.store.eventlog import Store
from test_cli_sign_in import Handledare

from conftest import MANAGER_PIN, SUPERVISOR_PIN, first_admin

MANAGER = ("--as", "Karin Berg", "--pin-stdin")
SUPERVISOR = ("--as", "Anna Lindqvist", "--pin-stdin")


def _data(tmp_path: Path) -> Handledare:
    """A unit with a manager, a supervisor and two people, made in the data folder."""
    store = Store.open(tmp_path / "data" / "handledare.db")
    admin = first_admin(store)
    unit = people.add_unit(store, admin, "Norr")
    people.add_user(store, admin, "Karin Berg", Role.MANAGER, MANAGER_PIN, [unit.id])
    people.add_user(store, admin, "Anna Lindqvist", Role.SUPERVISOR, SUPERVISOR_PIN, [unit.id])
    for name in ("Amina Hassan", "Bo Ek"):
        people.add_person(store, admin, name, unit.id, date.today())
    store.close()
    run = Handledare(tmp_path / "data")
    assert run("delegation", "import-tasks", "--as", "Ingrid Admin", "--pin-stdin",
               stdin="482916\n").returncode == 0  # fmt: skip
    return run


def test_the_matrix_export_writes_csv_for_excel_and_a_supervisor_is_refused(tmp_path: Path):
    run = _data(tmp_path)
    out = tmp_path / "matris.csv"
    done = run("export", "matrix", "--unit", "Norr", "--out", str(out), *MANAGER,
               stdin=f"{MANAGER_PIN}\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "2 personer" in done.stdout
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert [r[0] for r in rows] == ["person", "Amina Hassan", "Bo Ek"]
    assert "Insulin med penna [insulin-penna]" in rows[0]
    assert set(rows[1][3:]) == {"· ej utbildad"}
    none = run("export", "matrix", "--state", "expired", "--out", str(out), *MANAGER,
               stdin=f"{MANAGER_PIN}\n")  # fmt: skip
    assert none.returncode == 0 and "0 personer" in none.stdout
    refused = run("export", "matrix", "--out", str(tmp_path / "x.csv"), *SUPERVISOR,
                  stdin=f"{SUPERVISOR_PIN}\n")  # fmt: skip
    assert refused.returncode != 0 and not (tmp_path / "x.csv").exists()


def test_the_inspection_pack_is_written_recorded_and_listed(tmp_path: Path):
    run = _data(tmp_path)
    pdf, sheet = tmp_path / "paket.pdf", tmp_path / "paket.csv"
    first, last = (date.today() - timedelta(days=30)).isoformat(), date.today().isoformat()
    files = ("--pdf", str(pdf), "--csv", str(sheet))
    made = run("inspection", "pack", "--person", "Amina Hassan", "--from", first, "--to", last,
               *files, *MANAGER, stdin=f"{MANAGER_PIN}\n")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "Amina Hassan" in made.stdout and "0 rader" in made.stdout
    assert "Inspektionsunderlag" in PdfReader(pdf).pages[0].extract_text()
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")
    listed = run("inspection", "list", "--json", *MANAGER, stdin=f"{MANAGER_PIN}\n")
    assert listed.returncode == 0, listed.stderr
    [pack] = json.loads(listed.stdout)
    assert pack["of"] == "Amina Hassan" and pack["by"] == "Karin Berg" and pack["rows"] == 0
    both = run("inspection", "pack", "--person", "Amina Hassan", "--unit", "Norr", "--from",
               first, "--to", last, *files, *MANAGER, stdin=f"{MANAGER_PIN}\n")  # fmt: skip
    assert both.returncode == 1 and "--unit" in both.stderr
    refused = run("inspection", "pack", "--unit", "Norr", "--from", first, "--to", last,
                  "--pdf", str(tmp_path / "s.pdf"), "--csv", str(tmp_path / "s.csv"),
                  *SUPERVISOR, stdin=f"{SUPERVISOR_PIN}\n")  # fmt: skip
    assert refused.returncode != 0 and not (tmp_path / "s.pdf").exists()
    assert run.query("SELECT count(*) FROM events WHERE type = 'inspection_pack.made'") == [(1,)]
