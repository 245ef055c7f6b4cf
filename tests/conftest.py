"""Shared fixtures: every test gets its own data folder, config folder and language."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input

from handledare import i18n
from handledare.domain.actor import Actor
from handledare.domain.enums import Role
from handledare.services import people, templates
from handledare.store.eventlog import Store


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """No test reads the developer's own config or data, and each starts in Swedish."""
    monkeypatch.setenv("HANDLEDARE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TZ", "UTC")
    if hasattr(time, "tzset"):
        time.tzset()
    monkeypatch.delenv("HANDLEDARE_DATA_DIR", raising=False)
    monkeypatch.setattr(
        "handledare.config.site_config_file", lambda: tmp_path / "site" / "config.toml"
    )
    i18n.set_language("sv")
    yield
    i18n.set_language("sv")


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch):
    """A text cursor that never blinks: a snapshot taken half a second later is the same."""
    mounted = Input._on_mount

    def without_blink(self: Input, event) -> None:
        self.cursor_blink = False
        mounted(self, event)

    monkeypatch.setattr(Input, "_on_mount", without_blink)


@pytest.fixture
def store(tmp_path: Path):
    opened = Store.open(tmp_path / "data" / "handledare.db", timeout=0.5)
    yield opened
    opened.close()


@dataclass
class World:
    """A small municipality: two units, an admin, a supervisor and a manager each, one person."""

    store: Store
    north: people.Unit
    south: people.Unit
    admin: Actor
    supervisor: Actor
    other_supervisor: Actor
    manager: Actor
    person: people.Person
    cli: Actor = field(default_factory=Actor.command_line)


SUPERVISOR_PIN = "1111"
MANAGER_PIN = "3333"


@pytest.fixture
def world(store: Store) -> World:
    cli = Actor.command_line()
    north = people.add_unit(store, cli, "Hemtjänst Norr")
    south = people.add_unit(store, cli, "Hemtjänst Söder")
    templates.import_bundled(store, cli)
    admin = people.add_user(store, cli, "Ingrid Admin", Role.ADMIN, "9999")
    sup = people.add_user(store, cli, "Anna Lindqvist", Role.SUPERVISOR, SUPERVISOR_PIN, [north.id])
    other = people.add_user(store, cli, "Mehmet Yilmaz", Role.SUPERVISOR, "2222", [south.id])
    mgr = people.add_user(store, cli, "Karin Berg", Role.MANAGER, MANAGER_PIN, [north.id])
    person = people.add_person(store, cli, "Amina Hassan", north.id, date(2026, 11, 2))
    return World(
        store=store,
        north=north,
        south=south,
        admin=people.authenticate(store, admin.id, "9999"),
        supervisor=people.authenticate(store, sup.id, SUPERVISOR_PIN),
        other_supervisor=people.authenticate(store, other.id, "2222"),
        manager=people.authenticate(store, mgr.id, MANAGER_PIN),
        person=person,
    )
