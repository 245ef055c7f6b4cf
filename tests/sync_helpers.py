"""Several workstations, each with its own data folder, and one share folder."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from handledare.config import Settings
from handledare.domain.actor import Actor
from handledare.domain.enums import Role
from handledare.services import onboarding, people, pins, templates
from handledare.services.sync import sync_now
from handledare.store.eventlog import Store
from handledare.store.tables import PROJECTION_TABLES
from handledare.sync.engine import SyncReport
from handledare.sync.share import machine_fingerprint

from conftest import first_admin

PIN = "4827"


@dataclass
class Workstation:
    name: str
    store: Store
    machine: str = field(default_factory=machine_fingerprint)

    def sync(self, share: Path, **kwargs) -> SyncReport:
        """A round through the same service the CLI and the app use."""
        settings = Settings(
            data_dir=self.store.path.parent, share_path=share, workstation_name=self.name
        )
        return sync_now(self.store, settings, machine=self.machine, **kwargs)

    def supervisor(self) -> Actor:
        user = next(u for u in people.list_users(self.store) if u.role is Role.SUPERVISOR)
        return pins.sign_in(self.store, user.id, PIN).actor


def workstation(root: Path, name: str) -> Workstation:
    return Workstation(name, Store.open(root / name / "handledare.db", timeout=5))


def seed(ws: Workstation) -> str:
    """Admin, a unit, a supervisor, the templates and one substitute on a checklist."""
    cli = first_admin(ws.store)
    unit = people.add_unit(ws.store, cli, "Hemtjänst Norr")
    templates.import_bundled(ws.store, cli)
    people.add_user(ws.store, cli, "Anna Lindqvist", Role.SUPERVISOR, PIN, [unit.id])
    person = people.add_person(ws.store, cli, "Amina Hassan", unit.id, date(2026, 11, 2))
    return onboarding.start_onboarding(ws.store, cli, person.id, "hemtjanst-omsorg")


def projections(store: Store) -> dict[str, list[tuple]]:
    with sqlite3.connect(store.path) as connection:
        return {
            table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in PROJECTION_TABLES
        }
