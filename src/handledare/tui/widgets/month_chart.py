"""Checklists started and approved per month: bars with month names, and the figures below.

Each month has two bars side by side (started, approved) over its name; under the names
two rows give the exact figures, so nobody has to read a number off a bar's height.
Twelve months take 74 cells: the chart fits an 80-column terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from handledare.i18n import _, format_month
from handledare.services.overview import MonthCount

BAR_ROWS = 5
SLOT = 6  # cells per month: two bars of two cells, and two cells between months
LABEL = 2  # cells before the first month, for the figures' row names
EIGHTHS = " ▁▂▃▄▅▆▇█"
STARTED_STYLE = "bold dodger_blue2"
APPROVED_STYLE = "bold green"


def _bar_cell(value: int, top: int, row: int) -> str:
    """The block for a bar of `value` (scaled to `top`) in `row` (0 at the bottom)."""
    if value <= 0:
        return " "
    eighths = max(round(value / top * BAR_ROWS * 8), 1)
    filled = eighths - row * 8
    return EIGHTHS[max(0, min(filled, 8))]


def chart_text(months: Sequence[MonthCount]) -> Text:
    top = max([m.started for m in months] + [m.approved for m in months] + [1])
    text = Text()
    text.append("██", STARTED_STYLE)
    text.append(" " + _("Started") + "  ")
    text.append("██", APPROVED_STYLE)
    text.append(" " + _("Approved"))
    if months:
        text.append(
            "  ·  "
            + _("{first} – {last}").format(
                first=format_month(months[0].month, with_year=True),
                last=format_month(months[-1].month, with_year=True),
            ),
            "dim",
        )
    text.append("\n")
    for row in reversed(range(BAR_ROWS)):
        text.append(" " * LABEL)
        for month in months:
            text.append(_bar_cell(month.started, top, row) * 2, STARTED_STYLE)
            text.append(_bar_cell(month.approved, top, row) * 2, APPROVED_STYLE)
            text.append("  ")
        text.append("\n")
    text.append(" " * LABEL)
    for month in months:
        text.append(format_month(month.month)[: SLOT - 1].ljust(SLOT))
    for style, letter, values in (
        (STARTED_STYLE, _("Started"), [m.started for m in months]),
        (APPROVED_STYLE, _("Approved"), [m.approved for m in months]),
    ):
        text.append("\n")
        text.append(letter[:1].ljust(LABEL), style)  # the legend's word, by its first letter
        for value in values:
            text.append(str(value).rjust(SLOT - 3).ljust(SLOT))
    return text


class MonthChart(Static):
    DEFAULT_CSS = """
    MonthChart {
        height: auto;
        padding: 0 1;
    }
    """

    def show(self, months: Sequence[MonthCount]) -> None:
        self.update(chart_text(months))
