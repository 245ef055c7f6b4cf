"""One measured scenario in a process of its own; prints its timings as one JSON line.

    python bench/probe.py start-bare
    python bench/probe.py start-app DATA_DIR
    python bench/probe.py session-bare ROWS
    python bench/probe.py session-app DATA_DIR
    python bench/probe.py paint-app DATA_DIR
    python bench/probe.py pull-app DATA_DIR SHARE

Started by `run.py`, which puts the time it started the process in
BENCH_SPAWNED_AT, so that start-up is timed from process start to the first
usable screen, as a person waits for it (work the app goes on with behind
that screen is not counted; its exit is not either). Each `-app` scenario
has a `-bare` twin doing the same with nothing but Textual (a header, a
DataTable, a footer), the baseline; `paint-app` is the first paint of
`session-app` alone, taken again for more samples than one session gives.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path

PIN = "482916"
MARKS = 25
FILTER_KEYS = "anna"
# Seconds between the first paint and the first key typed in the filter.
LOOK = 1.0
SIZE = (120, 40)
# Where every frame of a screen ends, in a layout or in the timer's step (see `framing`).
FRAME_OUT = "_compositor_refresh"


def peak_rss_mb() -> float | None:
    """This process's peak resident memory, where the platform tells it.

    Linux's VmHWM starts afresh with the program; getrusage's maximum would
    carry over the parent's from before the exec.
    """
    from common import status_mb  # here, not at the top: the start imports nothing more

    peak = status_mb("VmHWM")
    if peak is not None:
        return peak
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def bare_app(rows: int):
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header, Input

    class Bare(App):
        """What any Textual list screen costs: the baseline."""

        def compose(self):
            yield Header()
            yield Input(id="filter")
            yield DataTable(id="table", cursor_type="row")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*(f"Kolumn {n}" for n in range(8)))
            self.rows = [tuple(f"Vikarie {n} rad {r}" for n in range(8)) for r in range(rows)]
            self._fill("")

        def _fill(self, wanted: str) -> None:
            table = self.query_one(DataTable)
            table.clear()
            table.add_rows(row for row in self.rows if wanted in row[0].lower())

        def on_input_changed(self, event: Input.Changed) -> None:
            self._fill(event.value.lower())

    return Bare()


def counting(obj, name: str) -> list[int]:
    """Count calls of a screen's or a widget's method, to know when it has handled a key."""
    calls = [0]
    original = getattr(obj, name)

    def counted(*args, **kwargs):
        result = original(*args, **kwargs)
        calls[0] += 1
        return result

    setattr(obj, name, counted)
    return calls


def stamping(obj, name: str) -> list[float]:
    """When a call of a function returned (perf_counter), each time: the PIN checked, for
    one."""
    stamps: list[float] = []
    original = getattr(obj, name)

    def stamped(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        finally:
            stamps.append(time.perf_counter())

    setattr(obj, name, stamped)
    return stamps


def timing(obj, name: str) -> list[float]:
    """How long each call of a function took: the store's transaction of a mark, for one."""
    durations: list[float] = []
    original = getattr(obj, name)

    def timed(*args, **kwargs):
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            durations.append(time.perf_counter() - began)

    setattr(obj, name, timed)
    return durations


async def press(app, key: str, calls: list[int]) -> float:
    """Seconds from a key press to the screen updated and drawn.

    Pilot.press waits for idle in 20 ms steps, too coarse for this; here the key
    goes to the driver as a terminal's would, and the clock stops once the
    screen's handler has run and the screen has been drawn, with what the
    widgets changed by it do after it (a table measures its new rows when its
    messages are done, and only then asks to be drawn).
    """
    before = calls[0]
    began = time.perf_counter()
    send(app, key)
    while calls[0] == before:
        await asyncio.sleep(0.0002)
    await until_drawn(app)
    return time.perf_counter() - began


async def until_drawn(app, only: tuple | None = None) -> None:
    while True:
        app.screen._on_timer_update()
        await asyncio.sleep(0)
        if drawn(app.screen, only):
            return


