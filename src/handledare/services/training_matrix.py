"""The training matrix: people by tracked items and delegated tasks, each cell a state.

What a manager plans from: who holds which sign-off that runs out, and which
delegation, and what runs out soon. The columns are the items of the unit's
checklists that have `valid_for_days`, then the municipality's delegation tasks.
A cell folds every window of the person's history (`allowed.allowances`) into
the state that counts (`validity.best`), so the matrix and "who was allowed
on D" read the same history and cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from handledare.domain.actor import Actor
from handledare.domain.enums import Role
from handledare.domain.validity import DEFAULT_WARNING_DAYS, Validity, best
from handledare.i18n import format_date
from handledare.security import require_role, require_unit
from handledare.services import people
from handledare.services.allowed import Allowance, TaskChoice, allowances, tasks_in_scope
from handledare.services.exports import write_csv
from handledare.store.eventlog import Store

MATRIX_ROLES = (Role.MANAGER, Role.ADMIN)
# The first columns of the CSV; one column per task follows, named by its key.
PERSON_COLUMNS = ("person", "employee_number", "unit")


@dataclass(frozen=True)
class Cell:
    state: Validity
    last: date | None = None  # the last day the ground that counts holds (None: no end)
    ground: Allowance | None = None

    def shown(self) -> str:
        """The marker and the word, and the last day where there is one."""
        if self.last is None or self.state in (Validity.NONE, Validity.NOT_YET):
            return self.state.shown()
        return f"{self.state.shown()} {format_date(self.last)}"


@dataclass(frozen=True)
class MatrixRow:
    person_id: str
    person_name: str
    employee_number: str | None
    unit_name: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Matrix:
    columns: tuple[TaskChoice, ...]
    rows: tuple[MatrixRow, ...]


def training_matrix(
    store: Store,
    actor: Actor,
    today: date,
    unit_id: str | None = None,
    state: Validity | None = None,
    warning_days: int = DEFAULT_WARNING_DAYS,
) -> Matrix:
    """The people of the actor's units (or of one) who have not left before today.

    With `state`, only the people with at least one cell in that state.
    """
    require_role(actor, *MATRIX_ROLES)
    if unit_id is not None:
        require_unit(actor, unit_id)
    columns = tuple(tasks_in_scope(store, actor, unit_id, tracked_only=True))
    grounds: dict[tuple[str, str], list[Allowance]] = {}
    for allowance in allowances(store, actor, unit_id=unit_id):
        grounds.setdefault((allowance.person_id, allowance.task_key), []).append(allowance)
    rows = []
    for person in people.list_people(store, actor, unit_id):
        if person.left_on is not None and person.left_on < today:
            continue
        cells = tuple(
            _cell(grounds.get((person.id, column.key), []), today, warning_days)
            for column in columns
        )
        if state is None or any(cell.state is state for cell in cells):
            rows.append(
                MatrixRow(person.id, person.name, person.employee_number, person.unit_name, cells)
            )
    return Matrix(columns, tuple(rows))


def _cell(found: list[Allowance], today: date, warning_days: int) -> Cell:
    if not found:
        return Cell(Validity.NONE)
    states = [a.window.state(today, warning_days) for a in found]
    state = best(states)
    counting = [a for a, s in zip(found, states, strict=True) if s is state]
    ground = max(counting, key=lambda a: (a.window.last or date.max, a.at))
    return Cell(state, ground.window.last, ground)


def matrix_csv_rows(matrix: Matrix) -> tuple[tuple[str, ...], list[Sequence[object]]]:
    """The header and the rows of the matrix as CSV: one row per person; a column per task,
    headed by its title and `[key]`, each cell its marker, word and last day (YYYY-MM-DD,
    as Excel sorts it)."""
    header = (*PERSON_COLUMNS, *(f"{column.title} [{column.key}]" for column in matrix.columns))
    rows: list[Sequence[object]] = []
    for row in matrix.rows:
        cells = [
            cell.state.shown() + (f" {cell.last.isoformat()}" if cell.last else "")
            for cell in row.cells
        ]
        rows.append((row.person_name, row.employee_number or "", row.unit_name, *cells))
    return header, rows


def export_matrix(
    store: Store,
    actor: Actor,
    out: Path,
    today: date,
    unit_id: str | None = None,
    state: Validity | None = None,
    warning_days: int = DEFAULT_WARNING_DAYS,
) -> int:
    """Write the matrix as CSV for Excel; return the number of people written."""
    header, rows = matrix_csv_rows(
        training_matrix(store, actor, today, unit_id, state, warning_days)
    )
    return write_csv(out, header, rows)
