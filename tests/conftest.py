"""Shared fixtures: every test gets its own data folder, config folder and language."""

from __future__ import annotations

import gc
import io
import random
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from textual.widgets import Input

from handledare import i18n, security
from handledare.domain.actor import Actor
from handledare.domain.enums import Mark, Role
from handledare.services import demo, onboarding, people, pins, signoff, templates
from handledare.store.eventlog import Store
from handledare.tui import collect_at_rest


@pytest.fixture(autouse=True, scope="session")
def cheap_pin_hashes():
    """64 MiB per PIN checked would make the suite crawl: in-process tests use argon2id at
    its cheapest. The real parameters are checked in test_security.py, and every test
    that runs the CLI as a subprocess uses them."""
    real = security.hasher_in_use
    security.hasher_in_use = PasswordHasher.from_parameters(profiles.CHEAPEST)
    yield
    security.hasher_in_use = real


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """No test reads the developer's own config or data, and each starts in Swedish."""
    monkeypatch.setenv("HANDLEDARE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("TZ", "UTC")
    if hasattr(time, "tzset"):
        time.tzset()
    monkeypatch.delenv("HANDLEDARE_DATA_DIR", raising=False)
    monkeypatch.setattr(
        "handledare.config.site_config_file", lambda: tmp_path / "site" / "config.toml"
    )
    i18n.set_language("sv")
    yield
    i18n.set_language("sv")


@pytest.fixture(scope="session")
def built_worlds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where a world built once per test process is kept, for each test to copy."""
    return tmp_path_factory.mktemp("worlds")


@pytest.fixture
def review_data(tmp_path: Path, built_worlds: Path, isolated: None) -> Path:
    """A data folder with the review world (test_tui_review.py), copied: it is built the
    first time a test of this process asks for it, in that test's language and time zone
    (as each test built its own before), about a second that the others need not wait."""
    from test_tui_review import _review_world

    built = built_worlds / "review"
    if not built.exists():
        _review_world(built_worlds / "review-building")
        (built_worlds / "review-building").rename(built)
    shutil.copytree(built, tmp_path / "data")
    return tmp_path / "data"


@pytest.fixture
def full_gc_passes():
    """The garbage collector's full passes made while a test runs (what each freed); after
    it, Python's thresholds as they were."""
    made: list[int] = []

    def noted(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            made.append(info["collected"])

    thresholds = gc.get_threshold()
    gc.collect()
    gc.callbacks.append(noted)
    yield made
    gc.callbacks.remove(noted)
    collect_at_rest.end()
    gc.set_threshold(*thresholds)


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch):
    """A text cursor that never blinks: a snapshot taken half a second later is the same."""
    mounted = Input._on_mount

    def without_blink(self: Input, event) -> None:
        self.cursor_blink = False
        mounted(self, event)

    monkeypatch.setattr(Input, "_on_mount", without_blink)


@pytest.fixture
def share(tmp_path: Path) -> Path:
    """An empty folder as the central share."""
    folder = tmp_path / "share"
    folder.mkdir()
    return folder


@pytest.fixture
def store(tmp_path: Path):
    opened = Store.open(tmp_path / "data" / "handledare.db", timeout=0.5)
    yield opened
    opened.close()


@dataclass
class World:
    """A small municipality: two units, an admin, a supervisor and a manager each, one person."""

    store: Store
    north: people.Unit
    south: people.Unit
    admin: Actor
    supervisor: Actor
    other_supervisor: Actor
    manager: Actor
    person: people.Person


ADMIN_PIN = "482916"
SUPERVISOR_PIN = "4827"
MANAGER_PIN = "735184"


# The command line's one exception to signing in: the first administrator of an empty database.
# The first administrator makes the database, so the command is told it may (--yes).
ADD_FIRST_ADMIN = (
    "user",
    "add",
    "--name",
    "Ingrid Admin",
    "--role",
    "admin",
    "--pin-stdin",
    "--yes",
)


def first_admin(store: Store) -> Actor:
    """The first administrator of an empty store, signed in; they add everyone else."""
    user = people.add_user(store, None, "Ingrid Admin", Role.ADMIN, ADMIN_PIN)
    return pins.sign_in(store, user.id, ADMIN_PIN).actor


def data_with_admin(folder: Path) -> Path:
    """A data folder whose database has its first administrator and nothing else."""
    store = Store.open(folder / "handledare.db")
    first_admin(store)
    store.close()
    return folder


def admin_of(store: Store) -> Actor:
    """The administrator `first_admin` made (made now if the store has no users), signed in."""
    if not people.has_users(store):
        return first_admin(store)
    return pins.sign_in(store, people.find_user(store, "Ingrid Admin").id, ADMIN_PIN).actor


def signed_in_as(
    monkeypatch: pytest.MonkeyPatch, name: str = "Ingrid Admin", pin: str = ADMIN_PIN, *more: str
) -> list[str]:
    """The options for an in-process `main` acting as `name`, with the PIN (and `more`
    lines) waiting on standard input."""
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in (pin, *more))))
    return ["--as", name, "--pin-stdin"]


@pytest.fixture
def world(store: Store) -> World:
    cli = first_admin(store)
    north = people.add_unit(store, cli, "Hemtjänst Norr")
    south = people.add_unit(store, cli, "Hemtjänst Söder")
    templates.import_bundled(store, cli)
    sup = people.add_user(store, cli, "Anna Lindqvist", Role.SUPERVISOR, SUPERVISOR_PIN, [north.id])
    other = people.add_user(store, cli, "Mehmet Yilmaz", Role.SUPERVISOR, "5931", [south.id])
    mgr = people.add_user(store, cli, "Karin Berg", Role.MANAGER, MANAGER_PIN, [north.id])
    person = people.add_person(store, cli, "Amina Hassan", north.id, date(2026, 11, 2))
    return World(
        store=store,
        north=north,
        south=south,
        admin=cli,
        supervisor=pins.sign_in(store, sup.id, SUPERVISOR_PIN).actor,
        other_supervisor=pins.sign_in(store, other.id, "5931").actor,
        manager=pins.sign_in(store, mgr.id, MANAGER_PIN).actor,
        person=person,
    )


def sign_items(
    store: Store,
    actor: Actor,
    onboarding_id: str,
    keys: list[str],
    pin: str = SUPERVISOR_PIN,
    name: str | None = "Amina Hassan",
) -> None:
    """Mark and sign items as a supervisor must: what an item waits for in an earlier
    session, each with the proof its kind of evidence needs. `keys` must hold every
    prerequisite that is not signed yet."""
    template = onboarding.progress(store, actor, onboarding_id).template
    wanted = set(keys)
    chosen = [item for item in template.items() if item.key in wanted]
    chosen.sort(key=lambda item: item.step.order)
    states = onboarding.progress(store, actor, onboarding_id).states
    sessions = demo.plan_sessions(chosen, {key for key, state in states.items() if state.signed})
    assert sum(map(len, sessions)) == len(wanted), "a prerequisite is missing from the keys"
    rng = random.Random(0)
    for session in sessions:
        for item in session:
            proof = demo.proof_for(item, store.now().date(), rng)
            onboarding.mark_item(store, actor, onboarding_id, item.key, Mark.PRACTISED, None, proof)
        session_keys = [item.key for item in session]
        signoff.sign_off(store, actor, onboarding_id, session_keys, pin, acknowledged_name=name)
