"""Speed at municipal scale, each measure beside a baseline taken in the same run.

    python bench/run.py                 # quick: small data, under a minute
    python bench/run.py --full          # 20,000 substitutes, ~2 million events
    python bench/run.py --data OUT      # data made earlier by generate.py
    python bench/run.py --data OUT --growth SMALL MEDIUM   # and how the measures grow

Prints one table: what handledare took, what the baseline took, their ratio
and the target. Timings never decide a test (shared machines are noisy);
this script is run by hand, and its full-size results go into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

from handledare.config import Settings  # noqa: E402
from handledare.services.sync import sync_now  # noqa: E402
from handledare.store.eventlog import Store  # noqa: E402
from handledare.store.tables import EVENT_COLUMNS  # noqa: E402
from handledare.sync.share import ShareFiles  # noqa: E402


@dataclass
class Row:
    measure: str
    value: float | None
    baseline: float | None
    unit: str
    target: str
    met: bool | None

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


def probe(*arguments: str) -> tuple[float, dict]:
    """Run one scenario in a fresh Python; its wall time and what it reported."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(HERE / "probe.py"), *arguments],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "BENCH_SPAWNED_AT": repr(time.time())},
    )
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"probe {' '.join(arguments)} failed:\n{done.stderr}")
    return elapsed, json.loads(done.stdout.strip().splitlines()[-1])


def copy_data(source: Path, target: Path) -> Path:
    """A fresh copy for each measure, so that none of them changes the generated data."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return target


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def measure_start(data: Path, work: Path, repeat: int) -> list[Row]:
    bare, app = [], []
    copy = copy_data(data, work / "start")  # once: a copy of GBs just before would slow a start
    for _ in range(repeat):
        bare.append(probe("start-bare")[1]["ready"])
        app.append(probe("start-app", str(copy))[1]["ready"])
    value, baseline = statistics.median(app), statistics.median(bare)
    return [
        Row(
            "start to sign-in screen (median)",
            value,
            baseline,
            "s",
            "<= 1.3x",
            value <= 1.3 * baseline,
        )
    ]


def durable_commits(database: Path, count: int = 25) -> list[float]:
    """Seconds for each of `count` transactions of one small row in a scratch table of the
    same file, with SQLite's own durable commit (WAL, synchronous FULL, as the store's):
    the floor of a mark, which no change to handledare's code can go below."""
    with closing(sqlite3.connect(database, isolation_level=None)) as connection:
        connection.execute("CREATE TABLE bench_commit (value TEXT)")
        seconds = []
        for number in range(count):
            began = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO bench_commit VALUES (?)", (f"{number:0200d}",))
            connection.execute("COMMIT")
            seconds.append(time.perf_counter() - began)
        connection.execute("DROP TABLE bench_commit")
    return seconds


def measure_session(data: Path, work: Path) -> tuple[list[Row], dict]:
    copy = copy_data(data, work / "session")
    _seconds, app = probe("session-app", str(copy))
    _seconds, bare = probe("session-bare", str(app["rows"]))
    commits = durable_commits(copy / "handledare.db")
    if app["stored"] != len(app["mark"]):
        raise SystemExit(f"only {app['stored']} of {len(app['mark'])} marks were stored")
    filter_app, filter_bare = max(app["filter"]), max(bare["filter"])
    rss = app["rss"]
    rows = [
        Row("mark an item, p50", statistics.median(app["mark"]), statistics.median(bare["key"]),
            "s", "", None),
        Row("mark an item, p95", p95(app["mark"]), p95(bare["key"]), "s", "<= 20 ms",
            p95(app["mark"]) <= 0.020),
        Row("  of it, the store's transaction, p95", p95(app["transaction"]), p95(commits), "s",
            "", None),
        Row("  a durable commit of one row, same file, p95", p95(commits), None, "s", "", None),
        Row(f"overview first paint, {app['rows']} rows", app["paint"], bare["paint"], "s",
            "<= 300 ms", app["paint"] <= 0.300),
        Row("  of it, the PIN check (argon2id)", app["pin"], None, "s", "", None),
        Row("  of it, after the PIN check", app["paint"] - app["pin"], None, "s", "<= 300 ms",
            app["paint"] - app["pin"] <= 0.300),
        Row("overview filter, slowest key", filter_app, filter_bare, "s", "<= 50 ms",
            filter_app <= 0.050),
        Row("peak memory of the app session", rss, bare["rss"], "MB", "<= 200 MB",
            None if rss is None else rss <= 200),
    ]  # fmt: skip
    return rows, app


def _events_ddl(database: Path) -> list[str]:
    with closing(sqlite3.connect(database)) as connection:
        return [
            sql
            for (sql,) in connection.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'events' AND sql IS NOT NULL"
            )
        ]


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


def list_share_seconds(share: Path) -> float:
    """Listing every workstation folder: what a round with nothing new cannot avoid."""
    began = time.perf_counter()
    for folder in os.scandir(share / "workstations"):
        if folder.is_dir():
            with os.scandir(folder.path) as entries:
                [entry.name for entry in entries]
    return time.perf_counter() - began


