"""A table that leaves out its least important columns whole rather than scroll sideways.

The onboarding list fits its columns the same way (`onboarding_table.fitting`); this is
the plain table for the screens that only show rows: the expiring items and the items of
one substitute under review.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from handledare.tui.widgets.onboarding_table import CELL_PADDING, fitting

# A title is never cut shorter than this.
MIN_SHRUNK = 16

Cell = str | Text


def _width(cell: Cell) -> int:
    return cell_len(cell.plain if isinstance(cell, Text) else cell)


class FittedTable(DataTable):
    """Rows of cells under headings; `priorities` say which columns stay, lowest first.

    Without priorities every column stays and a wide table scrolls sideways: for the
    history, where every column is part of the record. The `shrink` column (a long
    title) is cut with "…" where that keeps the columns of priority 0 and 1 on screen.
    """

    def __init__(
        self,
        headings: Sequence[str],
        priorities: Sequence[int] | None = None,
        shrink: int | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self.headings = list(headings)
        self.priorities = list(priorities) if priorities else None
        self.shrinking = shrink
        self._rows: list[tuple[str, Sequence[Cell]]] = []
        self._drawn_width = 0

    def show_rows(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        """The rows again (key, cells), the cursor on the same row as before."""
        self._rows = list(rows)
        self._draw()

    def on_resize(self) -> None:
        if self.size.width != self._drawn_width:
            self._draw()

    def _draw(self) -> None:
        widths = [
            max([cell_len(heading)] + [_width(cells[i]) for _key, cells in self._rows])
            for i, heading in enumerate(self.headings)
        ]
        # The vertical scrollbar takes its cells whether or not it is shown yet.
        room = self.size.width - self.styles.scrollbar_size_vertical
        self._drawn_width = self.size.width
        cut = self._shrunk_width(widths, room)
        shrink = self.shrinking
        if cut is not None and shrink is not None:
            widths[shrink] = cut
        shown = (
            fitting(widths, self.priorities, room)
            if self.priorities and room > 0
            else range(len(widths))
        )
        chosen = self.cursor_row
        self.clear(columns=True)
        for index in shown:
            self.add_column(self.headings[index], key=str(index))
        for key, cells in self._rows:
            row = [cells[index] for index in shown]
            if cut is not None and shrink is not None and shrink in shown:
                row[list(shown).index(shrink)] = _cut(cells[shrink], cut)
            self.add_row(*row, key=key)
        self.move_cursor(row=min(chosen, max(self.row_count - 1, 0)))

    def _shrunk_width(self, widths: list[int], room: int) -> int | None:
        """The width the shrink column must keep to for the essential columns to fit."""
        if self.shrinking is None or not self.priorities or room <= 0:
            return None
        essential = [i for i, priority in enumerate(self.priorities) if priority <= 1]
        needed = sum(widths[i] + CELL_PADDING for i in essential)
        if needed <= room:
            return None
        return max(MIN_SHRUNK, widths[self.shrinking] - (needed - room))


def _cut(cell: Cell, width: int) -> Text:
    text = cell.copy() if isinstance(cell, Text) else Text(cell)
    text.truncate(width, overflow="ellipsis")
    return text
