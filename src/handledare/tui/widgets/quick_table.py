"""A DataTable whose one-line body cells are drawn without Textual's general path.

A key typed in the overview's filter, and its first paint, draw a page of new rows: some
two hundred cells. Textual draws each through three nested Rich renderables (a style
around a padding around the text), each splitting and cropping its lines again; for a
cell of one line of text that is most of the table's drawing. This table aligns and cuts
the text once, to the width inside the padding, and puts the padding and the styles around
it itself: the same segments (`tests/test_quick_table.py` compares them with Textual's
own, and fails if Textual's internals it relies on change).

With columns of given widths, as the onboarding list gives them, it also neither measures
every new cell (to widen a column to it) nor draws every cell again when a page added or a
scrollbar changes only the table's extent.

It uses Textual 8's private caches, styles and sizes; every other cell (the headings, a
row taller than a line, a cell that is not a Rich Text) goes Textual's own way.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.containers import Lines
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets._data_table import CellCacheKey, RowKey

_JOIN = Text("\n")


class QuickTable(DataTable):
    _sized: Size | None = None  # the size the cells were last drawn for

    def _fixed_widths(self) -> bool:
        """Every column has its width given (as the onboarding list gives them)."""
        return not any(column.auto_width for column in self.columns.values())

    def _on_resize(self, event: events.Resize) -> None:
        """Textual draws every cell again at any resize, for columns that grow with their
        cells. Columns of a given width draw the same when only the rows' extent changes (a
        page added) or a scrollbar comes: the cells are drawn again when the size changes."""
        if not self._fixed_widths() or event.size != self._sized:
            self._sized = event.size
            super()._on_resize(event)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Textual measures every new cell to widen its column to it. Columns of a given
        width, in rows of one line without labels, need only the table's extent."""
        rows = [self.rows.get(key) for key in new_rows]
        if not self._fixed_widths() or any(
            row is not None and (row.label is not None or row.auto_height) for row in rows
        ):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            width + self._row_label_column_width, self._total_row_height + header
        )

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if (
            row_key is None  # the headings' row
            or column_key is None  # the rows' labels
            or row_index < self.fixed_rows
            or column_index < self.fixed_columns
            or self.rows[row_key].height != 1
        ):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key: CellCacheKey = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        # Looked up first, as Textual does: the row's cells are formatted only for a new line.
        lines = self._cell_render_cache.get(cache_key)
        if lines is None:
            _label, cells = self._get_row_renderables(row_index)
            cell = cells[column_index]
            if not isinstance(cell, Text):
                return super()._render_cell(
                    row_index, column_index, base_style, width, cursor, hover
                )
            lines = self._cell_render_cache[cache_key] = self._one_line(
                cell, base_style, row_index, column_index, width, cursor, hover
            )
        return lines

    def _one_line(
        self,
        cell: Text,
        base_style: Style,
        row_index: int,
        column_index: int,
        width: int,
        cursor: bool,
        hover: bool,
    ) -> list[list[Segment]]:
        """As Textual's `_render_cell` for a body cell of one line, in one pass."""
        component_style, post_style = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        pre_style = (
            base_style
            + Style.from_meta({"row": row_index, "column": column_index})
            + component_style
        )
        padding = self.cell_padding
        inside = max(width - 2 * padding, 0)
        pad = [Segment(" " * padding)] if padding else []
        line = Segment.adjust_line_length([*pad, *self._text_line(cell, inside), *pad], width)
        return [list(Segment.apply_style(line, pre_style, post_style))]

    def _text_line(self, cell: Text, width: int) -> list[Segment]:
        """The cell's text as one line `width` wide. Text of one line is aligned, cut and
        rendered as Rich does for a line it need not wrap; any other goes through Rich's
        whole rendering."""
        console = self.app.console
        options = self.app.console_options
        plain = cell.plain
        if "\n" in plain or "\t" in plain:
            options = options.update_dimensions(width, 1).update(no_wrap=True)
            [line] = console.render_lines(cell, options, pad=True)[:1]
            return line
        justify = cell.justify or options.justify or "default"
        overflow = cell.overflow or options.overflow or "fold"
        if justify != "default" or cell_len(plain) > width:
            cell = cell.copy()
            Lines([cell]).justify(console, width, justify=justify, overflow=overflow)
            cell.truncate(width, overflow=overflow)
        # Joined as Rich joins wrapped lines: that makes the text's own style a span.
        return Segment.adjust_line_length(list(_JOIN.join([cell]).render(console)), width)
