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
        _("every item event as CSV or xlsx for Excel (see docs/exports.md)"),
        _export_signoffs,
    )
    signoffs.add_argument("--unit", help=_("only this unit"))
    signoffs.add_argument("--from", dest="first", help=_("from this date, YYYY-MM-DD"))
    signoffs.add_argument("--to", dest="last", help=_("up to and including this date"))
    signoffs.add_argument("--out", type=Path, required=True, help=_("the file to write"))
    _add_format(signoffs)
    add_sign_in(signoffs)

    report = group(commands, "report", _("follow-up figures"))
    monthly = command(report, "monthly", _("one month per unit"), _report_monthly)
    monthly.add_argument("--month", required=True, help=_("the month, YYYY-MM"))
    monthly.add_argument("--unit", help=_("only this unit"))
    monthly.add_argument("--out", type=Path, help=_("also write the table as CSV or xlsx"))
    _add_format(monthly)
    monthly.add_argument(
        "--pdf", type=Path, help=_("also write a printable report with a chart, as PDF")
    )
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


def _add_format(parser) -> None:
    parser.add_argument(
        "--format",
        choices=("csv", "xlsx"),
        help=_("csv (Swedish Excel's CSV) or xlsx (an Excel workbook); by default from --out"),
    )


def _format(args) -> str:
    """--format, or what the name of --out says (`.xlsx`), else CSV."""
    if args.format:
        return args.format
    return "xlsx" if args.out and args.out.suffix.lower() == ".xlsx" else "csv"


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
    from handledare.services.exports import SIGNOFF_COLUMNS, signoff_rows
    from handledare.services.workbook import write_table

    store = open_store(settings)
    actor = sign_in(store, args)
    rows = signoff_rows(
        store,
        actor,
        _unit_id(store, args.unit),
        parse_day(args.first, "--from"),
        parse_day(args.last, "--to"),
        workstation_names={store.workstation_id: settings.workstation_name},
    )
    count = write_table(args.out, SIGNOFF_COLUMNS, rows, _format(args))
    say(
        ngettext("Wrote {count} row to {path}.", "Wrote {count} rows to {path}.", count).format(
            count=count, path=args.out
        )
    )
    return 0


def _report_monthly(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services.reports import (
        REPORT_COLUMNS,
        monthly_report,
        report_headings,
        report_rows,
    )
    from handledare.services.workbook import write_table

    store = open_store(settings)
    actor = sign_in(store, args)
    unit_id = _unit_id(store, args.unit)
    report = monthly_report(store, actor, args.month, unit_id)
    rows = report_rows(report)
    table(list(report_headings()), [[str(cell) for cell in row] for row in rows])
    if args.out:
        write_table(args.out, REPORT_COLUMNS, rows, _format(args))
        say(_("Also written to {path}.").format(path=args.out))
    if args.pdf:
        from handledare.services.report_pdf import write_monthly_pdf  # loads fpdf2 only here

        write_monthly_pdf(store, actor, args.month, args.pdf, date.today(), unit_id)
        say(_("Also written to {path}.").format(path=args.pdf))
    return 0


def _certificate(args, settings: Settings) -> int:
    # Imported here, not at the top, for start time (see cli/__init__.py).
    from handledare.services import people
    from handledare.services.certificate import write_certificate

    store = open_store(settings)
    actor = sign_in(store, args)
    person = people.find_person(store, actor, args.person)
    pages = write_certificate(
        store, actor, person.id, args.out, date.today(), settings.organisation
    )
    say(
        ngettext(
            "Wrote the certificate for {name} to {path} ({pages} page).",
            "Wrote the certificate for {name} to {path} ({pages} pages).",
            pages,
        ).format(name=person.name, path=args.out, pages=pages)
    )
    if not settings.organisation:
        say(
            _(
                "No employer is set (organisation in config.toml, see README), so the "
                "certificate has a line to write it in by hand."
            )
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
