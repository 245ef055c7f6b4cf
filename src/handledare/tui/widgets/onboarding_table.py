"""The list of onboardings that the supervisor's home and the manager's overview both show.

Each screen says which columns it shows and which matter most; the table says
what rows it wants (the text typed, the screen's choices, the sort) and its screen
reads them a page at a time: the first page when the list is shown or narrowed,
the next as the cursor nears the end of what is loaded. A line underneath counts
them. As the terminal narrows, the columns that matter least are left out whole,
so the list never scrolls sideways and no column is cut to "Sen".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Label

from handledare.i18n import N_, _, format_relative
from handledare.services.overview import ListCount, ListQuery, OnboardingSummary, Sort
from handledare.text import printable
from handledare.tui.app_base import AppBase
from handledare.tui.widgets.in_place import release_height, update_keeping_height
from handledare.tui.widgets.quick_table import QuickTable

# Rows read and filled at a time. Filling costs about a quarter of a millisecond a row,
# and a screen shows a few dozen: so each key typed costs the same however long the list,
# and the next page is read when the cursor comes within `AHEAD` rows of the last.
PAGE = 50
AHEAD = 10


@dataclass(frozen=True)
class Column:
    """A heading (a message id, translated when shown), what a cell shows, how it sorts.

    `priority`: which columns stay as the terminal narrows, lowest first; the name
    (priority 0) always stays.
    """

    heading: str
    cell: Callable[[OnboardingSummary, datetime], Text]
    sort: Sort
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


NAME = Column(N_("Name"), name_cell, Sort.NAME, priority=0)
REQUIRED_LEFT = Column(
    N_("Required left"),
    lambda s, now: Text(str(s.required_open) if s.onboarding_id else "", justify="right"),
    Sort.REQUIRED_OPEN,
    priority=2,
)
DAYS = Column(
    N_("Days"),
    lambda s, now: Text(str((now.date() - s.started_at.date()).days), justify="right"),
    Sort.STARTED,
    priority=4,
)
LAST_ACTIVITY = Column(
    N_("Last activity"),
    lambda s, now: Text(format_relative(s.last_activity, now)),
    Sort.LAST_ACTIVITY,
    priority=6,
)
UNIT = Column(N_("Unit"), lambda s, now: Text(printable(s.unit_name)), Sort.UNIT, priority=7)


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


def _key(s: OnboardingSummary) -> str:
    """A row's key in the table: its onboarding, or the person for a person without one."""
    return s.onboarding_id or s.person_id


def _looks(cells: list[list[Text]]) -> list[tuple[object, ...]]:
    """What each cell shows, to compare (a Text's own equality leaves out its style)."""
    return [
        (cell.plain, cell.style, cell.justify, tuple(cell.spans)) for row in cells for cell in row
    ]


