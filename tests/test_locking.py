"""Another program holding the database gives a clear message, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from handledare.cli import main
from handledare.services import people
from handledare.store.database import StoreBusy
from handledare.store.eventlog import Store

from conftest import first_admin

HOLD_LOCK = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()
"""


@contextmanager
def held_by_another_process(path: Path) -> Iterator[None]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


def test_write_while_another_process_writes_is_a_clear_error(tmp_path: Path):
    store = Store.open(tmp_path / "handledare.db", timeout=0.3)
    admin = first_admin(store)
    with held_by_another_process(store.path):
        with pytest.raises(StoreBusy, match="upptagen"):
            people.add_unit(store, admin, "Norr")
        assert people.list_units(store) == []
    people.add_unit(store, admin, "Norr")
    assert [unit.name for unit in people.list_units(store)] == ["Norr"]


def test_cli_reports_a_locked_database_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture
):
    data_dir = tmp_path / "data"
    Store.open(data_dir / "handledare.db").close()
    with held_by_another_process(data_dir / "handledare.db"):
        code = main(["--data-dir", str(data_dir), "unit", "add", "Norr"])
    err = capsys.readouterr().err
    assert code == 2
    assert "upptagen" in err and "Traceback" not in err
