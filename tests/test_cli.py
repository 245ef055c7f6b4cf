"""The command line, run in-process against a real data folder."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from handledare.checklists import bundled_template_files
from handledare.cli import main
from handledare.services import people
from handledare.store.eventlog import Store

from conftest import ADD_FIRST_ADMIN, ADMIN_PIN, first_admin


class Cli:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture, monkeypatch):
        self.data_dir = data_dir
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        self.monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--data-dir", str(self.data_dir), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def admin(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        """As the first administrator, with the PIN (and any further lines) on stdin."""
        return self(*args, *AS_ADMIN, stdin=f"{ADMIN_PIN}\n{stdin}")

    def first_admin(self) -> None:
        code, _out, err = self(*ADD_FIRST_ADMIN, stdin=f"{ADMIN_PIN}\n")
        assert code == 0, err

    def json(self, *args: str, signed_in: bool = True):
        run = self.admin if signed_in else self
        code, out, err = run(*args, "--json")
        assert code == 0, err
        return json.loads(out)


AS_ADMIN = ("--as", "Ingrid Admin", "--pin-stdin")


@pytest.fixture
def cli(tmp_path: Path, capsys, monkeypatch) -> Cli:
    return Cli(tmp_path / "data", capsys, monkeypatch)


def test_round_trip_units_users_people_templates_status(cli: Cli):
    cli.first_admin()
    assert cli.admin("unit", "add", "Hemtjänst Norr")[0] == 0
    assert [u["name"] for u in cli.json("unit", "list", signed_in=False)] == ["Hemtjänst Norr"]

    code, _out, err = cli.admin(
        "user",
        "add",
        "--name",
        "Anna Lindqvist",
        "--role",
        "supervisor",
        "--unit",
        "hemtjänst norr",
        stdin="4827\n",
    )
    assert code == 0, err
    users = cli.json("user", "list")
    assert [(u["name"], u["role"], u["units"]) for u in users] == [
        ("Anna Lindqvist", "supervisor", ["Hemtjänst Norr"]),
        ("Ingrid Admin", "admin", []),
    ]
    assert "4827" not in json.dumps(users)

    for path in bundled_template_files():
        code, out, _err = cli("template", "validate", str(path))
        assert code == 0 and "giltig" in out
        assert cli.admin("template", "import", str(path))[0] == 0
    assert (
        "redan importerad" in cli.admin("template", "import", str(bundled_template_files()[0]))[1]
    )
    listed = cli.json("template", "list", signed_in=False)
    assert {(t["id"], t["version"]) for t in listed} == {
        ("grundkunskaper-aldreomsorg", 1),
        ("hemtjanst-omsorg", 2),
        ("sabo-omsorg", 2),
    }
    shown = cli.json("template", "show", "sabo-omsorg", signed_in=False)
    assert shown["sections"][0]["items"][0]["key"] == "anst-avtal"
    assert "Anställningsavtal" in cli("template", "show", "sabo-omsorg")[1]

    code, out, err = cli.admin(
        "person",
        "add",
        "--name",
        "Amina Hassan",
        "--unit",
        "Hemtjänst Norr",
        "--start",
        "2026-11-02",
        "--employee-number",
        "V12345",
    )
    assert code == 0, err
    [person] = cli.json("person", "list")
    assert (person["name"], person["unit"], person["start_date"]) == (
        "Amina Hassan",
        "Hemtjänst Norr",
        "2026-11-02",
    )

    code, out, _err = cli.admin("status", "V12345")
    assert code == 0 and "Ingen introduktion" in out
    assert cli.json("status", "amina hassan")["onboardings"] == []


def test_refused_input_exits_1_with_a_swedish_message(cli: Cli):
    code, _out, err = cli(
        "user", "add", "--name", "A", "--role", "admin", "--pin-stdin", "--yes", stdin="12\n"
    )
    assert code == 1 and "4 till 8 siffror" in err
    cli.first_admin()
    code, _out, err = cli.admin("person", "add", "--name", "X", "--unit", "Finns inte")
    assert code == 1 and "Det finns ingen enhet som heter Finns inte." in err
    code, _out, err = cli("person", "add", "--name", "X")
    assert code == 1 and "följande argument krävs: --unit" in err
    code, _out, err = cli("template", "validate", "/finns/inte.toml")
    assert code == 1 and "kan inte läsas" in err


def test_invalid_template_file_lists_its_problems(cli: Cli, tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\nversion = 1\ntitle.sv = "X"\nrole.sv = "Y"\n', encoding="utf-8")
    code, _out, err = cli("template", "validate", str(bad))
    assert code == 1
    assert f"{bad}: 1 fel" in err and "inga avsnitt" in err


def test_names_with_markup_and_control_characters_are_stored_and_printed_literally(cli: Cli):
    names = ["[bold]Stina[/] Ek", "Evil\x1b[2J Name", "سارا أحمد", "Kim 👩‍⚕️ Lee", "A\u202eB"]
    cli.first_admin()
    cli.admin("unit", "add", "Norr")
    for name in names:
        code, _out, err = cli.admin("person", "add", "--name", name, "--unit", "Norr")
        assert code == 0, err
    assert sorted(p["name"] for p in cli.json("person", "list")) == sorted(names)

    code, out, _err = cli.admin("person", "list")
    assert "[bold]Stina[/] Ek" in out
    assert "Evil\\x1b[2J Name" in out and "\x1b" not in out
    assert "سارا أحمد" in out and "Kim 👩‍⚕️ Lee" in out
    assert "A\\u202eB" in out and "\u202e" not in out


def test_help_is_swedish_by_default_and_english_on_request(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("användning: handledare") and "visa den här hjälptexten" in out
    assert main(["--lang", "en", "person", "add", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: handledare person add") and "full name" in out


def test_rebuild_command(cli: Cli):
    cli.first_admin()
    cli.admin("unit", "add", "Norr")
    code, out, _err = cli.admin("rebuild")
    assert code == 0 and "2 händelser" in out
    assert [u["name"] for u in cli.json("unit", "list", signed_in=False)] == ["Norr"]


def test_installed_command_speaks_swedish_by_default_and_english_on_request():
    import subprocess
    import sys

    swedish = subprocess.run(
        [sys.executable, "-m", "handledare", "--help"], capture_output=True, text=True, check=True
    )
    assert swedish.stdout.startswith("användning: handledare")
    english = subprocess.run(
        [sys.executable, "-m", "handledare", "--lang", "en", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert english.stdout.startswith("usage: handledare")


def test_global_options_work_after_the_command_too(tmp_path: Path, capsys, monkeypatch):
    north, south = tmp_path / "north", tmp_path / "south"
    for folder, unit in ((north, "Norr"), (south, "Söder")):
        store = Store.open(folder / "handledare.db")
        people.add_unit(store, first_admin(store), unit)
        store.close()

    assert main(["unit", "list", "--json", "--data-dir", str(north)]) == 0
    assert [u["name"] for u in json.loads(capsys.readouterr().out)] == ["Norr"]
    assert main(["unit", "--data-dir", str(south), "list", "--json"]) == 0
    assert [u["name"] for u in json.loads(capsys.readouterr().out)] == ["Söder"]

    for args in (
        ["user", "list", "--lang", "en", "--data-dir", str(north)],
        ["--lang", "en", "user", "list", "--data-dir", str(north)],
        ["--data-dir", str(north), "user", "list"],
    ):
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{ADMIN_PIN}\n"))
        assert main([*args, *AS_ADMIN]) == 0
    outputs = capsys.readouterr().out
    assert outputs.count("Locked until") == 2 and outputs.count("Låst till") == 1


def test_an_option_given_after_the_command_wins_over_the_same_before_it(tmp_path: Path, capsys):
    north, south = tmp_path / "north", tmp_path / "south"
    store = Store.open(north / "handledare.db")
    people.add_unit(store, first_admin(store), "Norr")
    store.close()
    before = ["--lang", "sv", "--data-dir", str(south)]
    assert main([*before, "unit", "list", "--lang", "en", "--data-dir", str(north)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Name  Id") and "Norr" in out


def test_a_wrong_language_after_the_command_is_refused_in_the_users_language(capsys):
    assert main(["unit", "list", "--lang", "fr"]) == 1
    err = capsys.readouterr().err
    assert "handledare unit list: fel: argument --lang: ogiltigt val: 'fr'" in err
    assert main(["--lang", "en", "unit", "list", "--lang", "fr"]) == 1
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_installed_command_takes_its_options_after_the_command(tmp_path: Path):
    import subprocess
    import sys

    data = tmp_path / "data"

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "handledare", *args], capture_output=True, text=True, input=stdin
        )

    first = run(
        *ADD_FIRST_ADMIN,
        "--data-dir",
        str(data),
        stdin=f"{ADMIN_PIN}\n",
    )
    assert first.returncode == 0, first.stderr
    added = run(
        "unit",
        "add",
        "Hemtjänst Norr",
        "--data-dir",
        str(data),
        "--lang",
        "en",
        *AS_ADMIN,
        stdin=f"{ADMIN_PIN}\n",
    )
    assert added.returncode == 0, added.stderr
    assert "Added the unit Hemtjänst Norr" in added.stdout
    listed = run("unit", "list", "--json", "--data-dir", str(data))
    assert listed.returncode == 0, listed.stderr
    assert [u["name"] for u in json.loads(listed.stdout)] == ["Hemtjänst Norr"]
    helped = run("person", "add", "--help", "--lang", "en")
    assert helped.returncode == 0 and helped.stdout.startswith("usage: handledare person add")


def test_the_apps_start_path_loads_no_store_services_sync_or_textual():
    """`handledare` opens the app through the CLI: its commands' needs wait until they run."""
    import subprocess
    import sys

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from handledare.cli import build_parser; build_parser(); "
            "print('\\n'.join(sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    heavy = (
        "sqlmodel",
        "sqlalchemy",
        "textual",
        "handledare.store",
        "handledare.services",
        "handledare.sync",
    )
    assert [name for name in loaded if name.startswith(heavy)] == []
    assert "handledare.cli.users" in loaded  # the check itself sees the command modules


