"""The demo: a believable municipality, made once, kept apart from real data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from handledare.cli import main
from handledare.store.eventlog import Store

from conftest import first_admin


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_demo_fills_once_and_reset_starts_over(tmp_path: Path, capsys):
    demo_dir = tmp_path / "demo"
    db = demo_dir / "handledare.db"
    assert main(["--data-dir", str(demo_dir), "demo", "--no-tui"]) == 0
    out = capsys.readouterr().out
    assert "Karin Berg" in out and "735184" in out
    people, events = _count(db, "people"), _count(db, "events")
    assert 20 <= people <= 40
    with sqlite3.connect(db) as connection:
        statuses = {row[0] for row in connection.execute("SELECT status FROM onboardings")}
    assert statuses == {"not_started", "in_progress", "waiting_for_approval", "approved"}

    assert main(["--data-dir", str(demo_dir), "demo", "--no-tui"]) == 0
    assert "finns redan" in capsys.readouterr().out
    assert (_count(db, "people"), _count(db, "events")) == (people, events)

    assert main(["--data-dir", str(demo_dir), "demo", "--no-tui", "--reset"]) == 0
    assert _count(db, "people") == people


def test_demo_never_touches_a_real_data_folder(tmp_path: Path, capsys):
    real = tmp_path / "real"
    first_admin(Store.open(real / "handledare.db"))
    assert main(["--data-dir", str(real), "demo", "--no-tui", "--reset"]) == 1
    assert "raderar den inte" in capsys.readouterr().err
    assert main(["--data-dir", str(real), "demo", "--no-tui"]) == 1
    assert _count(real / "handledare.db", "users") == 1
