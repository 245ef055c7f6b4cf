"""Fields without borders on a short terminal, so a whole form fits 80x24 without scrolling.

A bordered field takes three rows, a compact one a single row: at 24 rows the form to add
a substitute needs the difference. From 36 rows up the fields keep their borders.
"""

from __future__ import annotations

from textual.widgets import Input, Select

ROWS_FOR_BORDERS = 36


class CompactWhenShort:
    """Mixin for a dialog or form screen: its text fields and choices lose their borders
    below 36 rows."""

    def on_mount(self) -> None:
        self._fit_fields()

    def on_resize(self) -> None:
        self._fit_fields()

    def _fit_fields(self) -> None:
        short = self.app.size.height < ROWS_FOR_BORDERS
        self.set_class(short, "short")
        for field in self.query(Input):
            field.compact = short
        for choice in self.query(Select):
            choice.compact = short
