"""The onboarding list's table draws its one-line cells in one pass, and measures its rows
without measuring each cell, exactly as Textual's own DataTable draws them: the same
characters and the same styles, cursor, stripes and hover included, as rows are added and
the terminal narrows, for text that is plain, styled, aligned, cut (with "…" or not), with
a tab or wider than ASCII."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widgets import DataTable

from handledare.tui.widgets.quick_table import QuickTable

ROWS = [
    (Text("[bold]Stina[/] Ek"), Text("Pågår", style="bold"), Text("40 %", justify="right")),
    (Text("Greta Sundberg ◷"), Text("Godkänd", style="green"), Text("100 %", justify="right")),
    (Text("Åsa Öberg-Lindqvist med ett mycket långt namn"), Text(""), Text("7", justify="right")),
    (Text("李小龍 ⚠"), Text("Har utgångna", style="bold red"), Text("", justify="right")),
    (Text("Med\ttab"), Text("Väntar på intyg", overflow="ellipsis"), Text("3", justify="center")),
    *(
        (Text(f"Vikarie {n:03d}"), Text("Ej påbörjad", style="dim"), Text(f"{n}"))
        for n in range(30)
    ),
]


class OneTable(App):
    """The rows in one table: the table under test, or Textual's own."""

    def __init__(self, table: type[DataTable]):
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        table = self.table(cursor_type="row", zebra_stripes=True)
        # The name's column narrower than its longest name: that one is cut.
        for heading, width in (("Namn", 24), ("Status", 12), ("Signerat", 8)):
            table.add_column(heading, width=width)
        add_rows(table, ROWS[:FIRST])
        yield table


# Rows that fit the table without a scrollbar; the rest come as a next page would.
FIRST = 8


def add_rows(table: DataTable, rows: list[tuple[Text, ...]]) -> None:
    for row in rows:
        table.add_row(*row, key=str(table.row_count))


def _drawn(table: DataTable) -> list[list[tuple[str, object]]]:
    """Each line's segments: text and style (with the cell's row and column in its meta)."""
    lines = table.render_lines(Region(0, 0, *table.outer_size))
    return [[(segment.text, segment.style) for segment in strip] for strip in lines]


async def _as_drawn(table_class: type[DataTable]) -> list[list[list[tuple[str, object]]]]:
    """The table as drawn at first; with more rows than it has room for; with the cursor
    moved; scrolled with a hover; blurred; and in a narrower terminal."""
    app = OneTable(table_class)
    async with app.run_test(size=(60, 16)) as pilot:
        table = app.query_one(DataTable)
        await pilot.pause()
        drawn = [_drawn(table)]
        add_rows(table, ROWS[FIRST:])
        await pilot.pause()
        drawn.append(_drawn(table))
        table.cursor_coordinate = Coordinate(3, 0)
        await pilot.pause()
        drawn.append(_drawn(table))
        table.scroll_to(y=10, animate=False)
        table._set_hover_cursor(True)
        table.hover_coordinate = Coordinate(12, 1)
        await pilot.pause()
        drawn.append(_drawn(table))
        table.blur()
        await pilot.pause()
        drawn.append(_drawn(table))
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        drawn.append([*_drawn(table), [("extent", table.virtual_size)]])
    return drawn


async def test_the_quick_table_draws_as_textuals_own_with_cursor_and_stripes():
    quick, plain = await _as_drawn(QuickTable), await _as_drawn(DataTable)
    assert len(quick) == len(plain) == 6
    for quick_lines, plain_lines in zip(quick, plain, strict=True):
        assert quick_lines == plain_lines
    assert all(quick[step] != quick[step + 1] for step in range(5))  # each drew anew
