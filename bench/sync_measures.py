"""The sync measures of `run.py`: a pull and what it costs, a mark's wait for the write lock
while a pull runs, a round with nothing new, and a new workstation joining the share."""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import generate
from common import PeakMemory, Row, copy_data, p95, written_out

from handledare.config import Settings
from handledare.domain.enums import Role
from handledare.services import people, pins, workstations
from handledare.services.sync import Progress, SyncReport, sync_now
from handledare.store import ingest
from handledare.store.eventlog import Store
from handledare.store.tables import EVENT_COLUMNS
from handledare.store.turns import WriteTurns
from handledare.sync import batch, pull
from handledare.sync.share import LIST_AGAIN_SECONDS, SETTLE_SECONDS, ShareFiles

LOCK_PROBE_EVERY = 0.1
NOOP_ROUNDS = 5


class Cumulative:
    """The time spent in one function during a measure, summed (a module attribute wrapped
    for the measure, and put back)."""

    def __init__(self, owner: Any, name: str):
        self.owner, self.name, self.seconds, self.calls = owner, name, 0.0, 0
        self.original: Callable[..., Any] = getattr(owner, name)

    def __enter__(self) -> Cumulative:
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - began
                self.calls += 1

        setattr(self.owner, self.name, timed)
        return self

    def __exit__(self, *_exc: object) -> None:
        setattr(self.owner, self.name, self.original)


class LockProbe(threading.Thread):
    """A local write every LOCK_PROBE_EVERY while a pull runs in the same process, as a
    supervisor's mark would be made: how long each waited to begin (the write lock)."""

    NAME = "lock probe"

    def __init__(self, store: Store):
        super().__init__(daemon=True, name=LockProbe.NAME)
        self.store, self.waits, self.stop = store, [], threading.Event()
        self.spans: list[tuple[float, float]] = []

    def run(self) -> None:
        while not self.stop.wait(LOCK_PROBE_EVERY):
            began = time.perf_counter()
            with self.store.write(None):
                self.waits.append(time.perf_counter() - began)
            self.spans.append((began, time.perf_counter()))


class Holders:
    """Who held the store's write turn while the probe waited: each part of the pull (with
    its events), each other local write and each checkpoint, timed (the classes' methods
    wrapped for the measure, and put back)."""

    def __init__(self) -> None:
        self.held: list[tuple[str, float, float]] = []  # what, from, to
        self.events = 0  # of the part being written

    def __enter__(self) -> Holders:
        self.saved = WriteTurns.pulled, WriteTurns.local, Store.checkpoint, ingest.ingest
        pulled, local, checkpoint, ingested = self.saved
        holders = self

        def timed(what: Callable[[], str], turn: Callable[[Any], Any]) -> Callable[[Any], Any]:
            @contextmanager
            def wrapped(turns: Any) -> Iterator[None]:
                with turn(turns):
                    began = time.perf_counter()
                    yield
                holders.held.append((what(), began, time.perf_counter()))

            return wrapped

        def checkpointed(store: Store) -> None:
            began = time.perf_counter()
            checkpoint(store)
            holders.held.append(("a checkpoint (no turn)", began, time.perf_counter()))

        def counted(store: Store, batches: list, *rest: Any) -> Any:
            holders.events = sum(len(b.events) for b in batches)
            return ingested(store, batches, *rest)

        WriteTurns.pulled = timed(lambda: f"a part of {holders.events} events", pulled)
        WriteTurns.local = timed(
            lambda: f"a local write ({threading.current_thread().name})", local
        )
        Store.checkpoint, ingest.ingest = checkpointed, counted
        return self

    def __exit__(self, *_exc: object) -> None:
        WriteTurns.pulled, WriteTurns.local, Store.checkpoint, ingest.ingest = self.saved

    def blame(self, span: tuple[float, float]) -> str:
        """What held the turn or ran during one probe's write, longest first."""
        began, ended = span
        during = sorted(
            ((to - start, what) for what, start, to in self.held
             if start < ended and to > began and LockProbe.NAME not in what and to - start > 0.001),
            reverse=True,
        )  # fmt: skip
        return "; ".join(f"{what}, {seconds * 1000:.0f} ms" for seconds, what in during[:3])


def _settings(folder: Path, share: Path, name: str) -> Settings:
    return Settings(data_dir=folder, share_path=share, workstation_name=name)


def raw_insert_seconds(rows: list[tuple], ddl: list[str], folder: Path) -> float:
    """sqlite3's executemany of the same rows into a table made like `events`."""
    path = folder / "raw.db"
    path.unlink(missing_ok=True)
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        for statement in ddl:
            connection.execute(statement)
        began = time.perf_counter()
        connection.execute("BEGIN")
        connection.executemany(
            f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})",
            rows,
        )
        connection.execute("COMMIT")
        return time.perf_counter() - began


def _events_ddl(database: Path) -> list[str]:
    with closing(sqlite3.connect(database)) as connection:
        return [
            sql
            for (sql,) in connection.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'events' AND sql IS NOT NULL"
            )
        ]


