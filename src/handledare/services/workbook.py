"""The exports as an Excel workbook (xlsx), for people who open them in Excel as they are;
`write_table` writes either that or the CSV.

openpyxl is imported only here, when a workbook is written, so that starting the app
never pays for it. Dates and times are real date cells, numbers are numbers, and text
is always stored as text: a name typed as `=HYPERLINK(...)` is shown, never run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from handledare.services.exports import visible_text, write_csv, write_whole

# Wide enough for a name or a title, narrow enough that a long note does not push the
# other columns off the screen (it wraps in its cell when opened).
MAX_COLUMN_WIDTH = 60
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"


def _shown_width(value: object) -> int:
    if isinstance(value, datetime):
        return len(DATE_TIME_FORMAT)
    if isinstance(value, date):
        return len(DATE_FORMAT)
    return max((len(line) for line in str(value).split("\n")), default=0)


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """One sheet: a bold, frozen header row, then the rows; return the rows written."""
    # Only when a workbook is written: neither the app nor a CSV export loads openpyxl.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(name) for name in header]
    count = 0
    for row in rows:
        count += 1
        sheet.append([visible_text(v) if isinstance(v, str) else v for v in row])
        for column, (cell, value) in enumerate(zip(sheet[sheet.max_row], row, strict=True)):
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl takes text starting with "=" for a formula
            elif isinstance(value, datetime):
                cell.number_format = DATE_TIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            widths[column] = max(widths[column], _shown_width(value))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_COLUMN_WIDTH)
    write_whole(path, lambda partial: book.save(partial))
    return count


def write_table(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], kind: str = "csv"
) -> int:
    """CSV for Swedish Excel, or with `kind="xlsx"` a workbook; return the rows written."""
    if kind == "xlsx":
        return write_xlsx(path, header, rows)
    return write_csv(path, header, rows)
