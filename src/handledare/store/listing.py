"""The lists of onboardings a page at a time: searched, narrowed and sorted in SQL.

A municipality's overview is tens of thousands of rows, and a person reads the
first screenful: so only the page shown is read, by name through the index on
people's folded names, and what it costs does not grow with the list. A row is
a person with one of their onboardings, or a person with none yet.

A text typed in the filter is read one of two ways, by how many rows it can
match, counted first on the indexes (folded names, an onboarding's supervisor, unit
and checklist) and never past `FEW`:

- few (a surname, a text found nowhere): those rows are picked by the indexes,
  then sorted; what that costs grows with the rows found, beside one pass over
  the index of folded names (a few milliseconds at 20,000 people).
- many (a text in most supervisors' names): the list is read in its order and
  each row is asked whether it matches, and a page of matches comes within the
  first rows read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from handledare.domain.enums import ReviewStatus, Step

# The conditions ask only for people and onboardings; the names of units and
# supervisors are joined for the rows shown.
_EVERY_ROW = "FROM people p LEFT JOIN onboardings o ON o.person_id = p.id"
_NAMES = """
JOIN units u ON u.id = COALESCE(o.unit_id, p.unit_id)
LEFT JOIN users s ON s.id = o.supervisor_id
"""
# Where a text finds fewer rows than this (counted on indexes, and not past it), they
# are picked first and then sorted; otherwise the list is read in its order (see above).
FEW = 2000
COLUMNS = """
o.id, p.id, p.name, u.name, s.name, o.template_id, o.template_version, o.status,
o.signed_count, o.item_count, o.current_step, COALESCE(o.started_at, p.created_at),
COALESCE(o.last_activity, p.created_at), o.required_open, o.first_expiry, o.approval_override
"""
_REVIEW_STATUS = (
    "CASE WHEN o.id IS NULL THEN 'not_started' "
    "WHEN o.first_expiry < :today THEN 'has_expired' ELSE o.status END"
)


def _rank(expression: str, values: Iterable[str], otherwise: int) -> str:
    cases = " ".join(f"WHEN '{value}' THEN {rank}" for rank, value in enumerate(values))
    return f"CASE {expression} {cases} ELSE {otherwise} END"


class Sort(StrEnum):
    """What a list can be sorted by; each has its own direction (most left first)."""

    NAME = "name"
    STATUS = "status"
    PROGRESS = "progress"
    REQUIRED_OPEN = "required_open"
    STARTED = "started"
    LAST_ACTIVITY = "last_activity"
    SUPERVISOR = "supervisor"
    UNIT = "unit"
    CHECKLIST = "checklist"
    STEP = "step"


_SORTED_BY = {
    Sort.NAME: "p.folded_name",
    Sort.STATUS: _rank(_REVIEW_STATUS, (status.value for status in ReviewStatus), 0),
    Sort.PROGRESS: "COALESCE(CAST(o.signed_count AS REAL) / NULLIF(o.item_count, 0), 0)",
    Sort.REQUIRED_OPEN: "COALESCE(o.required_open, 0) DESC",
    Sort.STARTED: "COALESCE(o.started_at, p.created_at)",
    Sort.LAST_ACTIVITY: "COALESCE(o.last_activity, p.created_at) DESC",
    Sort.SUPERVISOR: "COALESCE(s.folded_name, '')",
    Sort.UNIT: "u.folded_name",
    Sort.STEP: _rank("o.current_step", (step.value for step in Step), 9),
}
# Equal keys in the order of names; a person's onboardings in the order they were stored.
_THEN = "p.folded_name, p.rowid, o.rowid"


@dataclass(frozen=True)
class Wanted:
    """Which rows, and in what order.

    `units`: the units the reader may see (None: all). `text`: folded, found in the
    person's, unit's or supervisor's folded name or among `titled`, the checklists whose
    title (in the reader's language) holds it. `checklist_ranks`: each checklist's place
    when sorted by title.
    """

    units: tuple[str, ...] | None
    text: str = ""
    titled: tuple[tuple[str, int], ...] = ()
    unit_id: str | None = None
    status: str | None = None
    supervisor_id: str | None = None
    sort: Sort = Sort.NAME
    checklist_ranks: dict[tuple[str, int], int] = field(default_factory=dict, compare=False)


class _Query:
    """A WHERE clause and its named parameters, built a condition at a time."""

    def __init__(self, today: str) -> None:
        self.conditions: list[str] = []
        self.parameters: dict[str, object] = {"today": today}

    def listed(self, name: str, values: Sequence[object]) -> str:
        """`:name0, :name1, ...` for an IN list."""
        for index, value in enumerate(values):
            self.parameters[f"{name}{index}"] = value
        return ", ".join(f":{name}{index}" for index in range(len(values)))

    def where(self) -> str:
        return f"WHERE {' AND '.join(self.conditions)}" if self.conditions else ""


def _scoped(query: _Query, units: tuple[str, ...] | None, column: str) -> None:
    if units is not None:
        query.conditions.append(f"{column} IN ({query.listed('unit', units)})")


def _onboarding_in(condition: str) -> str:
    """The row's onboarding is one of those `condition` picks, by their indexes."""
    return f"o.rowid IN (SELECT rowid FROM onboardings WHERE {condition})"


def _in_units(units: str) -> str:
    """The row is in one of `units` (a list or a subquery): its onboarding's unit, or the
    person's for a person without one."""
    return (
        f"({_onboarding_in(f'unit_id IN ({units})')} "
        f"OR (o.rowid IS NULL AND p.unit_id IN ({units})))"
    )


def _query(wanted: Wanted, today: str, *, narrowed: bool = True, text: bool = True) -> _Query:
    query = _Query(today)
    if narrowed:
        _narrowed(query, wanted, text=text)
    # Last, so that SQLite asks it only of rows that match the rest (it reads the onboarding):
    # the first page of a whole list stops after a page, a search after its matches.
    _scoped(query, wanted.units, "COALESCE(o.unit_id, p.unit_id)")
    return query


# Units and supervisors whose folded names hold the text: a few dozen, a few hundred.
_UNITS_FOUND = "SELECT id FROM units WHERE instr(folded_name, :text)"
_SUPERVISORS_FOUND = "SELECT id FROM users WHERE instr(folded_name, :text)"


def _titled(query: _Query, wanted: Wanted, prefix: str) -> list[str]:
    """An onboarding (columns `prefix`...) on one of the checklists whose title holds the text."""
    found = []
    for index, (template_id, version) in enumerate(wanted.titled):
        query.parameters[f"template{index}"] = template_id
        query.parameters[f"version{index}"] = version
        found.append(
            f"({prefix}template_id = :template{index} "
            f"AND {prefix}template_version = :version{index})"
        )
    return found


def _narrowed(query: _Query, wanted: Wanted, *, text: bool = True) -> None:
    if wanted.text and text:
        # Asked of the row's own onboarding, read anyway for the page: where this is asked,
        # most rows match (`_few_found`), and a set of their rowids would cost more to make.
        query.parameters["text"] = wanted.text
        found = [
            "instr(p.folded_name, :text)",
            f"COALESCE(o.unit_id, p.unit_id) IN ({_UNITS_FOUND})",
            f"o.supervisor_id IN ({_SUPERVISORS_FOUND})",
            *_titled(query, wanted, "o."),
        ]
        query.conditions.append(f"({' OR '.join(found)})")
    if wanted.unit_id is not None:
        query.parameters["unit_id"] = wanted.unit_id
        query.conditions.append(_in_units(":unit_id"))
    if wanted.supervisor_id is not None:
        query.parameters["supervisor_id"] = wanted.supervisor_id
        query.conditions.append(_onboarding_in("supervisor_id = :supervisor_id"))
    if wanted.status is not None:
        query.parameters["status"] = wanted.status
        query.conditions.append(f"{_REVIEW_STATUS} = :status")


def _picked(query: _Query, wanted: Wanted) -> str:
    """The onboardings that a text finds by their supervisor, unit or checklist."""
    return " OR ".join(
        [
            f"supervisor_id IN ({_SUPERVISORS_FOUND})",
            f"unit_id IN ({_UNITS_FOUND})",
            *_titled(query, wanted, ""),
        ]
    )


def _few_found(connection: sqlite3.Connection, wanted: Wanted) -> bool:
    """Whether the text finds fewer than `FEW` rows, counted on indexes up to `FEW`."""
    query = _Query("")
    query.parameters.update(text=wanted.text, few=FEW)
    (found,) = connection.execute(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM people WHERE instr(folded_name, :text) "
        "LIMIT :few)) + (SELECT count(*) FROM (SELECT 1 FROM onboardings "
        f"WHERE {_picked(query, wanted)} LIMIT :few)) + (SELECT count(*) FROM (SELECT 1 "
        f"FROM people WHERE unit_id IN ({_UNITS_FOUND}) LIMIT :few))",
        query.parameters,
    ).fetchone()
    return bool(found < FEW)


def _found(query: _Query, wanted: Wanted) -> str:
    """The rows the text finds, as (person, onboarding) rowids: by the person's name, by
    the onboarding's supervisor, unit or checklist, or a person without one in a unit."""
    query.parameters["text"] = wanted.text
    return f"""
    SELECT p.rowid AS person, o.rowid AS onboarding FROM people p
    LEFT JOIN onboardings o ON o.person_id = p.id
    WHERE p.rowid IN (SELECT rowid FROM people WHERE instr(folded_name, :text))
    UNION
    SELECT p.rowid, o.rowid FROM onboardings o JOIN people p ON p.id = o.person_id
    WHERE o.rowid IN (SELECT rowid FROM onboardings WHERE {_picked(query, wanted)})
    UNION
    SELECT p.rowid, NULL FROM people p WHERE p.unit_id IN ({_UNITS_FOUND})
    AND NOT EXISTS (SELECT 1 FROM onboardings o WHERE o.person_id = p.id)
    """


def _source(connection: sqlite3.Connection, wanted: Wanted, today: str) -> tuple[_Query, str]:
    """The conditions and the rows they are asked of: every row, or where a text finds
    few, only those it finds."""
    if wanted.text and _few_found(connection, wanted):
        query = _query(wanted, today, text=False)
        return query, (
            f"FROM ({_found(query, wanted)}) f JOIN people p ON p.rowid = f.person "
            "LEFT JOIN onboardings o ON o.rowid = f.onboarding"
        )
    return _query(wanted, today), _EVERY_ROW


def _order(wanted: Wanted, query: _Query) -> str:
    if wanted.sort is Sort.NAME:
        return f"ORDER BY {_THEN}"
    if wanted.sort is Sort.CHECKLIST:
        ranks = []
        for index, ((template_id, version), rank) in enumerate(wanted.checklist_ranks.items()):
            query.parameters.update(
                {f"ranked{index}": template_id, f"rankedv{index}": version, f"rank{index}": rank}
            )
            ranks.append(
                f"WHEN o.template_id = :ranked{index} AND o.template_version = :rankedv{index} "
                f"THEN :rank{index}"
            )
        return f"ORDER BY CASE WHEN o.id IS NULL THEN -1 {' '.join(ranks)} ELSE -1 END, {_THEN}"
    return f"ORDER BY {_SORTED_BY[wanted.sort]}, {_THEN}"


def page(
    connection: sqlite3.Connection, wanted: Wanted, today: str, offset: int, limit: int
) -> list[tuple[Any, ...]]:
    """The rows from `offset` on, at most `limit` of them, in `COLUMNS`' order."""
    query, rows = _source(connection, wanted, today)
    order = _order(wanted, query)
    query.parameters.update(offset=offset, limit=limit)
    return connection.execute(
        f"SELECT {COLUMNS} {rows} {_NAMES} {query.where()} {order} LIMIT :limit OFFSET :offset",
        query.parameters,
    ).fetchall()


def count(
    connection: sqlite3.Connection, wanted: Wanted, today: str, total: int | None = None
) -> tuple[int, int]:
    """How many rows match, and how many the reader's units hold in all (`total`, when the
    caller knows it already: it does not change with what is typed)."""
    query, rows = _source(connection, wanted, today)
    (matching,) = connection.execute(
        f"SELECT count(*) {rows} {query.where()}", query.parameters
    ).fetchone()
    if total is None:
        whole = _query(wanted, today, narrowed=False)
        if rows == _EVERY_ROW and whole.conditions == query.conditions:
            total = matching
        else:
            (total,) = connection.execute(
                f"SELECT count(*) {_EVERY_ROW} {whole.where()}", whole.parameters
            ).fetchone()
    return matching, total


def status_counts(
    connection: sqlite3.Connection, units: tuple[str, ...] | None, today: str
) -> dict[str, int]:
    """Onboardings (not people without one) by their status today."""
    query = _Query(today)
    _scoped(query, units, "o.unit_id")
    return dict(
        connection.execute(
            f"SELECT {_REVIEW_STATUS}, count(*) FROM onboardings o {query.where()} GROUP BY 1",
            query.parameters,
        ).fetchall()
    )


def months(
    connection: sqlite3.Connection, units: tuple[str, ...] | None, first: str
) -> dict[str, tuple[int, int]]:
    """Onboardings started and approved per month (YYYY-MM) from `first` on."""
    query = _Query("")
    _scoped(query, units, "unit_id")
    query.conditions.append("month >= :first")
    query.parameters["first"] = first
    return {
        month: (started, approved)
        for month, started, approved in connection.execute(
            "SELECT month, sum(started), sum(approved) FROM onboarding_months "
            f"{query.where()} GROUP BY month",
            query.parameters,
        )
    }


def units_listed(
    connection: sqlite3.Connection, units: tuple[str, ...] | None
) -> list[tuple[str, str]]:
    """(id, name) of the units that have a row in the list, by folded name."""
    query = _Query("")
    _scoped(query, units, "u.id")
    query.conditions.append(
        "(EXISTS (SELECT 1 FROM onboardings o WHERE o.unit_id = u.id) "
        "OR EXISTS (SELECT 1 FROM people p WHERE p.unit_id = u.id "
        "AND NOT EXISTS (SELECT 1 FROM onboardings o WHERE o.person_id = p.id)))"
    )
    return connection.execute(
        f"SELECT u.id, u.name FROM units u {query.where()} ORDER BY u.folded_name, u.id",
        query.parameters,
    ).fetchall()


def supervisors_listed(
    connection: sqlite3.Connection, units: tuple[str, ...] | None
) -> list[tuple[str, str]]:
    """(id, name) of the supervisors of the onboardings listed, by folded name."""
    query = _Query("")
    _scoped(query, units, "o.unit_id")
    return connection.execute(
        "SELECT s.id, s.name FROM users s WHERE s.id IN "
        f"(SELECT o.supervisor_id FROM onboardings o {query.where()}) "
        "ORDER BY s.folded_name, s.id",
        query.parameters,
    ).fetchall()
