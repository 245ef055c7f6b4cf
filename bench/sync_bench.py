"""Sync speed: N workstations x M events, publish and pull, against a raw SQLite insert.

    python bench/sync_bench.py [--workstations 3] [--events 20000]

Each workstation makes M events (units and substitutes, as the services
would) and publishes them; then one fresh workstation pulls everything. The
baseline is sqlite3's executemany of the same rows into a bare events table,
measured in the same run, so the ratios hold on any machine.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from handledare.config import Settings
from handledare.domain.events import EventType
from handledare.services.sync import sync_now
from handledare.store.eventlog import Store
from handledare.store.replication import EVENT_FIELDS
from handledare.store.tables import EventRow
from sqlmodel import select


def make_events(store: Store, count: int, batch: int = 2000) -> None:
    """Units and substitutes, written through the store's event API in large transactions."""
    made = 0
    while made < count:
        with store.write(None) as tx:
            unit_id = str(uuid.uuid4())
            tx.emit(EventType.UNIT_CREATED, unit_id, {"name": f"Enhet {unit_id[:8]}"})
            made += 1
            for _ in range(min(batch, count - made)):
                tx.emit(
                    EventType.PERSON_CREATED,
                    str(uuid.uuid4()),
                    {
                        "name": f"Vikarie {made}",
                        "unit_id": unit_id,
                        "employment_type": "hourly",
                        "start_date": date(2026, 11, 1).isoformat(),
                        "employee_number": None,
                    },
                )
                made += 1


def raw_insert_seconds(rows: list[tuple], folder: Path) -> float:
    connection = sqlite3.connect(folder / "raw.db")
    connection.execute("PRAGMA journal_mode=WAL")
    columns = (*EVENT_FIELDS, "payload")
    connection.execute(f"CREATE TABLE events ({', '.join(columns)}, PRIMARY KEY (id))")
    started = time.perf_counter()
    with connection:
        connection.executemany(
            f"INSERT INTO events VALUES ({', '.join('?' for _ in columns)})", rows
        )
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workstations", type=int, default=3)
    parser.add_argument("--events", type=int, default=20000, help="events per workstation")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        share = root / "share"
        share.mkdir()

        def settings_for(store: Store, name: str) -> Settings:
            return Settings(data_dir=store.path.parent, share_path=share, workstation_name=name)

        stations = [Store.open(root / f"w{i}" / "handledare.db") for i in range(args.workstations)]
        for store in stations:
            make_events(store, args.events)
        publish = sum(
            timed(lambda s=store, i=i: sync_now(s, settings_for(s, f"w{i}")))
            for i, store in enumerate(stations)
        )
        reader = Store.open(root / "reader" / "handledare.db")
        pull = timed(lambda: sync_now(reader, settings_for(reader, "reader")))
        noop = timed(lambda: sync_now(reader, settings_for(reader, "reader")))

        with reader.read() as session:
            rows = [
                (*(getattr(row, name) for name in EVENT_FIELDS), row.payload)
                for row in session.exec(select(EventRow))
            ]
        total = len(rows)
        raw = raw_insert_seconds(rows, root)

    print(f"{args.workstations} workstations x {args.events} events = {total} events")
    print(f"{'measure':<34}{'seconds':>10}{'events/s':>12}{'ratio to raw':>14}")
    for label, seconds in (
        ("raw sqlite3 executemany (baseline)", raw),
        ("publish (all workstations)", publish),
        ("pull and apply (one workstation)", pull),
    ):
        print(f"{label:<34}{seconds:>10.2f}{total / seconds:>12.0f}{raw / seconds:>14.3f}")
    print(f"{'sync round with nothing new':<34}{noop:>10.3f}")
    print("ratio to raw = raw time / measured time; the target for pull is >= 0.5")


if __name__ == "__main__":
    main()
