"""Schema versions: upgrade with a backup, refuse newer or foreign files untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from handledare.store import migrations
from handledare.store.database import StoreTooNew, StoreUnusable
from handledare.store.eventlog import Store
from handledare.store.tables import UnitRow  # noqa: F401  (registers the tables)


def _make_version_1(path: Path) -> None:
    with sqlite3.connect(path, isolation_level=None) as connection:
        migrations.upgrade(connection, target=1)
        connection.execute(
            "INSERT INTO units (id, name, created_at) VALUES ('u1', 'Norr', '2026-01-01T00:00:00')"
        )
    connection.close()


def test_fresh_database_gets_the_current_version(tmp_path: Path):
    store = Store.open(tmp_path / "h.db")
    with sqlite3.connect(store.path) as connection:
        assert migrations.schema_version(connection) == migrations.CURRENT_VERSION


def test_older_database_is_backed_up_then_upgraded(tmp_path: Path):
    path = tmp_path / "h.db"
    _make_version_1(path)

    Store.open(path)

    backups = list(tmp_path.glob("h.db.v1-*.backup"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as backup:
        assert migrations.schema_version(backup) == 1
        assert backup.execute("SELECT name FROM units").fetchall() == [("Norr",)]
    with sqlite3.connect(path) as connection:
        assert migrations.schema_version(connection) == migrations.CURRENT_VERSION
        assert connection.execute("SELECT name FROM units").fetchall() == [("Norr",)]
        indexes = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        assert "ix_events_entity" in indexes


def test_failed_upgrade_leaves_the_old_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "h.db"
    _make_version_1(path)
    monkeypatch.setattr(migrations, "STEPS", (migrations.STEPS[0], "CREATE TABLE units (x)"))
    with pytest.raises(StoreUnusable):
        Store.open(path)
    with sqlite3.connect(path) as connection:
        assert migrations.schema_version(connection) == 1


def test_newer_database_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "h.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE future (x)")
        connection.execute(f"PRAGMA user_version = {migrations.CURRENT_VERSION + 1}")
    connection.close()
    before = path.read_bytes()

    with pytest.raises(StoreTooNew, match="nyare version"):
        Store.open(path)

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.db"]


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE something (x)")
    connection.close()
    with pytest.raises(StoreUnusable, match="inte en handledare-databas"):
        Store.open(path)


def test_migrated_schema_matches_the_table_models(tmp_path: Path):
    store = Store.open(tmp_path / "h.db")
    with sqlite3.connect(store.path) as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table.name})")]
            assert columns == [column.name for column in table.columns], table.name
