"""A municipality's worth of data for the benchmarks, the same from the same seed.

    python bench/generate.py OUT [--scale quick|full] [--seed N]

Writes OUT/data (one workstation's data folder) and OUT/share (the file share
with every workstation's batches). The events are the ones the services
write, with the same types and payloads (tests/test_bench_generate.py holds
them side by side); they reach the database through the sync path,
`ingest.ingest`, which every workstation uses for others' batches.
The last days of activity are on the share only: that is what the benchmark's
sync round pulls. Every user's PIN is 482916.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from handledare.checklists import bundled_template_files
from handledare.checklists.parser import load_template_file
from handledare.domain.enums import EmploymentType, Evidence, Mark, Role
from handledare.domain.events import EventType
from handledare.domain.template import Template
from handledare.security import hash_pin
from handledare.services.demo import FIRST_NAMES, LAST_NAMES, proof_for
from handledare.services.templates import content_hash
from handledare.store import identity, ingest, share_view
from handledare.store.database import prepare_database
from handledare.store.eventlog import Store
from handledare.sync.batch import FORMAT_VERSION, encode, event_from_wire
from handledare.sync.card import Card, card_bytes
from handledare.sync.layout import CARD, batch_name, sealed_name
from handledare.sync.marker import marker_bytes
from handledare.sync.publish import MAX_BATCH_EVENTS
from handledare.sync.sealing import Receiver, ShareKey, sealed_bytes
from handledare.sync.signing import Signer

PIN = "482916"
END = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
SPAN_DAYS = 730
DAY_MS = 86_400_000
CHECKLISTS = ("hemtjanst-omsorg", "sabo-omsorg")
# Batches go into the database in slices of about this many events, each one transaction.
APPLY_SLICE = 50_000


@dataclass(frozen=True)
class Scale:
    units: int
    users: int
    substitutes: int
    onboardings: int
    workstations: int
    pull_events: int


SCALES = {
    "quick": Scale(
        units=5, users=50, substitutes=800, onboardings=1000, workstations=20, pull_events=5000
    ),
    # Three sizes for how the measures grow (BENCHMARKS.md): 1,000, 5,000 and 20,000
    # substitutes, with units, users, workstations and the events pulled in proportion.
    "1k": Scale(
        units=5, users=50, substitutes=1000, onboardings=1250, workstations=20, pull_events=5000
    ),
    "5k": Scale(
        units=13,
        users=125,
        substitutes=5000,
        onboardings=6250,
        workstations=50,
        pull_events=25_000,
    ),
    "full": Scale(
        units=50,
        users=500,
        substitutes=20_000,
        onboardings=25_000,
        workstations=200,
        pull_events=100_000,
    ),
}


@dataclass
class Summary:
    events: int
    local_events: int
    pull_events: int
    batches: int
    workstation_id: str


@dataclass(frozen=True)
class _User:
    name: str
    role: Role
    id: str
    unit_ids: list[str]


@dataclass(frozen=True)
class _Person:
    id: str
    name: str
    unit_id: str
    supervisor: str


@dataclass
class _Event:
    millis: int
    workstation: int
    wire: dict


class World:
    """Builds the events of a whole municipality in memory, then writes them out."""

    def __init__(self, scale: Scale, seed: int):
        self.scale = scale
        self.rng = random.Random(seed)
        self.events: list[_Event] = []
        self.workstations = [self.uuid() for _ in range(scale.workstations)]
        # Keys from a generator of their own, so the events stay those of earlier runs.
        keys = random.Random(seed ^ 0x5EED)
        self.signers = [
            Signer.of(Ed25519PrivateKey.from_private_bytes(keys.randbytes(32)))
            for _ in self.workstations
        ]
        self.receivers = [
            Receiver.of(X25519PrivateKey.from_private_bytes(keys.randbytes(32)))
            for _ in self.workstations
        ]
        # The share key workstation 0 made when it set the share up.
        self.share_key = ShareKey(keys.randbytes(16).hex(), 1, keys.randbytes(32), "", None, True)
        self.templates = [load_template_file(path) for path in bundled_template_files()]
        # Substitutes start on the home-care and residential-care checklists.
        self.checklists = [t for t in self.templates if t.id in CHECKLISTS]
        self.pin_hash = hash_pin(PIN, salt=self.rng.randbytes(16))

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def emit(
        self,
        when: datetime,
        workstation: int,
        actor: str,
        event_type: EventType,
        entity_id: str,
        payload: dict,
    ) -> str:
        event_id = self.uuid()
        wire = {
            "id": event_id,
            "workstation_id": self.workstations[workstation],
            "actor_id": actor,
            "type": event_type.value,
            "entity_id": entity_id,
            "wall_time": when.isoformat(timespec="milliseconds"),
            "payload": payload,
        }
        self.events.append(_Event(int(when.timestamp() * 1000), workstation, wire))
        return event_id

    def build(self) -> None:
        """Every event of the municipality, in memory."""
        setup = END - timedelta(days=SPAN_DAYS + 30)
        # Every event has a user as its actor: the administrator sets everything up.
        admin = self.uuid()
        for template in self.templates:
            self.emit(
                setup,
                0,
                admin,
                EventType.TEMPLATE_IMPORTED,
                f"{template.id}@{template.version}",
                {"template": template.to_dict(), "content_hash": content_hash(template)},
            )
        units = [self.uuid() for _ in range(self.scale.units)]
        for number, unit_id in enumerate(units, start=1):
            self.emit(
                setup, 0, admin, EventType.UNIT_CREATED, unit_id, {"name": f"Enhet {number:02d}"}
            )
        users = self._users(setup, units, admin)
        self._approvals(setup, admin)
        stations = {
            unit_id: [
                w for w in range(1, self.scale.workstations) if (w - 1) % self.scale.units == index
            ]
            or [0]
            for index, unit_id in enumerate(units)
        }
        self._onboardings(self._people(units, users, stations), users, stations)

    def card(self, station: int) -> Card:
        signer = self.signers[station]
        name, machine = f"Arbetsplats {station:03d}", f"bench-{station:03d}"
        return Card(
            self.workstations[station],
            name,
            machine,
            signer.keyid,
            signer.public,
            seal=self.receivers[station].public,
        )

    def _approvals(self, when: datetime, admin: str) -> None:
        """Workstation 0 set up the share (format.json names it); its administrator approved
        every other workstation."""
        for station in range(1, len(self.workstations)):
            card = self.card(station)
            payload = {
                "key_id": card.keyid,
                "public_key": card.public,
                "name": card.name,
                "machine": card.machine,
            }
            self.emit(when, 0, admin, EventType.WORKSTATION_APPROVED, card.workstation_id, payload)

    def _users(self, when: datetime, units: list[str], admin: str) -> list[_User]:
        """One admin, a manager per five units, the rest supervisors spread over the units."""
        managers = max(1, len(units) // 5)
        users = []
        for index in range(self.scale.users):
            if index == 0:
                user = _User("Admin Bench", Role.ADMIN, admin, [])
            elif index <= managers:
                # The first manager oversees every unit: the overview at full size.
                unit_ids = units if index == 1 else units[(index - 1) * 5 : index * 5]
                user = _User(f"Chef {index:03d}", Role.MANAGER, self.uuid(), unit_ids)
            else:
                unit_ids = [units[(index - managers - 1) % len(units)]]
                user = _User(f"Handledare {index:03d}", Role.SUPERVISOR, self.uuid(), unit_ids)
            self.emit(
                when,
                0,
                admin,
                EventType.USER_CREATED,
                user.id,
                {
                    "name": user.name,
                    "role": user.role.value,
                    "unit_ids": sorted(user.unit_ids),
                    "pin_hash": self.pin_hash,
                    "language": "sv",
                },
            )
            users.append(user)
        return users

    def _people(self, units, users: list[_User], stations) -> list[_Person]:
        supervisors = defaultdict(list)
        for user in users:
            if user.role is Role.SUPERVISOR:
                supervisors[user.unit_ids[0]].append(user.id)
        people = []
        for _ in range(self.scale.substitutes):
            unit_id = self.rng.choice(units)
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            start = END - timedelta(
                days=self.rng.uniform(1, SPAN_DAYS), minutes=self.rng.randrange(0, 600)
            )
            person = _Person(self.uuid(), name, unit_id, self.rng.choice(supervisors[unit_id]))
            self.emit(
                start,
                self.rng.choice(stations[unit_id]),
                person.supervisor,
                EventType.PERSON_CREATED,
                person.id,
                {
                    "name": name,
                    "unit_id": unit_id,
                    "employment_type": EmploymentType.HOURLY.value,
                    "start_date": start.date().isoformat(),
                    "employee_number": f"V{self.rng.randrange(100000, 999999)}",
                    "language": "sv",
                },
            )
            people.append((person, start))
        return people

    def _onboardings(self, people, users: list[_User], stations) -> None:
        managers = defaultdict(list)
        for user in users:
            if user.role is Role.MANAGER:
                for unit_id in user.unit_ids:
                    managers[unit_id].append(user.id)
        plans = [(person, start, 0) for person, start in people]
        extra = max(0, self.scale.onboardings - len(people))
        plans += [(person, start, 1) for person, start in self.rng.sample(people, extra)]
        for person, start, which in plans:
            begin = start + timedelta(minutes=5) if which == 0 else start + timedelta(days=30)
            if begin >= END:
                continue
            template = self.checklists[which % len(self.checklists)]
            _Onboarding(self, template, person, begin).run(
                stations[person.unit_id], managers[person.unit_id]
            )

    def stamped(self) -> list[_Event]:
        """Events in stamp order, each with a stamp unique on its workstation."""
        self.events.sort(key=lambda e: (e.millis, e.wire["id"]))
        counters: dict[tuple[int, int], int] = {}
        for event in self.events:
            key = (event.workstation, event.millis)
            counter = counters.get(key, 0)
            counters[key] = counter + 1
            event.wire["hlc"] = f"{event.millis:015d}.{counter:06d}"
        return self.events


class _Onboarding:
    """One substitute's way through a checklist: sessions of items, signed at the end."""

    def __init__(self, world: World, template: Template, person: _Person, begin: datetime):
        self.world = world
        self.template = template
        self.person = person
        self.when = begin
        self.id = world.uuid()
        self.last: dict[str, str | None] = {}
        self.unsigned: list[str] = []

    def emit(self, station: int, event_type: EventType, payload: dict, actor=None) -> str:
        self.when += timedelta(seconds=self.world.rng.randrange(20, 240))
        return self.world.emit(
            self.when, station, actor or self.person.supervisor, event_type, self.id, payload
        )

    def run(self, stations: list[int], managers: list[str]) -> None:
        """Sessions a few days apart until the end, or until the substitute stops coming."""
        rng = self.world.rng
        station = rng.choice(stations)
        payload = {
            "person_id": self.person.id,
            "template_id": self.template.id,
            "template_version": self.template.version,
            "unit_id": self.person.unit_id,
            "supervisor_id": self.person.supervisor,
        }
        self.emit(station, EventType.ONBOARDING_STARTED, payload)
        items = self.template.items()
        stop = len(items) if rng.random() > 0.3 else rng.randrange(len(items))
        done = 0
        while done < stop:
            self.when += timedelta(days=rng.uniform(1, 6))
            station = rng.choice(stations)
            for item in items[done : min(stop, done + rng.randrange(6, 15))]:
                if self.when >= END:
                    return
                self._mark(station, item)
                done += 1
            if rng.random() < 0.9 or done == len(items):
                self._sign(station)
        if done < len(items):
            return
        if rng.random() < 0.03:
            self._revoke_and_sign_again(station, rng.choice(items))
        self.when += timedelta(days=rng.uniform(1, 10))
        if self.when < END and managers:
            self.emit(station, EventType.APPROVED, {}, actor=rng.choice(managers))

    def _mark(self, station: int, item) -> None:
        rng = self.world.rng
        key = item.key
        if rng.random() < 0.02 and not item.needs_practical:
            payload = {"item_key": key, "mark": Mark.NOT_APPLICABLE.value, "basis": None}
            payload["reason"] = "Ingår inte i uppdraget på den här enheten"
            self.last[key] = self.emit(station, EventType.ITEM_MARKED, payload)
            self.unsigned.append(key)
            return
        marks = (
            [Mark.WALKED_THROUGH, Mark.PRACTISED] if item.needs_practical else [Mark.WALKED_THROUGH]
        )
        # The proof goes with every mark; a colleague's word only with the practical part.
        proof = proof_for(item, self.when.date(), rng)
        for mark in marks:
            payload = {"item_key": key, "mark": mark.value, "basis": self.last.get(key)}
            if proof and (proof.kind is not Evidence.OBSERVED or mark is Mark.PRACTISED):
                payload["evidence"] = proof.to_dict()
            self.last[key] = self.emit(station, EventType.ITEM_MARKED, payload)
        self.unsigned.append(key)
        if rng.random() < 0.05:
            payload = {"item_key": key, "text": "Behöver öva mer på detta", "by_substitute": False}
            self.emit(station, EventType.NOTE_ADDED, payload)

    def _sign(self, station: int) -> None:
        """The substitute acknowledges and the supervisor signs what was marked, as in the app."""
        keys = sorted(set(self.unsigned))
        self.unsigned.clear()
        self.emit(
            station, EventType.ACKNOWLEDGED, {"typed_name": self.person.name, "item_keys": keys}
        )
        payload = {"item_keys": keys, "basis": {key: self.last[key] for key in keys}}
        signed = self.emit(station, EventType.ITEMS_SIGNED_OFF, payload)
        for key in keys:
            self.last[key] = signed

    def _revoke_and_sign_again(self, station: int, item) -> None:
        self.when += timedelta(days=self.world.rng.uniform(1, 5))
        payload = {
            "item_key": item.key,
            "reason": "Visade osäkerhet, gås igenom igen",
            "basis": self.last[item.key],
        }
        self.last[item.key] = self.emit(station, EventType.SIGN_OFF_REVOKED, payload)
        self._mark(station, item)
        self._sign(station)


