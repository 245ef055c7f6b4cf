"""The list of onboardings that the supervisor's home and the manager's overview both show.

Each screen says which columns it shows and which matter most; the table keeps the
rows, sorts and filters them, shows the first of them and counts them in a line
underneath. As the terminal narrows, the columns that matter least are left out
whole, so the list never scrolls sideways and no column is cut to "Sen".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from handledare.i18n import N_, _, current_language, format_relative
from handledare.services.overview import OnboardingSummary
from handledare.text import fold, printable
from handledare.tui.app_base import AppBase

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

# Filling a table costs about a quarter of a millisecond a row; nobody reads past a
# few pages, they type to narrow. So a list of 20,000 shows its first hundred rows,
# and each key typed costs the same however long the list.
ROW_LIMIT = 100


class Listed(NamedTuple):
    """A row's texts folded once, in the worker that loaded it, for search and sort."""

    summary: OnboardingSummary
    name: str
    unit: str
    supervisor: str
    checklist: str
    searched: str


def listed(summaries: list[OnboardingSummary]) -> list[Listed]:
    language = current_language()
    rows = []
    for s in summaries:
        texts = (
            fold(s.person_name),
            fold(s.unit_name),
            fold(s.supervisor_name or ""),
            fold(s.template_title.get(language)) if s.template_title else "",
        )
        rows.append(Listed(s, *texts, "\n".join(texts)))
    return rows


@dataclass(frozen=True)
class Column:
    """A heading (a message id, translated when shown), what a cell shows, how it sorts.

    `priority`: which columns stay as the terminal narrows, lowest first; the name
    (priority 0) always stays.
    """

    heading: str
    cell: Callable[[OnboardingSummary, datetime], Text]
    sort_key: Callable[[Listed, date], SupportsRichComparison]
    descending: bool = False
    priority: int = 9


# Each column's cells have one space either side.
CELL_PADDING = 2


def name_cell(s: OnboardingSummary, now: datetime) -> Text:
    """The name, with a mark when a signed item has expired or soon will."""
    cell = Text(printable(s.person_name))
    if s.has_expired(now.date()):
        cell.append(" ⚠", style="bold red")
    elif s.expires_soon(now.date()):
        cell.append(" ◷", style="bold yellow")
    return cell


NAME = Column(N_("Name"), name_cell, lambda r, today: r.name, priority=0)
REQUIRED_LEFT = Column(
    N_("Required left"),
    lambda s, now: Text(str(s.required_open) if s.onboarding_id else "", justify="right"),
    lambda r, today: r.summary.required_open,
    descending=True,
    priority=2,
)
DAYS = Column(
    N_("Days"),
    lambda s, now: Text(str((now.date() - s.started_at.date()).days), justify="right"),
    lambda r, today: r.summary.started_at,
    priority=4,
)
LAST_ACTIVITY = Column(
    N_("Last activity"),
    lambda s, now: Text(format_relative(s.last_activity, now)),
    lambda r, today: r.summary.last_activity,
    descending=True,
    priority=6,
)
UNIT = Column(
    N_("Unit"), lambda s, now: Text(printable(s.unit_name)), lambda r, today: r.unit, priority=7
)


def fitting(widths: Sequence[int], priorities: Sequence[int], room: int) -> list[int]:
    """The indexes of the columns to show in `room` cells: by priority while they fit,
    in their own order; the first by priority always."""
    chosen: list[int] = []
    for index in sorted(range(len(widths)), key=lambda i: (priorities[i], i)):
        needed = widths[index] + CELL_PADDING
        if not chosen or needed <= room:
            chosen.append(index)
            room -= needed
    return sorted(chosen)


