"""Lists read a page at a time from SQL: the same rows, in the same order, as the whole
list searched and sorted in Python; and the projection's new columns as a rebuild makes them."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from handledare.domain.enums import OnboardingStatus, ReviewStatus, Role
from handledare.i18n import current_language, set_language
from handledare.services import demo, erasure, onboarding, overview, people, pins, review, signoff
from handledare.services.overview import ListQuery, OnboardingSummary, Sort
from handledare.store import listing
from handledare.store.eventlog import Store
from handledare.store.migrations import _V12_PAGED_LISTS, STEPS
from handledare.text import fold

from conftest import MANAGER_PIN, SUPERVISOR_PIN, World, sign_items

TODAY = date(2026, 11, 20)
# Names that fold alike, names that differ only in accents, case or spaces, and markup.
NAMES = [
    "Åsa Öberg", "åsa öberg", "  ÅSA   ÖBERG ", "Asa Oberg", "Émile Dupont", "emile dupont",
    "[bold]Stina[/] Ek", "Zlatan Ek", "Anna Berg", "Hanna Annasdotter", "Johanna Lind",
    "Ömer Aydın", "Ida Ström", "Nils Strom", "Lena Ek", "Bo Ek", "Karl Ånäs", "Sara Nyström",
    "Mira Stjärna", "Ali Hassan", "Fatima Hassan", "Olle Berg",
]  # fmt: skip


def _old_searched(s: OnboardingSummary, language: str) -> str:
    """What the list searched before it was read a page at a time."""
    return "\n".join(
        (
            fold(s.person_name),
            fold(s.unit_name),
            fold(s.supervisor_name or ""),
            fold(s.template_title.get(language)) if s.template_title else "",
        )
    )


STATUS_RANK = {status: index for index, status in enumerate(ReviewStatus)}
# The sort keys the list used before, and whether they ran from the largest.
OLD_KEYS = {
    Sort.NAME: (lambda s: fold(s.person_name), False),
    Sort.STATUS: (lambda s: STATUS_RANK[s.review_status(TODAY)], False),
    Sort.PROGRESS: (lambda s: s.percent, False),
    Sort.REQUIRED_OPEN: (lambda s: s.required_open, True),
    Sort.STARTED: (lambda s: s.started_at, False),
    Sort.LAST_ACTIVITY: (lambda s: s.last_activity, True),
    Sort.SUPERVISOR: (lambda s: fold(s.supervisor_name or ""), False),
    Sort.UNIT: (lambda s: fold(s.unit_name), False),
    Sort.CHECKLIST: (
        lambda s: fold(s.template_title.get(current_language())) if s.template_title else "",
        False,
    ),
    Sort.STEP: (lambda s: s.current_step.order if s.current_step else 9, False),
}


def _key(s: OnboardingSummary) -> str:
    return s.onboarding_id or s.person_id


def every_row(store: Store, actor, query: ListQuery | None = None) -> list[OnboardingSummary]:
    query = query or ListQuery()
    return overview.list_page(store, actor, query, TODAY, 0, 100_000)


def paged(store: Store, actor, query: ListQuery, size: int = 7) -> list[OnboardingSummary]:
    rows: list[OnboardingSummary] = []
    while True:
        page = overview.list_page(store, actor, query, TODAY, len(rows), size)
        rows += page
        if len(page) < size:
            return rows


# The busy world as its first test built it: what each later test's copy goes with.
_BUILT: list[World] = []


@pytest.fixture
def busy(request: pytest.FixtureRequest, tmp_path: Path, built_worlds: Path) -> Iterator[World]:
    """The world of `_busy`, built by the first test of this process that asks for it and
    copied for each later one (some 3 s each): the database, its keys, the same actors and
    the same clock."""
    built = built_worlds / "busy"
    if not _BUILT:
        world = _busy(request.getfixturevalue("world"))
        built.mkdir(exist_ok=True)
        with (
            closing(sqlite3.connect(world.store.path)) as source,
            closing(sqlite3.connect(built / world.store.path.name)) as copy,
        ):
            source.backup(copy)
        for key in world.store.path.parent.glob("*.pem"):
            shutil.copy2(key, built)
        _BUILT.append(world)
        yield world
        return
    shutil.copytree(built, tmp_path / "busy")
    template = _BUILT[0]
    store = Store.open(tmp_path / "busy" / template.store.path.name, timeout=0.5)
    store.now = template.store.now
    yield replace(template, store=store)
    store.close()


def _busy(world: World) -> World:
    """Two dozen substitutes over three units, on both checklists, in every status."""
    store = world.store
    third = people.add_unit(store, world.admin, "Ängsgården")
    supervisors = [world.supervisor]
    for name, unit in (("Östen Ek", world.south), ("ebba åkesson", third)):
        user = people.add_user(store, world.admin, name, Role.SUPERVISOR, "2468", [unit.id])
        supervisors.append(pins.sign_in(store, user.id, "2468").actor)
    manager = people.add_user(
        store, world.admin, "Berit Chef", Role.MANAGER, MANAGER_PIN,
        [world.north.id, world.south.id, third.id],
    )  # fmt: skip
    world.manager = pins.sign_in(store, manager.id, MANAGER_PIN).actor
    units = [world.north, world.south, third]
    for number, name in enumerate(NAMES):
        when = datetime(2025, 1, 1, 8, tzinfo=UTC) + timedelta(days=17 * number)
        store.now = lambda when=when: when
        index = number % 3
        person = people.add_person(store, world.admin, name, units[index].id, when.date())
        if number % 5 == 4:
            continue  # no checklist yet
        supervisor = supervisors[index]
        template = ("hemtjanst-omsorg", "sabo-omsorg")[number % 2]
        oid = onboarding.start_onboarding(store, supervisor, person.id, template)
        items = list(onboarding.progress(store, supervisor, oid).template.items())
        items.sort(key=lambda item: item.step.order)
        # In the order a supervisor may sign them: prerequisites first.
        ordered = [item.key for session in demo.plan_sessions(items) for item in session]
        done = (len(ordered), 3, 10, 0)[number % 4]
        if done:
            pin = "2468" if index else SUPERVISOR_PIN
            sign_items(store, supervisor, oid, ordered[:done], pin, name=name)
        if done == len(items) and number % 3 == 0:
            store.now = lambda when=when: when + timedelta(days=40)
            review.approve(store, world.manager, oid, MANAGER_PIN)
    return world


QUERIES = [
    ListQuery(),
    ListQuery(text="asa"),
    ListQuery(text="ÖBERG"),
    ListQuery(text="ek"),
    ListQuery(text="hassan"),
    ListQuery(text="angsg"),  # a unit's name
    ListQuery(text="osten"),  # a supervisor's name
    ListQuery(text="boende"),  # a checklist's title
    ListQuery(text="nothing like it"),
    ListQuery(status=ReviewStatus.IN_PROGRESS),
    ListQuery(status=ReviewStatus.NOT_STARTED, text="e"),
    ListQuery(status=ReviewStatus.HAS_EXPIRED),
    ListQuery(status=ReviewStatus.APPROVED),
]


def _reference(rows: list[OnboardingSummary], query: ListQuery, units, supervisors):
    """The whole list narrowed as the list did it in Python before."""
    wanted = fold(query.text)
    language = current_language()
    return [
        s
        for s in rows
        if wanted in _old_searched(s, language)
        and (query.unit_id is None or s.unit_name == units[query.unit_id])
        and (query.supervisor_id is None or s.supervisor_name == supervisors[query.supervisor_id])
        and (query.status is None or s.review_status(TODAY) is query.status)
    ]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("few", [0, listing.FEW], ids=["read-in-order", "picked-first"])
def test_pages_of_every_sort_and_filter_are_the_whole_list_searched_and_sorted(
    busy: World, language: str, few: int, monkeypatch: pytest.MonkeyPatch
):
    """Both ways a text is read: the list in its order, asked of each row (where a text finds
    many, here with `FEW` at 0), and the rows it finds picked first, then sorted."""
    monkeypatch.setattr(listing, "FEW", few)
    set_language(language)
    store, manager = busy.store, busy.manager
    everything = every_row(store, manager)
    assert len(everything) == len(NAMES) + 1  # and Amina Hassan, without a checklist
    units, supervisors = overview.list_choices(store, manager)
    unit_names = {choice.id: choice.name for choice in units}
    supervisor_names = {choice.id: choice.name for choice in supervisors}
    narrowed = [
        ListQuery(unit_id=units[2].id),
        ListQuery(supervisor_id=supervisors[0].id, text="a"),
    ]
    seen = set()
    for base in QUERIES + narrowed:
        expected = _reference(everything, base, unit_names, supervisor_names)
        seen.add(len(expected))
        for sort, (key, descending) in OLD_KEYS.items():
            query = ListQuery(base.text, base.unit_id, base.status, base.supervisor_id, sort)
            whole = every_row(store, manager, query)
            assert [_key(s) for s in paged(store, manager, query)] == [_key(s) for s in whole]
            assert sorted(map(_key, whole)) == sorted(map(_key, expected)), (base, sort)
            keys = [key(s) for s in whole]
            assert keys == sorted(keys, reverse=descending), (base, sort)
            counted = overview.count_listed(store, manager, query, TODAY)
            assert (counted.matching, counted.total) == (len(expected), len(everything))
    assert 0 in seen and len(seen) > 5  # the queries do narrow, to different lengths


def test_the_total_counted_once_per_change_follows_the_data_and_the_reader(busy: World):
    """The total is kept between keys typed, but not past a change or for another reader."""
    store, manager = busy.store, busy.manager
    before = overview.count_listed(store, manager, ListQuery(text="ann"), TODAY)
    assert overview.count_listed(store, manager, ListQuery(text="anna"), TODAY).total == (
        before.total
    )
    people.add_person(store, busy.admin, "Olle Berg", busy.north.id, TODAY)
    after = overview.count_listed(store, manager, ListQuery(text="ann"), TODAY)
    assert (after.matching, after.total) == (before.matching, before.total + 1)
    theirs = overview.count_listed(store, busy.supervisor, ListQuery(text="ann"), TODAY)
    assert theirs.total == len(every_row(store, busy.supervisor)) < after.total


def test_equal_names_sort_in_a_fixed_order_so_pages_neither_repeat_nor_skip(busy: World):
    rows = paged(busy.store, busy.manager, ListQuery(text="asa oberg"), size=1)
    assert len({_key(s) for s in rows}) == len(rows) == 4


def test_each_reader_sees_only_their_units(busy: World):
    rows = every_row(busy.store, busy.supervisor)
    assert rows and {s.unit_name for s in rows} == {"Hemtjänst Norr"}
    units, supervisors = overview.list_choices(busy.store, busy.supervisor)
    assert [u.name for u in units] == ["Hemtjänst Norr"]
    assert [s.name for s in supervisors] == ["Anna Lindqvist"]
    assert every_row(busy.store, busy.admin) and len(every_row(busy.store, busy.admin)) == len(
        every_row(busy.store, busy.manager)
    )


def test_status_counts_and_chart_match_the_rows(busy: World):
    store, manager = busy.store, busy.manager
    rows = [s for s in every_row(store, manager) if s.onboarding_id]
    counts = overview.status_counts(store, manager, TODAY)
    for status in ReviewStatus:
        assert counts[status] == sum(1 for s in rows if s.review_status(TODAY) is status)
    months = overview.started_and_approved(store, manager, TODAY, months=24)
    assert sum(m.started for m in months) == sum(
        1 for s in rows if s.started_at.strftime("%Y-%m") >= months[0].month
    )
    approved = sum(1 for s in rows if s.status is OnboardingStatus.APPROVED)
    assert sum(m.approved for m in months) == approved > 0


def _projection(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as connection:
        return {
            "folded": sorted(
                connection.execute(
                    "SELECT 'person', id, folded_name FROM people UNION ALL "
                    "SELECT 'user', id, folded_name FROM users UNION ALL "
                    "SELECT 'unit', id, folded_name FROM units"
                )
            ),
            "months": sorted(connection.execute("SELECT * FROM onboarding_months")),
            "names": sorted(connection.execute("SELECT name FROM people UNION ALL "
                                               "SELECT name FROM users UNION ALL "
                                               "SELECT name FROM units")),
        }  # fmt: skip


def test_folded_names_and_month_counts_are_what_a_rebuild_makes(busy: World):
    store = busy.store
    # Changes that move the counts: an approval lost to a revocation, a person erased.
    approved = [s for s in every_row(store, busy.manager) if s.status.value == "approved"]
    progress = onboarding.progress(store, busy.manager, approved[0].onboarding_id)
    required = next(item for item in progress.template.items() if item.required_before_alone)
    signoff.revoke(store, busy.manager, approved[0].onboarding_id, required.key, "Fel", MANAGER_PIN)
    erasure.erase_person(store, busy.admin, approved[-1].person_id)
    before = _projection(store.path)
    assert all(folded == fold(name) for _kind, name, folded in _with_names(store.path))
    store.rebuild()
    assert _projection(store.path) == before
    with sqlite3.connect(store.path) as connection:
        recounted = sorted(
            connection.execute(
                "SELECT unit_id, month, sum(s), sum(a) FROM ("
                " SELECT unit_id, substr(started_at, 1, 7) AS month, 1 AS s, 0 AS a"
                " FROM onboardings UNION ALL"
                " SELECT unit_id, substr(approved_at, 1, 7), 0, 1 FROM onboardings"
                " WHERE approved_at IS NOT NULL) GROUP BY unit_id, month"
            )
        )
    assert before["months"] == recounted


def _with_names(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT 'person', name, folded_name FROM people UNION ALL "
            "SELECT 'user', name, folded_name FROM users UNION ALL "
            "SELECT 'unit', name, folded_name FROM units"
        ).fetchall()


def test_a_database_from_before_gets_folded_names_and_month_counts(busy: World):
    """The upgrade fills the month counts in SQL; the names are folded when the store opens."""
    path = busy.store.path
    expected = _projection(path)
    busy.store.close()
    with sqlite3.connect(path) as connection:
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            connection.execute(f"DROP TRIGGER {name}")
        for index in ("people_folded_name", "onboardings_supervisor", "onboardings_template"):
            connection.execute(f"DROP INDEX ix_{index}")
        connection.execute("DROP TABLE onboarding_months")
        for table in ("people", "users", "units"):
            connection.execute(f"ALTER TABLE {table} DROP COLUMN folded_name")
        # The delegations' step came after this one: a database from before has neither.
        for table in (
            "delegation_task_links",
            "delegation_conflicts",
            "retained_delegations",
            "delegations",
            "delegation_tasks",
        ):
            connection.execute(f"DROP TABLE {table}")
        for table, column in (
            ("users", "profession"),
            ("users", "ended_on"),
            ("people", "left_on"),
        ):
            connection.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        # Nor the index that counts what runs out, of the step after those.
        connection.execute("DROP INDEX ix_item_states_signed_expiry")
        connection.execute(
            "CREATE INDEX ix_item_states_expiry ON item_states (expires_on) "
            "WHERE expires_on IS NOT NULL"
        )
        connection.execute(f"PRAGMA user_version = {STEPS.index(_V12_PAGED_LISTS)}")
    connection.close()
    reopened = Store.open(path)
    try:
        assert _projection(path) == expected
        assert every_row(reopened, busy.manager)[0].person_name == "[bold]Stina[/] Ek"
    finally:
        reopened.close()