def _batches(events: list[_Event]) -> Iterator[tuple[int, list[_Event]]]:
    """Each workstation's events as it would publish them: a batch per day it worked."""
    by_station: dict[int, list[_Event]] = defaultdict(list)
    for event in events:
        by_station[event.workstation].append(event)
    for station, own in sorted(by_station.items()):
        day: list[_Event] = []
        for event in own:
            if day and (
                event.millis // DAY_MS != day[0].millis // DAY_MS or len(day) >= MAX_BATCH_EVENTS
            ):
                yield station, day
                day = []
            day.append(event)
        if day:
            yield station, day


def _prepare_database(path: Path, world: World) -> None:
    """A fresh database gets a random id and keys; generated data gets them from the seed,
    trusts the share's root as it would after its first round, and holds the share key it
    made and sealed to every other workstation."""
    prepare_database(path)
    root = {"keyid": world.signers[0].keyid, "public": world.signers[0].public}
    root["workstation"] = world.workstations[0]
    root["format"] = FORMAT_VERSION
    key = world.share_key
    sealed = {
        card.workstation_id: {"seal": card.seal, "keys": [key.id]}
        for card in map(world.card, range(1, len(world.workstations)))
    }
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [
                ("workstation_id", world.workstations[0]),
                (share_view.ROOT_KEY, json.dumps(root, sort_keys=True)),
                (share_view.HISTORY_KEY, "null"),
                (share_view.SHARE_KEYS_KEY, json.dumps([key.to_json()])),
                (share_view.SEALED_KEY, json.dumps(sealed, sort_keys=True)),
                (share_view.ENCRYPTED_KEY, "1"),
            ],
        )
    for private, target in (
        (world.signers[0].private, identity.key_path(path.parent)),
        (world.receivers[0].private, identity.seal_key_path(path.parent)),
    ):
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)


