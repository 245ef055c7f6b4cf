"""Names and notes on screen exactly as typed: no markup, no terminal controls."""

from textual.content import Content

from handledare.text import printable


def literal(value: str) -> Content:
    return Content(printable(value))
