"""The introduction certificate (introduktionsintyg) for the personnel file, as PDF.

Only a person approved to work alone gets a certificate; anyone else gets a status
report under another title that lists what is still open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from handledare.domain.actor import Actor
from handledare.domain.events import EventType
from handledare.errors import NotFoundError
from handledare.i18n import _, current_language, format_date, format_datetime
from handledare.services import onboarding, people
from handledare.services.exports import write_whole
from handledare.services.paper import FONT, new_paper, write_line
from handledare.store.eventlog import Store
from handledare.text import printable

if TYPE_CHECKING:
    from fpdf import FPDF

# Room a heading needs below it (its own line and the first of its items), in mm, so
# that a heading never stands alone at the foot of a page.
HEADING_ROOM = 16
# The two signature blocks, kept on one page.
SIGNATURES_ROOM = 48


def write_certificate(
    store: Store,
    actor: Actor,
    person_id: str,
    out: Path,
    today: date,
    organisation: str = "",
) -> int:
    """Write the person's latest onboarding as PDF; return the page count.

    Approved to work alone: the introduction certificate, with signature lines. Not yet
    approved: a status report under its own title that lists what is still open, so it
    can never be taken for a certificate.
    """
    person = next((p for p in people.list_people(store, actor) if p.id == person_id), None)
    started = onboarding.onboardings_of_person(store, actor, person_id) if person else []
    if person is None or not started:
        raise NotFoundError(_("This substitute has no checklist to certify yet."))
    progress = onboarding.progress(store, actor, started[-1])
    history = onboarding.history(store, actor, started[-1])
    names: dict[str | None, str] = {user.id: user.name for user in people.list_users(store)}
    language = current_language()
    template = progress.template
    approved = progress.approved_at is not None
    title = _("Introduction certificate") if approved else _("Introduction in progress: status")

    pdf = new_paper(
        title,
        lambda page: _("{name} · printed {date} · page {page} of {pages}").format(
            name=printable(person.name), date=format_date(today), page=page, pages="{nb}"
        ),
    )

    def line(text: str, size: int = 10, bold: bool = False, gap: float = 0) -> None:
        write_line(pdf, text, size, bold, gap)

    def heading(text: str, size: int = 12, room: float = HEADING_ROOM) -> None:
        if pdf.will_page_break(room):
            pdf.add_page()
        line(text, size, bold=True)

    line(printable(organisation) if organisation else _("Employer: ______________________"), 11)
    pdf.ln(2)
    line(title, 18, bold=True, gap=4)
    line(printable(person.name), 14, bold=True)
    facts = [
        _("Unit: {unit}").format(unit=printable(person.unit_name)),
        _("Employment: {kind}").format(kind=person.employment_type.label),
        _("Start date: {date}").format(date=format_date(person.start_date)),
    ]
    if person.employee_number:
        facts.append(_("Employee number: {number}").format(number=person.employee_number))
    line(" · ".join(facts))
    line(
        _("Checklist: {title}, version {version}").format(
            title=template.title.get(language), version=template.version
        ),
        gap=4,
    )
    if not approved:
        line(
            _(
                "This is not a certificate: {name} is not yet approved to work alone. "
                "What is still open is listed at the end."
            ).format(name=printable(person.name)),
            bold=True,
            gap=4,
        )

    numbers = template.numbers()
    for section in template.sections:
        signed = [
            (item, state, state.signed_at)
            for item in section.items
            if (state := progress.states.get(item.key)) is not None and state.signed_at is not None
        ]
        heading(section.title.get(language))
        if not signed:
            line(_("No items signed off in this section."), gap=2)
            continue
        for item, state, signed_at in signed:
            signer = _("{date}, {name}").format(
                date=format_date(signed_at.astimezone().date()),
                name=printable(names.get(state.signed_by, "?")),
            )
            title = f"{numbers[item.key]} {item.title.get(language)}"
            if state.not_applicable:
                line(
                    "– "
                    + title
                    + " — "
                    + _("not applicable: {reason}").format(reason=printable(state.reason or ""))
                    + f" ({signer})",
                    9,
                )
                continue
            line(f"✓ {title} — {signer}", 9)
            if state.evidence is not None:
                line("    " + printable(state.evidence.summary()), 8)
        pdf.ln(2)

    heading(_("Acknowledgement"))
    acknowledgements = [entry for entry in history if entry.type is EventType.ACKNOWLEDGED]
    for entry in acknowledgements:
        text = _("{when}: acknowledged by the substitute as {name}").format(
            when=format_datetime(entry.at), name=printable(entry.data["typed_name"])
        )
        if entry.data.get("comment"):
            text += " — " + printable(entry.data["comment"])
        line(text)
    if not acknowledgements:
        line(_("Not acknowledged yet."))
    pdf.ln(2)

    heading(_("Approval to work alone"))
    if progress.approved_at is not None:
        line(
            _("Approved {when} by {name}.").format(
                when=format_datetime(progress.approved_at),
                name=printable(names.get(progress.approved_by, "?")),
            )
        )
        if progress.approval_override:
            line(
                _("Approved with required items open. Reason: {reason}").format(
                    reason=printable(progress.approval_override)
                )
            )
        _signature_lines(pdf, line)
    else:
        line(_("Not approved yet."), gap=2)
        _still_open(progress, language, numbers, heading, line)

    write_whole(out, lambda partial: pdf.output(str(partial)))
    return pdf.page_no()


def _still_open(
    progress: onboarding.Progress,
    language: str,
    numbers: dict[str, str],
    heading: Callable[..., None],
    line: Callable[..., None],
) -> None:
    """Every item not signed off yet, by section; those required before working alone said so."""
    heading(_("Still open"), room=2 * HEADING_ROOM)  # with the first section's heading
    required = {item.key for item in progress.required_open}
    for section in progress.template.sections:
        open_items = [
            item
            for item in section.items
            if (state := progress.states.get(item.key)) is None or state.signed_at is None
        ]
        if not open_items:
            continue
        heading(section.title.get(language), 10)
        for item in open_items:
            text = f"○ {numbers[item.key]} {item.title.get(language)}"
            if item.key in required:
                text += " — " + _("required before working alone")
            line(text, 9)


def _signature_lines(pdf: FPDF, line: Callable[..., None]) -> None:
    """Lines to sign by hand for the supervisor and the manager, side by side."""
    if pdf.will_page_break(SIGNATURES_ROOM):
        pdf.add_page()
    pdf.ln(6)
    line(_("Signatures"), 12, bold=True, gap=2)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    top = pdf.get_y()
    for column, role in enumerate((_("Competence supervisor"), _("Unit manager"))):
        x = pdf.l_margin + column * half
        pdf.set_xy(x, top)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(half - 10, 6, role, new_x="LEFT", new_y="NEXT")
        for caption in (_("Signature"), _("Name in print"), _("Date")):
            pdf.ln(8)
            pdf.set_x(x)
            pdf.set_font(FONT, "", 10)
            pdf.cell(half - 10, 5, "_" * 32, new_x="LEFT", new_y="NEXT")
            pdf.set_font(FONT, "", 8)
            pdf.cell(half - 10, 4, caption, new_x="LEFT", new_y="NEXT")
