"""The PIN field of every screen that asks for one: hidden, digits only, no longer than a PIN."""

from __future__ import annotations

from textual.widgets import Input

from handledare.security import PIN_MAX_LENGTH


class PinInput(Input):
    def __init__(self, *, id: str) -> None:
        super().__init__(password=True, max_length=PIN_MAX_LENGTH, restrict=r"[0-9]*", id=id)