def test_a_command_never_makes_a_new_database_by_surprise(cli: Cli):
    code, out, err = cli("person", "list")
    assert code == 1 and out == ""
    assert f"Det finns ingen databas i {cli.data_dir}." in err
    assert "--yes" in err and "--data-dir" in err
    assert not (cli.data_dir / "handledare.db").exists()

    without_yes = ADD_FIRST_ADMIN[:-1]
    code, out, err = cli(*without_yes, stdin=f"{ADMIN_PIN}\n")
    assert code == 1 and not (cli.data_dir / "handledare.db").exists()

    code, out, err = cli(*ADD_FIRST_ADMIN, stdin=f"{ADMIN_PIN}\n")
    assert code == 0, err
    assert f"Skapar en ny databas: {cli.data_dir / 'handledare.db'}" in out


class Keyboard(io.StringIO):
    """Standard input as a person at a terminal: answers typed at a prompt."""

    def isatty(self) -> bool:
        return True


def test_a_person_at_the_keyboard_is_asked_before_a_database_is_made(
    tmp_path: Path, monkeypatch, capsys
):
    data = tmp_path / "data"
    without_yes = ADD_FIRST_ADMIN[:-1]
    monkeypatch.setattr("sys.stdin", Keyboard(f"nej\n{ADMIN_PIN}\n"))
    assert main(["--data-dir", str(data), *without_yes]) == 1
    assert not (data / "handledare.db").exists()
    monkeypatch.setattr("sys.stdin", Keyboard(f"ja\n{ADMIN_PIN}\n"))
    assert main(["--data-dir", str(data), *without_yes]) == 0
    assert "Skapa en ny databas där? [j/N]" in capsys.readouterr().out
    assert (data / "handledare.db").exists()


def test_info_names_folder_config_share_database_and_workstation(cli: Cli, tmp_path: Path):
    code, out, _err = cli("info")
    assert code == 0 and "ingen databas ännu" in out
    assert not (cli.data_dir / "handledare.db").exists(), "info must not create a database"
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('workstation_name = "Kontoret Norr"\nshare_path = "/mnt/omsorg"\n', "utf-8")
    cli.first_admin()

    code, out, _err = cli("info", "--lang", "en")
    assert code == 0
    # Label, then the value from the 25th column (the longest English label is 22 long).
    lines = {line[:24].strip(): line[24:].strip() for line in out.splitlines() if line[:24].strip()}
    assert lines["Data folder"] == str(cli.data_dir)
    assert "schema version" in lines["Database"] and "kB" in lines["Database"]
    assert lines["Config files read"] == str(config)
    assert lines["Share"] == str(Path("/mnt/omsorg"))
    assert lines["Workstation name"] == "Kontoret Norr"
    with sqlite3.connect(cli.data_dir / "handledare.db") as connection:
        [(workstation_id,)] = connection.execute(
            "SELECT value FROM meta WHERE key = 'workstation_id'"
        ).fetchall()
    assert lines["Workstation id"] == workstation_id
