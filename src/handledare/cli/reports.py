"""Commands that hand figures and papers onward: `export`, `report`, `certificate`, `plan`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from handledare.cli.access import add_sign_in, open_store, sign_in
from handledare.cli.output import say, table
from handledare.cli.parsing import Commands, command, group
from handledare.config import Settings
from handledare.errors import InputError
from handledare.i18n import _, ngettext


def register(commands: Commands) -> None:
    export = group(commands, "export", _("exports for other programs"))
    signoffs = command(
        export,
        "signoffs",
        _("every item event as CSV for Excel (see docs/exports.md)"),
        _export_signoffs,
    )
    signoffs.add_argument("--unit", help=_("only this unit"))
    signoffs.add_argument("--from", dest="first", help=_("from this date, YYYY-MM-DD"))
    signoffs.add_argument("--to", dest="last", help=_("up to and including this date"))
    signoffs.add_argument("--out", type=Path, required=True, help=_("the CSV file to write"))
    add_sign_in(signoffs)

    report = group(commands, "report", _("follow-up figures"))
    monthly = command(report, "monthly", _("one month per unit"), _report_monthly)
    monthly.add_argument("--month", required=True, help=_("the month, YYYY-MM"))
    monthly.add_argument("--unit", help=_("only this unit"))
    monthly.add_argument("--out", type=Path, help=_("also write the table as CSV"))
    add_sign_in(monthly)

    certificate = command(
        commands,
        "certificate",
        _("the introduction certificate of a substitute, as PDF"),
        _certificate,
    )
    certificate.add_argument("person", metavar=_("PERSON"), help=_("name, employee number or id"))
    certificate.add_argument("--out", type=Path, required=True, help=_("the PDF file to write"))
    add_sign_in(certificate)
    plan = command(
        commands,
        "plan",
        _("a substitute's own plan (Min introduktion) in their language beside Swedish, as PDF"),
        _plan,
    )
    plan.add_argument("person", metavar=_("PERSON"), help=_("name, employee number or id"))
    plan.add_argument("--out", type=Path, required=True, help=_("the PDF file to write"))
    add_sign_in(plan)


def parse_day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            _("{what}: write the date as YYYY-MM-DD, e.g. 2026-11-22.").format(what=what)
        ) from None


def _unit_id(store, name: str | None) -> str | None:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people

    return people.find_unit(store, name).id if name else None


def _export_signoffs(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services.exports import export_signoffs

    store = open_store(settings)
    actor = sign_in(store, args)
    count = export_signoffs(
        store,
        actor,
        args.out,
        _unit_id(store, args.unit),
        parse_day(args.first, "--from"),
        parse_day(args.last, "--to"),
    )
    say(
        ngettext("Wrote {count} row to {path}.", "Wrote {count} rows to {path}.", count).format(
            count=count, path=args.out
        )
    )
    return 0


def _report_monthly(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services.exports import write_csv
    from handledare.services.reports import (
        REPORT_COLUMNS,
        monthly_report,
        report_headings,
        report_rows,
    )

    store = open_store(settings)
    actor = sign_in(store, args)
    report = monthly_report(store, actor, args.month, _unit_id(store, args.unit))
    rows = report_rows(report)
    table(list(report_headings()), [[str(cell) for cell in row] for row in rows])
    if args.out:
        write_csv(args.out, REPORT_COLUMNS, rows)
        say(_("Also written to {path}.").format(path=args.out))
    return 0


def _certificate(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people
    from handledare.services.certificate import write_certificate

    store = open_store(settings)
    actor = sign_in(store, args)
    person = people.find_person(store, actor, args.person)
    pages = write_certificate(store, actor, person.id, args.out, date.today())
    say(
        ngettext(
            "Wrote the certificate for {name} to {path} ({pages} page).",
            "Wrote the certificate for {name} to {path} ({pages} pages).",
            pages,
        ).format(name=person.name, path=args.out, pages=pages)
    )
    return 0


def _plan(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.cli.access import open_store, sign_in
    from handledare.services import people
    from handledare.services.plan import plan_of_person
    from handledare.services.plan_pdf import write_plan

    store = open_store(settings)
    actor = sign_in(store, args)
    person = people.find_person(store, actor, args.person)
    pages = write_plan(plan_of_person(store, actor, person.id), args.out, date.today())
    say(
        ngettext(
            "Wrote the plan for {name} to {path} ({pages} page).",
            "Wrote the plan for {name} to {path} ({pages} pages).",
            pages,
        ).format(name=person.name, path=args.out, pages=pages)
    )
    return 0
