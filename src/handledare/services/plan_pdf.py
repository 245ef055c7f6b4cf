"""The substitute's plan as a printable PDF: their language beside Swedish, step by step."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from handledare.domain.enums import PlanStatus
from handledare.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_date, language_name
from handledare.services.exports import write_whole
from handledare.services.paper import FONT, new_paper, write_line
from handledare.services.plan import (
    DONE_COUNT,
    LINK,
    MORE,
    NEXT_HEADING,
    NEXT_SHOWN,
    NOTHING_NEXT,
    STEP_HEADING,
    TITLE,
    Plan,
    PlanItem,
    Said,
    item_line,
    status_line,
)
from handledare.text import printable

# A mark beside each item, so that its state reads without colour.
STATUS_MARKS = {
    PlanStatus.DONE: "✓",
    PlanStatus.NOT_APPLICABLE: "–",
    PlanStatus.NEXT: "→",
    PlanStatus.WAITING: "◌",
    PlanStatus.LATER: "·",
}


def column_heading(language: str) -> str:
    """A language's name in itself where the app speaks it, otherwise in Swedish: the font
    has no shaping for scripts such as Arabic (see docs/templates.md)."""
    return language_name(
        language, language if language in LANGUAGES else DEFAULT_LANGUAGE
    ).capitalize()


def both(plan: Plan, said: Said) -> str:
    """Both sides on one line, the person's language first."""
    return " · ".join(getattr(said, side) for side, _language in plan.sides())


def entry_text(plan: Plan, entry: PlanItem, side: str, language: str) -> str:
    """An item in one language: number, title, where and how long; its state; its link."""
    lines = [item_line(plan, entry, language), status_line(plan, entry, language)]
    if entry.item.link and entry.left:
        lines.append(getattr(plan.said(LINK, link=entry.item.link), side))
    return "\n".join(printable(line) for line in lines)


def write_plan(plan: Plan, out: Path, today: date) -> int:
    """Write the plan; return the page count."""
    title = both(plan, plan.said(TITLE))
    pdf = new_paper(
        title, lambda page: f"{printable(plan.person_name)} · {format_date(today)} · {page}/{{nb}}"
    )
    write_line(pdf, title, 18, bold=True, gap=2)
    write_line(pdf, printable(plan.person_name), 14, bold=True)
    write_line(pdf, printable(plan.unit_name))
    write_line(pdf, both(plan, Said.of_text(plan.template.title, plan.language)), gap=3)
    write_line(
        pdf, both(plan, plan.said(DONE_COUNT, done=plan.done, total=len(plan.entries))), 11, True
    )
    write_line(pdf, both(plan, plan.time_left()), 11, bold=True, gap=3)

    write_line(pdf, both(plan, plan.said(NEXT_HEADING)), 13, bold=True)
    if not plan.next:
        write_line(pdf, both(plan, plan.said(NOTHING_NEXT)))
    for entry in plan.next[:NEXT_SHOWN]:
        titles = Said.of_text(entry.item.title, plan.language)
        write_line(pdf, printable(f"→ {entry.number} {both(plan, titles)}"))
    if len(plan.next) > NEXT_SHOWN:
        write_line(pdf, both(plan, plan.said(MORE, count=len(plan.next) - NEXT_SHOWN)))
    pdf.ln(3)

    sides = plan.sides()
    widths = (8, *([182 / len(sides)] * len(sides)))
    for step in plan.steps:
        heading = plan.said(
            STEP_HEADING, number=step.number, step=Said.of_label(step.step, plan.language)
        )
        write_line(pdf, f"{both(plan, heading)}  ({step.done}/{len(step.items)})", 12, True)
        pdf.set_font(FONT, size=9)
        with pdf.table(
            col_widths=widths, first_row_as_headings=True, text_align="LEFT", line_height=4.5
        ) as table:
            header = table.row()
            header.cell("")
            for _side, language in sides:
                header.cell(column_heading(language))
            for entry in step.items:
                row = table.row()
                row.cell(STATUS_MARKS[entry.status])
                for side, language in sides:
                    row.cell(entry_text(plan, entry, side, language))
        pdf.ln(3)

    write_whole(out, lambda partial: pdf.output(str(partial)))
    return pdf.page_no()
