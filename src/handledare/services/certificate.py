"""The introduction certificate (introduktionsintyg) for the personnel file, as PDF.

fpdf2 is imported only here, when a certificate is made, so that starting
the app never pays for it. The embedded DejaVu Sans covers Swedish and the
other Latin, Greek and Cyrillic letters that substitutes' names use.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from handledare.domain.actor import Actor
from handledare.domain.events import EventType
from handledare.errors import NotFoundError
from handledare.i18n import _, current_language, format_date, format_datetime
from handledare.services import onboarding, people
from handledare.services.exports import write_whole
from handledare.store.eventlog import Store
from handledare.text import printable

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVu"


def write_certificate(store: Store, actor: Actor, person_id: str, out: Path, today: date) -> int:
    """Write the certificate of the person's latest onboarding; return the page count."""
    from fpdf import FPDF  # only when a certificate is made: starting never pays for fpdf2

    person = next((p for p in people.list_people(store, actor) if p.id == person_id), None)
    started = onboarding.onboardings_of_person(store, actor, person_id) if person else []
    if person is None or not started:
        raise NotFoundError(_("This substitute has no checklist to certify yet."))
    progress = onboarding.progress(store, actor, started[-1])
    history = onboarding.history(store, actor, started[-1])
    names: dict[str | None, str] = {user.id: user.name for user in people.list_users(store)}
    language = current_language()
    template = progress.template

    person_name = person.name

    class Certificate(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font(FONT, size=8)
            self.cell(
                0,
                10,
                _("{name} · printed {date} · page {page} of {pages}").format(
                    name=printable(person_name),
                    date=format_date(today),
                    page=self.page_no(),
                    pages="{nb}",
                ),
                align="C",
            )

    pdf = Certificate(format="A4")
    pdf.set_title(_("Introduction certificate"))
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()

    def line(text: str, size: int = 10, bold: bool = False, gap: float = 0) -> None:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        if gap:
            pdf.ln(gap)

    line(_("Introduction certificate"), 18, bold=True, gap=4)
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

    for section in template.sections:
        signed = [
            (item, state.signed_at, state.signed_by)
            for item in section.items
            if (state := progress.states.get(item.key)) and state.signed_at is not None
        ]
        line(section.title.get(language), 12, bold=True)
        if not signed:
            line(_("No items signed off in this section."), gap=2)
            continue
        for item, signed_at, signed_by in signed:
            line(
                "✓ "
                + item.title.get(language)
                + " — "
                + _("{date}, {name}").format(
                    date=format_date(signed_at.astimezone().date()),
                    name=printable(names.get(signed_by, "?")),
                ),
                9,
            )
        pdf.ln(2)

    line(_("Acknowledgement"), 12, bold=True)
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

    line(_("Approval to work alone"), 12, bold=True)
    if progress.approved_at:
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
    else:
        line(_("Not approved yet."))

    write_whole(out, lambda partial: pdf.output(str(partial)))
    return pdf.page_no()
