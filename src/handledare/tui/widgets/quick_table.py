"""A DataTable whose one-line body cells are drawn without Textual's general path.

A key typed in the overview's filter, and its first paint, draw a page of new rows: some
two hundred cells. Textual draws each through three nested Rich renderables (a style
around a padding around the text), each splitting and cropping its lines again; for a
cell of one line of text that is most of the table's drawing. This table renders the
text once, to the width inside the padding, and puts the padding and the styles around
it itself: the same segments (`tests/test_quick_table.py` compares them with Textual's
own, and fails if Textual's internals it relies on change).

It uses Textual 8's private cell cache and styles; every other cell (the headings, a row
taller than a line, a cell that is not a Rich Text) goes Textual's own way.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets._data_table import CellCacheKey


class QuickTable(DataTable):
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
        console = self.app.console
        options = self.app.console_options.update_dimensions(width, 1).update(no_wrap=True)
        inside = max(width - 2 * padding, 0)
        [text] = console.render_lines(cell, options.update_width(inside), pad=True)[:1]
        pad = [Segment(" " * padding)] if padding else []
        line = Segment.adjust_line_length([*pad, *text, *pad], width)
        return [list(Segment.apply_style(line, pre_style, post_style))]