def drawn(screen, only: tuple | None = None) -> bool:
    """Nothing on the screen waits to be measured, laid out or drawn, nor has a message left
    that might ask for it; with `only` (the first page's table), nothing of those widgets,
    and no layout of the screen: what the screen reads behind the page begins once the page
    is drawn, and its widgets' drawing is not the page's."""
    widgets = (screen, *screen.walk_children()) if only is None else only
    if screen._layout_required or screen._repaint_required:
        return False
    if only is None and (screen._dirty_widgets or not screen.app._message_queue.empty()):
        return False
    return not any(
        widget in screen._dirty_widgets
        or not widget._message_queue.empty()
        or widget._repaint_required
        or widget._layout_required
        or getattr(widget, "_require_update_dimensions", False)
        for widget in widgets
    )


async def until(pilot, condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get there")
        await pilot.pause(0.001)


async def quiet(pilot) -> None:
    """Until the app's background work and what it started are done."""
    while True:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


def since_spawned() -> float:
    return time.time() - float(os.environ["BENCH_SPAWNED_AT"])


async def start_bare() -> dict:
    from textual.screen import Screen
    from textual.widgets import DataTable

    app = bare_app(0)

    def table_shown(screen) -> bool:
        tables = screen.query(DataTable)
        return bool(tables) and bool(tables.first().columns)

    shown = framing(Screen, table_shown, time.time, FRAME_OUT)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.screen.query(DataTable))
        await pilot.pause(0)  # drawn; pause() would wait for the CPU to go idle
        return _started(shown)


async def start_app(data_dir: Path) -> dict:
    from handledare.config import Settings
    from handledare.tui.launch import make_app
    from handledare.tui.screens.gate import SignInScreen

    app = make_app(Settings(data_dir=data_dir))  # as the command makes it
    listed = framing(SignInScreen, lambda _screen: signing_in(app), time.time, FRAME_OUT)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: signing_in(app))
        await pilot.pause(0)
        return _started(listed)


def _started(framed: list[float]) -> dict:
    """Seconds from the process's start to the frame that first showed the screen (to the
    terminal: what a person sees), and to the app quiet after it (Pilot waits for what the
    app does once the frame is out)."""
    quiet_at = since_spawned()
    spawned = float(os.environ["BENCH_SPAWNED_AT"])
    return {"shown": framed[0] - spawned if framed else quiet_at, "ready": quiet_at}


def signing_in(app) -> bool:
    """The sign-in screen is up with its names listed: the app can be used."""
    from handledare.tui.screens.gate import SignInScreen

    screen = app.screen
    return (
        isinstance(screen, SignInScreen)
        and screen.is_mounted
        and bool(screen.query("#users"))
        and screen.query_one("#users").option_count > 0
    )


