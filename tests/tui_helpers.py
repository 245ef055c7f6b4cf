"""Driving the app as a person would, and reading what the screen shows."""

from __future__ import annotations

import contextlib
import html
import re
import time

from textual.app import App
from textual.events import Paste
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled


async def settle(pilot: Pilot, limit: int = 50) -> None:
    """Let background work finish, and the work its results start, until all is quiet."""
    quiet = 0
    for _ in range(limit):
        # A form that closes from its worker's callback cancels that worker as the form
        # goes; the work and its callback are done all the same.
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.02)
        busy = any(worker.is_running for worker in pilot.app.workers)
        quiet = 0 if busy else quiet + 1
        if quiet >= 3:
            return


def visible_text(app: App) -> str:
    """The characters on screen right now, as a person would read them."""
    svg = app.export_screenshot()
    body = svg[svg.index("</style>") :] if "</style>" in svg else svg
    return html.unescape(re.sub(r"<[^>]+>", "", body)).replace("\xa0", " ")


async def _click_into(pilot: Pilot, selector: str) -> None:
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.pause()


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Click into a field and paste the text, as a terminal's bracketed paste brings it.

    One event, not a key per character: Pilot waits for the app to go idle after every
    key, some 70 ms each, and fields were filled that way a few thousand times a run. The
    field gets the value it would have after the last key typed, in one Changed event. A
    paste keeps only its first line, and one that the field's length or characters refuse
    is refused whole: the tests whose point is typing use `type_keys`."""
    await _click_into(pilot, selector)
    pilot.app.post_message(Paste(text))
    await pilot.pause()


async def type_keys(pilot: Pilot, selector: str, text: str) -> None:
    """Click into a field and type, key by key, as a person at the keyboard does."""
    await _click_into(pilot, selector)
    for char in text:
        await pilot.press("space" if char == " " else char)
    await pilot.pause()


async def sign_in(pilot: Pilot, name: str, pin: str) -> None:
    await type_into(pilot, "#filter", name)
    await pilot.press("enter")
    await type_into(pilot, "#pin", pin)
    await pilot.press("enter")
    await settle(pilot)


async def to_list(pilot: Pilot) -> None:
    """From the filter field, where what is typed goes first, to the list, where letters
    are commands."""
    await pilot.press("down")
    await pilot.pause()


def widget_text(app: App, selector: str) -> str:
    """The whole text of one Label or Static, however it wraps on screen."""
    return str(app.screen.query_one(selector).content)


async def eventually(pilot: Pilot, condition, timeout: float = 10.0) -> bool:
    """Wait until the condition holds, for screens whose data arrives from a worker."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.05)
    return True


async def shows(pilot: Pilot, text: str, timeout: float = 10.0) -> bool:
    found = await eventually(pilot, lambda: text in visible_text(pilot.app), timeout)
    if not found:
        # Captured output is printed with a failing test: say what was there instead.
        print(f"Not on screen: {text!r}; {type(pilot.app.screen).__name__} showed:")
        print(visible_text(pilot.app))
    return found


async def on_screen(pilot: Pilot, screen_type: type, timeout: float = 10.0) -> bool:
    found = await eventually(pilot, lambda: isinstance(pilot.app.screen, screen_type), timeout)
    if not found:
        print(f"Not {screen_type.__name__} but {type(pilot.app.screen).__name__}:")
        print(visible_text(pilot.app))
    return found
