"""Shared fixtures: every test gets its own data folder, config folder and language."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from handledare import i18n
from handledare.domain.actor import Actor
from handledare.domain.enums import Mark, Role
from handledare.services import demo, onboarding, people, signoff, templates
from handledare.store.eventlog import Store


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
    cli: Actor = field(default_factory=Actor.command_line)


SUPERVISOR_PIN = "1111"
MANAGER_PIN = "3333"


@pytest.fixture
def world(store: Store) -> World:
    cli = Actor.command_line()
    north = people.add_unit(store, cli, "Hemtjänst Norr")
    south = people.add_unit(store, cli, "Hemtjänst Söder")
    templates.import_bundled(store, cli)
    admin = people.add_user(store, cli, "Ingrid Admin", Role.ADMIN, "9999")
    sup = people.add_user(store, cli, "Anna Lindqvist", Role.SUPERVISOR, SUPERVISOR_PIN, [north.id])
    other = people.add_user(store, cli, "Mehmet Yilmaz", Role.SUPERVISOR, "2222", [south.id])
    mgr = people.add_user(store, cli, "Karin Berg", Role.MANAGER, MANAGER_PIN, [north.id])
    person = people.add_person(store, cli, "Amina Hassan", north.id, date(2026, 11, 2))
    return World(
        store=store,
        north=north,
        south=south,
        admin=people.authenticate(store, admin.id, "9999"),
        supervisor=people.authenticate(store, sup.id, SUPERVISOR_PIN),
        other_supervisor=people.authenticate(store, other.id, "2222"),
        manager=people.authenticate(store, mgr.id, MANAGER_PIN),
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
