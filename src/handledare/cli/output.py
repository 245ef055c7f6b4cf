"""Plain output for the command line: aligned columns, JSON, and names shown literally."""

from __future__ import annotations

import json
import sys
import unicodedata

from handledare.text import printable


def _width(value: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)


def table(headers: list[str], rows: list[list[str]]) -> None:
    cells = [[printable(str(cell)) for cell in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in cells:
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(values: list[str]) -> str:
        padded = [v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)]
        return "  ".join(padded).rstrip()

    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in cells:
        print(line(row))


def as_json(value: object) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    print()


def _literal_lines(message: str) -> str:
    """Keep a message's own line breaks; escape every other control character."""
    return "\n".join(printable(line) for line in message.split("\n"))


def say(message: str) -> None:
    print(_literal_lines(message))


def warn(message: str) -> None:
    print(_literal_lines(message), file=sys.stderr)
