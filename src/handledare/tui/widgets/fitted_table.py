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

from handledare.tui.widgets.onboarding_table import fitting

Cell = str | Text


def _width(cell: Cell) -> int:
    return cell_len(cell.plain if isinstance(cell, Text) else cell)


class FittedTable(DataTable):
    """Rows of cells under headings; `priorities` say which columns stay, lowest first.

    Without priorities every column stays and a wide table scrolls sideways: for the
    history, where every column is part of the record.
    """

    def __init__(
        self, headings: Sequence[str], priorities: Sequence[int] | None = None, **kwargs
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.headings = list(headings)
        self.priorities = list(priorities) if priorities else None
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
            self.add_row(*(cells[index] for index in shown), key=key)
        self.move_cursor(row=min(chosen, max(self.row_count - 1, 0)))