def measure_sync(data: Path, share: Path, work: Path) -> tuple[list[Row], dict]:
    copy = copy_data(data, work / "sync")
    store = Store.open(copy / "handledare.db")
    settings = Settings(data_dir=copy, share_path=share, workstation_name="bench")
    with closing(sqlite3.connect(copy / "handledare.db")) as connection:
        before = connection.execute("SELECT max(rowid) FROM events").fetchone()[0]
    began = time.perf_counter()
    report = sync_now(store, settings)
    pull = time.perf_counter() - began
    files = ShareFiles()
    began = time.perf_counter()
    again = sync_now(store, settings, files=files)
    noop = time.perf_counter() - began
    store.close()
    if report.problems or again.received_events:
        raise SystemExit(f"sync did not go as expected: {report.problems}")
    with closing(sqlite3.connect(copy / "handledare.db")) as connection:
        rows = connection.execute(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE rowid > ?", (before,)
        ).fetchall()
    raw = raw_insert_seconds(rows, _events_ddl(copy / "handledare.db"), work)
    listing = list_share_seconds(share)
    folders = sum(1 for entry in (share / "workstations").iterdir() if entry.is_dir())
    kinds = files.kinds()
    operations = (
        f"{files.operations} file operations ({kinds['names']} listings, "
        f"{len(files.writes())} writes, {kinds['read']} reads)"
    )
    quiet = noop <= 0.100 and not files.writes() and kinds["names"] <= folders + 1
    measured = [
        Row(f"sync pull of {len(rows)} events", pull, raw, "s", "<= 3x", pull <= 3 * raw),
        Row(f"sync round, nothing new, {folders} folders, {operations}", noop, listing, "s",
            "<= 100 ms, no write", quiet),
    ]  # fmt: skip
    return measured, {
        "pulled": len(rows), "pull": pull, "raw": raw, "noop": noop, "files": files.operations,
        "writes": len(files.writes()),
    }  # fmt: skip


def measure_growth(full: tuple[dict, dict], smaller: list[Path], work: Path) -> list[tuple]:
    """The session and sync measures at each size: first paint and filter must not grow with
    the list, a pull only with the events pulled. Smallest first, `full` last."""
    sizes = []
    for folder in smaller:
        _rows, app = measure_session(folder / "data", work)
        _rows, sync = measure_sync(folder / "data", folder / "share", work)
        sizes.append((app, sync))
    sizes.append(full)
    return sizes


def show_growth(sizes: list[tuple]) -> str:
    lines = [
        "| rows listed | first paint | filter, slowest key | peak memory | events pulled "
        "| pull | pull per 1,000 events | pull over raw | round, nothing new "
        "| its file operations |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for app, sync in sizes:
        lines.append(
            f"| {app['rows']:,} | {app['paint'] * 1000:.0f} ms "
            f"| {max(app['filter']) * 1000:.1f} ms "
            f"| {app['rss']:.0f} MB | {sync['pulled']:,} | {sync['pull'] * 1000:.0f} ms "
            f"| {sync['pull'] / sync['pulled'] * 1e6:.1f} ms | {sync['pull'] / sync['raw']:.2f}x "
            f"| {sync['noop'] * 1000:.1f} ms | {sync['files']} |"
        )
    return "\n".join(lines)


def paint_over_smallest(full: dict, smallest: dict) -> Row:
    return Row(
        f"overview first paint, {full['rows']:,} rows over {smallest['rows']:,}",
        full["paint"], smallest["paint"], "s", "<= 1.3x",
        full["paint"] <= 1.3 * smallest["paint"],
    )  # fmt: skip


def show(rows: list[Row], heading: str) -> str:
    lines = [
        heading,
        "",
        "| measure | handledare | baseline | ratio | target | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in rows:

        def amount(value: float | None, unit: str = row.unit) -> str:
            if value is None:
                return "n/a"
            return f"{value * 1000:.1f} ms" if unit == "s" else f"{value:.0f} {unit}"

        ratio = "" if row.ratio is None else f"{row.ratio:.2f}x"
        met = {True: "yes", False: "NO", None: ""}[row.met]
        lines.append(
            f"| {row.measure} | {amount(row.value)} | {amount(row.baseline)} | {ratio} "
            f"| {row.target} | {met} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the full municipal scale")
    parser.add_argument("--data", type=Path, help="use data made by generate.py in this folder")
    parser.add_argument("--repeat", type=int, default=3, help="start-up runs of each kind")
    parser.add_argument(
        "--growth",
        type=Path,
        nargs="*",
        default=[],
        help="smaller data made by generate.py (--scale 1k, 5k), smallest first",
    )
    args = parser.parse_args()
    scale = "full" if args.full else "quick"
    with tempfile.TemporaryDirectory(prefix="handledare-bench-") as temp:
        work = Path(temp)
        out = args.data
        if out is None:
            out = work / "generated"
            began = time.perf_counter()
            summary = generate.generate(out, generate.SCALES[scale])
            print(
                f"generated {summary.events} events, {summary.batches} batches "
                f"in {time.perf_counter() - began:.0f} s",
                file=sys.stderr,
            )
        rows = measure_start(out / "data", work, args.repeat)
        session, app = measure_session(out / "data", work)
        synced, sync = measure_sync(out / "data", out / "share", work)
        rows += session + synced
        sizes = measure_growth((app, sync), args.growth, work) if args.growth else []
        if sizes:
            rows.append(paint_over_smallest(app, sizes[0][0]))
    heading = (
        f"{scale if args.data is None else args.data} · {time.strftime('%Y-%m-%d')} · "
        f"{platform.platform()} · Python {platform.python_version()} · {os.cpu_count()} cores"
    )
    print(show(rows, heading))
    if sizes:
        print("\n" + show_growth(sizes))


if __name__ == "__main__":
    main()