def list_share_seconds(share: Path) -> float:
    """Listing every workstation folder: what a round with nothing new cannot avoid."""
    began = time.perf_counter()
    for folder in os.scandir(share / "workstations"):
        if folder.is_dir():
            with os.scandir(folder.path) as entries:
                [entry.name for entry in entries]
    return time.perf_counter() - began


@dataclass
class QuietRound:
    """A sync round with nothing new, and the bare listing of the share made just before it."""

    seconds: float
    listing: float
    files: ShareFiles
    report: SyncReport


def quiet_rounds(
    store: Store, settings: Settings, share: Path, rounds: int, listed_at: float
) -> list[QuietRound]:
    """`rounds` rounds, each with the share listed bare just before it: both are timed on
    the same state of the disk's caches. The first begins a second more than SETTLE_SECONDS
    after the round that listed the folders first (begun at `listed_at`,
    `time.perf_counter()`): it lists every folder again, and from then on the times of those
    it found unchanged are trusted, as in an app after its second round (it syncs every
    three minutes). A folder that round changed (the bench's own, if it wrote its card) is
    listed until its new time is trusted."""
    time.sleep(max(0.0, listed_at + SETTLE_SECONDS + 1 - time.perf_counter()))
    done = []
    for _round in range(rounds):
        listing = list_share_seconds(share)
        files = ShareFiles()
        began = time.perf_counter()
        report = sync_now(store, settings, files=files)
        done.append(QuietRound(time.perf_counter() - began, listing, files, report))
    return done


def measure_sync(data: Path, share: Path, work: Path) -> tuple[list[Row], dict]:
    copy = written_out(copy_data(data, work / "sync"))
    store = Store.open(copy / "handledare.db")
    settings = _settings(copy, share, "bench")
    with closing(sqlite3.connect(copy / "handledare.db")) as connection:
        before = connection.execute("SELECT max(rowid) FROM events").fetchone()[0]
    probe = LockProbe(store)
    with (
        Cumulative(pull, "_checked") as checked,
        Cumulative(batch, "_verified_key") as verified,
        Cumulative(batch, "_opened") as opened,
        Holders() as holders,
        Cumulative(ingest, "ingest") as applied,
        PeakMemory() as memory,
    ):
        probe.start()
        began = time.perf_counter()
        report = sync_now(store, settings)
        pull_seconds = time.perf_counter() - began
        probe.stop.set()
        probe.join()
    # One sample of a round or of a listing moves by a third from one moment to the next on
    # this disk: the medians are compared.
    done = quiet_rounds(store, settings, share, NOOP_ROUNDS, began)
    noop = statistics.median(quiet.seconds for quiet in done)
    listing = statistics.median(quiet.listing for quiet in done)
    received = sum(quiet.report.received_events for quiet in done)
    writes = sum(len(quiet.files.writes()) for quiet in done)
    files = done[-1].files
    store.close()
    if report.problems or received:
        raise SystemExit(f"sync did not go as expected: {report.problems}")
    with closing(sqlite3.connect(copy / "handledare.db")) as connection:
        rows = connection.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE rowid > ?", (before,)
        ).fetchall()
    raw = raw_insert_seconds(rows, _events_ddl(copy / "handledare.db"), work)
    folders = sum(1 for entry in (share / "workstations").iterdir() if entry.is_dir())
    kinds = files.kinds()
    operations = (
        f"{files.operations} file operations ({kinds['names']} listings, "
        f"{len(files.writes())} writes, {kinds['read']} reads; {writes} writes in all rounds)"
    )
    quiet = noop <= 0.100 and not writes and kinds["names"] <= folders + 1
    waits = probe.waits or [0.0]
    worst = max(waits)
    longest = sorted(zip(probe.waits, probe.spans, strict=True), reverse=True)[:3]
    blamed = [
        f"{wait * 1000:.0f} ms: {holders.blame(span) or 'nothing held it'}"
        for wait, span in longest
    ]
    measured = [
        Row(f"sync pull of {len(rows)} events", pull_seconds, raw, "s", "<= 3x",
            pull_seconds <= 3 * raw),
        Row(f"  of it, reading and checking {checked.calls} batch files", checked.seconds,
            None, "s", "", None),
        Row("    of that, verifying signatures (Ed25519)", verified.seconds, None, "s", "", None),
        Row("    of that, decrypting (AES-256-GCM)", opened.seconds, None, "s", "", None),
        Row(f"  of it, storing and projecting ({applied.calls} transactions)", applied.seconds,
            None, "s", "", None),
        Row(f"a local write's wait for the lock during the pull, p95 of {len(probe.waits)}",
            p95(waits) if len(waits) > 1 else worst, None, "s", "", None),
        Row("a local write's wait for the lock during the pull, longest", worst, None, "s",
            "<= 100 ms", worst <= 0.100),
        *(Row(f"  a long wait, and what held the lock or ran meanwhile: {text}", None, None,
              "s", "", None) for text in blamed),
        Row("peak memory during the pull (this process, without Textual; baseline: its "
            "memory as the pull began)", memory.peak, memory.before, "MB", "", None),
        Row(f"sync round, nothing new, {folders} folders, median of {NOOP_ROUNDS}, the last "
            f"round's {operations}", noop, listing, "s",
            "<= 100 ms, no write", quiet),
        Row(f"  the first of them, which lists every folder ({done[0].files.kinds()['names']} "
            f"listings; so does a round every {LIST_AGAIN_SECONDS / 60:.0f} minutes)",
            done[0].seconds, done[0].listing, "s", "", None),
    ]  # fmt: skip
    return measured, {
        "pulled": len(rows), "pull": pull_seconds, "raw": raw, "noop": noop,
        "files": files.operations, "writes": writes, "lock": worst,
    }  # fmt: skip


