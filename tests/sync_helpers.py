"""Several workstations, each with its own data folder, and one share folder."""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from handledare.config import Settings
from handledare.domain.actor import Actor
from handledare.domain.enums import Role
from handledare.services import onboarding, people, pins, templates, workstations
from handledare.services.sync import sync_now
from handledare.store import share_view
from handledare.store.eventlog import Store
from handledare.store.tables import PROJECTION_TABLES
from handledare.sync.batch import Opener, decode
from handledare.sync.engine import SyncReport
from handledare.sync.layout import batch_name
from handledare.sync.sealing import KeyMissing, ShareKey, decrypt
from handledare.sync.share import ShareFiles, machine_fingerprint
from handledare.sync.signing import Signer

from conftest import ADMIN_PIN, admin_of, first_admin

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

    def admin(self) -> Actor:
        return admin_of(self.store)

    def supervisor(self) -> Actor:
        user = next(u for u in people.list_users(self.store) if u.role is Role.SUPERVISOR)
        return pins.sign_in(self.store, user.id, PIN).actor


def approve(share: Path, admin: Workstation, *others: Workstation) -> list[SyncReport]:
    """Each of `others` shows its card on the share; an administrator on `admin` approves
    them, the approvals and the share key sealed to each go out, and each of them syncs
    once (it is given the share key and reads the share)."""
    for station in others:
        station.sync(share)
    admin.sync(share)
    actor = admin.admin()
    for station in others:
        workstations.approve(admin.store, actor, station.store.workstation_id, ADMIN_PIN)
    admin.sync(share)
    return [station.sync(share) for station in others]


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


class FaultyFiles(ShareFiles):
    """The share's file operations, one of which (counted from 0) fails with `error`."""

    def __init__(self, fail_at: int | None = None, error: int = errno.EIO, times: int = 1):
        super().__init__()
        self.fail_at, self.error, self.times = fail_at, error, times

    def _count(self, kind: str, path: Path) -> None:
        number = self.operations
        super()._count(kind, path)
        if self.fail_at is not None and self.fail_at <= number < self.fail_at + self.times:
            raise OSError(self.error, os.strerror(self.error), f"share-op-{number}")


class CaseInsensitiveFiles(ShareFiles):
    """A share that, like SMB on Windows, finds `BATCH-1.JSONL` when asked for `batch-1.jsonl`."""

    @staticmethod
    def _actual(path: Path) -> Path:
        if path.parent.is_dir():
            for entry in path.parent.iterdir():
                if entry.name.casefold() == path.name.casefold():
                    return entry
        return path

    def read(self, path: Path) -> bytes:
        return super().read(self._actual(path))

    def rename_new(self, source: Path, target: Path) -> bool:
        if self._actual(target) != target:
            self._count("rename_new", target)
            return False
        return super().rename_new(source, target)

    def replace(self, source: Path, target: Path) -> None:
        super().replace(self._actual(source), target)


def held_keys(station: Workstation) -> list[ShareKey]:
    """The share keys a workstation holds, as its database records them."""
    return [ShareKey.from_json(value) for value in share_view.snapshot(station.store).share_keys]


def opener(keys: list[ShareKey]) -> Opener:
    """Decrypts a batch's events with any of `keys`, as a workstation holding them would."""

    def open_events(key_id: str, nonce: bytes, ciphertext: bytes, associated: bytes) -> bytes:
        for key in keys:
            if key.id == key_id:
                plain = decrypt(key.secret, nonce, ciphertext, associated)
                if plain is not None:
                    return plain
        raise KeyMissing(key_id)

    return open_events


def read_batch(share: Path, owner: Workstation, sequence: int, reader: Workstation | None = None):
    """One of `owner`'s batches on the share, verified with its key and decrypted with the
    share keys `reader` (by default the owner) holds."""
    signer = Signer.load(owner.store.path.parent)
    data = (share / "workstations" / owner.store.workstation_id / batch_name(sequence)).read_bytes()
    keys = held_keys(reader or owner)
    return decode(
        data, owner.store.workstation_id, sequence, {signer.keyid: signer.public}, opener(keys)
    )


def share_key(station: Workstation) -> ShareKey:
    """The share key a workstation writes with (its newest verified one)."""
    return max((key for key in held_keys(station) if key.verified), key=ShareKey.order)


def files_containing(root: Path, needles: list[str]) -> dict[str, list[str]]:
    """Every file under `root` that holds one of `needles` as bytes, and which ones."""
    found = {}
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits = [n for n in needles if n.encode() in data]
            if hits:
                found[str(path.relative_to(root))] = hits
    return found
