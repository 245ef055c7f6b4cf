"""The introduction certificate (introduktionsintyg) for the personnel file, as PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from handledare.domain.actor import Actor
from handledare.domain.events import EventType
from handledare.errors import NotFoundError
from handledare.i18n import _, current_language, format_date, format_datetime
from handledare.services import onboarding, people
from handledare.services.exports import write_whole
from handledare.services.paper import new_paper, write_line
from handledare.store.eventlog import Store
from handledare.text import printable


def write_certificate(store: Store, actor: Actor, person_id: str, out: Path, today: date) -> int:
    """Write the certificate of the person's latest onboarding; return the page count."""
    person = next((p for p in people.list_people(store, actor) if p.id == person_id), None)
    started = onboarding.onboardings_of_person(store, actor, person_id) if person else []
    if person is None or not started:
        raise NotFoundError(_("This substitute has no checklist to certify yet."))
    progress = onboarding.progress(store, actor, started[-1])
    history = onboarding.history(store, actor, started[-1])
    names: dict[str | None, str] = {user.id: user.name for user in people.list_users(store)}
    language = current_language()
    template = progress.template

    pdf = new_paper(
        _("Introduction certificate"),
        lambda page: _("{name} · printed {date} · page {page} of {pages}").format(
            name=printable(person.name), date=format_date(today), page=page, pages="{nb}"
        ),
    )

    def line(text: str, size: int = 10, bold: bool = False, gap: float = 0) -> None:
        write_line(pdf, text, size, bold, gap)

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

    numbers = template.numbers()
    for section in template.sections:
        signed = [
            (item, state, state.signed_at)
            for item in section.items
            if (state := progress.states.get(item.key)) is not None and state.signed_at is not None
        ]
        line(section.title.get(language), 12, bold=True)
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