class Enough(Exception):
    """The join measured long enough: the rest of its pull is estimated from the rate."""


def measure_join(
    data: Path, share: Path, work: Path, limit: float | None = None
) -> tuple[list[Row], dict]:
    """A new computer on the share: its card, an administrator's approval, then its first
    round, which pulls everything. Usable (someone can sign in) once the users are here.
    With `limit`, the pull stops after that many seconds and its end is estimated from the
    batch files applied by then (the whole pull of a full-scale share takes long)."""
    admin_copy = copy_data(data, work / "join-admin")
    share = copy_data(share, work / "join-share")  # the approval is written to it
    admin_store = Store.open(admin_copy / "handledare.db")
    new_folder = work / "join-new"
    shutil.rmtree(new_folder, ignore_errors=True)
    new_store = Store.open(new_folder / "handledare.db")
    sync_now(new_store, _settings(new_folder, share, "new"))  # its card, nothing read yet
    admin_settings = _settings(admin_copy, share, "admin")
    sync_now(admin_store, admin_settings)
    admin = next(u for u in people.list_users(admin_store) if u.role is Role.ADMIN)
    actor = pins.sign_in(admin_store, admin.id, generate.PIN).actor
    workstations.approve(admin_store, actor, new_store.workstation_id, generate.PIN)
    sync_now(admin_store, admin_settings)
    admin_store.close()
    usable: list[float] = []
    last: list[Progress] = []
    began = time.perf_counter()

    def progressed(progress: Progress) -> None:
        elapsed = time.perf_counter() - began
        if not usable and people.has_users(new_store):
            usable.append(elapsed)
        last[:] = [progress]
        if limit is not None and usable and elapsed > limit:
            raise Enough

    try:
        report = sync_now(new_store, _settings(new_folder, share, "new"), progress=progressed)
        events, estimated = f"{report.received_events:,} events", ""
    except Enough:
        events = f"{last[0].applied:,} of {last[0].total:,} batch files in {limit:.0f} s"
        estimated = ", estimated from the rate"
    synced = time.perf_counter() - began
    if estimated:
        synced = synced * last[0].total / last[0].applied
    new_store.close()
    first = usable[0] if usable else synced
    rows = [
        Row("new workstation: approval to its users here (sign-in usable)", first, None, "s",
            "", None),
        Row(f"new workstation: approval to fully synced ({events}){estimated}", synced, None,
            "s", "", None),
    ]  # fmt: skip
    return rows, {"usable": first, "synced": synced}


def measure_noop(data: Path, share: Path, rounds: int) -> list[Row]:
    """Rounds with nothing new on a data folder already pulled from `share` (its first round
    pulls whatever is left, unmeasured), each beside a listing of the share just before it:
    the no-op round at full scale without the long pull. `data` is used in place."""
    store = Store.open(data / "handledare.db")
    settings = _settings(data, share, "bench")
    began = time.perf_counter()
    first = sync_now(store, settings)
    rows = []
    for number, quiet in enumerate(quiet_rounds(store, settings, share, rounds, began)):
        again, files, noop, listing = quiet.report, quiet.files, quiet.seconds, quiet.listing
        if again.received_events or again.sent.events or again.problems:
            raise SystemExit(f"a round with nothing new found something: {again.problems}")
        kinds = files.kinds()
        rows.append(
            Row(
                f"round {number + 1} with nothing new: {files.operations} file operations "
                f"({kinds['names']} listings, {len(files.writes())} writes, {kinds['read']} reads)",
                noop, listing, "s", "<= 100 ms, no write",
                noop <= 0.100 and not files.writes(),
            )
        )  # fmt: skip
    store.close()
    print(f"first round pulled {first.received_events:,} events")
    return rows


def main() -> None:
    """`--noop DATA SHARE`: only the round with nothing new, on a copy pulled once."""
    import argparse

    from run import _commit, _load, show  # run.py imports this module: here, not at the top

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--noop", nargs=2, type=Path, metavar=("DATA", "SHARE"), required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    data, share = args.noop
    before = _load()
    rows = measure_noop(data, share, args.rounds)
    heading = (
        f"{data} · commit {_commit()} · load average {before} at the start, {_load()} at the end"
    )
    print(show(rows, heading))


if __name__ == "__main__":
    main()
