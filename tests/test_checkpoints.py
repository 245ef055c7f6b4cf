"""A mark commits to the disk and never copies the write-ahead log back into the file: that
(a checkpoint, a flush of the whole file) is done when writes pause, outside any write."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from textual.widgets import OptionList

from handledare.config import load_settings
from handledare.domain.enums import Evidence, Mark
from handledare.services import onboarding, pins
from handledare.store import eventlog
from handledare.store.eventlog import CHECKPOINT_AFTER_WRITES, CHECKPOINT_PAUSE_SECONDS, Store
from handledare.store.sql import connection_of
from handledare.tui.app import HandledareApp
from test_store import dump_projections
from test_tui import _seed
from test_tui_evidence import _walkthrough

from conftest import SUPERVISOR_PIN, World, sign_items
from tui_helpers import settle


def _log_frames(path: Path) -> int:
    """Pages in the write-ahead log: a checkpoint made at a commit would have begun it anew."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_autocheckpoint=0")
        _busy, frames, _copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return frames


def test_local_writes_leave_the_log_to_the_checkpoint(store: Store):
    """Three durable writes of 2 MB each take the log past SQLite's usual 1,000 pages: no
    commit copies it back (had one, the fourth write would begin the log anew)."""
    with store.write(None) as tx:
        connection_of(tx.session).execute("CREATE TABLE scratch (value BLOB)")
    store.checkpoint()
    for size in (2_000_000, 2_000_000, 2_000_000, 10):
        with store.write(None) as tx:
            connection_of(tx.session).execute("INSERT INTO scratch VALUES (?)", (b"\x01" * size,))
    assert _log_frames(store.path) > 1_400
    assert store.unchecked_writes == 4


def test_a_checkpoint_is_due_when_writes_pause_or_pile_up(world: World):
    store = world.store
    oid = onboarding.start_onboarding(store, world.supervisor, world.person.id, "hemtjanst-omsorg")
    onboarding.mark_item(store, world.supervisor, oid, "anst-avtal", Mark.WALKED_THROUGH)
    written = store.last_write
    assert not store.checkpoint_due(written + CHECKPOINT_PAUSE_SECONDS / 2)
    assert store.checkpoint_due(written + CHECKPOINT_PAUSE_SECONDS)
    with store.turns.pull():  # a pull makes its own
        assert not store.checkpoint_due(written + CHECKPOINT_PAUSE_SECONDS)
    store.checkpoint()
    assert store.unchecked_writes == 0
    assert not store.checkpoint_due(written + 10 * CHECKPOINT_PAUSE_SECONDS)
    for number in range(CHECKPOINT_AFTER_WRITES):
        mark = Mark.PRACTISED if number % 2 else Mark.WALKED_THROUGH
        onboarding.mark_item(store, world.supervisor, oid, "anst-avtal", mark)
    assert store.checkpoint_due(store.last_write), "many writes without a pause"


def test_marks_without_checkpoints_project_as_a_rebuild_does(world: World):
    """Marks, a refused one (waiting for a sign-off), a sign-off and marks after it: the
    tables are what replaying the events makes, before and after the checkpoint."""
    store = world.store
    supervisor = world.supervisor
    oid = onboarding.start_onboarding(store, supervisor, world.person.id, "hemtjanst-omsorg")
    for key in ("anst-avtal", "hyg-sosfs", "varde-integritet"):
        onboarding.mark_item(store, supervisor, oid, key, Mark.WALKED_THROUGH)
    with pytest.raises(Exception, match="väntar på"):
        onboarding.mark_item(store, supervisor, oid, "hyg-test", Mark.PRACTISED)
    sign_items(store, supervisor, oid, ["webb-hygien"], SUPERVISOR_PIN)
    onboarding.mark_item(store, supervisor, oid, "hyg-sosfs", Mark.PRACTISED)
    marked = dump_projections(store.path)
    store.checkpoint()
    assert dump_projections(store.path) == marked
    store.rebuild()
    assert dump_projections(store.path) == marked
    states = onboarding.progress(store, supervisor, oid).states
    assert states["hyg-sosfs"].mark is Mark.PRACTISED and states["webb-hygien"].signed


async def test_the_app_checkpoints_once_marks_pause(tmp_path: Path, monkeypatch):
    """A mark in the walkthrough redraws only the lines whose sign changed; when the marks
    pause, the app copies the log back into the file in a worker."""
    monkeypatch.setattr(eventlog, "CHECKPOINT_PAUSE_SECONDS", 3600.0)
    data_dir = tmp_path / "data"
    _seed(data_dir)
    app = HandledareApp(load_settings(data_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await _walkthrough(pilot)
        screen = app.screen
        options = screen.query_one("#items", OptionList)
        before = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        first = screen.current_item().key
        await pilot.press("g")
        await settle(pilot)
        after = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
        item = screen.progress.template.item(first)
        numbered = f"{screen.progress.numbers[first]} {item.title.get('sv')}"
        assert changed == [(f"· {numbered}", f"◐ {numbered}")]
        assert app.store.unchecked_writes >= 1, "the mark did not copy the log back"

        # Another workstation's sign-off of what an item waits for: the next mark's reload
        # shows the waiting item open.
        other = Store.open(data_dir / "handledare.db")
        supervisor = pins.sign_in(other, app.actor.user_id, "4827").actor
        sign_items(other, supervisor, screen.onboarding_id, ["webb-hygien"])
        other.close()
        waiting = screen.progress.numbers["hyg-test"]
        assert any(line.startswith(f"◌ {waiting} ") for line in after)
        while screen.current_item().evidence is not Evidence.OBSERVED:
            await pilot.press("down")
        await pilot.press("g")
        await settle(pilot)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(line.startswith(f"· {waiting} ") for line in lines)
        assert any(
            line.startswith(f"✓ {screen.progress.numbers['webb-hygien']} ") for line in lines
        )

        monkeypatch.setattr(eventlog, "CHECKPOINT_PAUSE_SECONDS", 0.0)
        for _ in range(100):
            if app.store.unchecked_writes == 0:
                break
            await pilot.pause(0.1)
        assert app.store.unchecked_writes == 0
