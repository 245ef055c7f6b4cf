"""The command line signs in like the app: run as a separate process, as a script would."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ADD_FIRST_ADMIN, ADMIN_PIN, SUPERVISOR_PIN

ADMIN = ("--as", "Ingrid Admin", "--pin-stdin")
SUPERVISOR = ("--as", "Anna Lindqvist", "--pin-stdin")


class Handledare:
    def __init__(self, data: Path):
        self.data = data

    def __call__(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "handledare", "--data-dir", str(self.data), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.data / "handledare.db") as connection:
            return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def made_by_the_cli(tmp_path_factory) -> Path:
    """A database with its first administrator, a unit and a supervisor, made through the CLI
    once; each test works on a copy."""
    run = Handledare(tmp_path_factory.mktemp("cli") / "data")
    made = run(*ADD_FIRST_ADMIN, stdin=f"{ADMIN_PIN}\n")
    assert made.returncode == 0, made.stderr
    assert run("unit", "add", "Norr", *ADMIN, stdin=f"{ADMIN_PIN}\n").returncode == 0
    added = run("user", "add", "--name", "Anna Lindqvist", "--role", "supervisor",
                "--unit", "Norr", *ADMIN, stdin=f"{ADMIN_PIN}\n{SUPERVISOR_PIN}\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    return run.data


@pytest.fixture
def run(made_by_the_cli: Path, tmp_path: Path) -> Handledare:
    shutil.copytree(made_by_the_cli, tmp_path / "data")
    return Handledare(tmp_path / "data")


def test_a_command_without_as_is_refused_and_changes_nothing(run: Handledare):
    for args in (
        ("unit", "add", "Söder"),
        ("person", "list"),
        ("user", "list"),
        ("rebuild",),
        ("sync", "--share", str(run.data.parent / "share")),
    ):
        done = run(*args)
        assert done.returncode == 1 and "--as NAMN" in done.stderr, args
    assert run.query("SELECT name FROM units") == [("Norr",)]
    assert run("unit", "list").returncode == 0, "a list without personal data needs no sign-in"


def test_the_first_admin_exception_holds_only_on_an_empty_database(run: Handledare):
    done = run("user", "add", "--name", "Mallory", "--role", "admin", "--pin-stdin",
               stdin="618203\n")  # fmt: skip
    assert done.returncode == 1 and "--as NAMN" in done.stderr
    assert [name for (name,) in run.query("SELECT name FROM users ORDER BY name")] == [
        "Anna Lindqvist",
        "Ingrid Admin",
    ]


def test_a_wrong_pin_is_refused_and_counted(run: Handledare):
    done = run("unit", "add", "Söder", *ADMIN, stdin="618203\n")
    assert done.returncode == 1 and "Fel PIN-kod. 4 försök kvar." in done.stderr
    assert run.query("SELECT failures FROM pin_failures") == [(1,)]
    assert run.query("SELECT count(*) FROM units") == [(1,)]
    assert run("unit", "add", "Söder", *ADMIN, stdin=f"{ADMIN_PIN}\n").returncode == 0
    assert run.query("SELECT count(*) FROM pin_failures") == [(0,)]


def test_an_empty_pin_is_refused_without_counting_a_wrong_one(run: Handledare):
    done = run("unit", "add", "Söder", *ADMIN, stdin="\n")
    assert done.returncode == 1 and "Skriv din PIN-kod." in done.stderr
    assert "Fel PIN-kod" not in done.stderr
    assert run.query("SELECT count(*) FROM pin_failures") == [(0,)]
    assert run.query("SELECT count(*) FROM units") == [(1,)]


def test_lockout_holds_across_processes(run: Handledare):
    for attempt in range(5):
        done = run("person", "list", *SUPERVISOR, stdin="5931\n")
        assert done.returncode == 1, attempt
    assert "För många felaktiga PIN-koder" in done.stderr
    done = run("person", "list", *SUPERVISOR, stdin=f"{SUPERVISOR_PIN}\n")
    assert done.returncode == 1 and "Försök igen om 1 minut" in done.stderr
    [(actor, entity)] = run.query("SELECT actor_id, entity_id FROM events "
                                  "WHERE type = 'user.locked_out'")  # fmt: skip
    assert actor == entity

    assert run("user", "unlock", "Anna Lindqvist", *ADMIN, stdin=f"{ADMIN_PIN}\n").returncode == 0
    assert run("person", "list", *SUPERVISOR, stdin=f"{SUPERVISOR_PIN}\n").returncode == 0
    assert run.query("SELECT count(*) FROM events WHERE type = 'user.unlocked'") == [(1,)]


def test_a_supervisor_is_refused_an_admin_command(run: Handledare):
    for args, stdin in (
        (("unit", "add", "Söder"), ""),
        (("user", "add", "--name", "Mallory", "--role", "admin"), "618203\n"),
        (("user", "unlock", "Ingrid Admin"), ""),
        (("rebuild",), ""),
    ):
        done = run(*args, *SUPERVISOR, stdin=f"{SUPERVISOR_PIN}\n{stdin}")
        assert done.returncode == 1 and "Bara en administratör" in done.stderr, args
    assert run.query("SELECT count(*) FROM units") == [(1,)]
    assert run.query("SELECT count(*) FROM users") == [(2,)]


def test_every_event_names_the_real_user(run: Handledare):
    run("person", "add", "--name", "Amina Hassan", "--unit", "Norr", *SUPERVISOR,
        stdin=f"{SUPERVISOR_PIN}\n")  # fmt: skip
    actors = dict(run.query("SELECT type, actor_id FROM events"))
    users = dict(run.query("SELECT name, id FROM users"))
    assert actors["person.created"] == users["Anna Lindqvist"]
    assert actors["unit.created"] == users["Ingrid Admin"]
    assert actors["user.created"] in users.values()
    assert run.query("SELECT count(*) FROM events WHERE actor_id IS NULL") == [(0,)]


def test_user_pin_changes_ones_own_pin_or_as_admin_anyones(run: Handledare):
    done = run("user", "pin", "Anna Lindqvist", *SUPERVISOR, stdin=f"{SUPERVISOR_PIN}\n1111\n")
    assert done.returncode == 1 and "för lätt att gissa" in done.stderr
    done = run("user", "pin", "Anna Lindqvist", *SUPERVISOR, stdin=f"{SUPERVISOR_PIN}\n6174\n")
    assert done.returncode == 0, done.stderr
    done = run("user", "pin", "Ingrid Admin", "--as", "Anna Lindqvist", "--pin-stdin",
               stdin="6174\n719358\n")  # fmt: skip
    assert done.returncode == 1 and "Bara en administratör" in done.stderr
    done = run("user", "pin", "Anna Lindqvist", *ADMIN, stdin=f"{ADMIN_PIN}\n5297\n")
    assert done.returncode == 0, done.stderr
    assert run("person", "list", *SUPERVISOR, stdin="5297\n").returncode == 0