class OnboardingTable(Vertical):
    """The rows loaded so far in a table, and the line that counts them.

    It reads nothing itself: it posts `Wanted` for the rows it needs, and its screen
    hands them over with `show_page` and `show_count`, for the query they were read for
    (a page read for an older query is dropped).
    """

    @dataclass
    class Wanted(Message):
        """Rows from `offset` on, for `query`."""

        table: OnboardingTable
        query: ListQuery
        offset: int

    app = getters.app(AppBase)

    def __init__(self, columns: Sequence[Column]) -> None:
        super().__init__(id="onboardings")
        self._columns = columns
        self.query_shown = ListQuery(sort=columns[0].sort)
        self.rows: list[OnboardingSummary] = []
        self.counted: ListCount | None = None
        # A full page came last, so there may be more; a page is on its way.
        self._more = False
        self._asked: tuple[ListQuery, int] | None = None
        # The columns on screen now (indexes into `_columns`), and the width they were
        # chosen for.
        self._shown_columns: list[int] = []
        self._column_widths: list[int] = []
        self._count_shown = ""
        self._fitted_width = 0
        # What the table was last filled with: its width, columns, rows and cells.
        self._filled: tuple[object, ...] = ()

    def compose(self) -> ComposeResult:
        yield QuickTable(id="people", cursor_type="row", zebra_stripes=True)
        yield Label("", id="count", classes="muted")

    @property
    def table(self) -> DataTable:
        return self.query_one("#people", DataTable)

    @property
    def sort_column(self) -> int:
        return next(i for i, c in enumerate(self._columns) if c.sort is self.query_shown.sort)

    def on_resize(self) -> None:
        if self.table.size.width != self._fitted_width:
            release_height(self.query_one("#count", Label))  # its text wraps otherwise now
            self.fill()

    def _fitted(self, cells: list[list[Text]]) -> tuple[list[int], list[int]]:
        """The columns that matter most and fit the table's width, for these rows, and
        how wide each of them is."""
        headings = [_(column.heading) for column in self._columns]
        widths = [
            max([cell_len(heading)] + [cell_len(row[i].plain) for row in cells])
            for i, heading in enumerate(headings)
        ]
        # The vertical scrollbar takes its cells whether or not it is shown yet.
        room = self.table.size.width - self.table.styles.scrollbar_size_vertical
        if room <= 0:
            chosen = list(range(len(self._columns)))
        else:
            chosen = fitting(widths, [c.priority for c in self._columns], room)
        return chosen, [widths[i] for i in chosen]

    def _fit_columns(self, chosen: list[int], widths: list[int]) -> None:
        """The columns chosen, as wide as given: the table need not measure every cell
        before it is drawn right."""
        self._fitted_width = self.table.size.width
        self.table.clear(columns=True)
        for index, width in zip(chosen, widths, strict=True):
            self.table.add_column(_(self._columns[index].heading), width=width, key=str(index))
        self._shown_columns = chosen
        self._column_widths = widths

    def want(self, **changes) -> None:
        """Ask for the first page of the list with `changes` (a ListQuery's fields)."""
        query = replace(self.query_shown, **changes)
        if query != self.query_shown:
            self.query_shown = query
            self._ask(0)

    def filter_by(self, text: str) -> None:
        self.want(text=text)

    def sort_by(self, column: int) -> None:
        self.want(sort=self._columns[column].sort)

    def sort_next(self) -> None:
        """The next column on screen: one left out for want of room is not sorted by."""
        shown = self._shown_columns or list(range(len(self._columns)))
        later = [index for index in shown if index > self.sort_column]
        self.sort_by(later[0] if later else shown[0])

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(int(str(event.column_key.value)))  # keyed by its index in `_columns`

    @on(DataTable.RowHighlighted)
    def _near_the_end(self, event: DataTable.RowHighlighted) -> None:
        if self._more and event.cursor_row >= len(self.rows) - AHEAD:
            self._ask(len(self.rows))

    def _ask(self, offset: int) -> None:
        if self._asked != (self.query_shown, offset):
            self._asked = (self.query_shown, offset)
            self.post_message(self.Wanted(self, self.query_shown, offset))

    def show_page(self, query: ListQuery, offset: int, rows: list[OnboardingSummary]) -> bool:
        """Put a page read for `query` in the table; False (and nothing shown) if the list
        has been narrowed or sorted otherwise since it was asked for."""
        if query != self.query_shown or offset > len(self.rows):
            return False
        self._asked = None
        self._more = len(rows) >= PAGE
        if offset == 0:
            self.rows = rows
            self.counted = None
            self.fill()
        else:
            self.rows[offset:] = rows
            cells = self._cells(self.rows, self.app.clock())
            if self._fitted(cells) != (self._shown_columns, self._column_widths):
                self.fill()  # a wider row: the columns that fit are chosen again
            else:
                self._filled = ()  # more rows than the first fill: not the same table
                self._add(rows, cells[offset:])
                self._show_count()
        return True

    def show_count(self, query: ListQuery, counted: ListCount) -> None:
        if query == self.query_shown:
            self.counted = counted
            self._show_count()

    def fill(self) -> None:
        """The table again from the rows loaded, keeping the cursor on the same row; left
        as it is when it would show the same (a letter more typed often leaves the first
        page as it was, and drawing a table again is most of what a key costs)."""
        table = self.table
        now = self.app.clock()
        cells = self._cells(self.rows, now)
        chosen, widths = self._fitted(cells)
        filled = (
            self.table.size.width,
            chosen,
            widths,
            [_key(s) for s in self.rows],
            _looks(cells),
        )
        if filled == self._filled and self.table.columns:
            self._show_count()
            return
        self._filled = filled
        selected = self.selected()
        self._fit_columns(chosen, widths)
        keys = self._add(self.rows, cells)
        if selected is not None and selected in keys:
            table.move_cursor(row=keys.index(selected))
        self._show_count()

    def _cells(self, rows: list[OnboardingSummary], now: datetime) -> list[list[Text]]:
        return [[column.cell(s, now) for column in self._columns] for s in rows]

    def _add(self, rows: list[OnboardingSummary], cells: list[list[Text]]) -> list[str]:
        keys = []
        for s, row in zip(rows, cells, strict=True):
            keys.append(_key(s))
            self.table.add_row(*(row[i] for i in self._shown_columns), key=keys[-1])
        return keys

    def _show_count(self) -> None:
        # Only a change. The line grows but does not shrink as keys are typed, between
        # "counting the rest" and what was counted: the list above it keeps its height, and
        # the screen is not laid out again at each key.
        count = self._count()
        if count != self._count_shown:
            self._count_shown = count
            update_keeping_height(self.query_one("#count", Label), Content(count))

    def _count(self) -> str:
        column = _(self._columns[self.sort_column].heading)
        counted = self.counted
        if counted is None:
            count = _("{shown} shown, counting the rest · sorted by {column}").format(
                shown=len(self.rows), column=column
            )
        elif counted.matching > len(self.rows):
            count = _(
                "the first {limit} of {shown} matching ({total} in all) · type to narrow · "
                "sorted by {column}"
            ).format(
                limit=len(self.rows), shown=counted.matching, total=counted.total, column=column
            )
        else:
            count = _("{shown} of {total} shown · sorted by {column}").format(
                shown=len(self.rows), total=counted.total, column=column
            )
        today = self.app.clock().date()
        if any(s.has_expired(today) or s.expires_soon(today) for s in self.rows):
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
            (s for s in self.rows if key in (s.onboarding_id, s.person_id)),
            None,
        )