class OnboardingTable(Vertical):
    """The rows in a table, sorted and filtered, and the line that counts them."""

    app = getters.app(AppBase)

    def __init__(self, columns: Sequence[Column]) -> None:
        super().__init__(id="onboardings")
        self._columns = columns
        self.rows: list[Listed] = []
        self.sort_column = 0
        # Besides the text typed: what else a row must pass (the overview's choices).
        self.narrowing: Callable[[OnboardingSummary, date], bool] | None = None
        self._wanted = ""
        # The rows sorted: made again only when the list or the sort changes, so typing
        # in a list of thousands neither sorts nor folds them.
        self._order: list[Listed] | None = None
        # The columns on screen now (indexes into `_columns`), and the width they were
        # chosen for.
        self._shown_columns: list[int] = []
        self._fitted_width = 0

    def compose(self) -> ComposeResult:
        yield DataTable(id="people", cursor_type="row", zebra_stripes=True)
        yield Label("", id="count", classes="muted")

    @property
    def table(self) -> DataTable:
        return self.query_one("#people", DataTable)

    def on_resize(self) -> None:
        if self.table.size.width != self._fitted_width:
            self.fill()

    def _fit_columns(self, cells: list[list[Text]]) -> None:
        """Show the columns that matter most and fit the table's width."""
        headings = [_(column.heading) for column in self._columns]
        widths = [
            max([cell_len(heading)] + [cell_len(row[i].plain) for row in cells])
            for i, heading in enumerate(headings)
        ]
        # The vertical scrollbar takes its cells whether or not it is shown yet.
        room = self.table.size.width - self.table.styles.scrollbar_size_vertical
        self._fitted_width = self.table.size.width
        chosen = (
            fitting(widths, [c.priority for c in self._columns], room)
            if room > 0
            else list(range(len(self._columns)))
        )
        if chosen != self._shown_columns or not self.table.columns:
            self.table.clear(columns=True)
            for index in chosen:
                self.table.add_column(headings[index], key=str(index))
            self._shown_columns = chosen

    def show(self, rows: list[Listed]) -> None:
        self.rows = rows
        self._order = None
        self.fill()

    def filter_by(self, text: str) -> None:
        self._wanted = fold(text)
        self.fill()

    def sort_by(self, column: int) -> None:
        if column == self.sort_column:
            return
        self.sort_column = column
        self._order = None
        self.fill()

    def sort_next(self) -> None:
        """The next column on screen: one left out for want of room is not sorted by."""
        shown = self._shown_columns or list(range(len(self._columns)))
        later = [index for index in shown if index > self.sort_column]
        self.sort_by(later[0] if later else shown[0])

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(event.column_index)

    def _ordered(self, today: date) -> list[Listed]:
        if self._order is None:
            column = self._columns[self.sort_column]
            self._order = sorted(
                self.rows, key=lambda r: column.sort_key(r, today), reverse=column.descending
            )
        return self._order

    def fill(self) -> None:
        table = self.table
        now = self.app.clock()
        today = now.date()
        shown = [row.summary for row in self._ordered(today) if self._wanted in row.searched]
        if self.narrowing is not None:
            shown = [s for s in shown if self.narrowing(s, today)]
        selected = self.selected()
        cells = [[column.cell(s, now) for column in self._columns] for s in shown[:ROW_LIMIT]]
        table.clear()
        self._fit_columns(cells)
        keys = []
        for s, row in zip(shown[:ROW_LIMIT], cells, strict=True):
            keys.append(s.onboarding_id or s.person_id)
            table.add_row(*(row[i] for i in self._shown_columns), key=keys[-1])
        if selected is not None and selected in keys:
            table.move_cursor(row=keys.index(selected))
        self.query_one("#count", Label).update(self._count(shown, today))

    def _count(self, shown: list[OnboardingSummary], today: date) -> str:
        column = _(self._columns[self.sort_column].heading)
        if len(shown) > ROW_LIMIT:
            count = _(
                "the first {limit} of {shown} matching ({total} in all) · type to narrow · "
                "sorted by {column}"
            ).format(limit=ROW_LIMIT, shown=len(shown), total=len(self.rows), column=column)
        else:
            count = _("{shown} of {total} shown · sorted by {column}").format(
                shown=len(shown), total=len(self.rows), column=column
            )
        if any(s.has_expired(today) or s.expires_soon(today) for s in shown[:ROW_LIMIT]):
            count += " · " + _(
                "⚠ has expired items, ◷ an item expires within 30 days (x lists them)"
            )
        return count

    def selected(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def selected_summary(self) -> OnboardingSummary | None:
        key = self.selected()
        return next(
            (r.summary for r in self.rows if key in (r.summary.onboarding_id, r.summary.person_id)),
            None,
        )
