"""Speed at municipal scale, each measure beside a baseline taken in the same run.

    python bench/run.py                 # quick: small data, under a minute
    python bench/run.py --full          # 20,000 substitutes, ~2 million events
    python bench/run.py --data OUT      # data made earlier by generate.py
    python bench/run.py --data OUT --growth SMALL MEDIUM   # and how the measures grow
    python bench/run.py --data OUT --only sync --join      # some measures; a new workstation

Prints one table: what handledare took, what the baseline took, their ratio
and the target. Timings never decide a test (shared machines are noisy);
this script is run by hand, and its full-size results go into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from common import Row, copy_data, p95, written_out  # noqa: E402
from probe import FILTER_KEYS  # noqa: E402
from sync_measures import measure_join, measure_sync  # noqa: E402

import handledare  # noqa: E402


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


def measure_start(data: Path, work: Path, repeat: int) -> list[Row]:
    # As installed, handledare starts from bytecode, as Textual does (pip compiles it): with
    # PYTHONDONTWRITEBYTECODE set, a source checkout would be compiled at every start.
    compileall.compile_dir(Path(handledare.__file__).parent, quiet=1)
    bare, app = [], []
    copy = copy_data(data, work / "start")  # once: a copy of GBs just before would slow a start
    for _ in range(repeat):
        bare.append(probe("start-bare")[1])
        app.append(probe("start-app", str(copy))[1])
    value, baseline = (statistics.median(run["shown"] for run in runs) for runs in (app, bare))
    quiet, bare_quiet = (statistics.median(run["ready"] for run in runs) for runs in (app, bare))
    return [
        Row("start to the sign-in screen's frame with the names (median; baseline: a bare "
            "Textual app's first frame with its table)", value, baseline, "s", "<= 1.3x",
            value <= 1.3 * baseline),
        Row("  to the app quiet after that frame (the start's measure until 2026-12-01)",
            quiet, bare_quiet, "s", "", None),
    ]  # fmt: skip


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


def measure_session(data: Path, work: Path, paints: int = 1) -> tuple[list[Row], dict]:
    """A session (first paint, filter, marks), and `paints` first paints in all: one new app
    each, on the same copy (one sample varied by a third from run to run)."""
    copy = written_out(copy_data(data, work / "session"))
    _seconds, app = probe("session-app", str(copy))
    samples = [(app["paint"], app["pin"], app["settled"])]
    for _ in range(paints - 1):
        _seconds, painted = probe("paint-app", str(copy))
        samples.append((painted["paint"], painted["pin"], painted["settled"]))
    app["paint"] = statistics.median(paint for paint, _pin, _settled in samples)
    app["pin"] = statistics.median(pin for _paint, pin, _settled in samples)
    after_pin = sorted(paint - pin for paint, pin, _settled in samples)
    settled = statistics.median(settled - pin for _paint, pin, settled in samples)
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
        Row(f"overview first paint, {app['rows']} rows, median of {len(samples)}", app["paint"],
            bare["paint"], "s", "<= 300 ms", app["paint"] <= 0.300),
        Row("  of it, the PIN check (argon2id), median", app["pin"], None, "s", "", None),
        Row("  of it, after the PIN check, median", statistics.median(after_pin), None, "s",
            "<= 300 ms", statistics.median(after_pin) <= 0.300),
        Row("  after the PIN check, each: " + ", ".join(f"{s * 1000:.0f}" for s in after_pin)
            + " ms", None, None, "s", "", None),
        Row("  after the PIN check, to the screen quiet after that frame, median", settled,
            None, "s", "", None),
        Row("overview filter, slowest key", filter_app, filter_bare, "s", "<= 50 ms",
            filter_app <= 0.050),
        *(Row(f"  typed \"{FILTER_KEYS[:n + 1]}\"", seconds, None, "s", "", None)
          for n, seconds in enumerate(app["filter"])),
        Row("peak memory of the app session", rss, bare["rss"], "MB", "<= 200 MB",
            None if rss is None else rss <= 200),
    ]  # fmt: skip
    return rows, app


def measure_pull_in_app(data: Path, share: Path, work: Path) -> list[Row]:
    """The app's peak memory with the manager on the overview while its first round pulls
    the events left on the share (on a copy of each, as the pull writes to both)."""
    copy = written_out(copy_data(data, work / "pull-app"))
    share_copy = copy_data(share, work / "pull-app-share")
    _seconds, app = probe("pull-app", str(copy), str(share_copy))
    rss = app["rss"]
    return [
        Row(f"peak memory of the app on the overview while it pulls {app['received']:,} events "
            "(baseline: its peak as the overview was first shown)", rss, app["overview"], "MB",
            "<= 200 MB", None if rss is None else rss <= 200),
    ]  # fmt: skip


def measure_growth(
    full: tuple[dict, dict], smaller: list[Path], work: Path, paints: int
) -> list[tuple]:
    """The session and sync measures at each size: first paint and filter must not grow with
    the list, a pull only with the events pulled. Smallest first, `full` last."""
    sizes = []
    for folder in smaller:
        _rows, app = measure_session(folder / "data", work, paints)
        _rows, sync = measure_sync(folder / "data", folder / "share", work)
        sizes.append((app, sync))
    sizes.append(full)
    return sizes


def show_growth(sizes: list[tuple]) -> str:
    lines = [
        "| rows listed | first paint | filter, slowest key | peak memory | events pulled "
        "| pull | pull per 1,000 events | pull over raw | round, nothing new "
        "| its file operations | longest wait for the lock during the pull |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for app, sync in sizes:
        lines.append(
            f"| {app['rows']:,} | {app['paint'] * 1000:.0f} ms "
            f"| {max(app['filter']) * 1000:.1f} ms "
            f"| {app['rss']:.0f} MB | {sync['pulled']:,} | {sync['pull'] * 1000:.0f} ms "
            f"| {sync['pull'] / sync['pulled'] * 1e6:.1f} ms | {sync['pull'] / sync['raw']:.2f}x "
            f"| {sync['noop'] * 1000:.1f} ms | {sync['files']} | {sync['lock'] * 1000:.1f} ms |"
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


MEASURES = ("start", "session", "sync")


def _load() -> str:
    """The 1-minute load average where the system tells it (not on Windows)."""
    loadavg = getattr(os, "getloadavg", None)
    return f"{loadavg()[0]:.1f}" if loadavg else "unknown"


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the full municipal scale")
    parser.add_argument("--data", type=Path, help="use data made by generate.py in this folder")
    parser.add_argument(
        "--repeat", type=int, default=3, help="start-up runs of each kind; first paints a size"
    )
    parser.add_argument(
        "--growth",
        type=Path,
        nargs="*",
        default=[],
        help="smaller data made by generate.py (--scale 1k, 5k), smallest first",
    )
    parser.add_argument("--only", nargs="*", choices=MEASURES, help="only these measures")
    parser.add_argument("--join", action="store_true", help="a new workstation joining too")
    parser.add_argument(
        "--join-limit", type=float, help="seconds of the join's pull; the rest is estimated"
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
        load_before = _load()
        wanted = set(args.only or MEASURES)
        rows: list[Row] = []
        if "start" in wanted:
            rows += measure_start(out / "data", work, args.repeat)
        if "session" in wanted:
            session, app = measure_session(out / "data", work, args.repeat)
            rows += session
        if "sync" in wanted:
            synced, sync = measure_sync(out / "data", out / "share", work)
            rows += synced
            rows += measure_pull_in_app(out / "data", out / "share", work)
        if args.join:
            rows += measure_join(out / "data", out / "share", work, args.join_limit)[0]
        sizes = []
        if args.growth and {"session", "sync"} <= wanted:
            sizes = measure_growth((app, sync), args.growth, work, args.repeat)
            rows.append(paint_over_smallest(app, sizes[0][0]))
    heading = (
        f"{scale if args.data is None else args.data} · {time.strftime('%Y-%m-%d %H:%M')} · "
        f"commit {_commit()} · load average {load_before} at the start, {_load()} at the end · "
        f"{platform.platform()} · Python {platform.python_version()} · {os.cpu_count()} cores"
    )
    print(show(rows, heading))
    if sizes:
        print("\n" + show_growth(sizes))


if __name__ == "__main__":
    main()
