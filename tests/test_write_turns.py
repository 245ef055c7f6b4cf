"""Pulled events commit without waiting for the disk, local sign-offs with it; and a local
write waits only for the part of a pull being written, never for the next part."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from sqlalchemy import event

from handledare.domain.enums import Mark
from handledare.services import onboarding
from handledare.store.database import BACKSTOP_CHECKPOINT_PAGES
from handledare.store.eventlog import Store
from handledare.store.sql import connection_of
from sync_helpers import approve, seed, workstation

from conftest import World


def _settings(store: Store, durable: bool) -> tuple[int, int]:
    with store.write(None, durable=durable) as tx:
        connection = connection_of(tx.session)
        return (
            connection.execute("PRAGMA synchronous").fetchone()[0],
            connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0],
        )


def test_a_write_is_durable_unless_it_can_be_done_again(store: Store):
    # FULL is 2, NORMAL 1; a pulled transaction leaves the checkpoint to the pull, a local one
    # to the store (SQLite makes one only at the backstop); the same pooled connection is set
    # again for each write.
    backstop = BACKSTOP_CHECKPOINT_PAGES
    assert [_settings(store, d) for d in (False, True, False, True)] == [
        (1, 0), (2, backstop), (1, 0), (2, backstop)
    ]  # fmt: skip
    with store.turns.pull():  # a mark made while a pull runs leaves the checkpoint to it
        assert _settings(store, True) == (2, 0)
    assert _settings(store, True) == (2, backstop)


def test_a_checkpoint_leaves_nothing_in_the_log(store: Store):
    with store.write(None) as tx:
        connection_of(tx.session).execute("CREATE TABLE scratch (value TEXT)")
    store.checkpoint()
    with store.read() as session:
        busy, frames, copied = (
            connection_of(session).execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        )
    assert busy == 0 and frames == copied


def test_a_pull_commits_without_waiting_for_the_disk_and_a_mark_with_it(tmp_path: Path):
    share = tmp_path / "share"
    share.mkdir()
    a, b = workstation(tmp_path, "a"), workstation(tmp_path, "b")
    oid = seed(a)
    a.sync(share)
    approve(share, a, b)
    onboarding.mark_item(a.store, a.supervisor(), oid, "anst-avtal", Mark.PRACTISED)
    a.sync(share)
    statements: list[tuple[int, str]] = []

    def traced(connection: sqlite3.Connection, *_rest: object) -> None:
        """Every statement on each connection the store hands out, plain SQL included."""
        connection.set_trace_callback(lambda sql: statements.append((id(connection), sql)))

    event.listen(b.store.engine, "checkout", traced)

    def setting_of(begin: int) -> str:
        """The synchronous setting the connection of the transaction at `begin` has."""
        connection = statements[begin][0]
        return next(
            sql
            for tag, sql in reversed(statements[:begin])
            if tag == connection and sql.startswith("PRAGMA synchronous")
        )

    def begins(since: int, inserting: bool) -> list[int]:
        """The writes begun since `since`, those that store events if `inserting`."""
        found = []
        for index, (tag, sql) in enumerate(statements[since:], since):
            if sql == "BEGIN IMMEDIATE":
                end = next(i for i, (t, s) in enumerate(statements[index:], index)
                           if t == tag and s in ("COMMIT", "ROLLBACK"))  # fmt: skip
                stored = any(s.startswith("INSERT INTO events") for _t, s in statements[index:end])
                if stored == inserting:
                    found.append(index)
        return found

    assert b.sync(share).received_events == 1
    [pulled] = begins(0, inserting=True)
    assert setting_of(pulled) == "PRAGMA synchronous=NORMAL"
    supervisor = b.supervisor()
    since = len(statements)
    onboarding.mark_item(b.store, supervisor, oid, "hyg-sosfs", Mark.PRACTISED)
    [marked] = begins(since, inserting=True)
    assert setting_of(marked) == "PRAGMA synchronous=FULL"


def test_a_mark_goes_before_the_next_part_of_a_pull(world: World):
    store = world.store
    oid = onboarding.start_onboarding(store, world.supervisor, world.person.id, "hemtjanst-omsorg")
    order: list[str] = []
    writing, marked_waits = threading.Event(), threading.Event()
    release = threading.Event()

    def pull_part(name: str, hold: bool) -> None:
        with store.write(None, durable=False):
            order.append(f"{name} begins")
            if hold:
                writing.set()
                release.wait(10)
            order.append(f"{name} commits")

    def mark() -> None:
        marked_waits.set()
        onboarding.mark_item(store, world.supervisor, oid, "anst-avtal", Mark.PRACTISED)
        order.append("mark stored")

    first = threading.Thread(target=pull_part, args=("part 1", True))
    first.start()
    writing.wait(10)
    marker = threading.Thread(target=mark)
    marker.start()
    marked_waits.wait(10)
    # The mark now waits for part 1; part 2 must wait for the mark.
    while store.turns._local == 0:
        threading.Event().wait(0.001)
    second = threading.Thread(target=pull_part, args=("part 2", False))
    second.start()
    release.set()
    for thread in (first, marker, second):
        thread.join(10)
    assert order == ["part 1 begins", "part 1 commits", "mark stored", "part 2 begins",
                     "part 2 commits"]  # fmt: skip


def test_local_writes_take_turns_and_one_that_waits_goes_as_soon_as_the_other_commits(
    world: World,
):
    """Two local writes at once (the round's own record and a mark): the second waits here
    for the first, not in SQLite, which would make it sleep and poll for the lock; and a
    write within a write of the same thread does not wait for itself."""
    store = world.store
    oid = onboarding.start_onboarding(store, world.supervisor, world.person.id, "hemtjanst-omsorg")
    order: list[str] = []
    writing, release = threading.Event(), threading.Event()
    statements: list[str] = []
    event.listen(
        store.engine,
        "checkout",
        lambda connection, *_rest: connection.set_trace_callback(statements.append),
    )

    def record() -> None:
        with store.write(None):
            order.append("record begins")
            writing.set()
            release.wait(10)
            order.append("record commits")

    def mark() -> None:
        onboarding.mark_item(store, world.supervisor, oid, "anst-avtal", Mark.PRACTISED)
        order.append("mark stored")

    first = threading.Thread(target=record)
    first.start()
    writing.wait(10)
    marker = threading.Thread(target=mark)
    marker.start()
    while store.turns._local < 2:  # the mark asked for its turn
        threading.Event().wait(0.001)
    threading.Event().wait(0.05)  # time for it to reach SQLite, were it let through
    assert order == ["record begins"]
    release.set()
    for thread in (first, marker):
        thread.join(10)
    assert order == ["record begins", "record commits", "mark stored"]
    begins = [i for i, sql in enumerate(statements) if sql == "BEGIN IMMEDIATE"]
    assert len(begins) == 2 and "COMMIT" in statements[begins[0] : begins[1]]
    with store.turns.local(), store.turns.local():
        assert store.turns._local == 1
    assert store.turns._local == 0
