"""`handledare delegation` as a script runs it: a separate process, PINs on standard input."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from test_cli_sign_in import Handledare

from conftest import ADD_FIRST_ADMIN, ADMIN_PIN

ADMIN = ("--as", "Ingrid Admin", "--pin-stdin")
NURSE = ("--as", "Sara Nilsson", "--pin-stdin")
NURSE_PIN = "6085"


def test_a_nurse_delegates_the_person_accepts_and_the_list_shows_it(tmp_path: Path):
    run = Handledare(tmp_path / "data")
    assert run(*ADD_FIRST_ADMIN, stdin=f"{ADMIN_PIN}\n").returncode == 0
    assert run("unit", "add", "Norr", *ADMIN, stdin=f"{ADMIN_PIN}\n").returncode == 0
    refused = run("user", "add", "--name", "Sara Nilsson", "--role", "nurse", "--unit", "Norr",
                  *ADMIN, stdin=f"{ADMIN_PIN}\n{NURSE_PIN}\n")  # fmt: skip
    assert refused.returncode == 1 and "yrke" in refused.stderr
    added = run("user", "add", "--name", "Sara Nilsson", "--role", "nurse", "--unit", "Norr",
                "--profession", "nurse", *ADMIN, stdin=f"{ADMIN_PIN}\n{NURSE_PIN}\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "sjuksköterska" in added.stdout
    assert run("import-tasks", *ADMIN).returncode != 0  # a group's action, not a command
    imported = run("delegation", "import-tasks", *ADMIN, stdin=f"{ADMIN_PIN}\n")
    assert imported.returncode == 0, imported.stderr
    person = run("person", "add", "--name", "Amina Hassan", "--unit", "Norr", *ADMIN,
                 stdin=f"{ADMIN_PIN}\n")  # fmt: skip
    assert person.returncode == 0, person.stderr

    today = date.today()
    too_long = run("delegation", "give", "--person", "Amina Hassan", "--task", "insulin-penna",
                   "--to", (today + timedelta(days=400)).isoformat(), *NURSE,
                   stdin=f"{NURSE_PIN}\n{NURSE_PIN}\n")  # fmt: skip
    assert too_long.returncode == 1 and "12 månader" in too_long.stderr
    given = run("delegation", "give", "--person", "Amina Hassan", "--task", "insulin-penna",
                "--task", "stodstrumpor", "--to", (today + timedelta(days=90)).isoformat(),
                "--conditions", "Bara kvällsdos", *NURSE,
                stdin=f"{NURSE_PIN}\n{NURSE_PIN}\n")  # fmt: skip
    assert given.returncode == 0, given.stderr
    short_id = given.stdout.split("(")[1].split(")")[0]

    def listed() -> dict:
        shown = run("delegation", "list", "--json", *NURSE, stdin=f"{NURSE_PIN}\n")
        assert shown.returncode == 0, shown.stderr
        return json.loads(shown.stdout)[0]

    assert listed()["status"] == "awaiting" and listed()["validity"] is None
    wrong = run("delegation", "accept", short_id, "--typed-name", "Amina", *NURSE,
                stdin=f"{NURSE_PIN}\n")  # fmt: skip
    assert wrong.returncode == 1
    taken = run("delegation", "accept", short_id, "--typed-name", "Amina Hassan", *NURSE,
                stdin=f"{NURSE_PIN}\n")  # fmt: skip
    assert taken.returncode == 0, taken.stderr
    row = listed()
    assert row["status"] == "accepted" and row["validity"] == "current"
    assert row["tasks"] == ["insulin-penna", "stodstrumpor"] and row["profession"] == "nurse"
    table = run("delegation", "list", *NURSE, stdin=f"{NURSE_PIN}\n").stdout
    assert "✓ giltig" in table and "Insulin med penna" in table

    asked = run("allowed", "--task", "insulin-penna", "--on", today.isoformat(), "--json",
                *NURSE, stdin=f"{NURSE_PIN}\n")  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    [held] = json.loads(asked.stdout)["allowed"]
    assert held["person"] == "Amina Hassan" and held["by"] == "Sara Nilsson"
    assert (
        held["kind"] == "delegation" and held["until"] == (today + timedelta(days=90)).isoformat()
    )
    yesterday = (today - timedelta(days=1)).isoformat()
    before = run("allowed", "--task", "insulin-penna", "--on", yesterday, *NURSE,
                 stdin=f"{NURSE_PIN}\n")  # fmt: skip
    assert before.returncode == 0 and "Ingen" in before.stdout
    revoked = run("delegation", "revoke", short_id, "--reason", "Ny ordination", *NURSE,
                  stdin=f"{NURSE_PIN}\n{NURSE_PIN}\n")  # fmt: skip
    assert revoked.returncode == 0, revoked.stderr
    assert listed()["status"] == "revoked"
    assert run.query("SELECT count(*) FROM delegations")[0][0] == 1