async def session_bare(rows: int) -> dict:
    from textual.widgets import DataTable, Input

    started = time.perf_counter()
    app = bare_app(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(DataTable)
        await until(pilot, lambda: table.row_count == rows)
        await pilot.pause()
        paint = time.perf_counter() - started
        app.query_one(Input).focus()
        await pilot.pause()
        filled = counting(app, "_fill")
        filter_keys = [await press(app, key, filled) for key in FILTER_KEYS]
        table.focus()
        await pilot.pause()
        moved = counting(table, "action_cursor_down")
        moves = [await press(app, "down", moved) for _ in range(MARKS)]
    return {"paint": paint, "filter": filter_keys, "key": moves, "rss": peak_rss_mb()}


def _busiest(data_dir: Path) -> tuple[str, str, str, int]:
    """A manager who sees every unit, and an onboarding in progress with items left."""
    with closing(sqlite3.connect(data_dir / "handledare.db")) as connection:
        (manager,) = connection.execute(
            "SELECT u.name FROM users u JOIN user_units l ON l.user_id = u.id "
            "WHERE u.role = 'manager' GROUP BY u.id ORDER BY count(*) DESC, u.name LIMIT 1"
        ).fetchone()
        supervisor, onboarding_id = connection.execute(
            "SELECT u.name, o.id FROM onboardings o JOIN users u ON u.id = o.supervisor_id "
            "WHERE o.status = 'in_progress' ORDER BY o.item_count - o.signed_count DESC, o.id "
            "LIMIT 1"
        ).fetchone()
        substitutes = connection.execute(
            "SELECT count(*) FROM people p LEFT JOIN onboardings o ON o.person_id = p.id"
        ).fetchone()[0]
    return manager, supervisor, onboarding_id, substitutes


async def _sign_in(pilot, name: str) -> None:
    """Up to the PIN typed; the caller presses Enter, with its clock running."""
    from textual.widgets import Input

    screen = pilot.app.screen
    await until(pilot, lambda: screen.query("#filter"))
    screen.query_one("#filter", Input).focus()
    await pilot.press(*("space" if char == " " else char for char in name), "enter", "enter")
    await pilot.press(*PIN)


def send(app, key: str) -> None:
    """A key as a terminal would deliver it, without Pilot's waiting."""
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


async def _first_paint(app, pilot, manager: str, rows: int) -> tuple[float, float, float]:
    """The manager signs in: seconds from Enter to the frame that first showed the overview's
    first page whole, to the PIN checked, and to the screen quiet after that frame."""
    from handledare.services import pins
    from handledare.tui.screens.overview import OverviewScreen
    from handledare.tui.widgets.onboarding_table import PAGE, OnboardingTable

    await until(pilot, lambda: signing_in(app))
    await _sign_in(pilot, manager)
    # A person takes seconds to type a name and a PIN: what the app readies meanwhile
    # (tui/warm_up.py) is done before Enter, as it would be.
    await quiet(pilot)
    checked_at = stamping(pins, "sign_in")
    pages = counting(OnboardingTable, "show_page")

    def page_shown(screen) -> bool:
        """The first page is in its table and nothing of the table is left to draw."""
        if not isinstance(screen, OverviewScreen) or not screen.query("#people"):
            return False
        table = screen.query_one(OnboardingTable).table
        return table.row_count >= min(rows, PAGE) and drawn_whole(screen, table)

    framed = framing(OverviewScreen, page_shown)
    began = time.perf_counter()
    send(app, "enter")
    # Looked at only when a page has gone into a table, and not with Pilot's pause: that
    # would draw the whole screen at every look (a few ms each while the screen mounts).
    while not pages[0] or (not page_shown(app.screen) and not framed):
        await asyncio.sleep(0.0002)
    # Drawn, as a key's clock stops (`press`). What the screen reads and mounts behind the
    # page begins once its frame is drawn; the screen is quiet when the table has nothing
    # left to draw and the screen no layout.
    await until_drawn(app, (app.screen.query_one(OnboardingTable).table,))
    ended = time.perf_counter()
    shown = framed[0] if framed else ended
    return shown - began, checked_at[0] - began, ended - began


def framing(
    screen_type, shown, clock=time.perf_counter, step: str = "_on_timer_update"
) -> list[float]:
    """When a screen of `screen_type` first finished drawing a frame after which `shown`
    holds: the moment the frame went to the terminal. Textual draws a frame in its timer's
    step (`_on_timer_update`, which lays out and draws), or, for a screen's first frames,
    in a layout: both end in `_compositor_refresh`, which the start watches."""
    stamps: list[float] = []
    real = getattr(screen_type, step)

    def framed(screen) -> None:
        real(screen)
        if not stamps and shown(screen):
            stamps.append(clock())

    setattr(screen_type, step, framed)
    return stamps


def drawn_whole(screen, widget) -> bool:
    """Nothing of `widget` waits to be measured, laid out or drawn, on its own or in a message
    to its screen that a frame has not yet taken in."""
    from textual import messages

    waiting = list(screen._message_queue.values)
    return drawn(screen, (widget,)) and not any(
        isinstance(message, messages.Layout)
        or (isinstance(message, messages.Update) and message.widget is widget)
        for message in waiting
    )


async def paint_app(data_dir: Path) -> dict:
    """The first paint alone, for more samples of it than one session gives."""
    from handledare.config import Settings
    from handledare.tui.launch import make_app

    manager, _supervisor, _onboarding_id, rows = _busiest(data_dir)
    app = make_app(Settings(data_dir=data_dir))
    async with app.run_test(size=SIZE) as pilot:
        paint, pin, settled = await _first_paint(app, pilot, manager, rows)
    return {"paint": paint, "pin": pin, "settled": settled}


async def session_app(data_dir: Path) -> dict:
    from textual.widgets import Input

    from handledare.config import Settings
    from handledare.domain.enums import Evidence
    from handledare.services import onboarding
    from handledare.tui.launch import make_app
    from handledare.tui.screens.walkthrough import WalkthroughScreen
    from handledare.tui.widgets.onboarding_table import OnboardingTable

    manager, supervisor, onboarding_id, rows = _busiest(data_dir)
    marks_before = _mark_count(data_dir, onboarding_id)
    app = make_app(Settings(data_dir=data_dir))  # as the command makes it
    async with app.run_test(size=SIZE) as pilot:
        paint, pin, settled = await _first_paint(app, pilot, manager, rows)
        await pilot.pause()
        app.screen.query_one("#filter", Input).focus()
        # A person reads the list a moment before typing: what the screen reads and draws
        # behind its first page (the chart, the counts) is done, and is not a key's time.
        await asyncio.sleep(LOOK)
        await quiet(pilot)
        # A key reads a page in a worker; the clock stops once that page is in the table.
        filled = counting(app.screen.query_one(OnboardingTable), "show_page")
        filter_keys = [await press(app, key, filled) for key in FILTER_KEYS]

        await pilot.press("ctrl+o")
        await until(pilot, lambda: signing_in(app))
        await _sign_in(pilot, supervisor)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query("#people"))
        await quiet(pilot)
        app.push_screen(WalkthroughScreen(onboarding_id))
        await until(pilot, lambda: isinstance(app.screen, WalkthroughScreen))
        await quiet(pilot)
        loaded = counting(app.screen, "_loaded")
        transactions = timing(onboarding, "mark_item")
        marks = []
        for _ in range(MARKS):
            # The next open item that needs no proof: one that does opens a form first.
            await pilot.press("n")
            for _skip in range(100):
                if app.screen.current_item().evidence is Evidence.OBSERVED:
                    break
                await pilot.press("n")
            await quiet(pilot)
            marks.append(await press(app, "g", loaded))
    return {
        "paint": paint,
        "pin": pin,
        "settled": settled,
        "rows": rows,
        "filter": filter_keys,
        "mark": marks,
        "transaction": transactions,
        "rss": peak_rss_mb(),
        "stored": _mark_count(data_dir, onboarding_id) - marks_before,
    }