def generate(out: Path, scale: Scale, seed: int = 20261122) -> Summary:
    """Write OUT/data and OUT/share; OUT must not hold a previous run."""
    world = World(scale, seed)
    world.build()
    key = world.share_key = replace(world.share_key, sealer=world.workstations[0])
    events = world.stamped()
    cutoff = _cutoff(events, scale.pull_events)

    share = out / "share"
    (share / "workstations").mkdir(parents=True)
    (share / "format.json").write_bytes(
        marker_bytes(world.signers[0], world.workstations[0], FORMAT_VERSION)
    )
    local_batches = []
    batch_count = 0
    previous: dict[int, str | None] = defaultdict(lambda: None)
    sequence: dict[int, int] = defaultdict(int)
    for station, group in _batches(events):
        sequence[station] += 1
        batch, data = encode(
            world.signers[station],
            world.workstations[station],
            sequence[station],
            previous[station],
            [event_from_wire(event.wire) for event in group],
            world.share_key,
        )
        folder = share / "workstations" / batch.workstation_id
        folder.mkdir(exist_ok=True)
        (folder / batch_name(batch.sequence)).write_bytes(data)
        previous[station] = batch.sha256
        batch_count += 1
        if group[-1].millis < cutoff:
            local_batches.append(batch)
    for station in range(1, len(world.workstations)):  # workstation 0 writes its own
        card = world.card(station)
        folder = share / "workstations" / card.workstation_id
        folder.mkdir(exist_ok=True)
        (folder / CARD).write_bytes(card_bytes(world.signers[station], card))
        own = share / "workstations" / world.workstations[0]
        (own / sealed_name(card.workstation_id)).write_bytes(
            sealed_bytes(world.signers[0], own.name, card.workstation_id, card.seal, [key])
        )
    database = out / "data" / "handledare.db"
    _prepare_database(database, world)
    store = Store.open(database, now=lambda: END)
    local_batches.sort(key=lambda batch: batch.events[0].hlc)
    chunk: list[ingest.IncomingBatch] = []
    size = 0
    for batch in local_batches:
        chunk.append(
            ingest.IncomingBatch(
                batch.workstation_id, batch.sequence, batch.sha256, batch.events, batch.keyid
            )
        )
        size += len(batch.events)
        if size >= APPLY_SLICE:
            ingest.ingest(store, chunk)
            chunk, size = [], 0
    ingest.ingest(store, chunk)
    store.close()
    local = sum(len(batch.events) for batch in local_batches)
    return Summary(
        events=len(events),
        local_events=local,
        pull_events=len(events) - local,
        batches=batch_count,
        workstation_id=world.workstations[0],
    )


def _cutoff(events: list[_Event], pull_events: int) -> int:
    """The start of the day from which about `pull_events` events are on the share only."""
    if pull_events <= 0 or pull_events >= len(events):
        return events[-1].millis + 1
    return events[-pull_events].millis // DAY_MS * DAY_MS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="an empty or new folder")
    parser.add_argument("--scale", choices=sorted(SCALES), default="quick")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    started = time.perf_counter()
    summary = generate(args.out, SCALES[args.scale], args.seed)
    print(
        f"{summary.events} events ({summary.local_events} in the database, "
        f"{summary.pull_events} on the share only), {summary.batches} batches, "
        f"in {time.perf_counter() - started:.0f} s"
    )
    print(f"data: {args.out / 'data'}  share: {args.out / 'share'}  PIN for everyone: {PIN}")


if __name__ == "__main__":
    main()
