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

# A text is never cut shorter than this.
MIN_SHRUNK = 20

Cell = str | Text


def _width(cell: Cell) -> int:
    return cell_len(cell.plain if isinstance(cell, Text) else cell)


class FittedTable(DataTable):
    """Rows of cells under headings; `priorities` say which columns stay, lowest first.

    Without priorities every column stays and a wide table scrolls sideways: for the
    history, where every column is part of the record. The `shrink` columns (long texts,
    in the order they give way) are cut with "…", no shorter than `MIN_SHRUNK`, where
    that keeps the columns of priority up to `keep` on screen; the others only come
    where there is room left.
    """

    def __init__(
        self,
        headings: Sequence[str],
        priorities: Sequence[int] | None = None,
        shrink: Sequence[int] = (),
        keep: int = 1,
        id: str | None = None,
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self.headings = list(headings)
        self.priorities = list(priorities) if priorities else None
        self.shrinking = tuple(shrink)
        self.keep = keep
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
        cuts = self._cuts(widths, room)
        for index, width in cuts.items():
            widths[index] = width
        shown = (
            fitting(widths, self.priorities, room)
            if self.priorities and room > 0
            else list(range(len(widths)))
        )
        chosen = self.cursor_row
        self.clear(columns=True)
        # Each column is given its width, so it does not wait for the table's idle
        # measuring to grow from its heading's width.
        for index in shown:
            self.add_column(self.headings[index], width=widths[index], key=str(index))
        for key, cells in self._rows:
            row = [_cut(cells[i], cuts[i]) if i in cuts else cells[i] for i in shown]
            self.add_row(*row, key=key)
        self.move_cursor(row=min(chosen, max(self.row_count - 1, 0)))

    def _cuts(self, widths: list[int], room: int) -> dict[int, int]:
        """How narrow each shrink column must be: as little as keeps the most of the
        columns up to `keep`, by priority, on screen."""
        if not self.shrinking or not self.priorities or room <= 0:
            return {}
        for keep in sorted({p for p in self.priorities if p <= self.keep}, reverse=True):
            cuts = self._cuts_keeping(widths, room, keep)
            if cuts is not None:
                return cuts
        return {}

    def _cuts_keeping(self, widths: list[int], room: int, keep: int) -> dict[int, int] | None:
        """The cuts that fit every column of priority `keep` or lower; None if none do."""
        assert self.priorities is not None
        kept = [i for i, priority in enumerate(self.priorities) if priority <= keep]
        over = sum(widths[i] + CELL_PADDING for i in kept) - room
        cuts: dict[int, int] = {}
        for index in self.shrinking:
            if over <= 0:
                break
            narrower = max(MIN_SHRUNK, widths[index] - over)
            if index in kept and narrower < widths[index]:
                cuts[index] = narrower
                over -= widths[index] - narrower
        return cuts if over <= 0 else None


def _cut(cell: Cell, width: int) -> Text:
    text = cell.copy() if isinstance(cell, Text) else Text(cell)
    text.truncate(width, overflow="ellipsis")
    return text