async def pull_app(data_dir: Path, share: Path) -> dict:
    """The manager on the overview while the app's first round pulls what the share holds
    (it begins as the store opens, behind the sign-in): the app's peak memory, with both."""
    from handledare.config import Settings
    from handledare.tui.launch import make_app
    from handledare.tui.screens.overview import OverviewScreen

    manager, _supervisor, _onboarding_id, _rows = _busiest(data_dir)
    settings = Settings(data_dir=data_dir, share_path=share, workstation_name="bench")
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: signing_in(app))
        await _sign_in(pilot, manager)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, OverviewScreen), timeout=60)
        await until(pilot, lambda: app.screen.query("#people"))
        overview = peak_rss_mb()
        sync = app.sync
        await until(pilot, lambda: sync.outcome is not None and not sync.running, timeout=1800)
        report = sync.outcome.report if sync.outcome else None
        if report is None or report.problems:
            raise SystemExit(f"the app's round did not go as expected: {sync.outcome}")
        return {"rss": peak_rss_mb(), "overview": overview, "received": report.received_events}


def _mark_count(data_dir: Path, onboarding_id: str) -> int:
    """Marks in the database: the ones measured must have reached it, not just the screen."""
    with closing(sqlite3.connect(data_dir / "handledare.db")) as connection:
        return connection.execute(
            "SELECT count(*) FROM events WHERE entity_id = ? AND type = 'item.marked'",
            (onboarding_id,),
        ).fetchone()[0]


SCENARIOS = {
    "start-bare": lambda: start_bare(),
    "start-app": lambda path: start_app(Path(path)),
    "session-bare": lambda rows: session_bare(int(rows)),
    "session-app": lambda path: session_app(Path(path)),
    "paint-app": lambda path: paint_app(Path(path)),
    "pull-app": lambda path, share: pull_app(Path(path), Path(share)),
}


def main() -> None:
    name, *arguments = sys.argv[1:]
    result = asyncio.run(SCENARIOS[name](*arguments))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
