"""The sign-in's list of names: a few rows high, and it says when its width changes.

Textual's list measures every option's height at each layout to find its own; with the
staff of a municipality (hundreds of names) that was a good part of the start. Each name
is one line (the list is as wide as the sign-in box, and the demo's lines are fitted to
it), so the list is as many rows high as it has names, up to `ROWS`; a name that wraps at
a very narrow width scrolls.

In the demo each name's line is laid out in columns to the list's width. The list learns
its width only once the box around it has been laid out, which may be after the lines were
made; a screen's own resize does not say so. The list tells its screen instead, and says
how wide a line is with or without its scrollbar.
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.widgets import OptionList

# The most names shown at once; the rest scroll.
ROWS = 8


class UserList(OptionList):
    class WidthChanged(Message):
        """The width the lines have to fit has changed."""

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._width = 0

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return min(self.option_count, ROWS)

    def line_width(self, names: int) -> int:
        """The cells a name's line has when `names` are listed: the scrollbar takes its own
        only when there are more names than rows (it comes and goes after the lines are
        made, with no resize to say so)."""
        width = self.content_region.width
        if names > ROWS:
            width -= self.styles.scrollbar_size_vertical
        return width

    def on_resize(self, _event: events.Resize) -> None:
        width = self.content_region.width
        if width != self._width:
            self._width = width
            self.post_message(self.WidthChanged())
