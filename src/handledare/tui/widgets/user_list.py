"""The sign-in's list of names, which says when its width changes.

In the demo each name's line is laid out in columns to the list's width. The list learns
its width only once the box around it has been laid out, which may be after the lines were
made; a screen's own resize does not say so. The list tells its screen instead.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import OptionList


class UserList(OptionList):
    class WidthChanged(Message):
        """The width the lines have to fit has changed."""

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._width = 0

    def on_resize(self, _event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            self.post_message(self.WidthChanged())
