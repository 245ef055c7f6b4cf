"""Fields without borders on a short terminal, so a whole form fits 80x24 without scrolling.

A bordered field takes three rows, a compact one a single row: at 24 rows the form to add
a substitute needs the difference. From 36 rows up the fields keep their borders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.widgets import Input, Select

# For the type checker the mixin is the screen it is mixed into.
if TYPE_CHECKING:
    _Base = Screen[Any]
else:
    _Base = object

ROWS_FOR_BORDERS = 36


class CompactWhenShort(_Base):
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
