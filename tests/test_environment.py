"""A broken environment gives a message that says what and where, exit 2, never a traceback,
and nothing is written beside a database that is refused."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from handledare.cli import main
from handledare.config import load_settings, user_config_file
from handledare.store import database
from handledare.store.migrations import CURRENT_VERSION
from handledare.tui.app import HandledareApp
from handledare.tui.screens.first_run import FirstRunScreen
from handledare.tui.screens.gate import StartScreen

from conftest import data_with_admin, signed_in_as
from tui_helpers import on_screen, settle, visible_text

NOT_UTF8 = b'language = "sv"\nworkstation_name = "Kontoret \xe5\xe4\xf6"\n'


def handledare(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "handledare", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def _config(content: bytes) -> Path:
    path = user_config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_a_config_file_that_is_not_utf8_is_reported_by_the_cli(tmp_path: Path):
    path = _config(NOT_UTF8)
    done = handledare("--data-dir", str(tmp_path / "data"), "unit", "list", "--yes")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert str(path) in done.stderr and "UTF-8" in done.stderr


async def test_a_config_file_that_is_not_utf8_still_opens_the_app(tmp_path: Path):
    _config(NOT_UTF8)
    settings = load_settings(tmp_path / "data")
    [problem] = settings.problems
    assert "UTF-8" in str(problem)
    app = HandledareApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await on_screen(pilot, FirstRunScreen)


def test_an_unreadable_config_file_is_reported(monkeypatch):
    path = _config(b'language = "en"\n')
    real_open = Path.open

    def refusing_open(self, *args, **kwargs):
        if self == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing_open)
    settings = load_settings()
    assert settings.language == "sv"
    [problem] = settings.problems
    assert str(path) in str(problem) and "Permission denied" in str(problem)


def _data_folders(tmp_path: Path) -> dict[str, Path]:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder", "utf-8")
    return {"too long": tmp_path / ("x" * 300), "a file": a_file, "under a file": a_file / "data"}


@pytest.mark.parametrize("case", ["too long", "a file", "under a file"])
def test_a_data_folder_that_cannot_be_made_is_reported_with_exit_2(tmp_path: Path, case: str):
    folder = _data_folders(tmp_path)[case]
    done = handledare("--data-dir", str(folder), "user", "add", "--name", "Ingrid Admin",
                      "--role", "admin", "--pin-stdin", "--yes")  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert str(folder) in done.stderr


def test_a_read_only_parent_is_reported_with_exit_2(tmp_path: Path, monkeypatch, capsys):
    """As root a read-only folder can still be written, so the refusal is injected."""
    parent = tmp_path / "read-only"
    parent.mkdir()
    real_mkdir = Path.mkdir

    def refusing_mkdir(self, *args, **kwargs):
        if self.parent == parent:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refusing_mkdir)
    assert main(["--data-dir", str(parent / "data"), "unit", "list", "--yes"]) == 2
    err = capsys.readouterr().err
    assert str(parent / "data") in err and "Permission denied" in err


async def test_the_app_shows_a_data_folder_that_cannot_be_made(tmp_path: Path):
    folder = _data_folders(tmp_path)["under a file"]
    app = HandledareApp(load_settings(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await on_screen(pilot, StartScreen)
        assert str(folder) in visible_text(app).replace("\n", "")


def _refused(folder: Path, capsys) -> str:
    before = sorted(p.name for p in folder.iterdir())
    assert main(["--data-dir", str(folder), "unit", "list"]) == 2
    assert sorted(p.name for p in folder.iterdir()) == before, "nothing beside a refused file"
    return capsys.readouterr().err


def test_a_zero_byte_database_is_refused_not_made_a_new_store(tmp_path: Path, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "handledare.db").write_bytes(b"")
    err = _refused(folder, capsys)
    assert "0 byte" in err and str(folder / "handledare.db") in err
    assert (folder / "handledare.db").read_bytes() == b""


@pytest.mark.parametrize("kind", ["text", "other sqlite", "sqlite without events"])
def test_a_foreign_database_file_is_refused_and_left_alone(tmp_path: Path, capsys, kind: str):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "handledare.db"
    if kind == "text":
        path.write_text("Kära dagbok\n" * 20, "utf-8")
    else:
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE recipes (name TEXT)")
            if kind == "sqlite without events":
                connection.execute("PRAGMA user_version = 3")
        connection.close()
    content = path.read_bytes()
    err = _refused(folder, capsys)
    assert "inte en handledare-databas" in err and str(path) in err
    assert path.read_bytes() == content


def test_a_newer_database_is_refused_with_no_wal_or_shm_beside_it(tmp_path: Path, capsys):
    folder = data_with_admin(tmp_path / "data")
    with sqlite3.connect(folder / "handledare.db") as connection:
        connection.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    connection.close()
    assert sorted(p.name for p in folder.iterdir()) == [
        "handledare.db",
        "workstation-key.pem",
        "workstation-receiving-key.pem",
    ]
    err = _refused(folder, capsys)
    assert "nyare version" in err


def test_a_full_disk_while_writing_the_database_says_so_and_where(
    tmp_path: Path, capsys, monkeypatch
):
    """SQLite's own 'disk full', made real by capping the file at the pages it has."""
    folder = data_with_admin(tmp_path / "data")
    real_engine = database.create_store_engine

    def full_disk_engine(path, timeout=database.DEFAULT_BUSY_TIMEOUT):
        engine = real_engine(path, timeout)

        @database.event.listens_for(engine, "connect")
        def _cap(dbapi_connection, _record):
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        return engine

    monkeypatch.setattr("handledare.store.eventlog.create_store_engine", full_disk_engine)
    names = [f"Enhet {n} " + "x" * 150 for n in range(40)]
    codes = [
        main(["--data-dir", str(folder), "unit", "add", name, *signed_in_as(monkeypatch)])
        for name in names
    ]
    assert 2 in codes
    err = capsys.readouterr().err
    assert "är full" in err and str(folder / "handledare.db") in err and "Traceback" not in err


def test_a_full_disk_while_writing_an_export_leaves_nothing_half_written(
    tmp_path: Path, capsys, monkeypatch
):
    folder = data_with_admin(tmp_path / "data")
    out = tmp_path / "out"
    out.mkdir()
    real_open = Path.open

    def full_disk_open(self, mode="r", *args, **kwargs):
        if self.parent == out and "w" in mode:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full_disk_open)
    target = out / "signoffs.csv"
    args = ["--data-dir", str(folder), "export", "signoffs", "--out", str(target)]
    assert main([*args, *signed_in_as(monkeypatch)]) == 2
    err = capsys.readouterr().err
    assert str(target) in err and os.strerror(errno.ENOSPC) in err
    assert list(out.iterdir()) == []
