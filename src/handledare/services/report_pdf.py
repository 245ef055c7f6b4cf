"""The monthly report as a printable PDF: the figures per unit, and a year of months as bars.

Beside the CSV (for Excel) a unit manager gets a page to print or attach: the same
table in the user's language, then checklists started and approved per month for the
twelve months up to the report's month, each bar with its figure and month name.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from handledare.domain.actor import Actor
from handledare.i18n import _, format_date, format_month
from handledare.services.exports import write_whole
from handledare.services.overview import MonthCount, started_and_approved
from handledare.services.paper import FONT, FONT_DIR
from handledare.services.reports import monthly_report, parse_month, report_headings, report_rows
from handledare.store.eventlog import Store

if TYPE_CHECKING:
    from fpdf import FPDF

STARTED_RGB = (30, 110, 200)
APPROVED_RGB = (40, 150, 60)
CHART_HEIGHT = 50  # mm for the tallest bar


def write_monthly_pdf(
    store: Store, actor: Actor, month: str, out: Path, today: date, unit_id: str | None = None
) -> None:
    """Write the month's report for the actor's units (or one unit) to `out`."""
    from fpdf import FPDF  # loaded only when a report is made

    first, last = parse_month(month)
    rows = report_rows(monthly_report(store, actor, month, unit_id))
    months = started_and_approved(store, actor, last)

    pdf = FPDF(format="A4")
    pdf.set_title(_("Monthly report {month}").format(month=format_month(month, with_year=True)))
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, pdf.title or "", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(
        0,
        6,
        _("{first} – {last} · printed {today}").format(
            first=format_date(first), last=format_date(last), today=format_date(today)
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    _table(pdf, report_headings(), rows)
    pdf.ln(8)
    _chart(pdf, months)
    write_whole(out, lambda partial: pdf.output(str(partial)))


def _table(pdf: FPDF, headings: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    pdf.set_font(FONT, "", 8)
    with pdf.table(
        col_widths=(40, *[25] * (len(headings) - 1)),
        text_align=("LEFT", *["RIGHT"] * (len(headings) - 1)),
        line_height=6,
    ) as table:
        for row in (headings, *rows):
            line = table.row()
            for cell in row:
                line.cell(str(cell))


def _chart(pdf: FPDF, months: list[MonthCount]) -> None:
    """Two bars a month, figures on top, month names below; a legend above."""
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, _("Checklists started and approved per month"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for rgb, label in ((STARTED_RGB, _("Started")), (APPROVED_RGB, _("Approved"))):
        pdf.set_fill_color(*rgb)
        pdf.rect(pdf.get_x(), pdf.get_y() + 1.5, 4, 3, style="F")
        pdf.set_x(pdf.get_x() + 5)
        pdf.cell(30, 6, label)
    pdf.ln(8)
    top = max([m.started for m in months] + [m.approved for m in months] + [1])
    left, base = pdf.l_margin, pdf.get_y() + CHART_HEIGHT + 6
    slot = (pdf.w - pdf.l_margin - pdf.r_margin) / max(len(months), 1)
    bar = slot * 0.32
    for index, month in enumerate(months):
        x = left + index * slot + slot * 0.12
        for offset, value, rgb in (
            (0, month.started, STARTED_RGB),
            (bar, month.approved, APPROVED_RGB),
        ):
            height = CHART_HEIGHT * value / top
            pdf.set_fill_color(*rgb)
            if value:
                pdf.rect(x + offset, base - height, bar, height, style="F")
            pdf.set_xy(x + offset - 1, base - height - 5)
            pdf.cell(bar + 2, 5, str(value), align="C")
        pdf.set_xy(left + index * slot, base + 1)
        pdf.cell(slot, 5, format_month(month.month), align="C")
    pdf.set_draw_color(120, 120, 120)
    pdf.line(left, base, pdf.w - pdf.r_margin, base)
    pdf.set_xy(left, base + 7)
